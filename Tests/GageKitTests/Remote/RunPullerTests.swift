import Foundation
import GageKit
import GageTestSupport
import Testing

/// `RunPuller` from a bare git repository that `RunPusher` filled: runs and their annotations
/// arrive whole, only the runs asked for, and nothing twice.
@Suite("Run puller")
struct RunPullerTests {
  /// Runs' entries in a runs dir, the puller's own repository and index left out.
  static func state(_ runsDir: String) throws -> [String] {
    try Listing.snapshot(runsDir).filter { !$0.contains(".gage.git") && !$0.contains(".index") }
  }

  @Test("Pushed runs and their label and comment pull into an empty runs dir whole, and verify; a second pull changes nothing")
  func roundTrip() throws {
    let (p, runs) = try LibraryRuns.project(runs: 2)
    defer { p.remove() }
    let annotations = RunAnnotations(run: runs[0])
    try annotations.setLabel("baseline", author: "tests")
    try annotations.addComment("looks right", author: "tests")
    let remote = try BareRemote(in: p.tmp)
    _ = try RunPusher(runsDir: p.runsDir, location: remote.location).push(runs)

    let other = p.tmp.path("host-b/runs")
    let puller = RunPuller(runsDir: other, location: remote.location)
    let outcomes = try puller.pull([])
    #expect(outcomes.map(\.id) == runs.map(\.id).sorted())
    #expect(outcomes.allSatisfy { $0.outcome == .pulled }, "\(outcomes)")
    for run in runs {
      let copy = Run(id: run.id, runDir: FileIO.join(other, run.id))
      #expect(try Listing.snapshot(copy.runDir) == Listing.snapshot(run.runDir))
      #expect(try Listing.snapshot(copy.metaDir) == Listing.snapshot(run.metaDir))
      #expect(RunVerifier().verify(copy).ok)
    }
    let pulled = Run(id: runs[0].id, runDir: FileIO.join(other, runs[0].id))
    #expect(try pulled.attribute("label") == .string("baseline"))
    #expect(RunAnnotations(run: pulled).comments().map(\.message) == ["looks right"])
    #expect(try FileDigest.linkTarget(FileIO.join(pulled.runDir, "link")) == "out.txt")
    #expect(!(try DirectoryListing.entries(other).map(\.display).contains { $0.hasPrefix(".pull-") }))

    let before = try Self.state(other)
    let again = try puller.pull([])
    #expect(again.allSatisfy { $0.outcome == .alreadyPresent(annotations: 0) }, "\(again)")
    #expect(try Self.state(other) == before)
  }

  @Test("Only the runs named are pulled; a name matching no remote run is an error")
  func pullsOnlyWhatIsNamed() throws {
    let (p, runs) = try LibraryRuns.project(runs: 2)
    defer { p.remove() }
    let remote = try BareRemote(in: p.tmp)
    _ = try RunPusher(runsDir: p.runsDir, location: remote.location).push(runs)
    let other = p.tmp.path("host-b/runs")
    let puller = RunPuller(runsDir: other, location: remote.location)
    let outcomes = try puller.pull([String(runs[1].id.prefix(8))])
    #expect(outcomes.map(\.id) == [runs[1].id])
    #expect(RunStore(path: other).runs().map(\.id) == [runs[1].id])
    #expect(throws: GageError.self) { try puller.pull(["ffffffff-no-such-run"]) }
  }

  @Test("A label added after the first pull arrives on the next one, merged into the run already here")
  func newAnnotationsMerge() throws {
    let (p, runs) = try LibraryRuns.project()
    defer { p.remove() }
    let remote = try BareRemote(in: p.tmp)
    let pusher = RunPusher(runsDir: p.runsDir, location: remote.location)
    _ = try pusher.push(runs)
    let other = p.tmp.path("host-b/runs")
    let puller = RunPuller(runsDir: other, location: remote.location)
    #expect(try puller.pull([]).map(\.outcome) == [.pulled])
    try RunAnnotations(run: runs[0]).setLabel("promoted", author: "tests")
    _ = try pusher.push(runs)
    #expect(try puller.pull([]).map(\.outcome) == [.alreadyPresent(annotations: 1)])
    let pulled = Run(id: runs[0].id, runDir: FileIO.join(other, runs[0].id))
    #expect(try pulled.attribute("label") == .string("promoted"))
  }

  @Test("A remote ref naming another run's commit is rejected, and nothing of it is kept")
  func rejectsAMislabelledRun() throws {
    let (p, runs) = try LibraryRuns.project(runs: 2)
    defer { p.remove() }
    let remote = try BareRemote(in: p.tmp)
    _ = try RunPusher(runsDir: p.runsDir, location: remote.location).push([runs[1]])
    let theirs = try #require(try remote.refs()["refs/gage/runs/\(runs[1].id)"])
    try GitRepo.run(["--git-dir", remote.path, "update-ref", "refs/gage/runs/\(runs[0].id)", theirs], in: "/")
    let other = p.tmp.path("host-b/runs")
    let outcomes = try RunPuller(runsDir: other, location: remote.location).pull([runs[0].id])
    guard outcomes.count == 1, case .rejected = outcomes[0].outcome else {
      Issue.record("expected one rejection, got \(outcomes)")
      return
    }
    let left = try Self.state(other)
    #expect(left.isEmpty, "\(left)")
  }
}
