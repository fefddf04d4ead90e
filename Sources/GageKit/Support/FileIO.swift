import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Small, checked wrappers of the POSIX file calls that run meta needs.
public enum FileIO {
  /// Mode of a writable run or meta file.
  public static let writableMode: mode_t = 0o644
  /// Mode of a read-only run or meta file.
  public static let readOnlyMode: mode_t = 0o444

  /// Writes `bytes` to `path` (created or truncated), then sets `mode`.
  public static func write(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t = writableMode) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw GageError.io(path: path, operation: "create", errno: errno) }
    defer { close(fd) }
    let array = Array(bytes)
    try array.withUnsafeBytes { (buf) throws in
      try writeAll(fd: fd, buf, path: path)
    }
    if fchmod(fd, mode) != 0 { throw GageError.io(path: path, operation: "chmod", errno: errno) }
  }

  /// Writes `bytes` to a temporary file next to `path`, then renames it into place: readers
  /// see the old file or the whole new one, never a part, whenever the process dies. The
  /// one atomic writer: its temporary names (`StaleTemporaryFiles.temporaryName`) are the
  /// ones a later process reaps when this one is killed halfway. Errors name `path`.
  public static func writeAtomically(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t = writableMode) throws {
    let dir = (path as NSString).deletingLastPathComponent
    let temp = join(dir.isEmpty ? "." : dir, StaleTemporaryFiles.temporaryName(for: (path as NSString).lastPathComponent))
    do {
      try write(bytes, to: temp, mode: mode)
      guard rename(temp, path) == 0 else { throw GageError.io(path: path, operation: "move into place", errno: errno) }
    } catch GageError.io(let failed, let operation, let code) where failed == temp {
      unlink(temp)
      throw GageError.io(path: path, operation: operation == "create" ? "write" : operation, errno: code)
    } catch {
      unlink(temp)
      throw error
    }
  }

  /// Writes UTF-8 text atomically (see `writeAtomically(_:to:mode:)` for bytes).
  public static func writeAtomically(_ text: String, to path: String, mode: mode_t = writableMode) throws {
    try writeAtomically(Array(text.utf8), to: path, mode: mode)
  }

  /// Makes a new directory `<parent>/<prefix>XXXXXX` (mode 0700); returns its path.
  public static func makeTemporaryDirectory(in parent: String, prefix: String) throws -> String {
    var template = Array(join(parent, prefix + "XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buf -> String? in
      guard let base = buf.baseAddress, mkdtemp(base) != nil else { return nil }
      return String(cString: base)
    }
    guard let made else { throw GageError.io(path: parent, operation: "make a temporary directory in", errno: errno) }
    return made
  }

  /// Writes UTF-8 text to `path`.
  public static func write(_ text: String, to path: String, mode: mode_t = writableMode) throws {
    try write(Array(text.utf8), to: path, mode: mode)
  }

  /// Creates `path` exclusively (fails if it exists) with `text`; returns false when it existed.
  public static func createExclusive(_ text: String, at path: String, mode: mode_t = readOnlyMode) throws -> Bool {
    try createExclusive(Array(text.utf8), at: path, mode: mode)
  }

  /// Creates `path` exclusively with `bytes`; returns false when something (a file, a
  /// directory, a link, even a dangling one) is there already. Nothing is ever written
  /// through a link or over another file.
  public static func createExclusive(_ bytes: [UInt8], at path: String, mode: mode_t = readOnlyMode) throws -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    if fd < 0 {
      if errno == EEXIST { return false }
      throw GageError.io(path: path, operation: "create", errno: errno)
    }
    defer { close(fd) }
    try bytes.withUnsafeBytes { (buf) throws in try writeAll(fd: fd, buf, path: path) }
    if fchmod(fd, mode) != 0 { throw GageError.io(path: path, operation: "chmod", errno: errno) }
    return true
  }

  /// Creates `path` with `text`, whole or not at all, unless something is there already
  /// (then false): the text goes to a temporary file that is hard-linked into place, and
  /// `link(2)` fails when the name exists. A process killed halfway leaves no empty file.
  public static func createExclusiveWhole(_ text: String, at path: String, mode: mode_t = readOnlyMode) throws -> Bool {
    let dir = (path as NSString).deletingLastPathComponent
    let temp = join(dir.isEmpty ? "." : dir, StaleTemporaryFiles.temporaryName(for: (path as NSString).lastPathComponent))
    defer { unlink(temp) }
    try write(text, to: temp, mode: mode)
    guard link(temp, path) == 0 else {
      if errno == EEXIST { return false }
      throw GageError.io(path: path, operation: "create", errno: errno)
    }
    return true
  }

  /// Appends text to `path`, creating it (mode 0644) if needed.
  public static func append(_ text: String, to path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw GageError.io(path: path, operation: "open", errno: errno) }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    try bytes.withUnsafeBytes { (buf) throws in try writeAll(fd: fd, buf, path: path) }
  }

  /// Writes every byte of `buf` to `fd`, retrying on short writes and EINTR.
  public static func writeAll(fd: Int32, _ buf: UnsafeRawBufferPointer, path: String) throws {
    guard var base = buf.baseAddress else { return }
    var left = buf.count
    while left > 0 {
      let n = Glibc.write(fd, base, left)
      if n < 0 {
        if errno == EINTR { continue }
        throw GageError.io(path: path, operation: "write", errno: errno)
      }
      left -= n
      base = base.advanced(by: n)
    }
  }

  /// Reads `fd` to its end, calling `body` with each chunk. The buffer is sized from
  /// `sizeHint` (the file's size, when known): small files get a small buffer, large ones
  /// 1 MiB, so copying many small files does not map and unmap a large buffer each time.
  public static func readChunks(
    fd: Int32, path: String, sizeHint: Int, _ body: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    let size = min(1 << 20, max(4096, sizeHint + 1))
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let n = Glibc.read(fd, buffer.baseAddress, size)
      if n < 0 {
        if errno == EINTR { continue }
        throw GageError.io(path: path, operation: "read", errno: errno)
      }
      if n == 0 { return }
      try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    }
  }

  /// Reads a whole file as bytes.
  public static func readBytes(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      if errno == ENOENT { throw GageError.notFound("\(path) does not exist") }
      throw GageError.io(path: path, operation: "open", errno: errno)
    }
    defer { close(fd) }
    return try readAll(fd: fd, path: path)
  }

  /// Up to `count` bytes of the open file `fd`, from `offset` (`pread`, the file position
  /// untouched) or from the file position; fewer when the file ends sooner, nil on an error.
  /// The one read loop of stamped files (indexes, manifests whose stamp was just taken).
  public static func read(fd: Int32, count: Int, offset: Int? = nil) -> [UInt8]? {
    guard count > 0 else { return [] }
    var buffer = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let n = buffer.withUnsafeMutableBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        if let offset { return pread(fd, base + filled, count - filled, off_t(offset + filled)) }
        return Glibc.read(fd, base + filled, count - filled)
      }
      if n < 0 {
        if errno == EINTR { continue }
        return nil
      }
      if n == 0 { break }
      filled += n
    }
    buffer.removeSubrange(filled...)
    return buffer
  }

  /// Reads everything left in `fd`: one read for a file whose size `fstat` tells (no
  /// fixed-size chunks, so that thousands of small meta files read fast).
  public static func readAll(fd: Int32, path: String) throws -> [UInt8] {
    var st = stat()
    let hint = fstat(fd, &st) == 0 ? max(Int(st.st_size), 0) : 0
    var buffer = [UInt8](repeating: 0, count: hint + 1024)
    var filled = 0
    while true {
      if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
      let n = buffer.withUnsafeMutableBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        return Glibc.read(fd, base + filled, raw.count - filled)
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw GageError.io(path: path, operation: "read", errno: errno)
      }
      if n == 0 { break }
      filled += n
    }
    buffer.removeSubrange(filled...)
    return buffer
  }

  /// Reads a whole file as UTF-8 text (invalid bytes are replaced).
  public static func readText(_ path: String) throws -> String {
    String(decoding: try readBytes(path), as: UTF8.self)
  }

  /// Reads a file's text, or nil when it does not exist.
  public static func readTextIfPresent(_ path: String) -> String? {
    do {
      return try readText(path)
    } catch {
      return nil
    }
  }

  /// The target of the link at `path`, or nil when it is not a readable link.
  public static func readLinkIfPresent(_ path: String) -> String? {
    try? FileDigest.linkTarget(path)
  }

  /// Whether anything (file, dir or link) exists at `path`; links are not followed.
  public static func exists(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0
  }

  /// Whether `path` is a directory (following links).
  public static func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  /// Whether `path` is a directory itself (a link to a directory is not).
  public static func isDirectoryNoFollow(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  /// Whether `path` is a symlink (not followed).
  public static func isSymlink(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
  }

  /// Creates a directory and its parents (mode 0755).
  public static func makeDirectories(_ path: String) throws {
    if isDirectory(path) { return }
    let parent = (path as NSString).deletingLastPathComponent
    if !parent.isEmpty, parent != path, !isDirectory(parent) {
      try makeDirectories(parent)
    }
    if mkdir(path, 0o755) != 0, errno != EEXIST {
      throw GageError.io(path: path, operation: "create directory", errno: errno)
    }
  }

  /// Removes the write bits of a file (keeping read and execute bits). Links are left alone.
  public static func makeReadOnly(_ path: String) throws {
    var st = stat()
    guard lstat(path, &st) == 0 else { throw GageError.io(path: path, operation: "stat", errno: errno) }
    if (st.st_mode & S_IFMT) == S_IFLNK { return }
    let mode = st.st_mode & 0o7777 & ~mode_t(0o222)
    if mode != st.st_mode & 0o7777, chmod(path, mode) != 0 {
      throw GageError.io(path: path, operation: "chmod", errno: errno)
    }
  }

  /// Adds the owner's write bit back (used before rewriting a writable log).
  public static func makeWritable(_ path: String) throws {
    var st = stat()
    guard lstat(path, &st) == 0 else { throw GageError.io(path: path, operation: "stat", errno: errno) }
    if (st.st_mode & S_IFMT) == S_IFLNK { return }
    if chmod(path, (st.st_mode & 0o7777) | 0o200) != 0 {
      throw GageError.io(path: path, operation: "chmod", errno: errno)
    }
  }

  /// Removes a file if it exists.
  public static func removeFile(_ path: String) throws {
    if unlink(path) != 0, errno != ENOENT {
      throw GageError.io(path: path, operation: "remove", errno: errno)
    }
  }

  /// Removes a directory tree (restoring write permission on the way). Names are handled
  /// as raw bytes, so entries whose names are not valid UTF-8 go too.
  public static func removeTree(_ path: String) throws {
    try removeTree(raw: Array(path.utf8), shown: path)
  }

  private static func removeTree(raw: [UInt8], shown: String) throws {
    var st = stat()
    guard RawPath.lstat(raw, &st) == 0 else { return }
    if (st.st_mode & S_IFMT) == S_IFDIR {
      _ = RawPath.call(raw) { chmod($0, 0o755) }
      let entries = try DirectoryListing.entries(raw: raw, shown: shown)
      for entry in entries {
        try removeTree(raw: raw + [0x2F] + entry.raw, shown: shown + "/" + entry.display)
      }
      if RawPath.call(raw, { rmdir($0) }) != 0 { throw GageError.io(path: shown, operation: "remove directory", errno: errno) }
    } else if RawPath.call(raw, { unlink($0) }) != 0, errno != ENOENT {
      throw GageError.io(path: shown, operation: "remove", errno: errno)
    }
  }

  /// The path joined with components, `/`-separated.
  public static func join(_ base: String, _ parts: String...) -> String {
    var result = base
    for part in parts where !part.isEmpty {
      if result.hasSuffix("/") { result += part } else { result += "/" + part }
    }
    return result
  }

  /// An absolute, normalized form of `path` (relative to the working directory).
  public static func absolute(_ path: String) -> String {
    let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return (full as NSString).standardizingPath
  }
}
