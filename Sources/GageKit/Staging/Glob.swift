/// Glob matching for source and config patterns: `*` and `?` stay within one path segment,
/// `**` spans any number of segments, `[abc]` is a character class. A pattern without `/`
/// matches a file's base name at any depth.
public struct Glob: Sendable, Equatable {
  /// The pattern as written.
  public let pattern: String
  private let segments: [String]
  private let anyDepth: Bool

  /// A glob.
  public init(_ pattern: String) {
    var p = pattern
    while p.hasPrefix("./") { p.removeFirst(2) }
    if p.hasSuffix("/") { p.removeLast() }
    self.pattern = pattern
    anyDepth = !p.contains("/")
    segments = p.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
  }

  /// Whether `path` (relative, `/`-separated) matches.
  public func matches(_ path: String) -> Bool {
    let parts = path.split(separator: "/").map(String.init)
    if anyDepth, let name = parts.last, segments.count == 1 {
      return Glob.matchSegment(Array(segments[0].unicodeScalars), Array(name.unicodeScalars))
    }
    return Glob.matchSegments(segments[...], parts[...])
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

  private static func matchSegments(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
    guard let first = pattern.first else { return path.isEmpty }
    if first == "**" {
      let rest = pattern.dropFirst()
      var p = path
      while true {
        if matchSegments(rest, p) { return true }
        guard !p.isEmpty else { return false }
        p = p.dropFirst()
      }
    }
    guard let name = path.first else { return false }
    return matchSegment(Array(first.unicodeScalars), Array(name.unicodeScalars))
      && matchSegments(pattern.dropFirst(), path.dropFirst())
  }

  /// fnmatch-style match of one segment.
  static func matchSegment(_ p: [Unicode.Scalar], _ s: [Unicode.Scalar]) -> Bool {
    var pi = 0
    var si = 0
    var starP = -1
    var starS = 0
    while si < s.count {
      if pi < p.count {
        let c = p[pi]
        if c == "*" {
          starP = pi
          starS = si
          pi += 1
          continue
        }
        if c == "?" {
          pi += 1
          si += 1
          continue
        }
        if c == "[", let (matched, next) = matchClass(p, pi, s[si]) {
          if matched {
            pi = next
            si += 1
            continue
          }
        } else if c == s[si] {
          pi += 1
          si += 1
          continue
        }
      }
      if starP >= 0 {
        pi = starP + 1
        starS += 1
        si = starS
        continue
      }
      return false
    }
    while pi < p.count && p[pi] == "*" { pi += 1 }
    return pi == p.count
  }

  private static func matchClass(_ p: [Unicode.Scalar], _ start: Int, _ ch: Unicode.Scalar) -> (Bool, Int)? {
    var i = start + 1
    var negate = false
    if i < p.count, p[i] == "!" || p[i] == "^" {
      negate = true
      i += 1
    }
    var matched = false
    var first = true
    while i < p.count, p[i] != "]" || first {
      first = false
      if i + 2 < p.count, p[i + 1] == "-", p[i + 2] != "]" {
        if p[i].value <= ch.value && ch.value <= p[i + 2].value { matched = true }
        i += 3
      } else {
        if p[i] == ch { matched = true }
        i += 1
      }
    }
    guard i < p.count else { return nil }
    return (matched != negate, i + 1)
  }
}
