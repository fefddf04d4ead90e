import Foundation

/// A command-line config assignment `KEY=VALUE`, as in `gage run train lr=0.01`.
///
/// The value is read like a YAML scalar: `1` is an integer, `1.5` and `1e-3` are floats,
/// `true`/`false` booleans, `null` (or `~`) null, `'...'`/`"..."` a string without its
/// quotes, anything else a plain string. The text as typed is kept too, so a number
/// assigned to a string key becomes exactly what the user typed (`msg=1.50` gives `"1.50"`).
public struct ConfigAssignment: Sendable, Equatable {
  /// The flat config key (`lr`, `model.lr`).
  public var key: String
  /// The parsed value.
  public var value: ConfigValue
  /// The value's text as typed, without the quotes of a quoted string.
  public var text: String

  /// An assignment from its parts; `text` defaults to the value's display form.
  public init(key: String, value: ConfigValue, text: String? = nil) {
    self.key = key
    self.value = value
    self.text = text ?? value.display
  }

  /// Parses a `KEY=VALUE` argument.
  public init(parsing arg: String) throws {
    guard let equals = arg.firstIndex(of: "=") else {
      throw GageError.invalidInput("invalid config assignment \"\(arg)\": expected KEY=VALUE")
    }
    let key = String(arg[..<equals])
    guard !key.isEmpty else {
      throw GageError.invalidInput("invalid config assignment \"\(arg)\": the key is missing; expected KEY=VALUE")
    }
    guard Self.isValidKey(key) else {
      throw GageError.invalidInput(
        "invalid config key \"\(key)\" in \"\(arg)\": a key is made of letters, digits, '_', '-' and "
          + "'.' (as in model.lr); expected KEY=VALUE")
    }
    let raw = String(arg[arg.index(after: equals)...])
    let value = Self.parseValue(raw)
    self.init(key: key, value: value, text: Self.unquoted(raw) ?? raw)
  }

  /// Parses a `KEY=VALUE` argument into its key and value.
  public static func parse(_ arg: String) throws -> (key: String, value: ConfigValue) {
    let assignment = try ConfigAssignment(parsing: arg)
    return (assignment.key, assignment.value)
  }

  /// Reads a value the way a YAML scalar is read (see the type's documentation).
  public static func parseValue(_ text: String) -> ConfigValue {
    if let inner = unquoted(text) { return .string(inner) }
    switch text {
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    case "null", "Null", "NULL", "~": return .null
    default: break
    }
    if isYAMLInt(text), let i = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text) {
      return .int(i)
    }
    if isYAMLFloat(text), let d = Double(text), d.isFinite {
      return .float(d)
    }
    return .string(text)
  }

  /// Whether `key` is a well-formed flat key: dot-separated non-empty parts of letters,
  /// digits, `_` and `-`, not starting with `-`.
  public static func isValidKey(_ key: String) -> Bool {
    guard !key.isEmpty, !key.hasPrefix("-") else { return false }
    let parts = key.split(separator: ".", omittingEmptySubsequences: false)
    return parts.allSatisfy { part in
      !part.isEmpty && part.unicodeScalars.allSatisfy { isKeyScalar($0) }
    }
  }

  private static func isKeyScalar(_ c: Unicode.Scalar) -> Bool {
    c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-"
  }

  /// The inside of a `'...'` or `"..."` quoted text, or nil when it is not quoted.
  private static func unquoted(_ text: String) -> String? {
    guard text.count >= 2, let first = text.first, first == "'" || first == "\"", text.last == first else {
      return nil
    }
    return String(text.dropFirst().dropLast())
  }

  /// `[-+]?[0-9]+`
  private static func isYAMLInt(_ text: String) -> Bool {
    var scalars = Substring(text).unicodeScalars[...]
    if let first = scalars.first, first == "-" || first == "+" { scalars = scalars.dropFirst() }
    return !scalars.isEmpty && scalars.allSatisfy(isDigit)
  }

  /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, with a dot or an exponent.
  private static func isYAMLFloat(_ text: String) -> Bool {
    let s = Array(text.unicodeScalars)
    var i = 0
    if i < s.count, s[i] == "-" || s[i] == "+" { i += 1 }
    let intStart = i
    while i < s.count, isDigit(s[i]) { i += 1 }
    var digits = i - intStart
    var hasDotOrExponent = false
    if i < s.count, s[i] == "." {
      hasDotOrExponent = true
      i += 1
      let fractionStart = i
      while i < s.count, isDigit(s[i]) { i += 1 }
      digits += i - fractionStart
    }
    guard digits > 0 else { return false }
    if i < s.count, s[i] == "e" || s[i] == "E" {
      hasDotOrExponent = true
      i += 1
      if i < s.count, s[i] == "-" || s[i] == "+" { i += 1 }
      let exponentStart = i
      while i < s.count, isDigit(s[i]) { i += 1 }
      guard i > exponentStart else { return false }
    }
    return i == s.count && hasDotOrExponent
  }

  private static func isDigit(_ c: Unicode.Scalar) -> Bool {
    ("0"..."9").contains(c)
  }
}
