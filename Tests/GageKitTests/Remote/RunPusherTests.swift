import Foundation
import GageKit
import GageTestSupport
import Testing

/// `RunPusher` to a bare git repository on disk: what it sends, and what it does not.
@Suite("Run pusher")
struct RunPusherTests {
  @Test("Finished runs are pushed as commits under refs/gage/runs/<id> holding their files; a second push sends nothing")
  func pushesAndIsIdempotent() throws {
    let (p, runs) = try LibraryRuns.project(runs: 2)
    defer { p.remove() }
    let remote = try BareRemote(in: p.tmp)
    let pusher = RunPusher(runsDir: p.runsDir, location: remote.location)
    let outcomes = try pusher.push(runs)
    #expect(outcomes.map(\.run.id) == runs.map(\.id))
    #expect(outcomes.map(\.outcome) == [.pushed, .pushed])
    let refs = try remote.refs()
    for run in runs {
      #expect(refs["refs/gage/runs/\(run.id)"] != nil, "\(refs)")
      #expect(refs["refs/gage/meta/\(run.id)"] != nil, "\(refs)")
    }
    let tree = try GitRepo.run(["--git-dir", remote.path, "ls-tree", "-r", "--name-only", "refs/gage/runs/\(runs[0].id)"], in: "/")
    let names = Set(tree.split(separator: "\n").map(String.init))
    #expect(names.isSuperset(of: ["\(runs[0].id)/out.txt", "\(runs[0].id)/sub/x.txt", "\(runs[0].id).meta/manifest"]), "\(tree)")
    let blob = try GitRepo.run(["--git-dir", remote.path, "show", "refs/gage/runs/\(runs[0].id):\(runs[0].id)/out.txt"], in: "/")
    #expect(blob == LibraryRuns.output)

    let again = try pusher.push(runs)
    #expect(again.map(\.outcome) == [.upToDate, .upToDate])
    #expect(try remote.refs() == refs)
  }

  @Test("A run's new label is pushed on its own once the run is there")
  func annotationsFollow() throws {
    let (p, runs) = try LibraryRuns.project()
    defer { p.remove() }
    let remote = try BareRemote(in: p.tmp)
    let pusher = RunPusher(runsDir: p.runsDir, location: remote.location)
    #expect(try pusher.push(runs).map(\.outcome) == [.pushed])
    try RunAnnotations(run: runs[0]).setLabel("tuned", author: "tests")
    #expect(try pusher.push(runs).map(\.outcome) == [.annotations(1)])
    #expect(try remote.refs()["refs/gage/user/\(runs[0].id)"] != nil)
    #expect(try pusher.push(runs).map(\.outcome) == [.upToDate])
  }

  @Test("A run that no longer verifies is not pushed (the others are); the remote gets no ref of it")
  func refusesAChangedRun() throws {
    let (p, runs) = try LibraryRuns.project(runs: 2)
    defer { p.remove() }
    try LibraryRuns.tamper(runs[0])
    let remote = try BareRemote(in: p.tmp)
    let outcomes = try RunPusher(runsDir: p.runsDir, location: remote.location).push(runs)
    guard case .notVerified(let why) = outcomes[0].outcome else {
      Issue.record("expected not verified, got \(outcomes[0].outcome)")
      return
    }
    #expect(why.contains("out.txt"), "\(why)")
    #expect(outcomes[1].outcome == .pushed)
    let refs = try remote.refs()
    #expect(refs.keys.filter { $0.hasSuffix(runs[0].id) }.isEmpty, "\(refs)")
    #expect(refs["refs/gage/runs/\(runs[1].id)"] != nil, "\(refs)")
  }

  @Test("The remote holding another run under a run's id is a conflict, and its ref stays")
  func conflict() throws {
    let (p, runs) = try LibraryRuns.project(runs: 2)
    defer { p.remove() }
    let remote = try BareRemote(in: p.tmp)
    let pusher = RunPusher(runsDir: p.runsDir, location: remote.location)
    _ = try pusher.push([runs[1]])
    let theirs = try #require(try remote.refs()["refs/gage/runs/\(runs[1].id)"])
    try GitRepo.run(["--git-dir", remote.path, "update-ref", "refs/gage/runs/\(runs[0].id)", theirs], in: "/")
    let outcomes = try pusher.push([runs[0]])
    guard case .conflict = outcomes[0].outcome else {
      Issue.record("expected a conflict, got \(outcomes[0].outcome)")
      return
    }
    #expect(try remote.refs()["refs/gage/runs/\(runs[0].id)"] == theirs)
  }
}
