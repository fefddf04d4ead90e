import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One pass over an archive: every entry checked by `BagTarReader`, every file hashed,
/// the small files a validation needs kept in memory, and (for an import) every file
/// written below a destination directory. Payload bytes are capped by `Payload-Oxum` as
/// soon as `bag-info.txt` has been read.
struct BagScan {
  /// A file of the bag.
  struct File {
    var digest: String
    var size: Int64
    var executable: Bool
  }

  /// The bag's top directory name.
  var top = ""
  /// Files by path below the top.
  var files: [String: File] = [:]
  /// Directories below the top.
  var dirs: Set<String> = []
  /// Contents of tag files, meta `manifest` and `seal` files, and small payload files.
  var contents: [String: [UInt8]] = [:]
  /// Where files were written, if anywhere (`<destination>/<top>/...`).
  var destination: String?

  static let tagFileLimit: Int64 = 64 << 20
  static let smallFileLimit: Int64 = 4096
  static let smallFilesBudget: Int64 = 256 << 20

  /// Whether a path is kept in memory.
  private static func keeps(_ path: String, size: Int64, budget: Int64) -> Bool {
    if !path.hasPrefix(Bag.payloadDir + "/") { return true }
    let parts = path.split(separator: "/")
    if parts.count == 3, parts[1].hasSuffix(".meta"), parts[2] == "manifest" || parts[2] == "seal" { return true }
    if parts.count == 3, parts[1].hasSuffix(".user") { return size <= ArrivingRunCheck.maxAnnotationBytes && budget >= size }
    return size <= smallFileLimit && budget >= size
  }

  /// The content of a file of the bag (from memory, else from the destination).
  func content(_ path: String) throws -> [UInt8]? {
    if let bytes = contents[path] { return bytes }
    guard files[path] != nil, let destination else { return nil }
    return try FileIO.readBytes(FileIO.join(destination, top, path))
  }

  /// Reads `reader` to the end; writes files below `destination` when given.
  static func read(
    _ reader: BagTarReader, destination: String?, progress: ArchiveProgress?, archiveSize: Int64
  ) throws -> BagScan {
    var scan = BagScan()
    scan.destination = destination
    var budget = smallFilesBudget
    var oxum: Int64?
    var payloadBytes: Int64 = 0
    progress?.start(totalBytes: archiveSize, totalFiles: 0)
    while let entry = try reader.next() {
      if scan.top.isEmpty, let top = reader.top {
        scan.top = top
        if let destination { try makeDirectory(FileIO.join(destination, top), reader: reader, entry: entry.name) }
      }
      let target = destination.map { FileIO.join($0, scan.top, entry.path) }
      if entry.isDirectory {
        if !entry.path.isEmpty { scan.dirs.insert(entry.path) }
        if let target { try makeDirectory(target, reader: reader, entry: entry.name) }
        continue
      }
      let isPayload = entry.path.hasPrefix(Bag.payloadDir + "/")
      if isPayload {
        payloadBytes += entry.size
        if let oxum, payloadBytes > oxum {
          throw reader.reject(entry.name, "the payload holds more bytes than Payload-Oxum declares (\(oxum))")
        }
      } else if entry.size > tagFileLimit {
        throw reader.reject(entry.name, "a tag file of \(entry.size) bytes (at most \(tagFileLimit))")
      }
      let keep = keeps(entry.path, size: entry.size, budget: budget)
      var kept: [UInt8] = []
      var fd: Int32 = -1
      if let target {
        try makeDirectory((target as NSString).deletingLastPathComponent, reader: reader, entry: entry.name)
        fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw reader.reject(entry.name, "cannot be written (\(String(cString: strerror(errno))))") }
      }
      defer { if fd >= 0 { close(fd) } }
      var hasher = SHA256()
      var size: Int64 = 0
      try reader.readData { chunk in
        size += Int64(chunk.count)
        guard size <= entry.size else { throw reader.reject(entry.name, "holds more bytes than its header declares") }
        hasher.update(bufferPointer: chunk)
        if keep { kept.append(contentsOf: chunk) }
        if fd >= 0, let target { try FileIO.writeAll(fd: fd, chunk, path: target) }
        progress?.set(bytes: reader.bytesRead)
      }
      guard size == entry.size else { throw reader.reject(entry.name, "truncated: \(size) of \(entry.size) bytes") }
      if keep {
        scan.contents[entry.path] = kept
        if isPayload { budget -= size }
      }
      if entry.path == Bag.infoFile, let info = try? BagInfo.parse(String(decoding: kept, as: UTF8.self)) {
        oxum = info.payloadBytes
        if payloadBytes > info.payloadBytes {
          throw reader.reject(entry.name, "the payload holds more bytes than Payload-Oxum declares (\(info.payloadBytes))")
        }
      }
      scan.files[entry.path] = File(digest: FileDigest.hexString(hasher.finalize()), size: size, executable: entry.executable)
      progress?.advance(files: 1)
    }
    guard !scan.top.isEmpty else { throw reader.reject(nil, "the archive is empty") }
    progress?.finish()
    return scan
  }

  private static func makeDirectory(_ path: String, reader: BagTarReader, entry: String) throws {
    var st = stat()
    if lstat(path, &st) == 0 {
      guard (st.st_mode & S_IFMT) == S_IFDIR else { throw reader.reject(entry, "a file and a directory have the same name") }
      return
    }
    try makeDirectory((path as NSString).deletingLastPathComponent, reader: reader, entry: entry)
    if mkdir(path, 0o755) != 0, errno != EEXIST {
      throw reader.reject(entry, "cannot be written (\(String(cString: strerror(errno))))")
    }
  }
}
