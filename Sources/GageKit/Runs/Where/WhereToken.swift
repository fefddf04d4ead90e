/// A token of the `--where` language.
public struct WhereToken: Sendable, Equatable {
  /// The kinds of tokens.
  public enum Kind: Sendable, Equatable {
    /// A bare word: a field name, a keyword (`and`, `or`, `not`, `in`), or an unquoted value.
    case word(String)
    /// A quoted string (quotes removed, escapes resolved).
    case string(String)
    /// A comparison operator.
    case comparison(WhereComparison)
    /// `(`.
    case open
    /// `)`.
    case close
    /// `,`.
    case comma
    /// The end of the expression.
    case end
  }

  /// What the token is.
  public var kind: Kind
  /// Its 1-based column (counted in characters).
  public var column: Int
  /// The source text of the token, for messages.
  public var text: String

  /// Whether this is the bare word `keyword` (case-insensitive).
  func isKeyword(_ keyword: String) -> Bool {
    if case .word(let w) = kind { return w.lowercased() == keyword }
    return false
  }

  /// How the token reads in a message: `'b'`, `"x y"`, or `the end of the expression`.
  var described: String {
    switch kind {
    case .end: return "the end of the expression"
    case .string: return text
    default: return "'\(text)'"
    }
  }
}

/// A comparison operator of the `--where` language.
public enum WhereComparison: String, Sendable, Equatable, CaseIterable {
  /// `=` (also `==`): equal.
  case equal = "="
  /// `!=`: not equal.
  case notEqual = "!="
  /// `<`.
  case less = "<"
  /// `<=`.
  case lessOrEqual = "<="
  /// `>`.
  case greater = ">"
  /// `>=`.
  case greaterOrEqual = ">="
  /// `~`: matches a regular expression (a plain word matches as a substring).
  case matches = "~"
  /// `!~`: does not match.
  case notMatches = "!~"
}
