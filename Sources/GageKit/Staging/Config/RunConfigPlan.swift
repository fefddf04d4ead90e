import Foundation

/// The configurable keys of an operation: what its `config` specs select in a directory,
/// each key with the file that holds it and its default value.
///
/// Build it with `resolve(specs:in:operation:)`, check command-line assignments with
/// `validate(_:)` before staging, then `apply(_:stagedDir:)` to the staged copy.
public struct RunConfigPlan: Sendable, Equatable {
  /// One configurable key.
  public struct Key: Sendable, Equatable {
    /// The flat key users set (`lr`, or `train.lr` with a `prefix`).
    public var name: String
    /// The file holding the key, relative to the resolved directory.
    public var file: String
    /// The key's name in the file (the Python variable, or the dotted path of a JSON,
    /// YAML or TOML value).
    public var fileKey: String
    /// The value in the file.
    public var defaultValue: ConfigValue

    /// A key from its parts.
    public init(name: String, file: String, fileKey: String, defaultValue: ConfigValue) {
      self.name = name
      self.file = file
      self.fileKey = fileKey
      self.defaultValue = defaultValue
    }
  }

  /// The configurable keys, in resolution order (spec by spec, file by file, then source order).
  public let keys: [Key]
  /// What resolution skipped and why (unsupported file types, patterns matching nothing,
  /// keys defined twice), for previews and logs.
  public let notes: [String]
  /// The operation's name, used in messages.
  public let operation: String?

  /// A plan from its parts.
  public init(keys: [Key], notes: [String] = [], operation: String? = nil) {
    self.keys = keys
    self.notes = notes
    self.operation = operation
  }

  /// Every configurable key with its default value.
  public var defaults: [String: ConfigValue] {
    Dictionary(keys.map { ($0.name, $0.defaultValue) }, uniquingKeysWith: { first, _ in first })
  }

  /// The key named `name`, if it is configurable.
  public func key(named name: String) -> Key? {
    keys.first { $0.name == name }
  }

  /// Resolves config specs in `directory` (the project or a staged copy of it).
  ///
  /// Each spec's file globs (`*`, `?`, `[...]`, `**`) are expanded relative to the
  /// directory, `#key` patterns select keys (all keys by default) and `-` entries exclude
  /// files or keys. Keys are named by their variable (Python) or dotted path (JSON, YAML,
  /// TOML: `model.lr`), then the spec's `rename`, `strip-prefix` and `prefix`. When two
  /// files define the same key, the first spec and file win. Files of other types, and
  /// keys a file has but cannot configure (array items, block scalars...), are noted.
  /// A config file that does not parse is a `GageError.invalidInput` naming the file,
  /// line and column.
  public static func resolve(
    specs: [ConfigSpec], in directory: String, operation: String? = nil
  ) throws
    -> RunConfigPlan
  {
    guard FileIO.isDirectory(directory) else {
      throw GageError.notFound("config directory \(directory) does not exist")
    }
    var keys: [Key] = []
    var notes = OrderedNotes()
    var fileOfKey: [String: String] = [:]
    for spec in specs {
      let naming = try ConfigKeyNaming(spec: spec)
      let paths = try spec.keys.map(ConfigPath.init(parsing:))
      for file in try selectFiles(paths, in: directory, notes: &notes) {
        guard let format = ConfigFileFormat(path: file) else {
          notes.add("config file \(file) is skipped: only Python, JSON, YAML and TOML config files are supported")
          continue
        }
        guard let config = try readDocument(FileIO.join(directory, file), file: file, format: format) else {
          notes.add("config file \(file) is skipped: it is not UTF-8 text")
          continue
        }
        let values = config.values
        for fileKey in config.names where isSelected(fileKey, of: file, by: paths) {
          guard let value = values[fileKey] else { continue }
          let name = naming.key(for: fileKey)
          if let first = fileOfKey[name] {
            notes.add("config key \(name) in \(file) is ignored: \(first) defines it first")
            continue
          }
          fileOfKey[name] = file
          keys.append(Key(name: name, file: file, fileKey: fileKey, defaultValue: value))
        }
        for skipped in config.skipped {
          if skipped.name.isEmpty {
            notes.add("config file \(file) has no config keys: \(skipped.reason)")
          } else if isSelected(skipped.name, of: file, by: paths) {
            notes.add("config key \(skipped.name) in \(file) is skipped: \(skipped.reason)")
          }
        }
      }
    }
    return RunConfigPlan(keys: keys, notes: notes.items, operation: operation)
  }

  /// The files the entries select, in entry order then path order, minus excluded files.
  private static func selectFiles(
    _ paths: [ConfigPath], in directory: String, notes: inout OrderedNotes
  ) throws
    -> [String]
  {
    var files: [String] = []
    var seen: Set<String> = []
    for path in paths where !path.isExclusion {
      guard let pattern = path.filePattern else { continue }
      let matched = try ConfigFileFinder.find(pattern, in: directory)
      if matched.isEmpty { notes.add("config path \(pattern) matches no file") }
      for file in matched where seen.insert(file).inserted { files.append(file) }
    }
    let excluded = paths.filter(\.excludesFile)
    return files.filter { file in !excluded.contains { $0.applies(to: file) } }
  }

  /// Whether an including entry that applies to `file` selects the key and no excluding one removes it.
  private static func isSelected(_ key: String, of file: String, by paths: [ConfigPath]) -> Bool {
    let applicable = paths.filter { !$0.excludesFile && $0.applies(to: file) }
    let included = applicable.contains { $0.matchesKey(key) }
    let excluded = applicable.contains { $0.excludesKey(key) }
    return included && !excluded
  }

  /// The config of a file in `format` (`file` names it in errors), or nil when its bytes
  /// are not UTF-8. A file that does not parse is a `GageError.invalidInput` naming the
  /// file, line and column.
  static func readDocument(_ path: String, file: String, format: ConfigFileFormat) throws -> (any ConfigDocument)? {
    guard let text = try readUTF8(path) else { return nil }
    return try format.read(text, file: file)
  }

  /// A file's text, or nil when its bytes are not UTF-8 (rewriting it would change them).
  static func readUTF8(_ path: String) throws -> String? {
    let bytes = try FileIO.readBytes(path)
    let text = String(decoding: bytes, as: UTF8.self)
    return text.utf8.elementsEqual(bytes) ? text : nil
  }
}

/// Notes in the order they were first added, without repeats.
private struct OrderedNotes {
  private(set) var items: [String] = []
  private var seen: Set<String> = []

  mutating func add(_ note: String) {
    if seen.insert(note).inserted { items.append(note) }
  }
}
