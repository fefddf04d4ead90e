/// The formats of config files, told apart by the file name's extension.
public enum ConfigFileFormat: String, Sendable, CaseIterable {
  /// A Python module (`.py`): module-level assignments of literals.
  case python
  /// JSON (`.json`): every scalar by its dotted path.
  case json
  /// YAML (`.yaml`, `.yml`): every scalar by its dotted path.
  case yaml
  /// TOML (`.toml`): every scalar by its dotted path.
  case toml

  /// The format of a file, or nil when its extension is not a config format.
  public init?(path: String) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
    switch name[name.index(after: dot)...].lowercased() {
    case "py": self = .python
    case "json": self = .json
    case "yaml", "yml": self = .yaml
    case "toml": self = .toml
    default: return nil
    }
  }

  /// Reads a config file's text; `file` names it in errors. A file that does not parse is
  /// a `GageError.invalidInput` starting with `file:line:column:`.
  public func read(_ text: String, file: String) throws -> any ConfigDocument {
    switch self {
    case .python: return PythonConfigFile(text: text)
    case .json: return try JSONConfigFile(text: text, file: file)
    case .yaml: return try YAMLConfigFile(text: text, file: file)
    case .toml: return try TOMLConfigFile(text: text, file: file)
    }
  }
}
