import Crypto
import Foundation

/// OpenSSH's `known_hosts` files, read to check an SSH server's host key: plain and hashed
/// (`|1|salt|hash`) host patterns, `[host]:port` for other ports than 22, `*`/`?`
/// wildcards, `!` negation and `@revoked` keys.
public struct KnownHosts: Sendable {
  /// One key line.
  struct Entry: Sendable {
    var patterns: [String]
    var keyType: String
    var key: [UInt8]
    var revoked: Bool
    var file: String
    var line: Int
  }

  var entries: [Entry] = []

  /// The files read: `~/.ssh/known_hosts` and `/etc/ssh/ssh_known_hosts`.
  public static func defaultFiles(home: String) -> [String] {
    [FileIO.join(home, ".ssh", "known_hosts"), "/etc/ssh/ssh_known_hosts"]
  }

  /// Reads the files that exist.
  public init(files: [String]) {
    for file in files {
      guard let text = FileIO.readTextIfPresent(file) else { continue }
      for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        var fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = fields.first, !first.hasPrefix("#") else { continue }
        var revoked = false
        if first.hasPrefix("@") {
          guard first == "@revoked" else { continue }  // @cert-authority: certificates are not used here
          revoked = true
          fields.removeFirst()
        }
        guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { continue }
        entries.append(
          Entry(
            patterns: fields[0].split(separator: ",").map(String.init), keyType: fields[1], key: Array(key),
            revoked: revoked, file: file, line: n + 1))
      }
    }
  }

  /// What the files say of a host's key.
  public enum Verdict: Sendable, Equatable {
    /// A line holds this key for the host.
    case known
    /// The host is listed, with other keys only (file:line of the first).
    case mismatch(String)
    /// The key is marked `@revoked`.
    case revoked
    /// The host is not listed.
    case unknown
  }

  /// Checks `key` (the SSH wire-format public key) for `host` on `port`.
  public func check(host: String, port: Int?, key: [UInt8]) -> Verdict {
    let name = (port == nil || port == 22) ? host : "[\(host)]:\(port ?? 22)"
    var listedAt: String?
    for entry in entries where Self.matches(entry.patterns, name) {
      if entry.key == key {
        if entry.revoked { return .revoked }
        continue
      }
      if !entry.revoked, listedAt == nil { listedAt = "\(entry.file):\(entry.line)" }
    }
    for entry in entries where !entry.revoked && entry.key == key && Self.matches(entry.patterns, name) {
      return .known
    }
    return listedAt.map(Verdict.mismatch) ?? .unknown
  }

  /// Whether the comma-separated patterns of a line match `name`.
  static func matches(_ patterns: [String], _ name: String) -> Bool {
    var matched = false
    for pattern in patterns {
      if pattern.hasPrefix("|1|") {
        if hashedMatches(pattern, name) { matched = true }
      } else if pattern.hasPrefix("!") {
        if wildcard(String(pattern.dropFirst()).lowercased(), name.lowercased()) { return false }
      } else if wildcard(pattern.lowercased(), name.lowercased()) {
        matched = true
      }
    }
    return matched
  }

  /// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
  static func hashedMatches(_ pattern: String, _ name: String) -> Bool {
    let parts = pattern.split(separator: "|", omittingEmptySubsequences: true)
    guard parts.count == 3, let salt = Data(base64Encoded: String(parts[1])), let hash = Data(base64Encoded: String(parts[2])) else {
      return false
    }
    let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Array(name.utf8), using: SymmetricKey(data: salt))
    return Data(mac) == hash
  }

  /// OpenSSH's host pattern match: `*` any run of characters, `?` one character.
  static func wildcard(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern.utf8)
    let t = Array(text.utf8)
    var pi = 0
    var ti = 0
    var star = -1
    var mark = 0
    while ti < t.count {
      if pi < p.count, p[pi] == UInt8(ascii: "?") || p[pi] == t[ti] {
        pi += 1
        ti += 1
      } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
        star = pi
        mark = ti
        pi += 1
      } else if star >= 0 {
        pi = star + 1
        mark += 1
        ti = mark
      } else {
        return false
      }
    }
    while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
    return pi == p.count
  }
}
