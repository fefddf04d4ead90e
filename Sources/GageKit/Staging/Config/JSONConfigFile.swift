/// The configuration of a JSON file: every scalar (string, number, boolean, null) of its
/// top-level object, by its dotted path (`{"model": {"lr": 0.1}}` has the key `model.lr`).
///
/// Array items are not configurable, nor are keys that cannot be written as a dotted
/// path (empty, or holding `.` or spaces); they are listed in `skipped`. Whole-line `//`
/// comments are allowed. Applying values replaces only the values' text, written as JSON
/// literals; everything else stays byte for byte.
public struct JSONConfigFile: ConfigDocument, Equatable {
  /// JSON values need no style: each kind of value has one way to be written.
  typealias Style = Never?

  private let leaves: ConfigLeaves<Style>

  /// Reads a JSON file's text; `file` names it in errors. Invalid JSON is a
  /// `GageError.invalidInput` starting with `file:line:column:`.
  public init(text: String, file: String) throws {
    var parser = JSONParser(Array(text.utf8), allowComments: true, recordsScalars: true)
    let root: JSONValue
    do {
      root = try parser.parseDocument()
    } catch let error as JSONParseError {
      throw GageError.invalidInput("\(file):\(error.line):\(error.column): invalid JSON: \(error.message)")
    }
    var found: [ConfigLeaf<Style>] = []
    var skipped: [ConfigSkippedKey] = []
    if case .object = root {
      var arrays: Set<String> = []
      for span in parser.scalarSpans {
        Self.collect(span, into: &found, skipped: &skipped, arrays: &arrays)
      }
    } else {
      skipped.append(ConfigSkippedKey(name: "", reason: "its top level is not an object"))
    }
    leaves = ConfigLeaves(file: file, text: text, leaves: found, skipped: skipped)
  }

  /// The file's text.
  public var text: String { leaves.text }
  /// The dotted paths of the scalars, in source order.
  public var names: [String] { leaves.names }
  /// Each scalar's value.
  public var values: [String: ConfigValue] { leaves.values }
  /// Array items and unnamable keys.
  public var skipped: [ConfigSkippedKey] { leaves.skipped }

  /// The text with the given keys' values replaced by JSON literals (`"..."` with JSON
  /// escapes, numbers, `true`/`false`, `null`; floats always with a `.` or an exponent).
  public func applying(_ values: [String: ConfigValue]) throws -> String {
    try leaves.applying(
      values, render: { value, _ in Self.literal(value) },
      reread: { try JSONConfigFile(text: $0, file: leaves.file).values })
  }

  /// A value as a JSON literal.
  static func literal(_ value: ConfigValue) -> String {
    switch value {
    case .string(let s):
      var out = ""
      JSONValue.writeString(s, to: &out)
      return out
    case .int(let i): return String(i)
    case .float(let d): return PythonLiteral.floatRepr(d)
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    }
  }

  private static func collect(
    _ span: JSONScalarSpan, into found: inout [ConfigLeaf<Style>], skipped: inout [ConfigSkippedKey],
    arrays: inout Set<String>
  ) {
    var keys: [String] = []
    for component in span.path {
      switch component {
      case .key(let key):
        keys.append(key)
      case .index:
        let name = keys.joined(separator: ".")
        if arrays.insert(name).inserted {
          skipped.append(ConfigSkippedKey(name: name, reason: ConfigLeafName.arrayReason))
        }
        return
      }
    }
    guard let name = ConfigLeafName.dotted(keys) else {
      skipped.append(
        ConfigSkippedKey(name: keys.joined(separator: "."), reason: ConfigLeafName.unnamableReason))
      return
    }
    let value: ConfigValue
    switch span.value {
    case .string(let s): value = .string(s)
    case .int(let i): value = .int(i)
    case .double(let d) where d.isFinite: value = .float(d)
    case .bool(let b): value = .bool(b)
    case .null: value = .null
    case .double, .array, .object:
      skipped.append(ConfigSkippedKey(name: name, reason: "its number is out of range"))
      return
    }
    found.append(ConfigLeaf(name: name, value: value, range: span.range, style: nil))
  }
}
