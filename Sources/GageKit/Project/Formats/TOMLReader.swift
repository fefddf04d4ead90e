import TOMLKit

/// Reads a TOML Gage file into the JSON value model.
enum TOMLReader {
  /// Parses `text`; integers become `.int`, floats `.double`, dates and times their TOML text.
  static func read(_ text: String, path: String) throws -> GageFileDocument {
    try TOMLPreflight.check(text, path: path)
    let table: TOMLTable
    do {
      table = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      let begin = error.source.begin
      let position = SourcePosition(line: max(begin.line, 1), column: max(begin.column, 1))
      throw GageError.gageFile(
        location: GageFileDocument.location(path, position),
        message: "invalid TOML: \(error.description)")
    }
    return GageFileDocument(value: try convert(table, path: path), sourceMap: TOMLSourceScanner.sourceMap(of: text))
  }

  /// The table's members. Keys are looked up one by one rather than through TOMLKit's
  /// iterator, which traps on a key it cannot look up again (one holding a NUL character
  /// comes back cut at the NUL).
  private static func convert(_ table: TOMLTable, path: String) throws -> JSONValue {
    var members: [String: JSONValue] = [:]
    for key in table.keys {
      let shown = JSONValue.string(key).compact()
      guard !key.utf8.contains(0) else {
        throw GageError.gageFile(location: path, message: "invalid TOML: the key \(shown) holds a NUL character (\\u0000)")
      }
      guard let value = table[key] else {
        throw GageError.gageFile(
          location: path,
          message: "invalid TOML: the key \(shown) cannot be read back (a key may not hold a NUL character, \\u0000; this one is cut there)"
        )
      }
      members[key] = try convert(value, path: path)
    }
    return .object(members)
  }

  private static func convert(_ value: TOMLValueConvertible, path: String) throws -> JSONValue {
    switch value.type {
    case .table: return try value.table.map { try convert($0, path: path) } ?? .object([:])
    case .array: return .array(try value.array.map { try $0.map { try convert($0, path: path) } } ?? [])
    case .string: return .string(value.string ?? "")
    case .int: return value.int.map(JSONValue.int) ?? .null
    case .double: return value.double.map(JSONValue.double) ?? .null
    case .bool: return value.bool.map(JSONValue.bool) ?? .null
    case .date, .time, .dateTime: return .string(value.debugDescription)
    }
  }
}
