import Foundation
import GageKit
import GageTestSupport
import Testing

/// A run that has started can never start again (docs/run-layout.md).
@Suite("A run starts only once")
struct StartOnceTests {
  let quiet = OutputOptions(echo: false)

  /// A staged run of `echo hi`, with no project source.
  static func stagedRun(in tmp: TempDir) throws -> Run {
    let command = CommandSpec.shell("echo hi >> ran.txt")
    let opdef = OpDef(
      name: "op", exec: ExecSpec(commands: [.run: command]), raw: .object(["exec": command.json]))
    let run = try RunLifecycle.makeRun(
      opref: OpRef(namespace: "p", name: "op"), runsDir: tmp.path("runs"))
    try RunLifecycle.initRunMeta(run, opdef: opdef, config: [:], command: RunCommand(command))
    try RunLifecycle.stageRun(run, projectDir: nil, output: OutputOptions(echo: false))
    return run
  }

  static func isConflict(_ error: GageError?) -> Bool {
    if case .conflict = error { return true }
    return false
  }

  @Test("execRun twice on the same run: the second is a conflict and runs nothing")
  func execTwice() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = try Self.stagedRun(in: tmp)
    #expect(try RunLifecycle.execRun(run, output: quiet) == 0)
    let started = try readFile(run.metaPath(MetaFile.started))

    let error = #expect(throws: GageError.self) { try RunLifecycle.execRun(run, output: quiet) }
    #expect(Self.isConflict(error), "\(String(describing: error))")
    #expect(try readFile(FileIO.join(run.runDir, "ran.txt")) == "hi\n", "the command ran once")
    #expect(try readFile(run.metaPath(MetaFile.started)) == started, "started is written once")
  }

  @Test("A finalized run cannot start again")
  func execAfterFinalize() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = try Self.stagedRun(in: tmp)
    let code = try RunLifecycle.execRun(run, output: quiet)
    try RunLifecycle.finalizeRun(run, exitCode: code, output: quiet)
    let error = #expect(throws: GageError.self) { try RunLifecycle.execRun(run, output: quiet) }
    #expect(Self.isConflict(error))
    #expect(run.status == .completed)
  }

  @Test("A run that is not staged cannot start")
  func execUnstaged() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let command = CommandSpec.shell("echo hi")
    let run = try RunLifecycle.makeRun(
      opref: OpRef(namespace: "p", name: "op"), runsDir: tmp.path("runs"))
    try RunLifecycle.initRunMeta(
      run, opdef: OpDef(name: "op", raw: .object(["exec": command.json])), config: [:],
      command: RunCommand(command))
    let error = #expect(throws: GageError.self) { try RunLifecycle.execRun(run, output: quiet) }
    #expect(Self.isConflict(error))
    #expect(!FileIO.exists(run.metaPath(MetaFile.started)))
    #expect(run.status == .pending)
  }

  @Test("Two runners racing to start the same staged run: exactly one wins")
  func racingStarts() async throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = try Self.stagedRun(in: tmp)
    let outcomes = await withTaskGroup(of: Bool.self) { group in
      for _ in 0..<4 {
        group.addTask {
          (try? RunLifecycle.execRun(run, output: OutputOptions(echo: false))) != nil
        }
      }
      var wins: [Bool] = []
      for await won in group { wins.append(won) }
      return wins
    }
    #expect(outcomes.filter { $0 }.count == 1)
    #expect(try readFile(FileIO.join(run.runDir, "ran.txt")) == "hi\n")
  }

  @Test("Making a run with an id that exists is refused")
  func makeRunTwice() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let id = RunID.make()
    _ = try RunLifecycle.makeRun(
      opref: OpRef(namespace: "p", name: "op"), runsDir: tmp.path("runs"), id: id)
    #expect(throws: GageError.self) {
      try RunLifecycle.makeRun(
        opref: OpRef(namespace: "p", name: "op"), runsDir: tmp.path("runs"), id: id)
    }
  }
}
