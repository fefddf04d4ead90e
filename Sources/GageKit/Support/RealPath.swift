import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Real paths (symlinks resolved), so that `/tmp` and its target compare equal.
enum RealPath {
  /// The resolved path, or the standardized input when it cannot be resolved.
  static func resolve(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return (path as NSString).standardizingPath }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}
