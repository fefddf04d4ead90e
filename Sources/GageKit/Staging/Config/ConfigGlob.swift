import Foundation

/// A glob over separated names: file paths (`/`) in config specs, and flat config keys (`.`).
///
/// `*` matches any run of characters within one part, `?` one character, `[abc]`,
/// `[a-z]` and `[!a]` one character of a set, and a part that is exactly `**` matches
/// any number of parts (none included). For paths, a wildcard does not match a leading
/// `.` of a name: hidden files and directories are matched only by name.
struct ConfigGlob: Sendable, Equatable {
  /// The pattern's parts.
  let parts: [String]
  /// The separator of parts.
  let separator: Character
  /// Whether wildcards skip names starting with `.`.
  let hidesDotNames: Bool

  /// A glob of file paths relative to a directory (`src/**/*.py`).
  static func path(_ pattern: String) -> ConfigGlob {
    ConfigGlob(pattern: pattern, separator: "/", hidesDotNames: true)
  }

  /// A glob of source paths, where wildcards match hidden names too (`sourcecode` rules
  /// decide about hidden files themselves).
  static func sourcePath(_ pattern: String) -> ConfigGlob {
    ConfigGlob(pattern: pattern, separator: "/", hidesDotNames: false)
  }

  /// A glob of flat config keys (`model.*`, `**.lr`).
  static func key(_ pattern: String) -> ConfigGlob {
    ConfigGlob(pattern: pattern, separator: ".", hidesDotNames: false)
  }

  private init(pattern: String, separator: Character, hidesDotNames: Bool) {
    self.parts = pattern.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    self.separator = separator
    self.hidesDotNames = hidesDotNames
  }

  /// Whether `subject` matches the whole pattern.
  func matches(_ subject: String) -> Bool {
    let names = subject.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    return Self.match(parts[...], names[...], hidesDotNames: hidesDotNames)
  }

  private static func match(_ parts: ArraySlice<String>, _ names: ArraySlice<String>, hidesDotNames: Bool) -> Bool {
    guard let part = parts.first else { return names.isEmpty }
    if part == "**" {
      var rest = names
      while true {
        if match(parts.dropFirst(), rest, hidesDotNames: hidesDotNames) { return true }
        guard let name = rest.first, !(hidesDotNames && name.hasPrefix(".")) else { return false }
        rest = rest.dropFirst()
      }
    }
    guard let name = names.first, matchesName(part, name, hidesDotNames: hidesDotNames) else { return false }
    return match(parts.dropFirst(), names.dropFirst(), hidesDotNames: hidesDotNames)
  }

  /// Whether one name matches one pattern part (no separators involved).
  static func matchesName(_ part: String, _ name: String, hidesDotNames: Bool) -> Bool {
    let p = Array(part.unicodeScalars)
    let n = Array(name.unicodeScalars)
    if hidesDotNames, n.first == ".", p.first != "." { return false }
    return matchScalars(p[...], n[...])
  }

  /// Wildcard matching with backtracking on the last `*`.
  private static func matchScalars(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool {
    var p = pattern.startIndex
    var n = name.startIndex
    var star: (p: Int, n: Int)?
    while n < name.endIndex {
      if p < pattern.endIndex {
        switch pattern[p] {
        case "*":
          star = (p, n)
          p += 1
          continue
        case "?":
          p += 1
          n += 1
          continue
        case "[":
          if let (matched, next) = matchSet(pattern, at: p, name[n]) {
            if matched {
              p = next
              n += 1
              continue
            }
          } else if name[n] == "[" {
            p += 1
            n += 1
            continue
          }
        default:
          if pattern[p] == name[n] {
            p += 1
            n += 1
            continue
          }
        }
      }
      guard let last = star else { return false }
      p = last.p + 1
      n = last.n + 1
      star = (last.p, last.n + 1)
    }
    while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
    return p == pattern.endIndex
  }

  /// Matches `c` against the set starting at `pattern[start]` (`[`); nil when the set is
  /// not closed (the `[` is then an ordinary character).
  private static func matchSet(
    _ pattern: ArraySlice<Unicode.Scalar>, at start: Int, _ c: Unicode.Scalar
  ) -> (Bool, Int)? {
    var i = start + 1
    let negated = i < pattern.endIndex && (pattern[i] == "!" || pattern[i] == "^")
    if negated { i += 1 }
    var matched = false
    var first = true
    while i < pattern.endIndex {
      if pattern[i] == "]" && !first { return (matched != negated, i + 1) }
      first = false
      if i + 2 < pattern.endIndex, pattern[i + 1] == "-", pattern[i + 2] != "]" {
        if pattern[i].value <= c.value && c.value <= pattern[i + 2].value { matched = true }
        i += 3
      } else {
        if pattern[i] == c { matched = true }
        i += 1
      }
    }
    return nil
  }

  /// Whether the pattern has no wildcard at all.
  static func isLiteral(_ part: String) -> Bool {
    !part.contains(where: { "*?[".contains($0) })
  }
}
