import Foundation

/// How a config spec names the keys of its files: `rename` (`"FROM TO"` replaces a leading
/// `FROM` by `TO`), then `strip-prefix`, then `prefix`.
struct ConfigKeyNaming: Sendable {
  /// The leading text replaced by `rename`, and its replacement.
  var rename: (from: String, to: String)?
  /// `strip-prefix`.
  var stripPrefix: String?
  /// `prefix`.
  var prefix: String?

  /// The naming of a spec; a `rename` that is not two words is an error.
  init(spec: ConfigSpec) throws {
    if let text = spec.rename {
      let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
      guard words.count == 2 else {
        throw GageError.invalidInput("invalid config rename \"\(text)\": expected \"FROM TO\"")
      }
      rename = (words[0], words[1])
    }
    stripPrefix = spec.stripPrefix
    prefix = spec.prefix
  }

  /// The flat config key of a file's key.
  func key(for fileKey: String) -> String {
    var key = fileKey
    if let rename, key.hasPrefix(rename.from) {
      key = rename.to + key.dropFirst(rename.from.count)
    }
    if let stripPrefix, !stripPrefix.isEmpty, key.hasPrefix(stripPrefix), key.count > stripPrefix.count {
      key = String(key.dropFirst(stripPrefix.count))
    }
    return (prefix ?? "") + key
  }
}
