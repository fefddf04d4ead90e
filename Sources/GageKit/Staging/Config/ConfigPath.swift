import Foundation

/// One entry of a config spec's `keys`: `[-][file-glob][#key-pattern[,key-pattern...]]`.
///
/// - `train.py` selects the file and all its keys (nested ones too: `**`);
///   `train.py#lr,epochs` selects the file and those keys; `train.py#` selects the file
///   but no key (other entries add keys).
/// - `params.yaml#model.*` selects the keys directly under `model`; `**` in a key pattern
///   spans any number of dotted parts (`**.lr`).
/// - `params.yaml#-debug` selects the file and all its keys but `debug`: a key pattern
///   starting with `-` excludes.
/// - `#lr` selects the key in every selected file.
/// - `-train.py` excludes the file; `-train.py#debug` only excludes the key from the
///   file, and `-#debug` excludes the key from every file.
struct ConfigPath: Sendable, Equatable {
  /// The file glob, nil when the entry only names keys.
  var filePattern: String?
  /// Whether the entry starts with `-`: it selects no file and no key.
  var isExclusion: Bool
  /// Whether the file itself is excluded.
  var excludesFile: Bool
  /// Key globs the entry selects.
  var keyPatterns: [String]
  /// Key globs the entry excludes.
  var excludedKeyPatterns: [String]

  /// Parses an entry; an empty entry, or a file glob leaving the directory, is an error.
  init(parsing entry: String) throws {
    let exclude = entry.hasPrefix("-")
    let body = exclude ? String(entry.dropFirst()) : entry
    guard !body.isEmpty else {
      throw GageError.invalidInput("invalid config path \"\(entry)\": expected FILE-GLOB[#KEY-PATTERN]")
    }
    let file: Substring
    let keys: Substring?
    if let hash = body.firstIndex(of: "#") {
      file = body[..<hash]
      keys = body[body.index(after: hash)...]
    } else {
      file = Substring(body)
      keys = nil
    }
    if file.isEmpty {
      filePattern = nil
    } else {
      let parts = try ConfigFileFinder.normalizedParts(String(file))
      guard !parts.isEmpty else {
        throw GageError.invalidInput("invalid config path \"\(entry)\": expected FILE-GLOB[#KEY-PATTERN]")
      }
      filePattern = parts.joined(separator: "/")
    }
    let patterns = keys.map { Self.splitKeyPatterns($0) }
    let excluded = (patterns ?? []).filter { $0.hasPrefix("-") }.map { String($0.dropFirst()) }
    let included = (patterns ?? []).filter { !$0.hasPrefix("-") }
    isExclusion = exclude
    excludesFile = exclude && patterns == nil
    if exclude {
      keyPatterns = []
      excludedKeyPatterns = excluded + included
    } else {
      keyPatterns = patterns == nil || (included.isEmpty && !excluded.isEmpty) ? ["**"] : included
      excludedKeyPatterns = excluded
    }
  }

  /// Whether the entry applies to the file at `path` (an entry without a file applies to all).
  func applies(to path: String) -> Bool {
    filePattern.map { ConfigGlob.path($0).matches(path) } ?? true
  }

  /// Whether one of the entry's key patterns selects `key`.
  func matchesKey(_ key: String) -> Bool {
    keyPatterns.contains { ConfigGlob.key($0).matches(key) }
  }

  /// Whether one of the entry's key patterns excludes `key`.
  func excludesKey(_ key: String) -> Bool {
    excludedKeyPatterns.contains { ConfigGlob.key($0).matches(key) }
  }

  private static func splitKeyPatterns(_ text: Substring) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "-" }
  }
}
