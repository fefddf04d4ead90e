import Foundation

/// A recursive-descent parser of the `--where` language:
///
///     expr       := and-expr ("or" and-expr)*
///     and-expr   := unary ("and" unary)*
///     unary      := "not" unary | "(" expr ")" | condition
///     condition  := field op value | field ["not"] "in" "(" value ("," value)* ")"
///
/// Errors say what was expected and carry the column (see `WhereSyntaxError`).
public struct WhereParser {
  private let expression: String
  private var tokens: [WhereToken]
  private var pos = 0

  /// Parses `expression`.
  public static func parse(_ expression: String) throws -> WhereExpression {
    var parser = try WhereParser(expression)
    return try parser.parseAll()
  }

  /// Nesting (parentheses and `not`) and length limits: expressions are written by people,
  /// and recursion deeper than this could exhaust the stack.
  static let maxDepth = 64
  static let maxTokens = 4096

  private init(_ expression: String) throws {
    self.expression = expression
    var lexer = WhereLexer(expression)
    tokens = try lexer.tokens()
    if tokens.count > Self.maxTokens {
      throw WhereSyntaxError(
        "the expression is too long (more than \(Self.maxTokens) words and symbols)", column: 1, expression: expression)
    }
  }

  private var current: WhereToken { tokens[min(pos, tokens.count - 1)] }
  private var previous: WhereToken? { pos > 0 ? tokens[pos - 1] : nil }

  private func error(_ message: String, at token: WhereToken) -> WhereSyntaxError {
    WhereSyntaxError(message, column: token.column, expression: expression)
  }

  private mutating func parseAll() throws -> WhereExpression {
    let result = try parseOr(depth: 0)
    let token = current
    switch token.kind {
    case .end: return result
    case .close: throw error("unexpected ')': there is no '(' to close", at: token)
    default:
      throw error(
        "expected 'and', 'or' or the end of the expression, found \(token.described)", at: token)
    }
  }

  private mutating func parseOr(depth: Int) throws -> WhereExpression {
    var left = try parseAnd(depth: depth)
    while current.isKeyword("or") {
      pos += 1
      left = .or(left, try parseAnd(depth: depth))
    }
    return left
  }

  private mutating func parseAnd(depth: Int) throws -> WhereExpression {
    var left = try parseUnary(depth: depth)
    while current.isKeyword("and") {
      pos += 1
      left = .and(left, try parseUnary(depth: depth))
    }
    return left
  }

  private mutating func parseUnary(depth: Int) throws -> WhereExpression {
    let token = current
    guard depth < Self.maxDepth else {
      throw error("the expression nests too deeply (more than \(Self.maxDepth) levels of '(' and 'not')", at: token)
    }
    if token.isKeyword("not") {
      pos += 1
      return .not(try parseUnary(depth: depth + 1))
    }
    if token.kind == .open {
      pos += 1
      let inner = try parseOr(depth: depth + 1)
      let close = current
      guard close.kind == .close else {
        if close.kind == .end {
          throw error("expected ')' to close the '(' at column \(token.column)", at: close)
        }
        throw error("expected 'and', 'or' or ')', found \(close.described)", at: close)
      }
      pos += 1
      return inner
    }
    return try parseCondition()
  }

  private func after() -> String {
    guard let previous else { return "" }
    return " after '\(previous.text)'"
  }

  private mutating func parseCondition() throws -> WhereExpression {
    let token = current
    guard case .word(let word) = token.kind else {
      switch token.kind {
      case .end:
        if previous == nil { throw error("expected a condition, e.g. op = train", at: token) }
        throw error("expected a field name\(after())", at: token)
      case .comparison: throw error("expected a field name before '\(token.text)'", at: token)
      default: throw error("expected a field name, found \(token.described)", at: token)
      }
    }
    guard let field = WhereField(word: word) else {
      throw error("unknown field '\(word)'; fields are \(WhereField.known)", at: token)
    }
    pos += 1
    let opToken = current
    switch opToken.kind {
    case .comparison(let op):
      pos += 1
      let value = try parseValue(for: field, op: op)
      return .compare(field, op, value)
    case .word where opToken.isKeyword("in"):
      pos += 1
      return .oneOf(field, try parseList(for: field))
    case .word
    where opToken.isKeyword("not") && tokens[min(pos + 1, tokens.count - 1)].isKeyword("in"):
      pos += 2
      return .not(.oneOf(field, try parseList(for: field)))
    default:
      throw error(
        "expected an operator (=, !=, <, <=, >, >=, ~, !~, in) after '\(word)'", at: opToken)
    }
  }

  private mutating func parseList(for field: WhereField) throws -> [WhereLiteral] {
    let open = current
    guard open.kind == .open else { throw error("expected '(' after 'in'", at: open) }
    pos += 1
    var values: [WhereLiteral] = []
    while true {
      values.append(try parseValue(for: field, op: .equal))
      let token = current
      switch token.kind {
      case .comma: pos += 1
      case .close:
        pos += 1
        return values
      default:
        throw error("expected ',' or ')' in the list started at column \(open.column)", at: token)
      }
    }
  }

  private mutating func parseValue(
    for field: WhereField, op: WhereComparison
  ) throws
    -> WhereLiteral
  {
    let token = current
    let literal: WhereLiteral
    switch token.kind {
    case .word(let w) where !["and", "or"].contains(w.lowercased()):
      literal = WhereLiteral(text: w, quoted: false, column: token.column)
    case .string(let s):
      literal = WhereLiteral(text: s, quoted: true, column: token.column)
    default:
      throw error("expected a value\(after())", at: token)
    }
    pos += 1
    return try check(literal, field: field, op: op, token: token)
  }

  /// Checks what can be checked before any run is read: regular expressions, times,
  /// statuses and exit codes.
  private func check(
    _ literal: WhereLiteral, field: WhereField, op: WhereComparison, token: WhereToken
  ) throws
    -> WhereLiteral
  {
    var literal = literal
    if op == .matches || op == .notMatches {
      do {
        _ = try NSRegularExpression(pattern: literal.text)
      } catch {
        throw self.error("invalid regular expression \(token.described)", at: token)
      }
      return literal
    }
    if field.isTime {
      guard let interval = WhereTime.interval(literal.text) else {
        throw self.error(
          "expected a date like 2026-01-01 or 2026-01-01T12:30, found \(token.described)", at: token
        )
      }
      literal.interval = interval
    }
    if field == .status, op == .equal || op == .notEqual, RunStatus(rawValue: literal.text) == nil {
      let names = RunStatus.allCases.map(\.rawValue).joined(separator: ", ")
      throw self.error("unknown status \(token.described); statuses are \(names)", at: token)
    }
    if field == .exitCode, literal.number == nil {
      throw self.error("expected a number, found \(token.described)", at: token)
    }
    return literal
  }
}
