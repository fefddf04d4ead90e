import Foundation

/// Remote URLs as recorded in a run: never with a password or token.
public enum RemoteURL {
  /// Removes credentials: `https://user:token@host/x` → `https://host/x`; an `ssh://` user
  /// name is kept (it is not a secret) but a password is dropped; scp-like `git@host:x` is
  /// kept as it is.
  public static func stripCredentials(_ url: String) -> String {
    guard let schemeEnd = url.range(of: "://") else { return url }
    let scheme = url[..<schemeEnd.lowerBound].lowercased()
    let rest = url[schemeEnd.upperBound...]
    let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
    let authority = rest[..<authorityEnd]
    guard let at = authority.lastIndex(of: "@") else { return url }
    let userinfo = authority[..<at]
    let host = authority[authority.index(after: at)...]
    var kept = ""
    if scheme == "ssh" || scheme == "git+ssh" || scheme == "ssh+git" {
      let user = userinfo.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
      if !user.isEmpty { kept = user + "@" }
    }
    return String(url[..<schemeEnd.upperBound]) + kept + host + rest[authorityEnd...]
  }
}
