#if canImport(Glibc)
  import Glibc
#endif

/// A directory's entries by name, read with `readdir` so that names that are not valid
/// UTF-8 are seen (and can be reported) rather than silently mangled.
public enum DirectoryListing {
  /// One entry: its name when it is valid UTF-8, and its raw bytes.
  public struct Entry: Sendable {
    /// The name, or nil when it is not valid UTF-8.
    public var name: String?
    /// The raw name bytes.
    public var raw: [UInt8]

    /// The name for messages (invalid bytes shown as `\xNN`).
    public var display: String {
      name ?? raw.map { $0 < 0x80 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
    }
  }

  /// The entries of `dir` (without `.` and `..`), sorted by raw name.
  public static func entries(_ dir: String) throws -> [Entry] {
    guard let handle = opendir(dir) else {
      throw GageError.io(path: dir, operation: "open directory", errno: errno)
    }
    defer { closedir(handle) }
    var result: [Entry] = []
    while let entry = readdir(handle) {
      let raw: [UInt8] = withUnsafeBytes(of: entry.pointee.d_name) { buf in
        Array(buf.prefix { $0 != 0 })
      }
      if raw == [0x2E] || raw == [0x2E, 0x2E] || raw.isEmpty { continue }
      result.append(Entry(name: String(validating: raw, as: UTF8.self), raw: raw))
    }
    result.sort { $0.raw.lexicographicallyPrecedes($1.raw) }
    return result
  }
}
