import Foundation

/// Remote URLs as recorded in a run: never with a password or token.
public enum RemoteURL {
  /// Removes credentials: `https://user:token@host/x` → `https://host/x`; an `ssh://` user
  /// name is kept (it is not a secret) but a password is dropped; a query and a fragment
  /// (`?access_token=...`, `#...`) are dropped but for `file://`; scp-like `git@host:x` is kept as it is.
  public static func stripCredentials(_ url: String) -> String {
    guard let schemeEnd = url.range(of: "://") else { return url }
    let scheme = url[..<schemeEnd.lowerBound].lowercased()
    // A URL's query and fragment start at the first `?` or `#`, and may hold tokens (in a
    // `file://` URL both are part of the path).
    let whole = url[schemeEnd.upperBound...]
    let rest = scheme == "file" ? whole : whole.prefix { $0 != "?" && $0 != "#" }
    let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
    let authority = rest[..<authorityEnd]
    guard let at = authority.lastIndex(of: "@") else { return String(url[..<schemeEnd.upperBound] + rest) }
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
