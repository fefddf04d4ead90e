/// A parsed `--where` expression (grammar in `docs/where.md`).
public indirect enum WhereExpression: Sendable, Equatable {
  /// Both sides hold.
  case and(WhereExpression, WhereExpression)
  /// Either side holds.
  case or(WhereExpression, WhereExpression)
  /// The expression does not hold.
  case not(WhereExpression)
  /// `field op value`.
  case compare(WhereField, WhereComparison, WhereLiteral)
  /// `field in (v1, v2, ...)`: equal to any of the values.
  case oneOf(WhereField, [WhereLiteral])
}

/// What a condition looks at.
public enum WhereField: Sendable, Equatable, Hashable {
  /// The run id.
  case id
  /// The run name.
  case name
  /// The operation name (`op` or `operation`).
  case operation
  /// The status.
  case status
  /// The label (`""` when there is none).
  case label
  /// Any of the run's comments (`comment` or `comments`).
  case comment
  /// When the run started.
  case started
  /// When the run stopped.
  case stopped
  /// The exit code (`exit` or `exit_code`).
  case exitCode
  /// A config value (`config.KEY`).
  case config(String)
  /// A metric from the run's summary (`metric.KEY` or `metrics.KEY`).
  case metric(String)
  /// A user attribute (`attr.KEY` or `attribute.KEY`).
  case attribute(String)
  /// The run a replay replayed (`replay-of`: its id or name, from `replay.json`).
  case replayOf

  /// The field named `word`, or nil.
  public init?(word: String) {
    let lower = word.lowercased()
    switch lower {
    case "id": self = .id
    case "name": self = .name
    case "op", "operation": self = .operation
    case "status": self = .status
    case "label": self = .label
    case "comment", "comments": self = .comment
    case "started": self = .started
    case "stopped": self = .stopped
    case "exit", "exit_code": self = .exitCode
    case "replay-of", "replay_of": self = .replayOf
    default:
      guard let dot = word.firstIndex(of: "."), word.index(after: dot) < word.endIndex else {
        return nil
      }
      let key = String(word[word.index(after: dot)...])
      switch word[..<dot].lowercased() {
      case "config": self = .config(key)
      case "metric", "metrics": self = .metric(key)
      case "attr", "attribute", "attrs", "attributes": self = .attribute(key)
      default: return nil
      }
    }
  }

  /// The field names, for messages.
  public static let known =
    "id, name, op, status, label, comment, started, stopped, exit, replay-of, config.KEY, metric.KEY, attr.KEY"

  /// Whether the field holds a time.
  var isTime: Bool { self == .started || self == .stopped }
}

/// A value in an expression, as written, with its readings as a number and as a time.
public struct WhereLiteral: Sendable, Equatable {
  /// The text (quotes removed).
  public var text: String
  /// Whether it was quoted (a quoted value is always a string).
  public var quoted: Bool
  /// The value as a number, when it reads as one and is not quoted.
  public var number: Double?
  /// For time fields: the interval the value names, in epoch µs (`2026-01-01` is that day).
  public var interval: Range<Int64>?
  /// The 1-based column of the value.
  public var column: Int

  /// A literal.
  public init(text: String, quoted: Bool, column: Int, interval: Range<Int64>? = nil) {
    self.text = text
    self.quoted = quoted
    self.column = column
    self.interval = interval
    number = quoted ? nil : Double(text)
  }
}
