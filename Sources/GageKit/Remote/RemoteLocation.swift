import Foundation

/// Where runs are pushed to or pulled from: a remote of the project's repository (by name,
/// `origin` by default) or a URL (`file://` or a path, `ssh://` or scp-style `host:path`,
/// `git://`, `https://`).
public struct RemoteLocation: Sendable, Equatable {
  /// The transport a URL names.
  public enum Transport: String, Sendable {
    case local, ssh, git, http
  }

  /// The remote's name in the project's repository, when it was given by name.
  public var name: String?
  /// The URL to fetch from (credentials kept, for connecting only).
  public var url: String
  /// The URL to push to (a remote's `pushurl`, else `url`).
  public var pushURL: String
  /// The transport.
  public var transport: Transport
  /// The host (nil for a local path).
  public var host: String?
  /// The port given in the URL.
  public var port: Int?
  /// The user name given in the URL.
  public var user: String?

  /// What messages call the remote: `origin (ssh://host/x)` or the URL, never with a password.
  public var display: String {
    let shown = RemoteURL.stripCredentials(url)
    return name.map { "\($0) (\(shown))" } ?? shown
  }

  /// Resolves `argument` (nil: `origin`) against the project repository around `directory`.
  public static func resolve(_ argument: String?, from directory: String) throws -> RemoteLocation {
    let given = argument ?? "origin"
    guard !given.isEmpty else { throw GageError.invalidInput("the remote is empty: give a remote name or a URL") }
    let repository = try? GitRepository.discover(from: directory)
    if let repository, let remote = repository.remote(named: given) {
      var location = try parse(remote.url, relativeTo: repository.workdir)
      location.name = given
      if let push = remote.pushURL { location.pushURL = try parse(push, relativeTo: repository.workdir).url }
      return location
    }
    if looksLikeURL(given) || FileIO.exists(given) { return try parse(given, relativeTo: directory) }
    let known = repository?.remoteNames() ?? []
    if argument == nil {
      let hint = known.isEmpty ? "" : " (its remotes: \(known.joined(separator: ", ")))"
      throw GageError.invalidInput(
        repository == nil
          ? "no remote given, and \(directory) is not in a git repository with an `origin`: name a URL, e.g. gage push ssh://host/runs.git"
          : "the project's repository has no remote `origin`\(hint): name a remote or a URL")
    }
    let hint = known.isEmpty ? "" : "; the project's remotes: \(known.joined(separator: ", "))"
    throw GageError.invalidInput(
      "\"\(given)\" is neither a remote of the project's repository nor a URL or an existing path\(hint)")
  }

  /// Whether `text` is written as a URL rather than a name.
  static func looksLikeURL(_ text: String) -> Bool {
    text.contains("://") || text.hasPrefix("/") || text.hasPrefix(".") || scpParts(text) != nil
  }

  /// `[user@]host:path` (no `/` before the colon, a host of more than one character).
  static func scpParts(_ text: String) -> (user: String?, host: String, path: String)? {
    guard !text.contains("://"), let colon = text.firstIndex(of: ":") else { return nil }
    let before = text[..<colon]
    guard !before.contains("/"), !before.isEmpty else { return nil }
    var host = String(before)
    var user: String?
    if let at = host.lastIndex(of: "@") {
      user = String(host[..<at])
      host = String(host[host.index(after: at)...])
    }
    guard host.count > 1 else { return nil }
    return (user, host, String(text[text.index(after: colon)...]))
  }

  /// Parses a URL or path; a relative path is taken from `base`.
  static func parse(_ text: String, relativeTo base: String) throws -> RemoteLocation {
    func location(_ url: String, _ transport: Transport, host: String? = nil, port: Int? = nil, user: String? = nil) -> RemoteLocation {
      RemoteLocation(name: nil, url: url, pushURL: url, transport: transport, host: host, port: port, user: user)
    }
    if let scheme = text.range(of: "://") {
      let kind = text[..<scheme.lowerBound].lowercased()
      let rest = text[scheme.upperBound...]
      let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
      var authority = String(rest[..<authorityEnd])
      var user: String?
      if let at = authority.lastIndex(of: "@") {
        user = authority[..<at].split(separator: ":", maxSplits: 1).first.map(String.init)
        authority = String(authority[authority.index(after: at)...])
      }
      var host = authority
      var port: Int?
      if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
        host = String(authority[authority.index(after: authority.startIndex)..<close])
        let after = authority[authority.index(after: close)...]
        if after.hasPrefix(":") { port = Int(after.dropFirst()) }
      } else if let colon = authority.lastIndex(of: ":") {
        host = String(authority[..<colon])
        port = Int(authority[authority.index(after: colon)...])
        if port == nil { throw GageError.invalidInput("\(RemoteURL.stripCredentials(text)): the port is not a number") }
      }
      switch kind {
      case "file":
        return location(text, .local)
      case "ssh", "git+ssh", "ssh+git":
        guard !host.isEmpty else { throw GageError.invalidInput("\(text): no host") }
        return location(text, .ssh, host: host, port: port, user: user)
      case "git":
        guard !host.isEmpty else { throw GageError.invalidInput("\(text): no host") }
        return location(text, .git, host: host, port: port)
      case "http", "https":
        guard !host.isEmpty else { throw GageError.invalidInput("\(RemoteURL.stripCredentials(text)): no host") }
        return location(text, .http, host: host, port: port, user: user)
      default:
        throw GageError.invalidInput(
          "\(RemoteURL.stripCredentials(text)): the scheme \(kind):// is not supported (file, ssh, git, http and https are)")
      }
    }
    if !text.hasPrefix("/"), !text.hasPrefix("."), let scp = scpParts(text) {
      return location(text, .ssh, host: scp.host, user: scp.user)
    }
    let path = text.hasPrefix("/") ? text : FileIO.join(base, text)
    return location(path, .local)
  }

  /// For a local remote, an error unless its path is a git repository.
  func checkLocalRepository() throws {
    guard transport == .local else { return }
    var path = url
    if path.lowercased().hasPrefix("file://") { path = String(path.dropFirst(7)) }
    guard FileIO.exists(path) else {
      throw GageError.notFound("the remote \(display) does not exist; make a bare repository for runs with: git init --bare \(path)")
    }
    guard FileIO.isDirectory(path), FileIO.exists(FileIO.join(path, "HEAD")) || FileIO.exists(FileIO.join(path, ".git")) else {
      throw GageError.invalidInput("the remote \(display) is not a git repository; make one with: git init --bare \(path)")
    }
  }
}
