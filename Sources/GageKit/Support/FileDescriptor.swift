import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An open file descriptor and the one place it is closed: when its owner lets it go. Types
/// that keep a file or directory open hold one of these instead of a raw `Int32`.
public final class FileDescriptor: @unchecked Sendable {
  /// The descriptor, valid while this object lives.
  public let raw: Int32

  /// Takes ownership of `raw` (a descriptor that is open).
  public init(owning raw: Int32) {
    self.raw = raw
  }

  /// Opens `path` with `flags` (`O_CLOEXEC` is always added); nil when it cannot be opened.
  public static func open(_ path: String, _ flags: Int32) -> FileDescriptor? {
    let fd = Glibc.open(path, flags | O_CLOEXEC)
    return fd >= 0 ? FileDescriptor(owning: fd) : nil
  }

  /// Opens the directory at `path` for reading (for `*at` calls relative to it).
  public static func openDirectory(_ path: String) -> FileDescriptor? {
    open(path, O_RDONLY | O_DIRECTORY)
  }

  deinit {
    Glibc.close(raw)
  }
}
