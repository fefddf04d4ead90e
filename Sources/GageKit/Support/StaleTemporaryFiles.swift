import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Temporary files and working directories that a process makes and renames into place
/// (or removes) when done. Each name carries its owner, `<pid>-<host tag>` (see
/// `HostIdentity.tag`): when that process was killed halfway, a later one removes the
/// leftover. A runs dir may be shared by several hosts or containers, where a PID means
/// nothing; a leftover is removed only when its owner is of this host, boot and PID
/// namespace and provably gone, or when it is older than `maxAge` whoever made it.
public enum StaleTemporaryFiles {
  /// Age past which any leftover is removed, whatever its owner (a day: no writer keeps a
  /// temporary that long).
  public static let maxAge: Int64 = 24 * 3600

  /// This process as the owner token of a name: `<pid>-<host tag>`.
  public static var owner: String { "\(getpid())-\(HostIdentity.currentTag)" }

  /// The temporary name for writing `base` in the same directory:
  /// `.<base>.<owner>.<n>.tmp`, `n` counting this process's temporaries (two threads writing
  /// the same file never share one).
  public static func temporaryName(for base: String) -> String {
    ".\(base).\(owner).\(Counter.shared.next()).tmp"
  }

  /// A process-wide counter.
  private final class Counter: @unchecked Sendable {
    static let shared = Counter()
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
      lock.lock()
      defer { lock.unlock() }
      value += 1
      return value
    }
  }

  /// Removes the temporary files (`.*.tmp`) in `dir` whose writers are gone. With
  /// `ownedOnly` (a directory of the user's, such as an export's destination), only names
  /// that carry an owner token are considered: other `.tmp` files are not ours to judge.
  public static func remove(in dir: String, ownedOnly: Bool = false) {
    guard let entries = try? DirectoryListing.entries(dir) else { return }
    for entry in entries {
      guard let name = entry.name, name.hasPrefix("."), name.hasSuffix(".tmp") else { continue }
      let parts = name.dropFirst().dropLast(4).split(separator: ".").dropFirst()
      let owner = parts.lazy.compactMap(parseOwner).first
      if ownedOnly && owner == nil { continue }
      let path = FileIO.join(dir, name)
      if isAbandoned(path, owner: owner) { unlink(path) }
    }
  }

  /// The kinds of working directories made in a runs dir: a new run's meta (moved into
  /// place whole), imports and pulls.
  public static let directoryKinds = ["new", "import", "pull"]

  /// Whether `name` is one of those directories (`.<kind>-...`).
  static func isWorkingDirectoryName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
    directoryKinds.contains { kind in
      let prefix = Array(".\(kind)-".utf8)
      return name.count > prefix.count && name.starts(with: prefix)
    }
  }

  /// Makes a working directory `<parent>/.<kind>-<owner>-XXXXXX`: named by its process, so
  /// that once the process is gone (killed halfway) a later one removes it.
  public static func makeDirectory(in parent: String, kind: String) throws -> String {
    try FileIO.makeTemporaryDirectory(in: parent, prefix: ".\(kind)-\(owner)-")
  }

  /// Removes the working directories (`directoryKinds`) in `dir` whose makers are gone.
  public static func removeAbandonedDirectories(in dir: String) {
    guard let entries = try? DirectoryListing.entries(dir) else { return }
    for entry in entries {
      guard let name = entry.name, name.hasPrefix("."),
        let kind = directoryKinds.first(where: { name.hasPrefix(".\($0)-") })
      else { continue }
      // `<pid>-<tag>-XXXXXX`; older names have no tag (`<pid>-XXXXXX`).
      let parts = name.dropFirst(kind.count + 2).split(separator: "-")
      let owner = parts.count == 3 ? parseOwner(parts[0] + "-" + parts[1]) : nil
      let path = FileIO.join(dir, name)
      if isAbandoned(path, owner: owner) { try? FileIO.removeTree(path) }
    }
  }

  /// The PID and host tag of an owner token `<pid>-<tag>`.
  static func parseOwner(_ token: Substring) -> (pid: Int32, tag: Substring)? {
    let parts = token.split(separator: "-")
    guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, HostIdentity.isTag(parts[1]) else { return nil }
    return (pid, parts[1])
  }

  /// Whether the leftover at `path` may be removed: its owner is of this host and gone, or
  /// it is older than `maxAge`.
  static func isAbandoned(_ path: String, owner: (pid: Int32, tag: Substring)?) -> Bool {
    if let owner, owner.tag == HostIdentity.currentTag {
      return owner.pid != getpid() && !ProcessSignals.isAlive(owner.pid)
    }
    var st = stat()
    guard lstat(path, &st) == 0 else { return false }
    return Int64(time(nil)) - Int64(st.st_mtim.tv_sec) > maxAge
  }
}
