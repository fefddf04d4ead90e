/// A `--where` expression that does not parse: what was expected, and at which column.
public struct WhereSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What was wrong or expected, e.g. `expected a value after '='`.
  public var message: String
  /// The 1-based column of the problem (one past the end when the expression ended early).
  public var column: Int
  /// The whole expression.
  public var expression: String

  /// A syntax error.
  public init(_ message: String, column: Int, expression: String) {
    self.message = message
    self.column = column
    self.expression = expression
  }

  /// The message, the expression, and a caret under the column:
  ///
  ///     expected a value after '=' (column 6)
  ///       op =
  ///            ^
  public var rendered: String {
    let caretPad = String(repeating: " ", count: max(0, column - 1))
    return "\(message) (column \(column))\n  \(expression)\n  \(caretPad)^"
  }

  public var description: String { rendered }
}
