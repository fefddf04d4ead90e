/// One `sourcecode` rule in Gage's syntax: `[-]glob [text|binary|dir|size<N|size>N]...`.
public struct SourceRule: Sendable, Equatable {
  /// A condition on the file a rule matches.
  public enum Filter: Sendable, Equatable {
    /// The file looks like text (no NUL byte in its first KiB).
    case text
    /// The file looks binary.
    case binary
    /// The rule names a directory (excluding it prunes the walk).
    case dir
    /// Size strictly below N bytes.
    case sizeBelow(Int)
    /// Size strictly above N bytes.
    case sizeAbove(Int)
  }

  /// Whether the rule adds (true) or removes (false) files.
  public var include: Bool
  /// The path pattern.
  public var glob: Glob
  /// Further conditions.
  public var filters: [Filter]

  /// Parses one rule.
  public init(parsing text: String) throws {
    var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    guard var first = words.first else { throw GageError.invalidInput("empty sourcecode pattern") }
    include = !first.hasPrefix("-")
    if !include {
      first.removeFirst()
      if first.isEmpty {
        guard words.count > 1 else { throw GageError.invalidInput("sourcecode pattern \"\(text)\" has no glob after '-'") }
        words.removeFirst()
        first = words[0]
      }
    }
    glob = Glob(first)
    filters = []
    for word in words.dropFirst() {
      switch word {
      case "text": filters.append(.text)
      case "binary": filters.append(.binary)
      case "dir": filters.append(.dir)
      default:
        if word.hasPrefix("size<"), let n = SourceRule.parseSize(word.dropFirst(5)) {
          filters.append(.sizeBelow(n))
        } else if word.hasPrefix("size>"), let n = SourceRule.parseSize(word.dropFirst(5)) {
          filters.append(.sizeAbove(n))
        } else {
          throw GageError.invalidInput(
            "sourcecode pattern \"\(text)\": unknown filter \"\(word)\"; known filters: text, binary, dir, size<N, size>N")
        }
      }
    }
  }

  /// Whether the rule is about directories.
  public var isDirRule: Bool { filters.contains(.dir) }

  /// Whether the rule matches a file with this path, size and text-ness.
  func matches(path: String, size: Int, isText: () -> Bool) -> Bool {
    guard glob.matchesPathOrParent(path) else { return false }
    for f in filters {
      switch f {
      case .text: if !isText() { return false }
      case .binary: if isText() { return false }
      case .dir: continue
      case .sizeBelow(let n): if size >= n { return false }
      case .sizeAbove(let n): if size <= n { return false }
      }
    }
    return true
  }

  /// Parses `100`, `100k`, `2M`, `1G` (powers of 1024; `kb`/`mb` also accepted).
  static func parseSize(_ text: Substring) -> Int? {
    let lower = text.lowercased()
    let units: [(String, Int)] = [("kb", 1024), ("mb", 1 << 20), ("gb", 1 << 30), ("k", 1024), ("m", 1 << 20), ("g", 1 << 30)]
    for (suffix, factor) in units where lower.hasSuffix(suffix) {
      guard let n = Int(lower.dropLast(suffix.count)) else { return nil }
      let (bytes, overflow) = n.multipliedReportingOverflow(by: factor)
      return overflow ? nil : bytes
    }
    return Int(lower)
  }
}

/// An operation's `sourcecode` spec as rules: the one place that decides, for both the git
/// and the non-git selection, what the patterns say about a path.
public struct SourceRules: Sendable {
  /// The rules, in order (the last match wins).
  public let rules: [SourceRule]
  /// Whether any rule includes: then the rules replace the default selection.
  public let replaceDefaults: Bool
  /// False when `sourcecode = false`: nothing is staged.
  public let enabled: Bool

  /// The rules of a `sourcecode` spec.
  public init(_ spec: SourceCodeSpec) throws {
    switch spec {
    case .defaults, .enabled(true):
      rules = []
      enabled = true
    case .enabled(false):
      rules = []
      enabled = false
    case .patterns(let patterns):
      rules = try patterns.map(SourceRule.init(parsing:))
      enabled = true
    }
    replaceDefaults = rules.contains { $0.include }
  }

  /// What the rules say about a file: true (include), false with the reason (exclude), or
  /// nil when no rule matches it.
  public func decide(path: String, size: Int, isText: () -> Bool) -> (include: Bool, reason: String)? {
    guard let rule = rules.last(where: { !$0.isDirRule && $0.matches(path: path, size: size, isText: isText) }) else {
      return nil
    }
    return (rule.include, rule.include ? "" : "excluded by pattern \"-\(rule.glob.pattern)\"")
  }

  /// Why a directory is excluded by a `dir` rule, if it is.
  public func excludesDirectory(_ path: String) -> String? {
    guard let rule = rules.last(where: { $0.isDirRule && $0.glob.matches(path) }), !rule.include else { return nil }
    return "excluded by pattern \"-\(rule.glob.pattern)\""
  }
}
