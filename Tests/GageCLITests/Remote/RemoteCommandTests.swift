import Foundation
import GageKit
import GageTestSupport
import Testing

/// `gage push`, `gage pull` and `gage runs --remote` through bare repositories reached by
/// path and `file://` (the network transports are in `RemoteServerTests`).
@Suite("gage push, pull, runs --remote (local remotes)", .serialized)
struct RemoteCommandTests {
  /// A bare repository made by plain git.
  static func bare(_ project: TestProject, _ name: String = "remote.git") throws -> String {
    let path = project.tmp.path(name)
    try GitRepo.run(["init", "-q", "--bare", path], in: project.tmp.path())
    return path
  }

  /// `git ls-remote` of the refs under `refs/gage/`: ref → commit.
  static func remoteRefs(_ url: String, in dir: String) throws -> [String: String] {
    var refs: [String: String] = [:]
    for line in try GitRepo.run(["ls-remote", url, "refs/gage/*"], in: dir).split(separator: "\n") {
      let parts = line.split(separator: "\t")
      if parts.count == 2 { refs[String(parts[1])] = String(parts[0]) }
    }
    return refs
  }

  /// Every file of a bare repository's object store: what a transfer would add to.
  static func objectFiles(_ bare: String) throws -> [String] {
    try Listing.snapshot(FileIO.join(bare, "objects"))
  }

  @Test("Push runs to a path, push again (nothing sent), pull into an empty runs dir: the runs come back whole and verify")
  func roundTrip() throws {
    let project = try ArchiveFixture.project(runs: 3)
    defer { project.remove() }
    let remote = try Self.bare(project)
    let push = try project.gage(["push", remote])
    #expect(push.exitCode == 0, "\(push)")
    let local = project.runs()
    #expect(local.count == 3)
    for run in local { #expect(push.stdout.contains("pushed \(run.name) (\(run.id.prefix(8)))"), "\(push)") }

    // Plain git sees them: one sealed commit and one summary per run.
    let refs = try Self.remoteRefs(remote, in: project.dir)
    for run in local {
      #expect(refs["refs/gage/runs/\(run.id)"] != nil, "\(refs)")
      #expect(refs["refs/gage/meta/\(run.id)"] != nil, "\(refs)")
    }
    let tree = try GitRepo.run(["--git-dir", remote, "ls-tree", "-r", "--name-only", "refs/gage/runs/\(local[0].id)"], in: project.dir)
    #expect(tree.contains("\(local[0].id)/out.txt") && tree.contains("\(local[0].id).meta/manifest"), "\(tree)")
    #expect(!tree.contains("proc/lock"))

    // A second push sends nothing: same refs, no new object.
    let objects = try Self.objectFiles(remote)
    let again = try project.gage(["push", remote])
    #expect(again.exitCode == 0, "\(again)")
    #expect(again.stdout.contains("up to date (3 runs)"), "\(again)")
    #expect(try Self.objectFiles(remote) == objects)
    #expect(try Self.remoteRefs(remote, in: project.dir) == refs)

    // A second host: another runs dir and another HOME.
    let other = project.tmp.path("host-b/runs")
    let home = try project.tmp.makeDir("host-b/home")
    let pull = try GageCLI.run(["pull", remote, "--runs", other], in: project.tmp.path(), home: home)
    #expect(pull.exitCode == 0, "\(pull)")
    for run in local {
      #expect(pull.stdout.contains("pulled \(run.name)"), "\(pull)")
      let copy = Run(id: run.id, runDir: FileIO.join(other, run.id))
      #expect(try Listing.snapshot(copy.runDir) == Listing.snapshot(run.runDir))
      #expect(try Listing.snapshot(copy.metaDir) == Listing.snapshot(run.metaDir))
    }
    #expect(try FileDigest.linkTarget(FileIO.join(other, local[0].id, "link")) == "out.txt")
    #expect(project.runsDirEntries(other).allSatisfy { !$0.hasPrefix(".pull-") }, "\(project.runsDirEntries(other))")
    let verify = try GageCLI.run(["verify", "--all", "--runs", other], in: project.tmp.path(), home: home)
    #expect(verify.exitCode == 0, "\(verify)")
    #expect(verify.stdout.components(separatedBy: ": ok").count == 4, "\(verify)")

    // Pulling again changes nothing.
    let before = try Listing.snapshot(other).filter { !$0.contains(".gage.git") && !$0.contains(".index") }
    let repull = try GageCLI.run(["pull", remote, "--runs", other], in: project.tmp.path(), home: home)
    #expect(repull.exitCode == 0, "\(repull)")
    #expect(repull.stdout.contains("up to date with \(remote)"), "\(repull)")
    #expect(try Listing.snapshot(other).filter { !$0.contains(".gage.git") && !$0.contains(".index") } == before)
  }

  @Test("The same run gives the same commit from any runs dir, and pull fetches only the runs named")
  func deterministicCommits() throws {
    let project = try ArchiveFixture.project(runs: 2)
    defer { project.remove() }
    let first = try Self.bare(project, "first.git")
    let second = try Self.bare(project, "second.git")
    #expect(try project.gage(["push", first]).exitCode == 0)
    let run = try #require(project.runs().first)
    let other = project.tmp.path("b-runs")
    let pull = try project.gage(["pull", "file://" + first, run.name, "--runs", other])
    #expect(pull.exitCode == 0, "\(pull)")
    #expect(project.runs(in: other).map(\.id) == [run.id], "only the named run: \(project.runs(in: other).map(\.id))")
    #expect(try project.gage(["push", second, "--runs", other]).exitCode == 0)
    let a = try Self.remoteRefs(first, in: project.dir)
    let b = try Self.remoteRefs(second, in: project.dir)
    #expect(b["refs/gage/runs/\(run.id)"] == a["refs/gage/runs/\(run.id)"])
    #expect(b["refs/gage/meta/\(run.id)"] == a["refs/gage/meta/\(run.id)"])
    // Author and committer fixed, dated from the run.
    let header = try GitRepo.run(
      ["--git-dir", first, "log", "-1", "--format=%an <%ae> %cn <%ce> %at %ct", "refs/gage/runs/\(run.id)"], in: project.dir)
    let stopped = (run.timestamp(MetaFile.stopped) ?? 0) / 1_000_000
    #expect(header.hasPrefix("Gage <gage@localhost> Gage <gage@localhost> "), "\(header)")
    #expect(header.hasSuffix(" \(stopped)\n") || header.hasSuffix(" \(stopped)"), "\(header)")
  }

  @Test("Labels and comments travel both ways and merge: a union, nothing lost")
  func annotations() throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let remote = try Self.bare(project)
    let run = try #require(project.runs().first)
    #expect(try project.gage(["label", run.id, "--set", "from-a", "-y"]).exitCode == 0)
    #expect(try project.gage(["push", remote]).exitCode == 0)
    let other = project.tmp.path("b-runs")
    #expect(try project.gage(["pull", remote, "--runs", other]).exitCode == 0)
    func label(_ runsDir: String) throws -> String? {
      let json = try project.gage(["runs", "--json", "--runs", runsDir])
      return try JSONValue.parse(json.stdout).arrayValue?.first?["label"]?.stringValue
    }
    #expect(try label(other) == "from-a")

    // Both sides annotate; each pushes; the second push builds on the first's tip.
    #expect(try project.gage(["comment", run.id, "-m", "seen on b", "--runs", other]).exitCode == 0)
    #expect(try project.gage(["label", run.id, "--set", "from-b", "-y", "--runs", other]).exitCode == 0)
    #expect(try project.gage(["comment", run.id, "-m", "seen on a"]).exitCode == 0)
    let pushB = try project.gage(["push", remote, "--runs", other])
    #expect(pushB.exitCode == 0 && pushB.stdout.contains("2 new annotations pushed"), "\(pushB)")
    let pushA = try project.gage(["push", remote])
    #expect(pushA.exitCode == 0 && pushA.stdout.contains("1 new annotation pushed"), "\(pushA)")
    let chain = try GitRepo.run(["--git-dir", remote, "rev-list", "--count", "refs/gage/user/\(run.id)"], in: project.dir)
    #expect(chain.trimmingCharacters(in: .whitespacesAndNewlines) == "3", "a fast-forward chain: \(chain)")

    let pullA = try project.gage(["pull", remote])
    #expect(pullA.exitCode == 0 && pullA.stdout.contains("2 new annotations merged"), "\(pullA)")
    let pullB = try project.gage(["pull", remote, "--runs", other])
    #expect(pullB.exitCode == 0 && pullB.stdout.contains("1 new annotation merged"), "\(pullB)")
    for runsDir in [project.runsDir, other] {
      let list = try project.gage(["comment", run.id, "--list", "--json", "--runs", runsDir])
      #expect(list.stdout.contains("seen on a") && list.stdout.contains("seen on b"), "\(list)")
      #expect(try label(runsDir) == "from-b", "the later label wins everywhere")
    }
    let listing = try project.gage(["runs", "--remote", remote, "--json"])
    let remoteRun = try JSONValue.parse(listing.stdout).arrayValue?.first
    #expect(remoteRun?["id"]?.stringValue == run.id, "\(listing)")
    #expect(remoteRun?["label"]?.stringValue == "from-b", "\(listing)")
    #expect(remoteRun?["status"]?.stringValue == "completed", "\(listing)")
    #expect(remoteRun?["operation"]?.stringValue == "make", "\(listing)")
    #expect(remoteRun?["comments"]?.arrayValue?.count == 2, "\(listing)")
  }

  @Test("A run that no longer verifies, or has not finished, is not pushed; the others are")
  func refusedRuns() throws {
    let project = try ArchiveFixture.project(runs: 2)
    defer { project.remove() }
    let remote = try Self.bare(project)
    let runs = project.runs()
    let changed = runs[0]
    let file = FileIO.join(changed.runDir, "sub/100%.txt")
    try FileIO.makeWritable(file)
    try writeFile(file, "tampered\n")
    let staged = try project.gage(["run", "--stage", "-y", "-q", "make"])
    #expect(staged.exitCode == 0, "\(staged)")
    let push = try project.gage(["push", remote])
    #expect(push.exitCode == 3, "\(push)")
    #expect(
      push.stderr.contains("not pushed: run \(changed.name) (\(changed.id.prefix(8))) no longer verifies (modified sub/100%.txt)"),
      "\(push)")
    #expect(push.stdout.contains("pushed \(runs[1].name)"), "\(push)")
    let refs = try Self.remoteRefs(remote, in: project.dir)
    #expect(refs["refs/gage/runs/\(changed.id)"] == nil)
    #expect(refs["refs/gage/runs/\(runs[1].id)"] != nil)
    // Named explicitly, the staged run is refused with its status.
    let stagedRun = try #require(project.runs().first { $0.status == .staged })
    let named = try project.gage(["push", remote, stagedRun.id])
    #expect(named.exitCode == 3 && named.stderr.contains("is staged: only finished runs are pushed"), "\(named)")
  }

  @Test("The remote holding a different run under the same id: a conflict on push and on pull, nothing overwritten")
  func conflicts() throws {
    let project = try ArchiveFixture.project(runs: 2)
    defer { project.remove() }
    let remote = try Self.bare(project)
    let runs = project.runs()
    #expect(try project.gage(["push", remote, runs[1].id]).exitCode == 0)
    // Point the remote's ref of run 0 at run 1's commit.
    let theirs = try Self.remoteRefs(remote, in: project.dir)["refs/gage/runs/\(runs[1].id)"] ?? ""
    try GitRepo.run(["--git-dir", remote, "update-ref", "refs/gage/runs/\(runs[0].id)", theirs], in: project.dir)
    let push = try project.gage(["push", remote, runs[0].id])
    #expect(push.exitCode == 3 && push.stderr.contains("holds a different run under the id \(runs[0].id)"), "\(push)")
    #expect(try Self.remoteRefs(remote, in: project.dir)["refs/gage/runs/\(runs[0].id)"] == theirs)
    // Pulling that ref: the tree names another run; rejected, nothing changed here.
    let before = try Listing.snapshot(project.runsDir).filter { !$0.contains(".gage.git") && !$0.contains(".index") }
    let pull = try project.gage(["pull", remote, runs[0].id])
    #expect(pull.exitCode == 3 && pull.stderr.contains("rejected: run \(runs[0].id)"), "\(pull)")
    #expect(try Listing.snapshot(project.runsDir).filter { !$0.contains(".gage.git") && !$0.contains(".index") } == before)
  }

  @Test("Bad remotes: unreachable, missing, not a repository, an unknown name; nothing local changes")
  func badRemotes() throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let entries = { project.runsDirEntries().filter { $0 != ".index" } }  // the listing cache may appear
    let before = entries()
    let cases: [(String, String)] = [
      ("git://127.0.0.1:9/nothing.git", "cannot connect to git://127.0.0.1:9/nothing.git"),
      (project.tmp.path("missing.git"), "does not exist; make a bare repository for runs with: git init --bare"),
      (FileIO.join(project.dir, "train.py"), "is not a git repository"),
      ("no-such-remote", "\"no-such-remote\" is neither a remote of the project's repository nor a URL"),
      ("ftp://example.com/x.git", "the scheme ftp:// is not supported"),
    ]
    for (remote, message) in cases {
      for command in ["push", "pull"] {
        let result = try project.gage([command, remote])
        #expect(result.exitCode == 1, "\(command) \(remote): \(result)")
        #expect(result.stderr.contains(message), "\(command) \(remote): \(result)")
      }
      let list = try project.gage(["runs", "--remote", remote])
      #expect(list.exitCode != 0 && list.stderr.contains(message), "runs --remote \(remote): \(list)")
    }
    #expect(entries() == before, "no .gage.git, nothing else: \(entries())")
  }
}
