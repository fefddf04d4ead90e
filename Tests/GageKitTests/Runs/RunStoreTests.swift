import Foundation
import GageKit
import GageTestSupport
import Testing

/// Finding runs in a runs dir, and resolving where the runs dir is (docs/runs-dir.md).
@Suite("Runs dir")
struct RunStoreTests {
  /// Writes a run's meta with `started` = `stamp`; returns the run.
  static func run(in runsDir: String, id: String, started stamp: Int64) throws -> Run {
    let run = Run(id: id, runDir: FileIO.join(runsDir, id))
    try FileIO.makeDirectories(run.runDir)
    try writeFile(run.metaPath(MetaFile.initialized), String(stamp))
    try writeFile(run.metaPath(MetaFile.started), String(stamp))
    try writeFile(run.metaPath(MetaFile.exit), "0")
    return run
  }

  @Test("Runs list newest first; anything that is not <uuid>.meta is ignored")
  func newestFirst() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let runsDir = try tmp.makeDir("runs")
    let old = try Self.run(in: runsDir, id: "60a825b1-0000-4000-8000-000000000001", started: 1_000)
    let new = try Self.run(in: runsDir, id: "7f000001-0000-4000-8000-000000000002", started: 2_000)
    try tmp.makeDir("runs/not-a-run.meta")
    try tmp.write("runs/notes.txt", "x")
    #expect(RunStore(path: runsDir).runs() == [new, old])
    #expect(RunStore(path: tmp.path("missing")).runs() == [])
  }

  @Test("Run specs: 1-based index, id prefix, name prefix")
  func select() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let runsDir = try tmp.makeDir("runs")
    let old = try Self.run(in: runsDir, id: "60a825b1-0000-4000-8000-000000000001", started: 1_000)
    let new = try Self.run(in: runsDir, id: "7f000001-0000-4000-8000-000000000002", started: 2_000)
    let store = RunStore(path: runsDir)
    #expect(try store.select("1") == new)
    #expect(try store.select("2") == old)
    #expect(try store.select("60a8") == old)
    #expect(try store.select("kafom") == old)
    #expect(try store.select("lusab-babad") == new)
  }

  @Test("Run specs that match nothing, or more than one run, are errors that say so")
  func selectErrors() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let runsDir = try tmp.makeDir("runs")
    _ = try Self.run(in: runsDir, id: "60a825b1-0000-4000-8000-000000000001", started: 1_000)
    _ = try Self.run(in: runsDir, id: "60a825b2-0000-4000-8000-000000000002", started: 2_000)
    let store = RunStore(path: runsDir)
    for spec in ["3", "0", "zzz"] {
      let error = #expect(throws: GageError.self) { try store.select(spec) }
      if case .notFound = error {
      } else {
        Issue.record("\(spec): expected not found, got \(String(describing: error))")
      }
    }
    let ambiguous = #expect(throws: GageError.self) { try store.select("60a825b") }
    #expect(
      ambiguous?.message.contains("matches 2 runs") == true, "\(String(describing: ambiguous))")
  }

  @Test(
    "Runs dir resolution order: --runs, $GAGE_RUNS, $RUNS_DIR, $runs-dir, <project>/.gage/runs, ~/.gage/runs"
  )
  func resolutionOrder() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    try tmp.write("project/gage.json", #"{"$runs-dir": "../shared-runs", "op": {"exec": "true"}}"#)
    try tmp.write("plain/gage.json", #"{"op": {"exec": "true"}}"#)
    let withRunsDir = try GageFile.load(path: tmp.path("project/gage.json"))
    let plain = try GageFile.load(path: tmp.path("plain/gage.json"))
    let env = ["GAGE_RUNS": "/g", "RUNS_DIR": "/r", "HOME": "/home/u"]

    #expect(RunsDirectory.resolve(option: "/o", environment: env, gageFile: withRunsDir) == "/o")
    #expect(RunsDirectory.resolve(option: nil, environment: env, gageFile: withRunsDir) == "/g")
    #expect(
      RunsDirectory.resolve(option: nil, environment: ["RUNS_DIR": "/r"], gageFile: withRunsDir)
        == "/r")
    #expect(
      RunsDirectory.resolve(option: nil, environment: [:], gageFile: withRunsDir)
        == tmp.path("shared-runs"))
    #expect(
      RunsDirectory.resolve(option: nil, environment: [:], gageFile: plain)
        == tmp.path("plain/.gage/runs"))
    #expect(
      RunsDirectory.resolve(option: nil, environment: ["HOME": "/home/u"], gageFile: nil)
        == "/home/u/.gage/runs")
    #expect(
      RunsDirectory.resolve(option: "", environment: ["GAGE_RUNS": ""], gageFile: plain)
        == tmp.path("plain/.gage/runs"))
  }
}
