import Foundation
import GageKit
import GageTestSupport
import Testing

/// The server fixtures of the remote tests, checked with plain git.
@Suite("Test servers: git daemon and sshd on 127.0.0.1", .serialized)
struct RemoteServersTests {
  /// A repository with one commit on `main`, and its commit id.
  static func repoWithCommit(_ tmp: TempDir) throws -> (dir: String, commit: String) {
    let dir = tmp.path("work")
    try writeFile(FileIO.join(dir, "a.txt"), "a\n")
    try GitRepo.make(at: dir, commit: true)
    let commit = try GitRepo.head(dir)
    return (dir, commit)
  }

  @Test("git daemon serves the repositories under its base path, accepts pushes, and stops")
  func gitDaemon() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let base = try tmp.makeDir("srv")
    try GitRepo.run(["init", "-q", "--bare", FileIO.join(base, "r.git")], in: base)
    let daemon = try GitDaemon.start(basePath: base)
    defer { daemon.stop() }
    #expect(daemon.url("r.git") == "git://127.0.0.1:\(daemon.port)/r.git")
    #expect(try GitRepo.run(["ls-remote", daemon.url("r.git")], in: tmp.path()).isEmpty)

    let (work, commit) = try Self.repoWithCommit(tmp)
    try GitRepo.run(["push", "-q", daemon.url("r.git"), "main"], in: work)
    let refs = try GitRepo.run(["ls-remote", daemon.url("r.git")], in: tmp.path())
    #expect(refs.contains("\(commit)\trefs/heads/main"), "\(refs)")

    daemon.stop()
    #expect(!LoopbackPort.accepts(daemon.port))
  }

  @Test(
    "sshd serves git as the current user to its client key, known by its host key line",
    .enabled(if: SSHServer.isAvailable, "no sshd to start: needs root and /usr/sbin/sshd (openssh-server)"))
  func sshServer() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let server = try SSHServer.start(in: tmp.path("sshd"))
    defer { server.stop() }
    let bare = tmp.path("r.git")
    try GitRepo.run(["init", "-q", "--bare", bare], in: tmp.path())
    #expect(server.url(bare) == "ssh://\(server.user)@127.0.0.1:\(server.port)\(bare)")
    #expect(server.knownHostsLine.hasPrefix("[127.0.0.1]:\(server.port) ssh-ed25519 AAAA"), "\(server.knownHostsLine)")

    let home = try tmp.makeDir("home")
    try server.installClient(home: home)
    let key = FileIO.join(home, ".ssh/id_ed25519")
    let knownHosts = FileIO.join(home, ".ssh/known_hosts")
    var st = stat()
    #expect(stat(key, &st) == 0 && st.st_mode & 0o777 == 0o600)
    #expect(try readFile(knownHosts) == server.knownHostsLine + "\n")

    // Plain ssh with strict host key checking: the installed key and known_hosts suffice.
    let (work, commit) = try Self.repoWithCommit(tmp)
    var env: [String: String] = [:]
    env["GIT_SSH_COMMAND"] =
      "ssh -i \(key) -o IdentitiesOnly=yes -o UserKnownHostsFile=\(knownHosts) -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes"
    let push = try GitRepo.result(["push", "-q", server.url(bare), "main"], in: work, env: env)
    #expect(push.exitCode == 0, "\(push)\n\(server.log)")
    let list = try GitRepo.result(["ls-remote", server.url(bare)], in: work, env: env)
    #expect(list.exitCode == 0 && list.stdout.contains("\(commit)\trefs/heads/main"), "\(list)\n\(server.log)")

    // Another key is refused.
    let other = tmp.path("other/id_ed25519")
    try SSHServer.generateKey(at: other)
    env["GIT_SSH_COMMAND"] =
      "ssh -i \(other) -o IdentitiesOnly=yes -o UserKnownHostsFile=\(knownHosts) -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes"
    let refused = try GitRepo.result(["ls-remote", server.url(bare)], in: work, env: env)
    #expect(refused.exitCode != 0 && refused.stderr.contains("Permission denied"), "\(refused)")

    server.stop()
    #expect(!LoopbackPort.accepts(server.port))
  }
}
