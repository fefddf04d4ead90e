import Foundation
import GageTestSupport
import Testing

@testable import GageKit

/// Runs whose meta is damaged or half-written read `unknown` with the reason; the others
/// list as usual. A runner that died leaves its run `terminated`, never `running`.
@Suite("Damaged and abandoned runs")
struct DamagedRunTests {
  static let base = Int64(1_767_225_600_000_000)

  static func record(_ made: HandMadeRun, in tmp: TempDir) throws -> RunRecord {
    let dir = tmp.path("runs")
    try made.write(in: dir)
    return try #require(RunCatalog(runsDir: dir).record(id: made.id))
  }

  @Test(
    "A damaged meta file makes the run unknown, with the reason",
    arguments: [
      (MetaFile.exit, "zero", "proc/exit holds \"zero\", not an exit code"),
      (MetaFile.exit, "", "proc/exit is empty"),
      (MetaFile.opref, "3 what", "opref holds \"3 what\", not an opref"),
      (MetaFile.started, "12ab", "started holds \"12ab\", not a timestamp"),
      (
        MetaFile.config, "{\"lr\": ",
        "config.json is not valid JSON (line 1, column 8: expected a value)"
      ),
    ])
  func damaged(file: String, content: String, reason: String) throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    var made = HandMadeRun(started: Self.base)
    made.meta[file] = content
    let record = try Self.record(made, in: tmp)
    #expect(record.status == .unknown)
    #expect(
      record.reason?.hasPrefix(reason.components(separatedBy: " (line").first ?? reason) == true,
      "\(record.reason ?? "-")")
  }

  @Test("A missing opref in a finished run is damage; the other runs still list")
  func missingOpref() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    var broken = HandMadeRun(started: Self.base)
    broken.meta[MetaFile.opref] = nil
    let fine = HandMadeRun(started: Self.base + 1)
    try fine.write(in: tmp.path("runs"))
    let record = try Self.record(broken, in: tmp)
    #expect(record.status == .unknown)
    #expect(record.reason == "opref is missing")
    #expect(record.operation == "?")
    let listing = RunListing(
      catalog: RunCatalog(runsDir: tmp.path("runs")), container: RunMoves.active)
    #expect(listing.records(0..<2).map(\.status) == [.completed, .unknown])
  }

  @Test("A lock whose process is gone reads terminated, with or without a runner identity")
  func deadLock() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dead = try Command.exitedPID()

    var legacy = HandMadeRun(started: Self.base, exit: nil)
    legacy.meta[MetaFile.lock] = String(dead)
    #expect(try Self.record(legacy, in: tmp).status == .terminated)

    // Older Gage records no runner: a live lock PID whose process started with the run.
    let myStart = try #require(ProcessStat(pid: getpid())?.startMicros)
    var live = HandMadeRun(started: myStart, exit: nil)
    live.meta[MetaFile.lock] = String(getpid())
    #expect(
      try Self.record(live, in: tmp).status == .running, "older Gage: a live lock PID that started with the run means running"
    )
    var reused = HandMadeRun(started: Self.base, exit: nil)
    reused.meta[MetaFile.lock] = String(getpid())
    #expect(
      try Self.record(reused, in: tmp).status == .terminated, "a live PID that started at another time is not the run's"
    )

    var recorded = HandMadeRun(started: Self.base, exit: nil)
    recorded.meta[MetaFile.lock] = String(getpid())
    recorded.meta[MetaFile.runner] = RunnerIdentity(
      host: RunnerIdentity.hostName(), pid: dead, startTime: nil
    )
    .json.prettyPrinted()
    #expect(
      try Self.record(recorded, in: tmp).status == .terminated,
      "the runner died; the lock's PID is not it")

    var elsewhere = HandMadeRun(started: Self.base, exit: nil)
    elsewhere.meta[MetaFile.runner] = RunnerIdentity(host: "far-away", pid: 1, startTime: 1).json
      .prettyPrinted()
    let remote = try Self.record(elsewhere, in: tmp)
    #expect(remote.status == .running)
    #expect(remote.host == "far-away")
  }

  @Test("An empty proc/exit under a live runner is being written: the run is still running")
  func exitBeingWritten() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    var made = HandMadeRun(started: Self.base, exit: nil)
    made.meta[MetaFile.runner] = RunnerIdentity.current().json.prettyPrinted()
    made.meta[MetaFile.exit] = ""
    #expect(try Self.record(made, in: tmp).status == .running)
  }

  @Test("Before and after the run phase: pending, staged")
  func early() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    var pending = HandMadeRun(started: Self.base, exit: nil)
    pending.meta[MetaFile.staged] = nil
    pending.meta[MetaFile.started] = nil
    #expect(try Self.record(pending, in: tmp).status == .pending)
    var staged = HandMadeRun(started: Self.base, exit: nil)
    staged.meta[MetaFile.started] = nil
    #expect(try Self.record(staged, in: tmp).status == .staged)
  }
}
