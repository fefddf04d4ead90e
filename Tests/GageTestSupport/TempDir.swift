import Foundation
import GageKit

#if canImport(Glibc)
  import Glibc
#endif

/// A fresh directory under `/tmp`, removed (read-only run files included) by `remove()` and,
/// as a backstop, when it is released. Use it with `defer { tmp.remove() }` so that it lives
/// to the end of the test. It is the one temporary directory of the tests: helpers that need
/// one hold a `TempDir`.
public final class TempDir: @unchecked Sendable {
  /// The directory's absolute path (symlinks resolved, so it compares equal to `getcwd`).
  public let path: String
  private var removed = false
  private let lock = NSLock()

  /// Makes a new directory `/tmp/gage-test-XXXXXX`.
  public init(prefix: String = "gage-test") throws {
    var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buf -> String? in
      guard let base = buf.baseAddress, mkdtemp(base) != nil else { return nil }
      return String(cString: base)
    }
    guard let made else {
      throw GageError.io(path: "/tmp", operation: "make a temporary directory in", errno: errno)
    }
    path = Self.realPath(made)
  }

  deinit {
    remove()
  }

  /// Removes the directory and everything under it.
  public func remove() {
    lock.lock()
    defer { lock.unlock() }
    guard !removed else { return }
    removed = true
    do {
      try FileIO.removeTree(path)
    } catch {
      // FileIO.removeTree cannot remove names that are not valid UTF-8; tests make such names.
      _ = try? Command.run("/bin/chmod", ["-R", "u+w", path], in: "/")
      _ = try? Command.run("/bin/rm", ["-rf", path], in: "/")
    }
  }

  /// A path inside the directory.
  public func path(_ parts: String...) -> String {
    parts.reduce(path) { FileIO.join($0, $1) }
  }

  /// Makes a subdirectory (and its parents) and returns its path.
  @discardableResult
  public func makeDir(_ relative: String) throws -> String {
    let full = FileIO.join(path, relative)
    try FileIO.makeDirectories(full)
    return full
  }

  /// Writes a file inside the directory (parents made as needed) and returns its path.
  @discardableResult
  public func write(_ relative: String, _ text: String, mode: mode_t = 0o644) throws -> String {
    let full = FileIO.join(path, relative)
    try writeFile(full, text, mode: mode)
    return full
  }

  /// The text of a file inside the directory.
  public func read(_ relative: String) throws -> String {
    try FileIO.readText(FileIO.join(path, relative))
  }

  /// The canonical form of a path (symlinks resolved), or the path itself.
  public static func realPath(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}

/// Writes `text` to `path`, making parent directories, and sets `mode`.
public func writeFile(_ path: String, _ text: String, mode: mode_t = 0o644) throws {
  try FileIO.makeDirectories((path as NSString).deletingLastPathComponent)
  try FileIO.write(text, to: path, mode: mode)
}

/// Reads a file as UTF-8 text.
public func readFile(_ path: String) throws -> String {
  try FileIO.readText(path)
}
