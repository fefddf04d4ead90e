import Foundation

extension Seal {
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

extension SealedRecord {
  /// The record of `run`, read from its meta dir.
  public init(run: Run) throws {
    func bytes(_ name: String) throws -> [UInt8]? {
      let path = run.metaPath(name)
      return FileIO.exists(path) ? try FileIO.readBytes(path) : nil
    }
    try self.init(manifest: try bytes(MetaFile.manifest), seal: try bytes(MetaFile.seal), source: run.metaDir)
  }
}
