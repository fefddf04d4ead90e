import Yams

/// Reads a YAML Gage file into the JSON value model, with the position of every key from
/// the composed node tree.
enum YAMLReader {
  /// Parses `text`; an empty document is an empty table.
  static func read(_ text: String, path: String) throws -> GageFileDocument {
    let root: Node?
    do {
      root = try YAMLText.compose(text)
    } catch {
      throw GageError.gageFile(location: GageFileDocument.location(path, error.position), message: error.message)
    }
    var map = SourceMap()
    guard let root else { return GageFileDocument(value: .object([:]), sourceMap: map) }
    let value = convert(root, at: [], into: &map)
    return GageFileDocument(value: value, sourceMap: map)
  }

  private static func convert(
    _ node: Node, at path: SourcePath, into map: inout SourceMap
  )
    -> JSONValue
  {
    switch node {
    case .scalar(let scalar):
      return convert(scalar, tag: Tag.Name(rawValue: node.tag.rawValue))
    case .sequence(let sequence):
      var items: [JSONValue] = []
      for (index, item) in sequence.enumerated() {
        let itemPath = path + [.index(index)]
        if let mark = item.mark { map.record(itemPath, at: SourcePosition(mark)) }
        items.append(convert(item, at: itemPath, into: &map))
      }
      return .array(items)
    case .mapping(let mapping):
      var members: [String: JSONValue] = [:]
      var merged: [Node] = []
      for (key, value) in mapping {
        if key.tag.rawValue == Tag.Name.merge.rawValue {
          merged.append(value)
          continue
        }
        let name = key.string ?? key.scalar?.string ?? ""
        let keyPath = path + [.key(name)]
        if let mark = key.mark { map.record(keyPath, at: SourcePosition(mark)) }
        members[name] = convert(value, at: keyPath, into: &map)
      }
      // `<<: *base` (or a list of them): keys of the merged mappings that are not set here.
      for source in merged.flatMap({ $0.sequence.map(Array.init) ?? [$0] }) {
        guard case .object(let extra) = convert(source, at: path, into: &map) else { continue }
        for (key, value) in extra where members[key] == nil { members[key] = value }
      }
      return .object(members)
    case .alias:
      return .null
    }
  }

  private static func convert(_ scalar: Node.Scalar, tag: Tag.Name) -> JSONValue {
    let node = Node.scalar(scalar)
    switch tag {
    case .null: return .null
    case .bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
    case .int:
      // YAML 1.1 base-60 integers (`1:30`) overflow-trap inside Yams: read them here.
      if scalar.string.contains(":") {
        return sexagesimal(scalar.string).map(JSONValue.int) ?? .string(scalar.string)
      }
      return node.int.map(JSONValue.int) ?? node.float.map(JSONValue.double)
        ?? .string(scalar.string)
    case .float: return node.float.map(JSONValue.double) ?? .string(scalar.string)
    default: return .string(scalar.string)
    }
  }

  /// A base-60 integer (`-1:30` is -90); nil when it is not one or does not fit in an `Int`.
  static func sexagesimal(_ text: String) -> Int? {
    var digits = Substring(text.replacingOccurrences(of: "_", with: ""))
    var sign = 1
    if let first = digits.first, first == "-" || first == "+" {
      sign = first == "-" ? -1 : 1
      digits = digits.dropFirst()
    }
    var value = 0
    for part in digits.split(separator: ":", omittingEmptySubsequences: false) {
      guard let n = Int(part), n >= 0 else { return nil }
      let (shifted, o1) = value.multipliedReportingOverflow(by: 60)
      let (sum, o2) = shifted.addingReportingOverflow(n)
      guard !o1, !o2 else { return nil }
      value = sum
    }
    return sign * value
  }

  /// The position and a one-line description of a Yams error.
  static func describe(_ error: YamlError, text: String) -> (SourcePosition, String) {
    switch error {
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let detail =
        context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
      return (SourcePosition(mark), problem + detail)
    case .duplicatedKeysInMapping(let duplicates, let context):
      let names = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
      return (SourcePosition(context.mark), "duplicate key \(names)")
    case .reader(let problem, let offset, _, _):
      return (offset.map { position(ofUTF8Offset: $0, in: text) } ?? .start, problem)
    default:
      return (.start, error.description)
    }
  }

  private static func position(ofUTF8Offset offset: Int, in text: String) -> SourcePosition {
    let prefix = text.utf8.prefix(offset)
    let lines = prefix.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let lastLine = lines.last.map { String(decoding: $0, as: UTF8.self).unicodeScalars.count } ?? 0
    return SourcePosition(line: max(lines.count, 1), column: lastLine + 1)
  }
}

extension SourcePosition {
  /// The position of a Yams mark (both are 1-based).
  fileprivate init(_ mark: Mark) {
    self.init(line: max(mark.line, 1), column: max(mark.column, 1))
  }
}
