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
    return GageFileDocument(value: convert(table), sourceMap: TOMLSourceScanner.sourceMap(of: text))
  }

  private static func convert(_ table: TOMLTable) -> JSONValue {
    var members: [String: JSONValue] = [:]
    for (key, value) in table {
      members[key] = convert(value)
    }
    return .object(members)
  }

  private static func convert(_ value: TOMLValueConvertible) -> JSONValue {
    switch value.type {
    case .table: return value.table.map(convert) ?? .object([:])
    case .array: return .array(value.array.map { $0.map(convert) } ?? [])
    case .string: return .string(value.string ?? "")
    case .int: return value.int.map(JSONValue.int) ?? .null
    case .double: return value.double.map(JSONValue.double) ?? .null
    case .bool: return value.bool.map(JSONValue.bool) ?? .null
    case .date, .time, .dateTime: return .string(value.debugDescription)
    }
  }
}
