import TOMLKit

/// The configuration of a TOML file: every string, number and boolean outside arrays, by
/// its dotted path (`lr` under `[model]` is `model.lr`; so is `model.lr = 0.1` at the top).
///
/// Values are read with TOMLKit, and located in the text with `TOMLValueScanner`. Array
/// items (and array tables), multi-line strings, dates and times, `inf` and `nan` are not
/// configurable and listed in `skipped`. Applying values replaces only the values' text
/// (TOMLKit would rewrite the whole document), then reads the result again with TOMLKit
/// to check it.
public struct TOMLConfigFile: ConfigDocument, Equatable {
  private let leaves: ConfigLeaves<TOMLValueScanner.Kind>

  /// Reads a TOML file's text; `file` names it in errors. Invalid TOML is a
  /// `GageError.invalidInput` starting with `file:line:column:`.
  public init(text: String, file: String) throws {
    let table: TOMLTable
    do {
      table = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      let begin = error.source.begin
      throw GageError.invalidInput(
        "\(file):\(max(begin.line, 1)):\(max(begin.column, 1)): invalid TOML: \(error.description)")
    }
    var scanner = TOMLValueScanner(text)
    do {
      try scanner.scan()
    } catch let failure as TOMLValueScanner.Failure {
      let (line, column) = ConfigText.location(of: failure.offset, in: Array(text.utf8))
      throw GageError.invalidInput(
        "\(file):\(line):\(column): cannot locate the values of this TOML file: \(failure.message)")
    }
    var skipped = scanner.arrays.map {
      ConfigSkippedKey(name: $0.joined(separator: "."), reason: ConfigLeafName.arrayReason)
    }
    var found: [ConfigLeaf<TOMLValueScanner.Kind>] = []
    for located in scanner.values {
      let displayName = located.path.joined(separator: ".")
      guard let name = ConfigLeafName.dotted(located.path) else {
        skipped.append(ConfigSkippedKey(name: displayName, reason: ConfigLeafName.unnamableReason))
        continue
      }
      switch Self.value(of: located, in: table) {
      case .success(let value):
        found.append(ConfigLeaf(name: name, value: value, range: located.range, style: located.kind))
      case .failure(let reason):
        skipped.append(ConfigSkippedKey(name: name, reason: reason.text))
      }
    }
    leaves = ConfigLeaves(file: file, text: text, leaves: found, skipped: skipped)
  }

  /// The file's text.
  public var text: String { leaves.text }
  /// The dotted paths of the values, in source order.
  public var names: [String] { leaves.names }
  /// Each value.
  public var values: [String: ConfigValue] { leaves.values }
  /// Arrays, multi-line strings, dates and times, unnamable keys.
  public var skipped: [ConfigSkippedKey] { leaves.skipped }

  /// The text with the given keys' values replaced by TOML literals: strings in literal
  /// quotes (`'...'`) where they were and still can be, else basic strings with escapes;
  /// floats always with a `.` or an exponent. TOML has no null: setting one is an error.
  public func applying(_ values: [String: ConfigValue]) throws -> String {
    try leaves.applying(
      values, render: { value, leaf in try Self.literal(value, kind: leaf.style, name: leaf.name) },
      reread: { try TOMLConfigFile(text: $0, file: leaves.file).values })
  }

  /// A value as a TOML literal, in the style of the literal it replaces.
  static func literal(_ value: ConfigValue, kind: TOMLValueScanner.Kind, name: String) throws -> String {
    switch value {
    case .string(let s):
      if kind == .literalString, s.unicodeScalars.allSatisfy(isLiteralStringScalar) { return "'\(s)'" }
      return basicString(s)
    case .int(let i): return String(i)
    case .float(let d): return PythonLiteral.floatRepr(d)
    case .bool(let b): return b ? "true" : "false"
    case .null: throw GageError.invalidInput("TOML has no null value; \"\(name)\" cannot be set to null")
    }
  }

  /// `"..."` with TOML escapes for quotes, backslashes and control characters (JSON's
  /// escapes, which TOML shares, plus U+007F).
  static func basicString(_ s: String) -> String {
    JSONValue.quoted(s, escapingDelete: true)
  }

  private static func isLiteralStringScalar(_ c: Unicode.Scalar) -> Bool {
    c != "'" && (c == "\t" || (c.value >= 0x20 && c.value != 0x7F))
  }

  /// Why a value is not configurable.
  private struct Reason: Error {
    var text: String
  }

  /// The value TOMLKit read at a located value's path, if it is configurable.
  private static func value(of located: TOMLValueScanner.Value, in table: TOMLTable) -> Result<ConfigValue, Reason> {
    var node: TOMLValueConvertible? = table
    for key in located.path { node = node?.table?[key] }
    guard let node else { return .failure(Reason(text: "TOMLKit does not read a value at this path")) }
    if located.kind == .multilineString { return .failure(Reason(text: "multi-line strings are not configurable")) }
    switch node.type {
    case .string:
      guard located.kind != .bare, let s = node.string else { break }
      return .success(.string(s))
    case .int:
      guard located.kind == .bare, let i = node.int else { break }
      return .success(.int(i))
    case .double:
      guard located.kind == .bare, let d = node.double else { break }
      guard d.isFinite else { return .failure(Reason(text: "inf and nan are not configurable")) }
      return .success(.float(d))
    case .bool:
      guard located.kind == .bare, let b = node.bool else { break }
      return .success(.bool(b))
    case .date, .time, .dateTime:
      return .failure(Reason(text: "dates and times are not configurable"))
    case .table, .array:
      break
    }
    return .failure(Reason(text: "TOMLKit reads another kind of value at this path"))
  }
}
