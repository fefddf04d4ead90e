#if canImport(Glibc)
  import Glibc
#endif

/// One pass over a runs dir's entries: which runs are there and with which files. Works on
/// the raw names (no string per entry), so that a dir of tens of thousands of entries
/// reads in a few milliseconds.
public enum RunsDirScan {
  /// The runs in `runsDir`, each with its files; empty when the dir does not exist.
  public static func scan(_ runsDir: String) -> [RunKey: RunFiles] {
    guard let dir = opendir(runsDir) else { return [:] }
    defer { closedir(dir) }
    var result: [RunKey: RunFiles] = [:]
    // Working directories of runs being made, imports and pulls: those of killed processes
    // are removed once seen.
    var workingDirs = false
    defer { if workingDirs { StaleTemporaryFiles.removeAbandonedDirectories(in: runsDir) } }
    let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19
    while let entry = readdir(dir) {
      let name = UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(
        to: UInt8.self)
      let length = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
      if name[0] == UInt8(ascii: "."), !workingDirs {
        workingDirs = StaleTemporaryFiles.isWorkingDirectoryName(UnsafeBufferPointer(start: name, count: length))
      }
      guard length >= 36, let key = RunKey(utf8: name, count: length) else { continue }
      guard
        let flag = RunFiles.flag(suffix: UnsafeBufferPointer(start: name + 36, count: length - 36))
      else { continue }
      result[key, default: []].insert(flag)
    }
    return result
  }
}
