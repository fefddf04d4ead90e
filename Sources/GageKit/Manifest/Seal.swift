/// The `seal` meta file: `<sha256> <path>` for every other meta file, `proc/exit` included
/// (its content is known before it is written), so meta is as verifiable as the run files.
public enum Seal {
  /// Meta files the seal does not cover: itself, and the lock (never present once sealed).
  static let uncovered: Set<String> = [MetaFile.seal, MetaFile.lock, MetaFile.exit]

  /// The seal's text for a meta dir that is about to get `proc/exit` = `exitCode`.
  public static func text(run: Run, exitCode: Int32) throws -> String {
    var lines: [(String, String)] = []
    try RunDirScanner.walk(run.metaDir, prefix: "") { rel, _ in
      guard !uncovered.contains(rel) else { return }
      lines.append((rel, try FileDigest.ofFile(FileIO.join(run.metaDir, rel))))
    }
    lines.append((MetaFile.exit, FileDigest.hex(String(exitCode).utf8)))
    lines.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    return lines.map { "\($0.1) \(PathEncoding.encode($0.0))\n" }.joined()
  }

  /// Writes the seal (read-only).
  public static func write(run: Run, exitCode: Int32) throws {
    try FileIO.write(try text(run: run, exitCode: exitCode), to: run.metaPath(MetaFile.seal), mode: FileIO.readOnlyMode)
  }
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
