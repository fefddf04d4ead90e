#if canImport(Glibc)
  import Glibc
#endif

/// A 64-bit fingerprint of a file's identity and last change (inode and ctime, which no
/// tool can set back), used to tell whether an index entry still describes the files.
///
/// `absent` (0) stands for a file that does not exist; `racy` (1) for one changed so
/// recently (within `racyWindow` of reading it) that a later change could share its ctime:
/// a racy stamp never matches, so the entry is read again until the file has settled.
public enum FileStamp {
  /// No such file.
  public static let absent: UInt64 = 0
  /// Changed too recently to be trusted.
  public static let racy: UInt64 = 1
  /// How recent a change must be to count as racy, in nanoseconds.
  public static let racyWindow: Int64 = 2_000_000_000

  /// The stamp of `path` (not following links) as of `now` (epoch ns).
  public static func of(_ path: String, now: Int64) -> UInt64 {
    var st = stat()
    guard lstat(path, &st) == 0 else { return absent }
    return stamp(st, now: now)
  }

  /// The stamp of `name` in the directory open as `dirfd`.
  public static func of(dirfd: Int32, _ name: UnsafePointer<CChar>, now: Int64) -> UInt64 {
    var st = stat()
    guard fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return absent }
    return stamp(st, now: now)
  }

  /// The stamp of a `stat` result.
  public static func stamp(_ st: stat, now: Int64) -> UInt64 {
    let ctime = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
    if ctime > now - racyWindow { return racy }
    let mixed = UInt64(bitPattern: ctime) ^ (UInt64(st.st_ino) &* 0x9E37_79B9_7F4A_7C15)
    return mixed <= racy ? mixed &+ 2 : mixed
  }

  /// Epoch nanoseconds now.
  public static func now() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
  }
}
