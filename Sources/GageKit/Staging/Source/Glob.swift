/// Glob matching for `sourcecode` patterns: `*` and `?` stay within one path segment,
/// `**` spans any number of segments, `[abc]` is a character class (one engine with config
/// specs: `ConfigGlob`). A pattern without `/` matches a file's base name at any depth.
public struct Glob: Sendable, Equatable {
  /// The pattern as written.
  public let pattern: String
  private let glob: ConfigGlob
  private let baseName: String?

  /// A glob.
  public init(_ pattern: String) {
    var p = pattern
    while p.hasPrefix("./") { p.removeFirst(2) }
    while p.hasSuffix("/") { p.removeLast() }
    self.pattern = pattern
    glob = ConfigGlob.sourcePath(p)
    baseName = p.contains("/") ? nil : p
  }

  /// Whether `path` (relative, `/`-separated) matches.
  public func matches(_ path: String) -> Bool {
    if let baseName, let name = path.split(separator: "/").last {
      return ConfigGlob.matchesName(baseName, String(name), hidesDotNames: false)
    }
    return glob.matches(path)
  }

  /// Whether `path` or any of its parent dirs matches (a pattern naming a dir covers its files).
  public func matchesPathOrParent(_ path: String) -> Bool {
    if matches(path) { return true }
    var parts = path.split(separator: "/").map(String.init)
    while parts.count > 1 {
      parts.removeLast()
      if matches(parts.joined(separator: "/")) { return true }
    }
    return false
  }
}
