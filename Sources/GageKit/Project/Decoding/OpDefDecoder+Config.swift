/// The `config` key: key patterns, config tables, or a list of either.
extension OpDefDecoder {
  /// Keys of a config table.
  static let configTableKeys = ["description", "keys", "prefix", "rename", "strip-prefix"]

  /// Decodes `config`: `"train.py"`, `["train.py", "-train.py#seed"]`, `{keys = ...}` or a
  /// list of such tables.
  func config(_ value: JSONValue, at path: SourcePath) throws -> [ConfigSpec] {
    switch value {
    case .string(let s):
      return [ConfigSpec(keys: [s])]
    case .object(let table):
      return [try configTable(table, at: path)]
    case .array(let items):
      if items.allSatisfy({ $0.stringValue != nil }) {
        let keys = items.compactMap(\.stringValue)
        return keys.isEmpty ? [] : [ConfigSpec(keys: keys)]
      }
      return try items.enumerated().map { index, item in
        guard case .object(let table) = item else {
          throw mismatch(
            item, at: path + [.index(index)],
            expected: "a table with \"keys\" (a config list holds key patterns or tables, not both)"
          )
        }
        return try configTable(table, at: path + [.index(index)])
      }
    default:
      throw mismatch(
        value, at: path,
        expected:
          "a key pattern like \"train.py\", a list of them, a table with \"keys\", or a list of tables"
      )
    }
  }

  private func configTable(_ table: [String: JSONValue], at path: SourcePath) throws -> ConfigSpec {
    try checkKeys(table, at: path, known: Self.configTableKeys)
    guard let keysValue = table["keys"] else {
      throw issue(
        at: path,
        "\(quoted(path)) needs \"keys\": the files and keys that can be set, e.g. keys = \"train.py\""
      )
    }
    let keys = try strings(keysValue, at: path + [.key("keys")])
    guard !keys.isEmpty else {
      throw issue(
        at: path + [.key("keys")],
        "\(quoted(path + [.key("keys")])) must hold at least one key pattern")
    }
    func field(_ key: String) throws -> String? {
      try table[key].map { try string($0, at: path + [.key(key)]) }
    }
    return ConfigSpec(
      keys: keys, description: try field("description"), prefix: try field("prefix"),
      stripPrefix: try field("strip-prefix"), rename: try field("rename"))
  }
}
