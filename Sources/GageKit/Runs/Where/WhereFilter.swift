import Foundation

/// A compiled `--where` expression that tests runs.
///
/// Meaning (see `docs/where.md`): `=`, `!=` and `in` compare numbers as numbers when both
/// sides are numbers, else as text; `<`, `<=`, `>`, `>=` likewise (text in code-point
/// order); `~` searches a regular expression (a plain word is a substring); times compare
/// with the interval a value names (`started = 2026-01-01` is that day, `started >
/// 2026-01-01` after it). A condition on a value a run lacks is false, and its negation
/// (`!=`, `!~`, `not`) true. `comment` holds when any comment does.
public final class WhereFilter {
  /// The expression.
  public let expression: WhereExpression
  /// The source text.
  public let source: String
  private var regexes: [String: NSRegularExpression] = [:]

  /// Parses and compiles `source`.
  public init(_ source: String) throws {
    self.source = source
    expression = try WhereParser.parse(source)
  }

  /// Whether `record` satisfies the expression.
  public func matches(_ record: RunRecord) -> Bool {
    var context = Context(record: record)
    return evaluate(expression, &context)
  }

  /// Values of a record, parsed at most once per evaluation.
  private struct Context {
    let record: RunRecord
    var config: [String: JSONValue]?
    var metrics: [String: JSONValue]?
    var attributes: [String: JSONValue]?

    init(record: RunRecord) {
      self.record = record
    }

    /// The field's values (none when the run lacks it; several for comments).
    mutating func values(_ field: WhereField) -> [Value] {
      switch field {
      case .id: return [.text(record.id)]
      case .name: return [.text(record.name)]
      case .operation: return [.text(record.operation)]
      case .status: return [.text(record.status.rawValue)]
      case .label: return [.text(record.label ?? "")]
      case .comment: return record.comments.map(Value.text)
      case .started: return record.started.map { [.time($0)] } ?? []
      case .stopped: return record.stopped.map { [.time($0)] } ?? []
      case .exitCode: return record.exitCode.map { [.number(Double($0))] } ?? []
      case .replayOf:
        guard let of = (try? JSONValue.read(path: record.run.metaPath(MetaFile.replay)))?["of"]?.stringValue else { return [] }
        return [.text(of), .text(RunID.name(for: of))]
      case .config(let key):
        if config == nil { config = record.config }
        return config?[key].map { [Value($0)] } ?? []
      case .metric(let key):
        if metrics == nil { metrics = record.metrics }
        return metrics?[key].map { [Value($0)] } ?? []
      case .attribute(let key):
        if attributes == nil { attributes = record.attributes }
        return attributes?[key].map { [Value($0)] } ?? []
      }
    }
  }

  /// A run's value as the language sees it.
  private enum Value {
    case text(String)
    case number(Double)
    case bool(Bool)
    case time(Int64)

    init(_ json: JSONValue) {
      switch json {
      case .int(let i): self = .number(Double(i))
      case .double(let d): self = .number(d)
      case .bool(let b): self = .bool(b)
      case .string(let s): self = .text(s)
      case .null: self = .text("null")
      case .array, .object: self = .text(json.compact())
      }
    }

    var text: String {
      switch self {
      case .text(let s): return s
      case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
      case .bool(let b): return b ? "true" : "false"
      case .time(let t): return String(t)
      }
    }
  }

  private func evaluate(_ e: WhereExpression, _ context: inout Context) -> Bool {
    switch e {
    case .and(let a, let b): return evaluate(a, &context) && evaluate(b, &context)
    case .or(let a, let b): return evaluate(a, &context) || evaluate(b, &context)
    case .not(let a): return !evaluate(a, &context)
    case .oneOf(let field, let literals):
      let values = context.values(field)
      return literals.contains { literal in values.contains { compare($0, .equal, literal) } }
    case .compare(let field, let op, let literal):
      let values = context.values(field)
      switch op {
      case .notEqual: return !values.contains { compare($0, .equal, literal) }
      case .notMatches: return !values.contains { compare($0, .matches, literal) }
      default: return values.contains { compare($0, op, literal) }
      }
    }
  }

  private func compare(_ value: Value, _ op: WhereComparison, _ literal: WhereLiteral) -> Bool {
    if op == .matches {
      return regex(literal.text)?.firstMatch(
        in: value.text, range: NSRange(value.text.startIndex..., in: value.text)) != nil
    }
    switch value {
    case .time(let t):
      guard let interval = literal.interval else { return false }
      switch op {
      case .equal: return interval.contains(t)
      case .less: return t < interval.lowerBound
      case .lessOrEqual: return t < interval.upperBound
      case .greater: return t >= interval.upperBound
      case .greaterOrEqual: return t >= interval.lowerBound
      default: return false
      }
    case .number(let n):
      if let m = literal.number { return order(n, m, op) }
      return false
    case .bool(let b):
      guard !literal.quoted, let l = Bool(literal.text.lowercased()) else { return false }
      return op == .equal && b == l
    case .text(let s):
      if op == .equal { return s == literal.text }
      if !literal.quoted, let m = literal.number, let n = Double(s) { return order(n, m, op) }
      return order(s, literal.text, op)
    }
  }

  private func order<T: Comparable>(_ a: T, _ b: T, _ op: WhereComparison) -> Bool {
    switch op {
    case .equal: return a == b
    case .less: return a < b
    case .lessOrEqual: return a <= b
    case .greater: return a > b
    case .greaterOrEqual: return a >= b
    default: return false
    }
  }

  private func regex(_ pattern: String) -> NSRegularExpression? {
    if let r = regexes[pattern] { return r }
    let r = try? NSRegularExpression(pattern: pattern)
    regexes[pattern] = r
    return r
  }
}
