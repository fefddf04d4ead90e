/// The configuration a file offers, whatever its format: the configurable keys with their
/// values, and a way to write new values into the file's text.
///
/// Keys are flat names: a Python variable (`lr`), or the dotted path of a scalar in a
/// JSON, YAML or TOML file (`model.lr`). Applying values changes only the text of those
/// values; comments, layout and everything else stay byte for byte.
public protocol ConfigDocument: Sendable {
  /// The text the document was read from.
  var text: String { get }
  /// The configurable keys, in source order.
  var names: [String] { get }
  /// Each configurable key's value.
  var values: [String: ConfigValue] { get }
  /// Keys found in the file that cannot be configured, with the reason, in source order.
  var skipped: [ConfigSkippedKey] { get }
  /// The text with the values of the given keys replaced. Throws `GageError.invalidInput`
  /// for a key the document does not have or a value the format cannot hold.
  func applying(_ values: [String: ConfigValue]) throws -> String
}

extension ConfigDocument {
  /// No key is skipped.
  public var skipped: [ConfigSkippedKey] { [] }
}

/// A key of a config file that is not configurable, such as an array or a multi-line string.
public struct ConfigSkippedKey: Sendable, Equatable {
  /// The key's dotted path in the file; empty for the whole document.
  public var name: String
  /// Why it is not configurable ("array items are not configurable").
  public var reason: String

  /// A skipped key from its parts.
  public init(name: String, reason: String) {
    self.name = name
    self.reason = reason
  }
}
