import Foundation
import GageKit
import GageTestSupport
import Testing

/// `Replayer` on real runs: a new run from the original's recorded source, operation and
/// command, compared file by file with the original.
@Suite("Replayer")
struct ReplayerTests {
  @Test("A deterministic run replays as reproduced: the same generated files, the same exit, replay.json naming the original")
  func reproducesADeterministicRun() throws {
    let (p, runs) = try LibraryRuns.project()
    defer { p.remove() }
    let original = runs[0]
    // Into another runs dir: the project is not read.
    let elsewhere = p.tmp.path("elsewhere/runs")
    let source = try ReplaySource(original)
    let outcome = try Replayer.replay(source, runsDir: elsewhere, echo: false)
    let comparison = outcome.comparison
    #expect(comparison.reproduced, "\(comparison.summary)")
    #expect(comparison.identical.sorted() == ["link", "out.txt", "sub/x.txt"], "\(comparison)")
    #expect(comparison.differ.isEmpty && comparison.missing.isEmpty && comparison.new.isEmpty)
    #expect(comparison.exit == 0 && comparison.originalExit == 0)
    #expect(outcome.run.id != original.id)
    #expect(outcome.run.status == .completed)
    #expect(RunStore(path: elsewhere).runs().map(\.id) == [outcome.run.id])
    #expect(try FileIO.readText(FileIO.join(outcome.run.runDir, "out.txt")) == LibraryRuns.output)
    let recorded = try JSONValue.read(path: outcome.run.metaPath(Replayer.metaFile))
    #expect(recorded["of"] == .string(original.id))
    #expect(recorded["reproduced"] == .bool(true))
    #expect(RunVerifier().verify(outcome.run).ok)
  }

  @Test("A run whose output changes every time is reported as differing, with the file; the rest is identical")
  func reportsADifferingRun() throws {
    let (p, runs) = try LibraryRuns.project(operation: "clock")
    defer { p.remove() }
    let outcome = try Replayer.replay(try ReplaySource(runs[0]), runsDir: p.runsDir, echo: false)
    let comparison = outcome.comparison
    #expect(!comparison.reproduced)
    #expect(comparison.differ == ["stamp.txt"], "\(comparison)")
    #expect(comparison.identical == ["same.txt"], "\(comparison)")
    #expect(comparison.summary.contains("1 identical, 1 differ, 0 missing, 0 new"), "\(comparison.summary)")
    let recorded = try JSONValue.read(path: outcome.run.metaPath(Replayer.metaFile))
    #expect(recorded["reproduced"] == .bool(false))
  }

  @Test("A run that no longer verifies cannot be replayed: refused naming the file, nothing made")
  func refusesAChangedRun() throws {
    let (p, runs) = try LibraryRuns.project()
    defer { p.remove() }
    try LibraryRuns.tamper(runs[0])
    let error = #expect(throws: GageError.self) { try ReplaySource(runs[0]) }
    #expect(error?.message.contains("modified out.txt") == true, "\(String(describing: error))")
    #expect(RunStore(path: p.runsDir).runs().map(\.id) == [runs[0].id])
  }
}
