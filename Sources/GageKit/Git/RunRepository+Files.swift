internal import Clibgit2
import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Files in and out of a `RunRepository` without holding them whole in Swift memory.
extension RunRepository {
  /// Bytes read or written per step.
  static let chunkSize = 1 << 20

  /// Stores the regular file at `file` as a blob while hashing it; returns the blob id and
  /// the file's SHA-256. Files up to `streamedBlobSize` go to memory with the next pack;
  /// larger ones are streamed into a loose object. A file that changes size meanwhile is
  /// an error.
  func writeBlob(file: String) throws -> (oid: GitOID, sha256: String) {
    let fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else { throw GageError.io(path: file, operation: "open", errno: errno) }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw GageError.io(path: file, operation: "stat", errno: errno) }
    let size = Int(st.st_size)
    var hasher = SHA256()
    if size <= Self.streamedBlobSize {
      var bytes: [UInt8] = []
      bytes.reserveCapacity(size)
      try Self.readChunks(fd: fd, path: file, size: size) { chunk in
        hasher.update(bufferPointer: chunk)
        bytes.append(contentsOf: chunk)
      }
      return (try writeBlob(bytes), FileDigest.hexString(hasher.finalize()))
    }
    var stream: UnsafeMutablePointer<git_odb_stream>?
    try Libgit2.check(
      git_odb_open_wstream(&stream, try looseDatabase(), git_object_size_t(size), GIT_OBJECT_BLOB),
      "git_odb_open_wstream", path: path)
    defer { git_odb_stream_free(stream) }
    try Self.readChunks(fd: fd, path: file, size: size) { chunk in
      hasher.update(bufferPointer: chunk)
      let rc = git_odb_stream_write(stream, chunk.baseAddress?.assumingMemoryBound(to: CChar.self), chunk.count)
      try Libgit2.check(rc, "git_odb_stream_write", path: path)
    }
    var oid = git_oid()
    try Libgit2.check(git_odb_stream_finalize_write(&oid, stream), "git_odb_stream_finalize_write", path: path)
    return (GitOID(oid), FileDigest.hexString(hasher.finalize()))
  }

  /// Writes blob `oid` to a new file at `file` (created exclusively with `mode`, never
  /// through a link) while hashing it; returns its SHA-256, or nil when something is at
  /// `file` already. A loose object is streamed; a packed one is inflated once by libgit2
  /// (whose pack backend has no read stream in 1.5) and written from there, uncopied.
  func extractBlob(_ oid: GitOID, to file: String, mode: mode_t) throws -> String? {
    let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    if fd < 0 {
      if errno == EEXIST { return nil }
      throw GageError.io(path: file, operation: "create", errno: errno)
    }
    defer { close(fd) }
    var hasher = SHA256()
    let write = { (chunk: UnsafeRawBufferPointer) throws in
      hasher.update(bufferPointer: chunk)
      try FileIO.writeAll(fd: fd, chunk, path: file)
    }
    if !(try streamLoose(oid, write)) {
      var id = oid.raw
      var blob: OpaquePointer?
      try Libgit2.check(git_blob_lookup(&blob, handle, &id), "git_blob_lookup", path: path)
      defer { git_blob_free(blob) }
      let size = Int(git_blob_rawsize(blob))
      if size > 0, let raw = git_blob_rawcontent(blob) {
        // In steps, so that the hash and the writes walk the object once, in order.
        var offset = 0
        while offset < size {
          let n = min(Self.chunkSize, size - offset)
          try write(UnsafeRawBufferPointer(start: raw + offset, count: n))
          offset += n
        }
      }
    }
    if fchmod(fd, mode) != 0 { throw GageError.io(path: file, operation: "chmod", errno: errno) }
    return FileDigest.hexString(hasher.finalize())
  }

  /// Streams the loose blob `oid` to `body`; false (nothing read) when it is not loose.
  private func streamLoose(_ oid: GitOID, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
    var id = oid.raw
    var stream: UnsafeMutablePointer<git_odb_stream>?
    var size = 0
    var type = GIT_OBJECT_INVALID
    guard git_odb_open_rstream(&stream, &size, &type, odb, &id) == 0, let stream else {
      git_error_clear()
      return false
    }
    defer { git_odb_stream_free(stream) }
    guard type == GIT_OBJECT_BLOB else { throw GageError.invalidData("object \(oid) is not a blob") }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
    defer { buffer.deallocate() }
    var done = 0
    while done < size {
      let n = git_odb_stream_read(stream, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), min(buffer.count, size - done))
      try Libgit2.check(n, "git_odb_stream_read", path: path)
      guard n > 0 else { throw GageError.invalidData("blob \(oid) ends after \(done) of \(size) bytes") }
      try body(UnsafeRawBufferPointer(rebasing: buffer[0..<Int(n)]))
      done += Int(n)
    }
    return true
  }

  /// Reads exactly `size` bytes of `fd` in chunks; an error when the file is shorter or
  /// longer by now.
  private static func readChunks(fd: Int32, path: String, size: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { buffer.deallocate() }
    var done = 0
    while true {
      let n = read(fd, buffer.baseAddress, buffer.count)
      if n < 0 {
        if errno == EINTR { continue }
        throw GageError.io(path: path, operation: "read", errno: errno)
      }
      if n == 0 { break }
      done += n
      guard done <= size else { break }
      try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    }
    guard done == size else {
      throw GageError.conflict("\(path) changed while it was read (\(size) bytes when opened); push again")
    }
  }
}
