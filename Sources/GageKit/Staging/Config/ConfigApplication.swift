import Foundation

/// The result of applying config assignments to a staged run.
public struct ConfigApplication: Sendable, Equatable {
  /// Every configurable key with its final value (defaults merged with the assignments),
  /// the content of `config.json`.
  public var config: [String: ConfigValue]
  /// The unified diff of the rewritten files (`--- a/FILE`, `+++ b/FILE`), the content of
  /// `log/patched`; empty when nothing changed.
  public var diff: String
  /// The files rewritten, relative to the staged directory, sorted.
  public var changedFiles: [String]

  /// An application result from its parts.
  public init(config: [String: ConfigValue], diff: String, changedFiles: [String]) {
    self.config = config
    self.diff = diff
    self.changedFiles = changedFiles
  }

  /// `config` as a JSON object, ready to be written as `config.json`.
  public var configJSON: JSONValue {
    .object(config.mapValues(\.json))
  }
}
