import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One pass over an archive: every entry checked by `BagTarReader`, every file hashed,
/// the files a validation reads kept in memory, and (for an import) every file written
/// below a destination directory. Payload bytes are capped by `Payload-Oxum` as soon as
/// `bag-info.txt` has been read; tag files by `tagFileLimit` each and `tagFilesBudget` in
/// all, so that memory stays bounded whatever the archive declares.
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
  /// Contents of the tag files validation reads and, when nothing is written, of the runs'
  /// `manifest` and `seal` files and small payload files (link targets).
  var contents: [String: [UInt8]] = [:]
  /// Where files were written, if anywhere (`<destination>/<top>/...`).
  var destination: String?

  /// Largest tag file (a manifest of some 500,000 files).
  static let tagFileLimit: Int64 = 64 << 20
  /// Most bytes of all tag files together (tag files are outside Payload-Oxum).
  static let tagFilesBudget: Int64 = 128 << 20
  /// The tag files validation reads: the only ones kept in memory (others are hashed).
  static let readTagFiles: Set<String> = [
    Bag.declarationFile, Bag.infoFile, Bag.manifestFile, Bag.tagManifestFile, Bag.symlinksFile,
  ]
  /// Payload files up to this size are kept when nothing is written (link targets).
  static let smallFileLimit: Int64 = 4096
  /// Most payload bytes kept when nothing is written (runs' manifests, seals, small files).
  static let keptPayloadBudget: Int64 = 256 << 20

  /// A file the run checks read: a run's `manifest` or `seal` (`data/<id>.meta/manifest`),
  /// a meta file the arrival rules read, or an annotation entry small enough to be one.
  private static func isRunRecord(_ path: String, size: Int64) -> Bool {
    let parts = path.split(separator: "/")
    guard parts.count >= 3, parts[1].hasSuffix(".meta") || parts[1].hasSuffix(".user") else { return false }
    let name = parts.dropFirst(2).joined(separator: "/")
    if parts[1].hasSuffix(".user") { return parts.count == 3 && size <= ArrivingRunCheck.maxAnnotationBytes }
    return name == MetaFile.manifest || name == MetaFile.seal
      || (ArrivingRunCheck.metaFilesRead.contains(name) && size <= ArrivingRunCheck.maxMetaFileBytes)
  }

  /// The content of a file of the bag (from memory, else from the destination).
  func content(_ path: String) throws -> [UInt8]? {
    if let bytes = contents[path] { return bytes }
    guard files[path] != nil, let destination else { return nil }
    return try FileIO.readBytes(FileIO.join(destination, top, path))
  }

  /// Reads `reader` to the end; writes files below `destination` when given. `approval`,
  /// when given, is asked before a payload above its limit is written.
  static func read(
    _ reader: BagTarReader, destination: String?, progress: ProgressBar?, archiveSize: Int64,
    approval: PayloadApproval? = nil
  ) throws -> BagScan {
    var scan = BagScan()
    scan.destination = destination
    var payloadBudget = keptPayloadBudget
    var tagBytes: Int64 = 0
    var oxum: Int64?
    var payloadBytes: Int64 = 0
    var approval = approval
    /// Asks `approval` once, when `bytes` pass its limit.
    func approve(_ bytes: Int64, declared: Bool) throws {
      guard let pending = approval, bytes > pending.limit else { return }
      approval = nil
      progress?.finish()
      try pending.approve(bytes, declared)
    }
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
        if oxum == nil { try approve(payloadBytes, declared: false) }
      } else {
        tagBytes += entry.size
        if entry.size > tagFileLimit {
          throw reader.reject(entry.name, "a tag file of \(entry.size) bytes (at most \(tagFileLimit))")
        }
        if tagBytes > tagFilesBudget {
          throw reader.reject(
            entry.name,
            "with it the tag files (outside data/) hold \(tagBytes) bytes, more than the \(tagFilesBudget >> 20) MB allowed in all")
        }
      }
      var keep = !isPayload && readTagFiles.contains(entry.path)
      if isPayload, destination == nil {
        // Nothing is written: what the run checks read later must stay in memory.
        if isRunRecord(entry.path, size: entry.size) {
          guard payloadBudget >= entry.size else {
            throw reader.reject(
              entry.name,
              "runs' manifests, seals and small files pass \(keptPayloadBudget >> 20) MB, the most verify keeps in memory; "
                + "import the archive to check it")
          }
          keep = true
        } else {
          keep = entry.size <= smallFileLimit && payloadBudget >= entry.size
        }
      }
      var kept: [UInt8] = []
      if keep { kept.reserveCapacity(Int(entry.size)) }
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
        if isPayload { payloadBudget -= size }
      }
      if entry.path == Bag.infoFile, let info = try? BagInfo.parse(String(decoding: kept, as: UTF8.self)) {
        oxum = info.payloadBytes
        if payloadBytes > info.payloadBytes {
          throw reader.reject(entry.name, "the payload holds more bytes than Payload-Oxum declares (\(info.payloadBytes))")
        }
        try approve(info.payloadBytes, declared: true)
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

/// Asks before an import writes a payload above `limit` bytes (`gage archive import` asks on
/// a terminal and needs `-y` otherwise, as staging does).
public struct PayloadApproval {
  /// Payload bytes up to which nothing is asked.
  public var limit: Int64
  /// Asked once, before the payload past `limit` is written: with the bytes Payload-Oxum
  /// declares (`declared` true), or with the bytes met so far when `bag-info.txt` comes
  /// after the payload. Throws to refuse; the import then leaves nothing behind.
  public var approve: (_ bytes: Int64, _ declared: Bool) throws -> Void

  /// An approval of payloads above `limit`.
  public init(limit: Int64, approve: @escaping (_ bytes: Int64, _ declared: Bool) throws -> Void) {
    self.limit = limit
    self.approve = approve
  }
}
