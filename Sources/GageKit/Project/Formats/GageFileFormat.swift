/// The syntax of a Gage file, told by its name.
public enum GageFileFormat: String, Sendable, CaseIterable {
  /// `gage.toml`.
  case toml
  /// `gage.yaml` or `gage.yml`.
  case yaml
  /// `gage.json`; whole-line `//` comments are allowed.
  case json

  /// The format of the file at `path`, from its extension; nil when it is none of them.
  public init?(path: String) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: ".") else { return nil }
    switch name[name.index(after: dot)...].lowercased() {
    case "toml": self = .toml
    case "yaml", "yml": self = .yaml
    case "json": self = .json
    default: return nil
    }
  }
}

/// A parsed Gage file: its content as JSON, and where each key was written.
struct GageFileDocument {
  /// The document, every format converted to the JSON value model.
  var value: JSONValue
  /// Positions of keys and array items, for error messages and file order.
  var sourceMap: SourceMap

  /// Parses `text` in `format`; a syntax error is a `GageError.gageFile` at its line and column.
  static func parse(_ text: String, format: GageFileFormat, path: String) throws -> GageFileDocument {
    switch format {
    case .toml: return try TOMLReader.read(text, path: path)
    case .yaml: return try YAMLReader.read(text, path: path)
    case .json: return try readJSON(text, path: path)
    }
  }

  private static func readJSON(_ text: String, path: String) throws -> GageFileDocument {
    do {
      let value = try JSONValue.parse(text, allowComments: true)
      return GageFileDocument(value: value, sourceMap: JSONSourceScanner.sourceMap(of: text))
    } catch let error as JSONParseError {
      throw GageError.gageFile(
        location: location(path, SourcePosition(line: error.line, column: error.column)),
        message: "invalid JSON: \(error.message)")
    }
  }

  /// The file's bytes as text; bytes that are not UTF-8 are a `GageError.gageFile` at the
  /// first of them (never replaced, which would change what the file says).
  static func text(_ bytes: [UInt8], path: String) throws -> String {
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var position = SourcePosition.start
    var offset = 0
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let encoded):
        offset += encoded.count
        if encoded.count == 1 && encoded.first == 0x0A {
          position = SourcePosition(line: position.line + 1, column: 1)
        } else {
          position.column += 1
        }
      case .error(let length):
        let shown = bytes[offset..<min(offset + length, bytes.count)]
          .map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
        throw GageError.gageFile(
          location: location(path, position),
          message:
            "invalid UTF-8: the byte\(length == 1 ? "" : "s") \(shown) at byte offset \(offset) do\(length == 1 ? "es" : "") not form a character; a Gage file must be UTF-8 text"
        )
      case .emptyInput:
        return String(decoding: bytes, as: UTF8.self)
      }
    }
  }

  /// `path:line:column`, the location form of `GageError.gageFile`.
  static func location(_ path: String, _ position: SourcePosition) -> String {
    "\(path):\(position.line):\(position.column)"
  }
}
