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
      name ?? RawPath.display(raw)
    }
  }

  /// The entries of `dir` (without `.` and `..`), sorted by raw name.
  public static func entries(_ dir: String) throws -> [Entry] {
    try entries(raw: Array(dir.utf8), shown: dir)
  }

  /// The entries of the dir whose path is the raw bytes `raw` (`shown` names it in errors).
  public static func entries(raw: [UInt8], shown: String) throws -> [Entry] {
    guard let handle = RawPath.call(raw, { opendir($0) }) else {
      throw GageError.io(path: shown, operation: "open directory", errno: errno)
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

/// POSIX calls on paths given as raw bytes (names need not be valid UTF-8).
public enum RawPath {
  /// Calls `body` with `raw` as a NUL-terminated C string.
  public static func call<T>(_ raw: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
    let cString = raw.map { CChar(bitPattern: $0) } + [0]
    return body(cString)
  }

  /// `lstat` of a raw path.
  public static func lstat(_ raw: [UInt8], _ st: inout stat) -> Int32 {
    var copy = stat()
    let rc = call(raw) { Glibc.lstat($0, &copy) }
    st = copy
    return rc
  }

  /// The display form of raw bytes: valid UTF-8 as is, other bytes as `\xNN`.
  public static func display(_ raw: [UInt8]) -> String {
    if let s = String(validating: raw, as: UTF8.self) { return s }
    return raw.map { $0 < 0x80 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
  }
}
