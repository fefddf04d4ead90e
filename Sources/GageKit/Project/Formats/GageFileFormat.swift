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
  static func parse(_ text: String, format: GageFileFormat, path: String) throws -> GageFileDocument
  {
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

  /// `path:line:column`, the location form of `GageError.gageFile`.
  static func location(_ path: String, _ position: SourcePosition) -> String {
    "\(path):\(position.line):\(position.column)"
  }
}
