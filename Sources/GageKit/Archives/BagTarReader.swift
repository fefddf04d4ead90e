import CArchive
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One entry of an archive whose name and type have been checked.
struct ArchiveEntryInfo {
  /// The path below the bag's top directory (`""` for the top directory itself).
  var path: String
  /// The full entry name, for messages.
  var name: String
  /// A directory (else a regular file).
  var isDirectory: Bool
  /// The size the header declares.
  var size: Int64
  /// Whether any execute bit is set.
  var executable: Bool
}

/// Reads a tar (plain, gzip or zstd) with libarchive, one entry at a time, and refuses
/// every entry Gage never writes: names that are not valid UTF-8, absolute or with `.` or
/// `..` components, entries outside the one top directory, links (symbolic or hard),
/// devices, fifos and sockets, and duplicates. It never extracts: callers read the data.
final class BagTarReader {
  let file: String
  private let handle: ArchiveReadHandle
  private(set) var top: String?
  private var seen: Set<String> = []

  /// Opens `path`; only the tar format and the gzip and zstd filters are enabled (no
  /// filter that would run an external program).
  init(path: String) throws {
    file = path
    guard FileIO.exists(path) else { throw GageError.notFound("\(path) does not exist") }
    handle = try ArchiveReadHandle(file: path)
    let a = handle.pointer
    try handle.check(archive_read_support_format_tar(a), "archive_read_support_format_tar")
    try handle.check(archive_read_support_filter_gzip(a), "archive_read_support_filter_gzip", allowWarning: true)
    try handle.check(archive_read_support_filter_zstd(a), "archive_read_support_filter_zstd", allowWarning: true)
    try handle.check(archive_read_open_filename(a, path, 1 << 20), "archive_read_open_filename")
  }

  /// Bytes of the archive file read so far.
  var bytesRead: Int64 { archive_filter_bytes(handle.pointer, -1) }

  /// The next entry, or nil at the end.
  func next() throws -> ArchiveEntryInfo? {
    var entry: OpaquePointer?
    let rc = archive_read_next_header(handle.pointer, &entry)
    if rc == LibArchive.eof { return nil }
    try handle.check(rc, "archive_read_next_header", allowWarning: true)
    guard let e = entry else { return nil }
    let rawName: [UInt8]
    if let utf8 = archive_entry_pathname_utf8(e) {
      rawName = Array(UnsafeRawBufferPointer(start: utf8, count: strlen(utf8)))
    } else if let mbs = archive_entry_pathname(e) {
      rawName = Array(UnsafeRawBufferPointer(start: mbs, count: strlen(mbs)))
    } else {
      throw reject(nil, "an entry has no name")
    }
    guard let name = String(validating: rawName, as: UTF8.self) else {
      throw reject(RawPath.display(rawName), "the name is not valid UTF-8")
    }
    if name.hasPrefix("/") { throw reject(name, "absolute path; entries must stay inside the bag") }
    var trimmed = Substring(name)
    while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
    guard !trimmed.isEmpty else { throw reject(name, "empty name") }
    for part in parts {
      if part == ".." { throw reject(name, "`..` in the path; entries must stay inside the bag") }
      if part == "." || part.isEmpty { throw reject(name, "the path is not in normal form") }
      if part.utf8.contains(0) { throw reject(name, "the path holds a NUL byte") }
    }
    let first = String(parts[0])
    if let top, top != first { throw reject(name, "outside the bag's top directory \"\(top)\"") }
    top = first
    if archive_entry_hardlink(e) != nil { throw reject(name, "a hard link; archives hold only files and directories") }
    let type = UInt32(archive_entry_filetype(e))
    let isDirectory: Bool
    switch type {
    case LibArchive.directory: isDirectory = true
    case LibArchive.regularFile: isDirectory = false
    case LibArchive.symlink:
      throw reject(name, "a symbolic link; archives hold links as files listed in \(Bag.symlinksFile)")
    default: throw reject(name, "a device, fifo or socket; archives hold only files and directories")
    }
    let path = parts.dropFirst().joined(separator: "/")
    guard seen.insert(path).inserted else { throw reject(name, "appears twice in the archive") }
    if path.isEmpty, !isDirectory { throw reject(name, "the bag's top must be a directory") }
    let size = archive_entry_size_is_set(e) != 0 ? archive_entry_size(e) : 0
    guard size >= 0 else { throw reject(name, "negative size") }
    return ArchiveEntryInfo(
      path: path, name: name, isDirectory: isDirectory, size: size, executable: archive_entry_perm(e) & 0o111 != 0)
  }

  /// Reads the current entry's data in chunks (at most its declared size).
  func readData(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
    let size = 1 << 20
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let n = archive_read_data(handle.pointer, buffer.baseAddress, size)
      if n == 0 { return }
      if n < 0 {
        if n == Int(LibArchive.warn) { continue }
        throw ArchiveError.libarchive(file: file, call: "archive_read_data", message: LibArchive.message(handle.pointer))
      }
      try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    }
  }

  /// A rejection naming `entry`.
  func reject(_ entry: String?, _ reason: String) -> ArchiveError {
    .rejected(file: file, entry: entry, reason: reason)
  }
}
