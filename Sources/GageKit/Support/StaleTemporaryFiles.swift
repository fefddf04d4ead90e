import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Temporary files named `.<name>.<pid>.<anything>.tmp` (or `.<name>.<pid>.tmp`), which a
/// process writes and renames into place: when that process was killed before the rename,
/// the next writer removes its leftover.
public enum StaleTemporaryFiles {
  /// Removes the temporary files in `dir` whose writing process is gone.
  public static func remove(in dir: String) {
    guard let entries = try? DirectoryListing.entries(dir) else { return }
    for entry in entries {
      guard let name = entry.name, name.hasPrefix("."), name.hasSuffix(".tmp") else { continue }
      let parts = name.dropFirst().split(separator: ".")
      guard parts.count >= 3, let pid = pid_t(parts[1]), pid > 0 else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH { unlink(FileIO.join(dir, name)) }
    }
  }

  /// The kinds of working directories made in a runs dir: a new run's meta (moved into
  /// place whole), imports and pulls.
  public static let directoryKinds = ["new", "import", "pull"]

  /// Whether `name` is one of those directories (`.<kind>-...`).
  static func isWorkingDirectoryName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
    directoryKinds.contains { kind in
      let prefix = Array(".\(kind)-".utf8)
      return name.count > prefix.count && name.starts(with: prefix)
    }
  }

  /// Makes a working directory `<parent>/.<kind>-<pid>-XXXXXX`: named by its process, so
  /// that once the process is gone (killed halfway) a later one removes it.
  public static func makeDirectory(in parent: String, kind: String) throws -> String {
    try FileIO.makeTemporaryDirectory(in: parent, prefix: ".\(kind)-\(getpid())-")
  }

  /// Removes the working directories (`directoryKinds`) in `dir` whose process is gone.
  public static func removeAbandonedDirectories(in dir: String) {
    guard let entries = try? DirectoryListing.entries(dir) else { return }
    for entry in entries {
      guard let name = entry.name, name.hasPrefix("."),
        let kind = directoryKinds.first(where: { name.hasPrefix(".\($0)-") })
      else { continue }
      let parts = name.dropFirst(kind.count + 2).split(separator: "-")
      guard parts.count == 2, let pid = pid_t(parts[0]), pid > 0, pid != getpid() else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH { try? FileIO.removeTree(FileIO.join(dir, name)) }
    }
  }
}
