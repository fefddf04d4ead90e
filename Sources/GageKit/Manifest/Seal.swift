/// The `seal` meta file: `<sha256> <path>` for every other meta file, `proc/exit` included
/// (its content is known before it is written), so meta is as verifiable as the run files.
/// Written at finalize from a run's meta dir (`Seal.write(run:exitCode:)`, in Runs/).
public enum Seal {
  /// Meta files the seal does not list from disk: itself, the lock (never present once
  /// sealed), and `proc/exit` (listed with the content it is about to have).
  static let uncovered = SealedRecord.unsealed.union(["proc/exit"])
}

extension Seal {
  /// The digests of a seal's text by meta path (see `ManifestLines` for the grammar: a
  /// digest, one space, a path); `source` names the file in errors. A path listed twice is
  /// an error.
  public static func parse(_ text: String, source: String = "seal") throws -> [String: String] {
    var result: [String: String] = [:]
    let bytes = Array(text.utf8)
    try bytes.withUnsafeBytes { raw in
      try ManifestLines.forEach(raw, typed: false) { line, number, range in
        guard let line else {
          throw GageError.invalidData("\(source):\(number): invalid seal line: \(String(decoding: raw[range], as: UTF8.self))")
        }
        let path = ManifestLines.path(raw, line.path)
        guard result[path] == nil else { throw GageError.invalidData("\(source):\(number): \(path) is listed twice") }
        result[path] = ManifestLines.digest(raw, line.digest)
      }
    }
    return result
  }
}
