import CArchive
import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writes a deterministic POSIX (pax) tar through libarchive: uid/gid 0, no user or group
/// names, only mtime among the times, gzip without name or time, zstd at level 3. Writes to
/// a temporary file next to `path` and renames it into place on `finish()`; a writer that
/// is released unfinished removes its temporary file.
final class ArchiveWriter {
  private let handle: ArchiveWriteHandle
  private let path: String
  private let partial: String
  private var finished = false
  private let buffer: UnsafeMutableRawBufferPointer
  static let chunkSize = 1 << 20

  init(path: String, compression: ArchiveCompression) throws {
    self.path = path
    // Named like every temporary of this tool, so that the leftover of an export killed
    // halfway is removed by the next export into the same directory.
    let dir = (path as NSString).deletingLastPathComponent
    StaleTemporaryFiles.remove(in: dir.isEmpty ? "." : dir, ownedOnly: true)
    partial = FileIO.join(dir.isEmpty ? "." : dir, StaleTemporaryFiles.temporaryName(for: (path as NSString).lastPathComponent))
    handle = try ArchiveWriteHandle(file: path)
    buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
    let a = handle.pointer
    try handle.check(archive_write_set_format_pax_restricted(a), "archive_write_set_format_pax_restricted")
    switch compression {
    case .none:
      try handle.check(archive_write_add_filter_none(a), "archive_write_add_filter_none")
    case .gzip:
      try handle.check(archive_write_add_filter_gzip(a), "archive_write_add_filter_gzip")
      // No value: leave the timestamp out of the gzip header (libarchive writes no name).
      try handle.check(archive_write_set_filter_option(a, "gzip", "timestamp", nil), "gzip timestamp option")
    case .zstd:
      try handle.check(archive_write_add_filter_zstd(a), "archive_write_add_filter_zstd")
      try handle.check(archive_write_set_filter_option(a, "zstd", "compression-level", "3"), "zstd compression-level option")
    }
    try handle.check(archive_write_open_filename(a, partial), "archive_write_open_filename")
  }

  deinit {
    buffer.deallocate()
    if !finished { unlink(partial) }
  }

  /// Writes a directory entry (mode 0755).
  func addDirectory(_ name: String, mtime: Int64) throws {
    let entry = try header(name, type: LibArchive.directory, mode: 0o755, size: 0, mtime: mtime)
    try handle.check(archive_write_header(handle.pointer, entry.pointer), "archive_write_header")
  }

  /// Writes a regular file entry holding `bytes`.
  func addFile(_ name: String, bytes: [UInt8], mode: mode_t, mtime: Int64) throws {
    let entry = try header(name, type: LibArchive.regularFile, mode: mode, size: Int64(bytes.count), mtime: mtime)
    try handle.check(archive_write_header(handle.pointer, entry.pointer), "archive_write_header")
    try bytes.withUnsafeBytes { try writeData($0) }
  }

  /// Writes a regular file entry from the file at `source` (expected to hold `size` bytes),
  /// hashing while it copies; returns the hex SHA-256. `progress` gets each chunk's size.
  func addFile(
    _ name: String, from source: String, size: Int64, mode: mode_t, mtime: Int64, progress: (Int) -> Void
  ) throws -> String {
    let fd = open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    guard fd >= 0 else { throw GageError.io(path: source, operation: "open", errno: errno) }
    defer { close(fd) }
    let entry = try header(name, type: LibArchive.regularFile, mode: mode, size: size, mtime: mtime)
    try handle.check(archive_write_header(handle.pointer, entry.pointer), "archive_write_header")
    var hasher = SHA256()
    var total: Int64 = 0
    while true {
      let n = read(fd, buffer.baseAddress, Self.chunkSize)
      if n < 0 {
        if errno == EINTR { continue }
        throw GageError.io(path: source, operation: "read", errno: errno)
      }
      if n == 0 { break }
      total += Int64(n)
      guard total <= size else { break }
      let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
      hasher.update(bufferPointer: chunk)
      try writeData(chunk)
      progress(n)
    }
    guard total == size else {
      throw GageError.conflict("\(source) changed while it was exported (\(size) bytes expected); nothing was written")
    }
    return FileDigest.hexString(hasher.finalize())
  }

  /// Closes the archive and renames it into place.
  func finish() throws {
    try handle.check(archive_write_close(handle.pointer), "archive_write_close")
    guard rename(partial, path) == 0 else { throw GageError.io(path: path, operation: "write", errno: errno) }
    finished = true
  }

  private func writeData(_ bytes: UnsafeRawBufferPointer) throws {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    var offset = 0
    while offset < bytes.count {
      let n = archive_write_data(handle.pointer, base + offset, bytes.count - offset)
      guard n > 0 else {
        throw ArchiveError.libarchive(file: path, call: "archive_write_data", message: LibArchive.message(handle.pointer))
      }
      offset += n
    }
  }

  private func header(_ name: String, type: UInt32, mode: mode_t, size: Int64, mtime: Int64) throws -> ArchiveEntryHandle {
    let entry = try ArchiveEntryHandle()
    let e = entry.pointer
    archive_entry_set_pathname_utf8(e, name)
    archive_entry_set_filetype(e, type)
    archive_entry_set_perm(e, mode)
    archive_entry_set_size(e, size)
    archive_entry_set_mtime(e, time_t(mtime), 0)
    archive_entry_set_uid(e, 0)
    archive_entry_set_gid(e, 0)
    return entry
  }
}
