import Foundation
import GageKit
import GageTestSupport
import Testing

/// `gage push`, `gage pull` and `gage runs --remote` through real servers on 127.0.0.1:
/// `git daemon` (git://) and OpenSSH's sshd (ssh://). The local transports are in
/// `RemoteCommandTests`.
@Suite("gage push, pull, runs --remote (git daemon, sshd)", .serialized)
struct RemoteServerTests {
  /// No ssh-agent and no `GAGE_SSH_KEY` from the environment the tests run in: only the
  /// keys in the test's HOME count.
  static let sshEnv = ["SSH_AUTH_SOCK": "", "GAGE_SSH_KEY": ""]

  /// A runs dir's full state but its listing cache, `.index` (rewritten by any command
  /// while run files are younger than its 2 s racy window), and, unless `store`, its push
  /// and pull cache, `.gage.git` (docs/remotes.md: "It is a cache").
  static func state(_ runsDir: String, store: Bool = true) throws -> [String] {
    try Listing.snapshot(runsDir).filter {
      !$0.hasSuffix(" .index") && !$0.contains(" .index/") && (store || !$0.contains(" .gage.git"))
    }
  }

  /// The lines of `text` that start with `prefix`.
  static func lines(_ text: String, startingWith prefix: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
  }

  /// A bare repository `name` under `base`.
  @discardableResult
  static func bare(_ base: String, _ name: String) throws -> String {
    let path = FileIO.join(base, name)
    try GitRepo.run(["init", "-q", "--bare", path], in: base)
    return path
  }

  @Test(
    "git daemon: 200 runs pushed, pushed again (nothing sent), pulled on a second host and verified; annotations made on both hosts meet on both"
  )
  func daemonRoundTrip() throws {
    let project = try ArchiveFixture.project(runs: 200, operation: "plain")
    defer { project.remove() }
    let base = try project.tmp.makeDir("srv")
    let bare = try Self.bare(base, "runs.git")
    let daemon = try GitDaemon.start(basePath: base)
    defer { daemon.stop() }
    let url = daemon.url("runs.git")
    let local = project.runs()
    #expect(local.count == 200)

    let push = try project.gage(["push", url])
    #expect(push.exitCode == 0, "\(push)")
    #expect(Self.lines(push.stdout, startingWith: "pushed ").count == 200, "\(push)")
    let refs = try RemoteCommandTests.remoteRefs(url, in: project.dir)
    let expected = Set(local.flatMap { ["refs/gage/runs/\($0.id)", "refs/gage/meta/\($0.id)"] })
    #expect(Set(refs.keys) == expected, "\(refs.count) refs")
    #expect(Set(refs.keys.filter { $0.hasPrefix("refs/gage/runs/") }).count == 200)

    // Again: nothing sent, nothing written on the server.
    let objects = try RemoteCommandTests.objectFiles(bare)
    let again = try project.gage(["push", url])
    #expect(again.exitCode == 0, "\(again)")
    #expect(again.stdout.contains("\(url) is up to date (200 runs)"), "\(again)")
    #expect(try RemoteCommandTests.objectFiles(bare) == objects)
    #expect(try RemoteCommandTests.remoteRefs(url, in: project.dir) == refs)

    // Host B: another runs dir, another HOME.
    let other = project.tmp.path("host-b/runs")
    let homeB = try project.tmp.makeDir("host-b/home")
    func onB(_ arguments: [String]) throws -> CommandResult {
      try GageCLI.run(arguments + ["--runs", other], in: project.tmp.path(), home: homeB)
    }
    let pull = try onB(["pull", url])
    #expect(pull.exitCode == 0, "\(pull)")
    #expect(Self.lines(pull.stdout, startingWith: "pulled ").count == 200, "\(pull)")
    #expect(Set(project.runs(in: other).map(\.id)) == Set(local.map(\.id)))
    let verify = try onB(["verify", "--all"])
    #expect(verify.exitCode == 0, "\(verify)")
    #expect(verify.stdout.components(separatedBy: ": ok").count == 201, "\(verify)")
    let sample = local[117]
    let copy = Run(id: sample.id, runDir: FileIO.join(other, sample.id))
    #expect(try Listing.snapshot(copy.runDir) == Listing.snapshot(sample.runDir))
    #expect(try Listing.snapshot(copy.metaDir) == Listing.snapshot(sample.metaDir))

    // Annotations on both hosts before they meet: a comment on A; a comment and a label on B.
    let run = local[42]
    #expect(try project.gage(["comment", run.id, "-m", "seen on a"]).exitCode == 0)
    #expect(try onB(["comment", run.id, "-m", "seen on b"]).exitCode == 0)
    #expect(try onB(["label", run.id, "--set", "from-b", "-y"]).exitCode == 0)
    let pushB = try onB(["push", url])
    #expect(pushB.exitCode == 0 && pushB.stdout.contains("2 new annotations pushed"), "\(pushB)")
    let pushA = try project.gage(["push", url])
    #expect(pushA.exitCode == 0 && pushA.stdout.contains("1 new annotation pushed"), "\(pushA)")
    let pullA = try project.gage(["pull", url])
    #expect(pullA.exitCode == 0 && pullA.stdout.contains("2 new annotations merged"), "\(pullA)")
    let pullB = try onB(["pull", url])
    #expect(pullB.exitCode == 0 && pullB.stdout.contains("1 new annotation merged"), "\(pullB)")

    let labelA = try project.gage(["select", run.id, "--label"])
    #expect(labelA.exitCode == 0 && labelA.stdout == "from-b\n", "B's label is A's now: \(labelA)")
    let labelB = try onB(["select", run.id, "--label"])
    #expect(labelB.stdout == "from-b\n", "\(labelB)")
    for comments in [try project.gage(["comment", run.id, "--list", "--json"]), try onB(["comment", run.id, "--list", "--json"])] {
      #expect(comments.stdout.contains("seen on a") && comments.stdout.contains("seen on b"), "\(comments)")
    }
    // The same three entries in the attribute log on both hosts, nothing lost, nothing doubled.
    let entriesA = project.runsDirEntries(run.userDir)
    let entriesB = project.runsDirEntries(Run(id: run.id, runDir: FileIO.join(other, run.id)).userDir)
    #expect(entriesA.count == 3 && entriesA == entriesB, "A: \(entriesA), B: \(entriesB)")
    let settled = try project.gage(["push", url])
    #expect(settled.stdout.contains("\(url) is up to date (200 runs)"), "\(settled)")
  }

  @Test(
    "A push refused by the server's pre-receive hook: exit 1 with the hook's reason; nothing changes but the .gage.git cache, on either side"
  )
  func refusedPush() throws {
    let project = try ArchiveFixture.project(runs: 2)
    defer { project.remove() }
    let base = try project.tmp.makeDir("srv")
    let bare = try Self.bare(base, "runs.git")
    let hook = FileIO.join(bare, "hooks/pre-receive")
    try writeFile(hook, "#!/bin/sh\necho 'runs are frozen: ask the admin'\nexit 1\n", mode: 0o755)
    let daemon = try GitDaemon.start(basePath: base)
    defer { daemon.stop() }
    let url = daemon.url("runs.git")
    let before = try Self.state(project.runsDir)
    #expect(!before.contains { $0.contains(" .gage.git") })
    let objects = try RemoteCommandTests.objectFiles(bare)

    let push = try project.gage(["push", url])
    #expect(push.exitCode == 1, "\(push)")
    #expect(push.stderr.hasPrefix("gage: \(url) refused 4 refs: refs/gage/"), "\(push)")
    #expect(push.stderr.contains(": pre-receive hook declined"), "\(push)")
    #expect(push.stderr.contains("\n  remote: runs are frozen: ask the admin\n"), "the hook's own words: \(push)")
    #expect(push.stdout.isEmpty, "no run reported pushed: \(push)")
    #expect(try Self.state(project.runsDir, store: false) == before)
    #expect(try RemoteCommandTests.remoteRefs(url, in: project.dir).isEmpty)
    #expect(try RemoteCommandTests.objectFiles(bare) == objects, "git drops the quarantined pack of a refused push")

    // The cache holds the commits; once the server accepts, the same push goes through.
    try FileIO.removeFile(hook)
    let retry = try project.gage(["push", url])
    #expect(retry.exitCode == 0 && Self.lines(retry.stdout, startingWith: "pushed ").count == 2, "\(retry)")
    #expect(try RemoteCommandTests.remoteRefs(url, in: project.dir).count == 4)
  }

  @Test("A git:// remote nobody listens on: exit 1, a clear error, the runs dir untouched")
  func unreachable() throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let port = try LoopbackPort.free()
    let url = "git://127.0.0.1:\(port)/runs.git"
    let before = try Self.state(project.runsDir)
    for arguments in [["push", url], ["pull", url], ["runs", "--remote", url]] {
      let started = Date()
      let result = try project.gage(arguments)
      #expect(result.exitCode == 1, "\(arguments): \(result)")
      #expect(result.stderr.hasPrefix("gage: cannot connect to \(url): "), "\(arguments): \(result)")
      #expect(result.stdout.isEmpty, "\(arguments): \(result)")
      #expect(Date().timeIntervalSince(started) < 10, "a refused connection fails at once")
    }
    #expect(try Self.state(project.runsDir) == before, "no .gage.git, nothing else")
  }

  @Test(
    "ssh://: push, list and pull with the HOME's key; an unknown host, a changed host key and a refused client key fail clearly and change nothing",
    .enabled(if: SSHServer.isAvailable, "no sshd to start: needs root and /usr/sbin/sshd (openssh-server)"))
  func ssh() throws {
    let project = try ArchiveFixture.project(runs: 3)
    defer { project.remove() }
    let server = try SSHServer.start(in: project.tmp.path("sshd"))
    defer { server.stop() }
    let bare = try Self.bare(project.tmp.path(), "ssh-runs.git")
    let url = server.url(bare)
    try server.installClient(home: project.home)
    let local = project.runs()

    let push = try project.gage(["push", url], env: Self.sshEnv)
    #expect(push.exitCode == 0, "\(push)\n\(server.log)")
    for run in local { #expect(push.stdout.contains("pushed \(run.name) (\(run.id.prefix(8)))"), "\(push)") }
    #expect(try RemoteCommandTests.remoteRefs(bare, in: project.dir).count == 6)
    let again = try project.gage(["push", url], env: Self.sshEnv)
    #expect(again.exitCode == 0 && again.stdout.contains("\(url) is up to date (3 runs)"), "\(again)\n\(server.log)")

    let listing = try project.gage(["runs", "--remote", url, "--json"], env: Self.sshEnv)
    #expect(listing.exitCode == 0, "\(listing)\n\(server.log)")
    let listed = try JSONValue.parse(listing.stdout).arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    #expect(listed == local.map(\.id), "newest first, as here: \(listing)")
    let table = try project.gage(["runs", "--remote", url], env: Self.sshEnv)
    for run in local { #expect(table.stdout.contains(run.name), "\(table)") }

    // Host B: its own HOME, with the client key and the host key installed.
    let other = project.tmp.path("host-b/runs")
    let homeB = try project.tmp.makeDir("host-b/home")
    try server.installClient(home: homeB)
    let pull = try GageCLI.run(["pull", url, "--runs", other], in: project.tmp.path(), home: homeB, env: Self.sshEnv)
    #expect(pull.exitCode == 0, "\(pull)\n\(server.log)")
    #expect(Set(project.runs(in: other).map(\.id)) == Set(local.map(\.id)))
    let verify = try GageCLI.run(["verify", "--all", "--runs", other], in: project.tmp.path(), home: homeB)
    #expect(verify.exitCode == 0 && verify.stdout.components(separatedBy: ": ok").count == 4, "\(verify)")

    // Host C: what goes wrong. Each time, exit 1 and nothing changes here or there.
    let homeC = try project.tmp.makeDir("host-c/home")
    let knownHosts = FileIO.join(homeC, ".ssh/known_hosts")
    let refs = try RemoteCommandTests.remoteRefs(bare, in: project.dir)
    let state = try Self.state(project.runsDir)
    func failing(_ arguments: [String]) throws -> CommandResult {
      let result = try GageCLI.run(arguments, in: project.dir, home: homeC, env: Self.sshEnv)
      #expect(result.exitCode == 1, "\(arguments): \(result)")
      #expect(try Self.state(project.runsDir) == state, "the runs dir and its .gage.git as they were")
      #expect(try RemoteCommandTests.remoteRefs(bare, in: project.dir) == refs)
      return result
    }
    let host = "[127.0.0.1]:\(server.port)"

    // Unknown host: known_hosts is empty.
    try server.installClient(home: homeC)
    try writeFile(knownHosts, "")
    for arguments in [["push", url], ["runs", "--remote", url]] {
      let unknown = try failing(arguments)
      #expect(unknown.stderr.contains("the host \(host) is not known (its key is not in \(knownHosts)); refusing to connect"), "\(unknown)")
      #expect(unknown.stderr.contains("ssh-keyscan -p \(server.port) 127.0.0.1 >> \(knownHosts)"), "\(unknown)")
    }

    // A different key recorded for the host.
    let impostor = project.tmp.path("host-c/impostor")
    try SSHServer.generateKey(at: impostor)
    try writeFile(knownHosts, "\(host) \(try SSHServer.publicKey(impostor + ".pub"))\n")
    let changed = try failing(["push", url])
    #expect(changed.stderr.contains("the host key of \(host) differs from the one in \(knownHosts):1: refusing to connect"), "\(changed)")
    #expect(changed.stderr.contains("ssh-keygen -R '\(host)'"), "\(changed)")

    // The right host key, a client key the server does not know.
    try server.installClient(home: homeC)
    let key = FileIO.join(homeC, ".ssh/id_ed25519")
    try FileIO.removeFile(key)
    try FileIO.removeFile(key + ".pub")
    try SSHServer.generateKey(at: key)
    let refused = try failing(["pull", url])
    #expect(
      refused.stderr.contains(
        "authentication to \(host) as \(server.user) failed: the server refused SSH public key authentication with key \(key);"),
      "public key authentication with \(key): \(refused)")
  }
}
