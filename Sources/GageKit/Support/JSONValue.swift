import Foundation

/// A JSON document: the value model shared by Gage files, meta files and `--json` output.
public enum JSONValue: Sendable, Equatable, Hashable {
  /// `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// An integer that fits in 64 bits.
  case int(Int)
  /// Any other number.
  case double(Double)
  /// A string.
  case string(String)
  /// An ordered array.
  case array([JSONValue])
  /// An object; keys are written sorted.
  case object([String: JSONValue])

  /// The string, when this is a string.
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The object's members, when this is an object.
  public var objectValue: [String: JSONValue]? {
    if case .object(let o) = self { return o }
    return nil
  }

  /// The array's items, when this is an array.
  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  /// The bool, when this is a bool.
  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  /// The member named `key`, when this is an object holding it.
  public subscript(key: String) -> JSONValue? {
    objectValue?[key]
  }

  /// A short name of the value's type, for error messages ("a string", "an array").
  public var typeDescription: String {
    switch self {
    case .null: return "null"
    case .bool: return "a boolean"
    case .int: return "an integer"
    case .double: return "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "a table"
    }
  }
}

// MARK: - Encoding

extension JSONValue {
  /// Pretty JSON with two-space indent and sorted keys (the form of Gage's meta files).
  public func prettyPrinted() -> String {
    var out = ""
    write(to: &out, indent: 0, pretty: true)
    return out
  }

  /// Compact JSON on one line, keys sorted.
  public func compact() -> String {
    var out = ""
    write(to: &out, indent: 0, pretty: false)
    return out
  }

  private func write(to out: inout String, indent: Int, pretty: Bool) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d): out += JSONValue.format(d)
    case .string(let s): JSONValue.writeString(s, to: &out)
    case .array(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      out += "["
      for (n, item) in items.enumerated() {
        if n > 0 { out += pretty ? "," : ", " }
        if pretty { out += "\n" + String(repeating: " ", count: indent + 2) }
        item.write(to: &out, indent: indent + 2, pretty: pretty)
      }
      if pretty { out += "\n" + String(repeating: " ", count: indent) }
      out += "]"
    case .object(let members):
      if members.isEmpty {
        out += "{}"
        return
      }
      out += "{"
      for (n, key) in members.keys.sorted().enumerated() {
        if n > 0 { out += pretty ? "," : ", " }
        if pretty { out += "\n" + String(repeating: " ", count: indent + 2) }
        JSONValue.writeString(key, to: &out)
        out += ": "
        members[key, default: .null].write(to: &out, indent: indent + 2, pretty: pretty)
      }
      if pretty { out += "\n" + String(repeating: " ", count: indent) }
      out += "}"
    }
  }

  /// Formats a double the way Python's `repr` does for the common cases (`1.0`, `0.1`, `1e-05`).
  static func format(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    if d == d.rounded(), abs(d) < 1e16 {
      return String(format: "%.1f", d)
    }
    return "\(d)"
  }

  static func writeString(_ s: String, to out: inout String) {
    out += quoted(s)
  }

  /// `s` as a double-quoted string with JSON's escapes (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`,
  /// `\f`, `\uXXXX` for other control characters). The same text is a valid TOML basic string
  /// when `escapingDelete` also escapes U+007F, which TOML does not allow as it is.
  static func quoted(_ s: String, escapingDelete: Bool = false) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if scalar.value < 0x20 || (escapingDelete && scalar.value == 0x7F) {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

}

// MARK: - Decoding

extension JSONValue {
  /// Parses JSON text. Errors carry the line and column of the problem.
  public static func parse(_ text: String, allowComments: Bool = false) throws -> JSONValue {
    var parser = JSONParser(Array(text.utf8), allowComments: allowComments)
    return try parser.parseDocument()
  }

  /// Reads and parses a JSON file.
  public static func read(path: String) throws -> JSONValue {
    let text = try FileIO.readText(path)
    do {
      return try parse(text)
    } catch let error as JSONParseError {
      throw GageError.invalidData("\(path):\(error.line):\(error.column): \(error.message)")
    }
  }
}
