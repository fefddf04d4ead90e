import Foundation

/// A scalar run configuration value: what a config file holds as a default and what
/// `gage run op key=value` sets.
public enum ConfigValue: Sendable, Equatable, Hashable {
  /// A string.
  case string(String)
  /// An integer.
  case int(Int)
  /// A floating point number (always finite).
  case float(Double)
  /// A boolean.
  case bool(Bool)
  /// No value (Python `None`, YAML `null`).
  case null

  /// The value as stored in `config.json`.
  public var json: JSONValue {
    switch self {
    case .string(let s): return .string(s)
    case .int(let i): return .int(i)
    case .float(let d): return .double(d)
    case .bool(let b): return .bool(b)
    case .null: return .null
    }
  }

  /// The value as a user would type it after `key=`: strings unquoted, floats in Python's
  /// `repr` style (`1.0`, `0.001`, `1e-05`), `true`/`false` and `null`.
  public var display: String {
    switch self {
    case .string(let s): return s
    case .int(let i): return String(i)
    case .float(let d): return PythonLiteral.floatRepr(d)
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    }
  }

  /// The name of the value's type with its article, for messages ("a string", "an integer").
  public var typeDescription: String {
    switch self {
    case .string: return "a string"
    case .int: return "an integer"
    case .float: return "a float"
    case .bool: return "a boolean"
    case .null: return "null"
    }
  }

  /// The value for messages: like `display`, with strings in double quotes.
  var quotedDisplay: String {
    if case .string(let s) = self { return "\"\(s)\"" }
    return display
  }
}
