/// One scalar of a structured config file (JSON, YAML, TOML): its dotted key, its value,
/// where its text is, and what the format needs to write a new value in the same style.
struct ConfigLeaf<Style: Sendable & Equatable>: Sendable, Equatable {
  /// The dotted path from the document's root (`model.lr`).
  var name: String
  /// The value.
  var value: ConfigValue
  /// The value's text in the file, in UTF-8 byte offsets.
  var range: Range<Int>
  /// How the value is written (quoting, context), for writing a new one.
  var style: Style
}

/// The located scalars of a structured config file, and the text patching they allow:
/// each new value replaces exactly the text of the old one.
struct ConfigLeaves<Style: Sendable & Equatable>: Sendable, Equatable {
  /// The file's name, for messages.
  let file: String
  /// The file's text.
  let text: String
  /// The configurable scalars, in source order, each name once.
  let leaves: [ConfigLeaf<Style>]
  /// What is not configurable, and why.
  let skipped: [ConfigSkippedKey]

  /// The leaves of a file; a name seen twice keeps its first leaf, later ones are skipped.
  init(file: String, text: String, leaves: [ConfigLeaf<Style>], skipped: [ConfigSkippedKey]) {
    var seen: Set<String> = []
    var unique: [ConfigLeaf<Style>] = []
    var skipped = skipped
    for leaf in leaves {
      if seen.insert(leaf.name).inserted {
        unique.append(leaf)
      } else {
        skipped.append(ConfigSkippedKey(name: leaf.name, reason: "an earlier key has the same dotted name"))
      }
    }
    self.file = file
    self.text = text
    self.leaves = unique
    self.skipped = skipped
  }

  /// The configurable keys, in source order.
  var names: [String] { leaves.map(\.name) }

  /// Each key's value.
  var values: [String: ConfigValue] {
    Dictionary(leaves.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
  }

  /// The text with the given keys' values replaced by `render`'s text, then checked by
  /// reading it again with `reread`: every key must read back as the value set (or its
  /// old value when not set). Throws `GageError.invalidInput` for an unknown key and
  /// `GageError.invalidData` when the rewritten text would not read back as expected.
  func applying(
    _ values: [String: ConfigValue],
    render: (ConfigValue, ConfigLeaf<Style>) throws -> String,
    reread: (String) throws -> [String: ConfigValue]
  ) throws -> String {
    let known = Set(names)
    if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
      throw GageError.invalidInput("\(file) has no config key \"\(unknown)\"")
    }
    var replacements: [(range: Range<Int>, text: String)] = []
    for leaf in leaves {
      guard let value = values[leaf.name], value != leaf.value else { continue }
      replacements.append((leaf.range, try render(value, leaf)))
    }
    if replacements.isEmpty { return text }
    let patched = ConfigText.replacing(replacements, in: text)
    let expected = self.values.merging(values) { _, new in new }
    let actual: [String: ConfigValue]
    do {
      actual = try reread(patched)
    } catch {
      throw GageError.invalidData("\(file) would not be valid after setting its config values: \(error)")
    }
    let checked = names + actual.keys.filter { expected[$0] == nil }.sorted()
    if let name = checked.first(where: { actual[$0] != expected[$0] }) {
      let found = actual[name]?.quotedDisplay ?? "no value"
      let wanted = expected[name]?.quotedDisplay ?? "no key"
      throw GageError.invalidData(
        "\(file) would read \(found) for \"\(name)\" instead of \(wanted) after setting its config values; "
          + "it is left as it is")
    }
    return patched
  }
}

/// The flat keys of structured config values, and the reasons shared by the formats for
/// values that are not configurable.
enum ConfigLeafName {
  /// The flat key of a path of table keys, or nil when a part is not a key part
  /// (letters, digits, `_` and `-`, no `.`) and the path cannot be set as `KEY=VALUE`.
  static func dotted(_ parts: [String]) -> String? {
    guard !parts.isEmpty, !parts.contains(where: { $0.contains(".") }) else { return nil }
    let name = parts.joined(separator: ".")
    return ConfigAssignment.isValidKey(name) ? name : nil
  }

  /// The reason a path has no flat key.
  static let unnamableReason = "its name is not a dotted key of letters, digits, '_' and '-'"

  /// The reason array items are skipped.
  static let arrayReason = "array items are not configurable"
}
