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
  /// The digests of a seal's text by meta path; `source` names the file in errors.
  public static func parse(_ text: String, source: String = "seal") throws -> [String: String] {
    var result: [String: String] = [:]
    for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
      let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
      guard parts.count == 2, parts[0].utf8.count == 64, parts[0].allSatisfy(\.isHexDigit), !parts[1].isEmpty else {
        throw GageError.invalidData("\(source):\(n + 1): invalid seal line: \(line)")
      }
      let path = PathEncoding.decode(String(parts[1]))
      guard result[path] == nil else { throw GageError.invalidData("\(source):\(n + 1): \(path) is listed twice") }
      result[path] = String(parts[0]).lowercased()
    }
    return result
  }
}
