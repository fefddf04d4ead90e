import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Walks a run dir (links are listed, never followed).
public enum RunDirScanner {
  /// Every regular file and symlink under `dir`, relative path → mtime in epoch µs.
  public static func modificationTimes(_ dir: String) throws -> [String: Int64] {
    var result: [String: Int64] = [:]
    try walk(dir, prefix: "") { rel, st in
      result[rel] = micros(st.st_mtim)
    }
    return result
  }

  /// A file time in epoch microseconds.
  public static func micros(_ t: timespec) -> Int64 {
    Int64(t.tv_sec) * 1_000_000 + Int64(t.tv_nsec) / 1000
  }

  /// Calls `body` with the relative path and `lstat` of every file and link under `dir`;
  /// entries whose names are not valid UTF-8 go to `invalid` (relative display form, raw
  /// absolute path) instead, since no manifest line can name them.
  public static func walk(
    _ dir: String, prefix: String, invalid: ((String, [UInt8]) throws -> Void)? = nil,
    _ body: (String, stat) throws -> Void
  ) throws {
    let entries: [DirectoryListing.Entry]
    do {
      entries = try DirectoryListing.entries(dir)
    } catch GageError.io(_, _, let code) where code == ENOENT {
      return
    }
    for entry in entries {
      let rel = prefix.isEmpty ? entry.display : prefix + "/" + entry.display
      guard let name = entry.name else {
        try invalid?(rel, Array(dir.utf8) + [0x2F] + entry.raw)
        continue
      }
      let full = dir + "/" + name
      var st = stat()
      guard lstat(full, &st) == 0 else { continue }
      switch st.st_mode & S_IFMT {
      case S_IFDIR: try walk(full, prefix: rel, invalid: invalid, body)
      case S_IFREG, S_IFLNK: try body(rel, st)
      default: continue
      }
    }
  }
}
