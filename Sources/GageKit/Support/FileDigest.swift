import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// SHA-256 digests of run files, read in large chunks; links are never followed.
public enum FileDigest {
  /// Hex SHA-256 of bytes.
  public static func hex(_ bytes: some Sequence<UInt8>) -> String {
    var hasher = SHA256()
    hasher.update(data: Array(bytes))
    return hexString(hasher.finalize())
  }

  /// Lowercase hex of a digest.
  public static func hexString(_ digest: SHA256.Digest) -> String {
    let table = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(64)
    for byte in digest {
      out.append(table[Int(byte >> 4)])
      out.append(table[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Hex SHA-256 of the file at `path`: its bytes, or a symlink's target text.
  public static func ofFile(_ path: String) throws -> String {
    var st = stat()
    guard lstat(path, &st) == 0 else {
      if errno == ENOENT { throw GageError.notFound("\(path) does not exist") }
      throw GageError.io(path: path, operation: "stat", errno: errno)
    }
    if (st.st_mode & S_IFMT) == S_IFLNK {
      return hex(try linkTarget(path).utf8)
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw GageError.io(path: path, operation: "open", errno: errno) }
    defer { close(fd) }
    var hasher = SHA256()
    try FileIO.readChunks(fd: fd, path: path, sizeHint: Int(st.st_size)) { hasher.update(bufferPointer: $0) }
    return hexString(hasher.finalize())
  }

  /// The target text of a symlink.
  public static func linkTarget(_ path: String) throws -> String {
    var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink(path, &buf, buf.count - 1)
    guard n >= 0 else { throw GageError.io(path: path, operation: "read link", errno: errno) }
    return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
