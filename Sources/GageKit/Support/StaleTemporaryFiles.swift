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
}
