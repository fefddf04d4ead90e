import Crypto
import Foundation
import GageTestSupport
import Testing

@testable import GageKit

@Suite("Remote locations and known_hosts")
struct RemotePartsTests {
  @Test("URLs and paths: transport, host, port, user")
  func parsing() throws {
    let base = "/home/me/project"
    let ssh = try RemoteLocation.parse("ssh://git@example.com:2222/srv/runs.git", relativeTo: base)
    #expect(ssh.transport == .ssh && ssh.host == "example.com" && ssh.port == 2222 && ssh.user == "git")
    let scp = try RemoteLocation.parse("git@example.com:org/runs.git", relativeTo: base)
    #expect(scp.transport == .ssh && scp.host == "example.com" && scp.port == nil && scp.user == "git")
    let daemon = try RemoteLocation.parse("git://127.0.0.1:9418/runs.git", relativeTo: base)
    #expect(daemon.transport == .git && daemon.port == 9418)
    let https = try RemoteLocation.parse("https://me:secret@example.com/org/runs.git", relativeTo: base)
    #expect(https.transport == .http && https.host == "example.com" && https.user == "me")
    #expect(!https.display.contains("secret"), "\(https.display)")
    let ipv6 = try RemoteLocation.parse("ssh://[::1]:22/x.git", relativeTo: base)
    #expect(ipv6.host == "::1" && ipv6.port == 22)
    let relative = try RemoteLocation.parse("../runs.git", relativeTo: base)
    #expect(relative.transport == .local && relative.url == "/home/me/project/../runs.git")
    let file = try RemoteLocation.parse("file:///srv/runs.git", relativeTo: base)
    #expect(file.transport == .local)
    #expect(throws: GageError.self) { try RemoteLocation.parse("ssh://host:abc/x", relativeTo: base) }
    #expect(throws: GageError.self) { try RemoteLocation.parse("ftp://host/x", relativeTo: base) }
    #expect(RemoteLocation.looksLikeURL("origin") == false)
    #expect(RemoteLocation.looksLikeURL("host:path"))
    #expect(RemoteLocation.looksLikeURL("./x"))
  }

  @Test("A remote name of the project's repository resolves to its URL and push URL")
  func remoteNames() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let repo = tmp.path("project")
    try GitRepo.make(at: repo, commit: true)
    try GitRepo.run(["remote", "add", "origin", "ssh://git@example.com/runs.git"], in: repo)
    try GitRepo.run(["remote", "add", "backup", "/srv/backup.git"], in: repo)
    try GitRepo.run(["remote", "set-url", "--push", "backup", "/srv/push.git"], in: repo)
    let origin = try RemoteLocation.resolve(nil, from: repo)
    #expect(origin.name == "origin" && origin.transport == .ssh && origin.display == "origin (ssh://git@example.com/runs.git)")
    let backup = try RemoteLocation.resolve("backup", from: repo)
    #expect(backup.url == "/srv/backup.git" && backup.pushURL == "/srv/push.git")
    #expect {
      try RemoteLocation.resolve("nope", from: repo)
    } throws: { error in
      "\(error)".contains("the project's remotes: backup, origin")
    }
  }

  /// A fake key blob: what matters is that the bytes compare.
  static let key = Array("ssh-ed25519-key-bytes".utf8)
  static let other = Array("another-key".utf8)

  static func hashed(_ name: String, salt: [UInt8]) -> String {
    let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Array(name.utf8), using: SymmetricKey(data: salt))
    return "|1|\(Data(salt).base64EncodedString())|\(Data(mac).base64EncodedString())"
  }

  @Test("known_hosts: plain, hashed, [host]:port, wildcards, negation, mismatch, @revoked")
  func knownHosts() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let k = Data(Self.key).base64EncodedString()
    let o = Data(Self.other).base64EncodedString()
    let text = """
      # a comment
      example.com,192.0.2.1 ssh-ed25519 \(k)
      [127.0.0.1]:2222 ssh-ed25519 \(k) test server
      \(Self.hashed("hashed.example", salt: Array(repeating: 7, count: 20))) ssh-ed25519 \(k)
      *.wild.example,!bad.wild.example ssh-ed25519 \(k)
      changed.example ssh-ed25519 \(o)
      @revoked revoked.example ssh-ed25519 \(k)
      revoked.example ssh-ed25519 \(k)
      @cert-authority *.example ssh-ed25519 \(k)
      garbage
      """
    let file = try tmp.write("known_hosts", text)
    let hosts = KnownHosts(files: [file, tmp.path("missing")])
    #expect(hosts.check(host: "example.com", port: nil, key: Self.key) == .known)
    #expect(hosts.check(host: "EXAMPLE.com", port: 22, key: Self.key) == .known)
    #expect(hosts.check(host: "192.0.2.1", port: nil, key: Self.key) == .known)
    #expect(hosts.check(host: "127.0.0.1", port: 2222, key: Self.key) == .known)
    #expect(hosts.check(host: "127.0.0.1", port: 2223, key: Self.key) == .unknown)
    #expect(hosts.check(host: "127.0.0.1", port: nil, key: Self.key) == .unknown)
    #expect(hosts.check(host: "hashed.example", port: nil, key: Self.key) == .known)
    #expect(hosts.check(host: "a.wild.example", port: nil, key: Self.key) == .known)
    #expect(hosts.check(host: "bad.wild.example", port: nil, key: Self.key) == .unknown)
    #expect(hosts.check(host: "example.com", port: nil, key: Self.other) == .mismatch("\(file):2"))
    #expect(hosts.check(host: "changed.example", port: nil, key: Self.key) == .mismatch("\(file):6"))
    #expect(hosts.check(host: "revoked.example", port: nil, key: Self.key) == .revoked)
    #expect(hosts.check(host: "nowhere.example", port: nil, key: Self.key) == .unknown)
  }

  @Test("Host patterns: * and ? as OpenSSH reads them")
  func wildcards() {
    #expect(KnownHosts.wildcard("*.example.com", "a.b.example.com"))
    #expect(KnownHosts.wildcard("host?", "host1"))
    #expect(!KnownHosts.wildcard("host?", "host12"))
    #expect(KnownHosts.wildcard("*", ""))
    #expect(!KnownHosts.wildcard("a*b", "ac"))
  }
}
