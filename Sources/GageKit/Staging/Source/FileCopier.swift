import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Copies files into a run dir and hashes them in the same pass: each file is read once,
/// written once, and its SHA-256 computed from the bytes written. The mode is kept (execute
/// bit included); links are recreated as links. Files are copied in parallel.
public enum FileCopier {
  /// A file to copy: absolute source, path relative to the destination root.
  public struct Item: Sendable {
    /// Absolute source path.
    public var source: String
    /// Destination path relative to the destination root.
    public var path: String

    /// An item.
    public init(source: String, path: String) {
      self.source = source
      self.path = path
    }
  }

  /// What copying one file gave: its digest and the copy's modification time (epoch µs).
  public struct Copied: Sendable, Equatable {
    /// Hex SHA-256 of the bytes written (of the link text for a link).
    public var digest: String
    /// The copy's mtime in epoch µs (the source's: it is carried over).
    public var mtime: Int64
  }

  /// Copies every item under `destination`, returning path → digest and mtime.
  public static func copy(_ items: [Item], to destination: String) throws -> [String: Copied] {
    var dirs = Set<String>()
    for item in items {
      let parent = (item.path as NSString).deletingLastPathComponent
      if !parent.isEmpty { dirs.insert(parent) }
    }
    for dir in dirs.sorted() { try FileIO.makeDirectories(FileIO.join(destination, dir)) }

    let results = Parallel.map(items) { try copyOne($0, destination: destination) }
    var copied: [String: Copied] = [:]
    for (item, result) in zip(items, results) {
      copied[item.path] = try result.get()
    }
    return copied
  }

  /// Copies one file (or link) and returns its digest and mtime.
  public static func copyOne(_ item: Item, destination: String) throws -> Copied {
    let target = FileIO.join(destination, item.path)
    var st = stat()
    guard lstat(item.source, &st) == 0 else { throw GageError.io(path: item.source, operation: "stat", errno: errno) }
    if (st.st_mode & S_IFMT) == S_IFLNK {
      let link = try FileDigest.linkTarget(item.source)
      if symlink(link, target) != 0 { throw GageError.io(path: target, operation: "create link", errno: errno) }
      var made = stat()
      guard lstat(target, &made) == 0 else { throw GageError.io(path: target, operation: "stat", errno: errno) }
      return Copied(digest: FileDigest.hex(link.utf8), mtime: RunDirScanner.micros(made.st_mtim))
    }
    let input = open(item.source, O_RDONLY | O_CLOEXEC)
    guard input >= 0 else { throw GageError.io(path: item.source, operation: "open", errno: errno) }
    defer { close(input) }
    let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard output >= 0 else { throw GageError.io(path: target, operation: "create", errno: errno) }
    defer { close(output) }
    var hasher = SHA256()
    try FileIO.readChunks(fd: input, path: item.source, sizeHint: Int(st.st_size)) { chunk in
      hasher.update(bufferPointer: chunk)
      try FileIO.writeAll(fd: output, chunk, path: target)
    }
    let mode = (st.st_mode & 0o777) | 0o600
    if fchmod(output, mode) != 0 { throw GageError.io(path: target, operation: "chmod", errno: errno) }
    var times = [st.st_atim, st.st_mtim]
    guard futimens(output, &times) == 0 else { throw GageError.io(path: target, operation: "set times of", errno: errno) }
    return Copied(digest: FileDigest.hexString(hasher.finalize()), mtime: RunDirScanner.micros(st.st_mtim))
  }
}
