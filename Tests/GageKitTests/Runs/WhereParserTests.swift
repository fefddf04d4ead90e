import GageKit
import Testing

/// The `--where` language: what parses to what, and every error with its column.
@Suite("Where expressions: parsing")
struct WhereParserTests {
  static func lit(_ text: String, quoted: Bool = false, column: Int) -> WhereLiteral {
    WhereLiteral(text: text, quoted: quoted, column: column)
  }

  @Test("Conditions of every kind")
  func conditions() throws {
    #expect(
      try WhereParser.parse("op = train")
        == .compare(.operation, .equal, Self.lit("train", column: 6)))
    #expect(
      try WhereParser.parse("operation == train")
        == .compare(.operation, .equal, Self.lit("train", column: 14)))
    #expect(
      try WhereParser.parse("label ~ \"best\"")
        == .compare(.label, .matches, Self.lit("best", quoted: true, column: 9)))
    #expect(
      try WhereParser.parse("config.lr > 0.01")
        == .compare(.config("lr"), .greater, Self.lit("0.01", column: 13)))
    #expect(
      try WhereParser.parse("metric.loss<0.2")
        == .compare(.metric("loss"), .less, Self.lit("0.2", column: 13)))
    #expect(
      try WhereParser.parse("config.model.depth >= 4")
        == .compare(.config("model.depth"), .greaterOrEqual, Self.lit("4", column: 23)))
    #expect(
      try WhereParser.parse("id != abc") == .compare(.id, .notEqual, Self.lit("abc", column: 7)))
    #expect(
      try WhereParser.parse("name !~ 'ka.*'")
        == .compare(.name, .notMatches, Self.lit("ka.*", quoted: true, column: 9)))
    #expect(
      try WhereParser.parse("exit <= 1")
        == .compare(.exitCode, .lessOrEqual, Self.lit("1", column: 9)))
    #expect(
      try WhereParser.parse("comment ~ plateau")
        == .compare(.comment, .matches, Self.lit("plateau", column: 11)))
    #expect(
      try WhereParser.parse("attr.msg = hi")
        == .compare(.attribute("msg"), .equal, Self.lit("hi", column: 12)))
  }

  @Test("in, not in, and time values")
  func lists() throws {
    #expect(
      try WhereParser.parse("status in (completed, error)")
        == .oneOf(.status, [Self.lit("completed", column: 12), Self.lit("error", column: 23)]))
    #expect(
      try WhereParser.parse("op not in (a)")
        == .not(.oneOf(.operation, [Self.lit("a", column: 12)])))
    guard
      case .compare(.started, .greater, let value) = try WhereParser.parse("started > 2026-01-01")
    else {
      Issue.record("not a comparison of started")
      return
    }
    #expect(value.interval?.count == 86_400_000_000, "a date names its whole day")
  }

  @Test("not binds tightest, then and, then or; parentheses group")
  func precedence() throws {
    let a = WhereExpression.compare(.operation, .equal, Self.lit("a", column: 6))
    #expect(
      try WhereParser.parse("op = a or op = b and not op = c")
        == .or(
          a,
          .and(
            .compare(.operation, .equal, Self.lit("b", column: 16)),
            .not(.compare(.operation, .equal, Self.lit("c", column: 31))))))
    #expect(
      try WhereParser.parse("(op = a or op = b) and op = c")
        == .and(
          .or(
            .compare(.operation, .equal, Self.lit("a", column: 7)),
            .compare(.operation, .equal, Self.lit("b", column: 17))),
          .compare(.operation, .equal, Self.lit("c", column: 29))))
    #expect(
      try WhereParser.parse("OP = a AND NOT op = b")
        == .and(
          a, .not(.compare(.operation, .equal, Self.lit("b", column: 21)))))
  }

  @Test(
    "Every error says what was expected, at which column",
    arguments: [
      ("op = ", "expected a value after '='", 6),
      ("", "expected a condition, e.g. op = train", 1),
      ("op", "expected an operator (=, !=, <, <=, >, >=, ~, !~, in) after 'op'", 3),
      ("op = a and", "expected a field name after 'and'", 11),
      ("op = a b", "expected 'and', 'or' or the end of the expression, found 'b'", 8),
      ("(op = a", "expected ')' to close the '(' at column 1", 8),
      ("(op = a b)", "expected 'and', 'or' or ')', found 'b'", 9),
      ("op = a)", "unexpected ')': there is no '(' to close", 7),
      ("= a", "expected a field name before '='", 1),
      ("foo = 1", "unknown field 'foo'; fields are \(WhereField.known)", 1),
      ("status in completed", "expected '(' after 'in'", 11),
      ("status in (completed,", "expected a value after ','", 22),
      ("status in (completed error)", "expected ',' or ')' in the list started at column 11", 22),
      ("label ~ \"best", "unterminated string: expected a closing \"", 9),
      ("op ! a", "unexpected '!'; operators are =, !=, <, <=, >, >=, ~ and !~", 4),
      ("label ~ \"(\"", "invalid regular expression \"(\"", 9),
      (
        "started > yesterday",
        "expected a date like 2026-01-01 or 2026-01-01T12:30, found 'yesterday'", 11
      ),
      (
        "started < 2026-02-30",
        "expected a date like 2026-01-01 or 2026-01-01T12:30, found '2026-02-30'", 11
      ),
      (
        "status = done",
        "unknown status 'done'; statuses are pending, staged, running, completed, error, terminated, unknown",
        10
      ),
      ("exit = zero", "expected a number, found 'zero'", 8),
      ("op = and", "expected a value after '='", 6),
    ])
  func errors(expression: String, message: String, column: Int) {
    do {
      let parsed = try WhereParser.parse(expression)
      Issue.record("\(expression) parsed as \(parsed)")
    } catch let error as WhereSyntaxError {
      #expect(error.message == message)
      #expect(error.column == column, "\(expression)")
      #expect(error.expression == expression)
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test("The rendered error puts a caret under the column")
  func caret() {
    let error = WhereSyntaxError("expected a value after '='", column: 6, expression: "op = ")
    #expect(error.rendered == "expected a value after '=' (column 6)\n  op = \n       ^")
  }

  @Test("Time values name intervals: year, month, day, minute, second; Z means UTC")
  func times() throws {
    let day = try #require(WhereTime.interval("2026-01-01Z"))
    #expect(day.lowerBound == 1_767_225_600_000_000)
    #expect(day.count == 86_400_000_000)
    #expect(WhereTime.interval("2026Z")?.count == 365 * 86_400_000_000)
    #expect(WhereTime.interval("2024-02Z")?.count == 29 * 86_400_000_000)
    let tenThirty: Int64 = 1_767_225_600_000_000 + 37_800_000_000
    let halfPast = try #require(WhereTime.interval("2026-01-01T10:30Z"))
    #expect(halfPast.lowerBound == tenThirty)
    #expect(halfPast.count == 60_000_000)
    #expect(WhereTime.interval("2026-01-01 10:30:15Z")?.count == 1_000_000)
    for bad in ["2026-13-01", "26-01-01", "2026-01-01T25", "2026-01-01T10:3", "2026/01/01", "soon"] {
      #expect(WhereTime.interval(bad) == nil, "\(bad)")
    }
  }

  @Test("deep nesting and very long expressions are syntax errors, not a stack overflow (found by libFuzzer)")
  func limits() throws {
    let deep = String(repeating: "(", count: 5000) + "op = x" + String(repeating: ")", count: 5000)
    #expect(throws: WhereSyntaxError.self) { try WhereParser.parse(deep) }
    let nots = String(repeating: "not ", count: 100) + "op = x"
    #expect(throws: WhereSyntaxError.self) { try WhereParser.parse(nots) }
    let ok = String(repeating: "(", count: 50) + "op = x" + String(repeating: ")", count: 50)
    _ = try WhereParser.parse(ok)
    let long = Array(repeating: "op = x", count: 2000).joined(separator: " and ")
    #expect(throws: WhereSyntaxError.self) { try WhereParser.parse(long) }
  }
}
