import Foundation
import GageKit
import GageTestSupport
import Testing

/// Status rules (docs/run-layout.md), from meta files written by hand: `proc/exit`, else a live runner,
/// else the timestamps.
@Suite("Run status")
struct RunStatusTests {
  /// A run whose meta dir holds exactly `files` (path → content).
  static func handMadeRun(in tmp: TempDir, _ files: [String: String]) throws -> Run {
    let id = RunID.make()
    let run = Run(id: id, runDir: tmp.path(id))
    try FileIO.makeDirectories(run.runDir)
    try FileIO.makeDirectories(run.metaDir)
    for (name, content) in files {
      try writeFile(run.metaPath(name), content)
    }
    return run
  }

  static let stamp = "1700000000000000"

  @Test(
    "proc/exit decides: 0 completed, > 0 error, < 0 terminated",
    arguments: [
      ("0", RunStatus.completed), ("1", .error), ("127", .error), ("-2", .terminated),
      ("-15", .terminated),
    ])
  func exitCodes(exit: String, status: RunStatus) throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = try Self.handMadeRun(
      in: tmp,
      [
        MetaFile.initialized: Self.stamp, MetaFile.staged: Self.stamp, MetaFile.started: Self.stamp,
        MetaFile.exit: exit,
      ])
    #expect(run.status == status)
    #expect(run.exitCode == Int32(exit))
  }

  @Test("proc/exit wins over a live runner")
  func exitWinsOverRunner() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = try Self.handMadeRun(
      in: tmp,
      [
        MetaFile.started: Self.stamp,
        MetaFile.runner: RunnerIdentity.current().json.prettyPrinted(), MetaFile.exit: "0",
      ])
    #expect(run.status == .completed)
  }

  @Test("started without proc/exit and without a runner: terminated (it ran and never finished)")
  func startedWithoutRunner() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = try Self.handMadeRun(
      in: tmp,
      [
        MetaFile.initialized: Self.stamp, MetaFile.staged: Self.stamp, MetaFile.started: Self.stamp,
      ])
    #expect(run.status == .terminated)
  }

  @Test("started with a runner naming this live process: running")
  func liveRunner() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let me = RunnerIdentity.current()
    #expect(me.pid == getpid())
    #expect(me.startTime != nil, "the start time comes from /proc/<pid>/stat")
    let run = try Self.handMadeRun(
      in: tmp,
      [
        MetaFile.staged: Self.stamp, MetaFile.started: Self.stamp,
        MetaFile.runner: me.json.prettyPrinted(),
        MetaFile.lock: String(getpid()),
      ])
    #expect(run.status == .running)
    #expect(run.remoteRunnerHost == nil)
  }

  @Test("started with a runner whose PID is dead: terminated")
  func deadRunner() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let pid = try Command.exitedPID()
    let runner = RunnerIdentity(host: RunnerIdentity.hostName(), pid: pid, startTime: nil)
    let run = try Self.handMadeRun(
      in: tmp,
      [
        MetaFile.started: Self.stamp, MetaFile.runner: runner.json.prettyPrinted(),
        MetaFile.lock: String(pid),
      ])
    #expect(run.status == .terminated)
  }

  @Test("not staged yet: pending while its maker lives, terminated once it died; another host's stays pending")
  func killedBeforeStaging() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let alive = try Self.handMadeRun(
      in: tmp, [MetaFile.initialized: Self.stamp, MetaFile.runner: RunnerIdentity.current().json.prettyPrinted()])
    #expect(alive.status == .pending)
    let dead = RunnerIdentity(host: RunnerIdentity.hostName(), pid: try Command.exitedPID(), startTime: nil)
    let killed = try Self.handMadeRun(in: tmp, [MetaFile.initialized: Self.stamp, MetaFile.runner: dead.json.prettyPrinted()])
    #expect(killed.status == .terminated)
    let staged = try Self.handMadeRun(
      in: tmp, [MetaFile.staged: Self.stamp, MetaFile.runner: dead.json.prettyPrinted()])
    #expect(staged.status == .staged)
    let elsewhere = RunnerIdentity(host: "another-host.example", pid: 1, startTime: nil)
    let remote = try Self.handMadeRun(in: tmp, [MetaFile.runner: elsewhere.json.prettyPrinted()])
    #expect(remote.status == .pending)
  }

  @Test("A live PID with another start time is a reused PID, not the runner: terminated")
  func reusedPID() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    var runner = RunnerIdentity.current()
    runner.startTime = (runner.startTime ?? 1) + 1
    let run = try Self.handMadeRun(
      in: tmp,
      [
        MetaFile.started: Self.stamp, MetaFile.runner: runner.json.prettyPrinted(),
      ])
    #expect(run.status == .terminated)
  }

  @Test("A runner on another host: running, shown with that host")
  func remoteRunner() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let runner = RunnerIdentity(host: "elsewhere.example", pid: 4242, startTime: 1)
    let run = try Self.handMadeRun(
      in: tmp,
      [
        MetaFile.started: Self.stamp, MetaFile.runner: runner.json.prettyPrinted(),
      ])
    #expect(run.status == .running)
    #expect(run.remoteRunnerHost == "elsewhere.example")
  }

  @Test("staged only: staged")
  func stagedOnly() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = try Self.handMadeRun(
      in: tmp, [MetaFile.initialized: Self.stamp, MetaFile.staged: Self.stamp])
    #expect(run.status == .staged)
  }

  @Test("initialized only: pending")
  func initializedOnly() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = try Self.handMadeRun(in: tmp, [MetaFile.initialized: Self.stamp])
    #expect(run.status == .pending)
    #expect(run.exitCode == nil)
  }

  @Test("A staging runner that stays on after staging does not make a staged run look running")
  func stagedWithRunnerFile() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let pid = try Command.exitedPID()
    let runner = RunnerIdentity(host: RunnerIdentity.hostName(), pid: pid, startTime: nil)
    let run = try Self.handMadeRun(
      in: tmp,
      [
        MetaFile.staged: Self.stamp, MetaFile.runner: runner.json.prettyPrinted(),
      ])
    #expect(run.status == .staged)
  }

  @Test("Timestamps read back as epoch microseconds")
  func timestamps() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = try Self.handMadeRun(in: tmp, [MetaFile.initialized: Self.stamp])
    #expect(run.timestamp(MetaFile.initialized) == 1_700_000_000_000_000)
    #expect(run.timestamp(MetaFile.started) == nil)
  }
}
