import CArchive

#if canImport(Glibc)
  import Glibc
#endif

/// The one place libarchive return codes are checked: a failing call becomes a `GageError`
/// carrying `archive_error_string`.
enum LibArchive {
  /// libarchive's `ARCHIVE_OK`, `ARCHIVE_EOF`, `ARCHIVE_WARN`.
  static let ok: Int32 = 0
  static let eof: Int32 = 1
  static let warn: Int32 = -20

  /// A UTF-8 character type for the calling thread, once per thread before libarchive
  /// converts names: in the "C" locale libarchive 3.6 cannot convert a non-ASCII name and
  /// the pax writer then reads a null path. Only this thread's locale changes.
  static func useUTF8Names() {
    guard let locale = utf8Locale else { return }
    uselocale(locale)
  }

  nonisolated(unsafe) private static let utf8Locale: locale_t? =
    newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) ?? newlocale(LC_CTYPE_MASK, "en_US.UTF-8", nil)

  /// File type bits of an entry (`AE_IFREG`, `AE_IFDIR`, ...).
  static let regularFile: UInt32 = 0o100000
  static let directory: UInt32 = 0o040000
  static let symlink: UInt32 = 0o120000

  /// Throws unless `rc` is `ARCHIVE_OK` (or `ARCHIVE_WARN` when `allowWarning`).
  static func check(
    _ rc: Int32, _ handle: OpaquePointer?, _ call: String, file: String, allowWarning: Bool = false
  ) throws {
    if rc == ok || (allowWarning && rc == warn) { return }
    throw ArchiveError.libarchive(file: file, call: call, message: message(handle))
  }

  /// The handle's error text, or a generic one.
  static func message(_ handle: OpaquePointer?) -> String {
    guard let handle, let text = archive_error_string(handle) else { return "unknown libarchive error" }
    return String(cString: text)
  }
}

/// A libarchive write handle, freed when released.
final class ArchiveWriteHandle {
  let pointer: OpaquePointer
  let file: String

  init(file: String) throws {
    LibArchive.useUTF8Names()
    guard let p = archive_write_new() else {
      throw ArchiveError.libarchive(file: file, call: "archive_write_new", message: "out of memory")
    }
    pointer = p
    self.file = file
  }

  func check(_ rc: Int32, _ call: String) throws {
    try LibArchive.check(rc, pointer, call, file: file)
  }

  deinit {
    archive_write_free(pointer)
  }
}

/// A libarchive read handle, freed when released.
final class ArchiveReadHandle {
  let pointer: OpaquePointer
  let file: String

  init(file: String) throws {
    LibArchive.useUTF8Names()
    guard let p = archive_read_new() else { throw ArchiveError.libarchive(file: file, call: "archive_read_new", message: "out of memory") }
    pointer = p
    self.file = file
  }

  func check(_ rc: Int32, _ call: String, allowWarning: Bool = false) throws {
    try LibArchive.check(rc, pointer, call, file: file, allowWarning: allowWarning)
  }

  deinit {
    archive_read_free(pointer)
  }
}

/// A libarchive entry, freed when released.
final class ArchiveEntryHandle {
  let pointer: OpaquePointer

  init() throws {
    guard let p = archive_entry_new() else { throw GageError.io(path: "archive entry", operation: "allocate", errno: ENOMEM) }
    pointer = p
  }

  deinit {
    archive_entry_free(pointer)
  }
}
