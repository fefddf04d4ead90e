import CArchive

#if canImport(Glibc)
  import Glibc
#endif

/// One entry of an archive read by `ArchiveReader`.
public struct ArchiveEntry: Sendable, Equatable {
  /// The kinds of entries.
  public enum Kind: Sendable, Equatable {
    /// A regular file.
    case file
    /// A directory.
    case directory
    /// A symbolic link.
    case symlink
    /// Anything else (devices, fifos, sockets).
    case other
  }

  /// The entry's path as stored.
  public var path: String
  /// What it is.
  public var kind: Kind
  /// Its size in bytes, as the archive declares it.
  public var size: Int64
}

/// Reads archives through libarchive (zip, tar, with any compression libarchive detects).
/// The handle is owned here and freed when the reader goes away; every libarchive call
/// that can fail goes through `check(_:_:)`.
public final class ArchiveReader {
  private let handle: OpaquePointer
  /// The archive file.
  public let path: String

  /// Opens `path` for reading.
  public init(path: String) throws {
    LibArchive.useUTF8Names()
    guard let handle = archive_read_new() else {
      throw GageError.io(path: path, operation: "read archive", errno: ENOMEM)
    }
    self.handle = handle
    self.path = path
    try check(archive_read_support_format_all(handle), "archive_read_support_format_all")
    try check(archive_read_support_filter_all(handle), "archive_read_support_filter_all")
    let rc = archive_read_open_filename(handle, path, 64 * 1024)
    if rc != ARCHIVE_OK, access(path, R_OK) != 0 {
      if errno == ENOENT { throw GageError.notFound("\(path) does not exist") }
      throw GageError.io(path: path, operation: "read", errno: errno)
    }
    try check(rc, "archive_read_open_filename")
  }

  deinit {
    archive_read_free(handle)
  }

  /// Calls `body` with each entry in archive order; `body` may call `readData()` once to
  /// get the entry's bytes.
  public func forEachEntry(_ body: (ArchiveEntry, () throws -> [UInt8]) throws -> Void) throws {
    var entry: OpaquePointer? = nil
    while true {
      let rc = archive_read_next_header(handle, &entry)
      if rc == ARCHIVE_EOF { return }
      try check(rc, "archive_read_next_header")
      guard let entry else { return }
      let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
      let kind: ArchiveEntry.Kind
      switch mode_t(archive_entry_filetype(entry)) & S_IFMT {
      case S_IFREG: kind = .file
      case S_IFDIR: kind = .directory
      case S_IFLNK: kind = .symlink
      default: kind = .other
      }
      let info = ArchiveEntry(path: name, kind: kind, size: archive_entry_size(entry))
      try body(info) { try self.readData(expected: info.size) }
    }
  }

  /// Every regular file's bytes by path (for small archives such as a zipped meta dir).
  public func files() throws -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    try forEachEntry { entry, read in
      if entry.kind == .file { result[entry.path] = try read() }
    }
    return result
  }

  private func readData(expected: Int64) throws -> [UInt8] {
    var data: [UInt8] = []
    if expected > 0 { data.reserveCapacity(Int(min(expected, 1 << 26))) }
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let n = chunk.withUnsafeMutableBytes { archive_read_data(handle, $0.baseAddress, $0.count) }
      if n == 0 { return data }
      if n < 0 { try check(Int32(truncatingIfNeeded: n), "archive_read_data") }
      data.append(contentsOf: chunk[0..<Int(n)])
    }
  }

  /// Turns a libarchive return code into an error carrying libarchive's message.
  private func check(_ rc: Int32, _ call: String) throws {
    guard rc != ARCHIVE_OK, rc != ARCHIVE_WARN else { return }
    let message = archive_error_string(handle).map { String(cString: $0) } ?? "error \(rc)"
    throw GageError.invalidData("\(path): \(message) (\(call))")
  }
}
