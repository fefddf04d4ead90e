/// Splits a `--where` expression into tokens: words, quoted strings, operators,
/// parentheses and commas. Hand-written: one pass over the characters.
public struct WhereLexer {
  private let chars: [Character]
  private let expression: String
  private var pos = 0

  /// A lexer over `expression`.
  public init(_ expression: String) {
    self.expression = expression
    chars = Array(expression)
  }

  /// Every token, ending with `.end`.
  public mutating func tokens() throws -> [WhereToken] {
    var result: [WhereToken] = []
    while true {
      let token = try next()
      result.append(token)
      if token.kind == .end { return result }
    }
  }

  private static let operatorChars: Set<Character> = ["=", "!", "<", ">", "~"]
  private static let punctuation: Set<Character> = ["(", ")", ","]

  private mutating func next() throws -> WhereToken {
    while pos < chars.count, chars[pos].isWhitespace { pos += 1 }
    let column = pos + 1
    guard pos < chars.count else { return WhereToken(kind: .end, column: column, text: "") }
    let c = chars[pos]
    switch c {
    case "(":
      pos += 1
      return WhereToken(kind: .open, column: column, text: "(")
    case ")":
      pos += 1
      return WhereToken(kind: .close, column: column, text: ")")
    case ",":
      pos += 1
      return WhereToken(kind: .comma, column: column, text: ",")
    case "\"", "'":
      return try quoted(quote: c, column: column)
    default:
      if Self.operatorChars.contains(c) { return try comparison(column: column) }
      return word(column: column)
    }
  }

  private mutating func comparison(column: Int) throws -> WhereToken {
    let first = chars[pos]
    let second: Character? = pos + 1 < chars.count ? chars[pos + 1] : nil
    let two = second.map { String([first, $0]) }
    if let two, two == "==" {
      pos += 2
      return WhereToken(kind: .comparison(.equal), column: column, text: two)
    }
    if let two, let op = WhereComparison(rawValue: two) {
      pos += 2
      return WhereToken(kind: .comparison(op), column: column, text: two)
    }
    if let op = WhereComparison(rawValue: String(first)) {
      pos += 1
      return WhereToken(kind: .comparison(op), column: column, text: String(first))
    }
    throw WhereSyntaxError(
      "unexpected '\(first)'; operators are =, !=, <, <=, >, >=, ~ and !~", column: column, expression: expression)
  }

  private mutating func quoted(quote: Character, column: Int) throws -> WhereToken {
    let start = pos
    pos += 1
    var value = ""
    while pos < chars.count {
      let c = chars[pos]
      if c == quote {
        pos += 1
        return WhereToken(kind: .string(value), column: column, text: String(chars[start..<pos]))
      }
      if c == "\\", pos + 1 < chars.count, chars[pos + 1] == quote || chars[pos + 1] == "\\" {
        value.append(chars[pos + 1])
        pos += 2
        continue
      }
      value.append(c)
      pos += 1
    }
    throw WhereSyntaxError(
      "unterminated string: expected a closing \(quote)", column: column, expression: expression)
  }

  private mutating func word(column: Int) -> WhereToken {
    let start = pos
    while pos < chars.count {
      let c = chars[pos]
      if c.isWhitespace || Self.punctuation.contains(c) || Self.operatorChars.contains(c) || c == "\"" || c == "'" {
        break
      }
      pos += 1
    }
    let text = String(chars[start..<pos])
    return WhereToken(kind: .word(text), column: column, text: text)
  }
}
