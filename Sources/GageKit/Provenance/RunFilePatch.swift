#if canImport(Glibc)
  import Glibc
#endif

/// The text diff of one run file between two runs (`gage diff --patch`): a unified diff
/// with `a/<path>` and `b/<path>` headers, `/dev/null` for a file one side lacks. A file
/// holding a NUL byte or bytes that are not UTF-8 is binary: only said to differ. A
/// symbolic link is compared by its target text, as its digest is.
public enum RunFilePatch {
  /// Files larger than this are not diffed line by line (only said to differ).
  public static let maxBytes: Int64 = 8 << 20

  /// The patch turning `a`'s file into `b`'s; `a` or `b` is nil for a file only one side
  /// has. `path` is the file's path in the runs (the same on both sides); a path that
  /// would leave the run is refused.
  public static func make(path: String, a: Run?, b: Run?) -> String {
    let oldName = a == nil ? "/dev/null" : "a/" + path
    let newName = b == nil ? "/dev/null" : "b/" + path
    guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
      return "\(path): cannot be diffed: not a path inside the run\n"
    }
    let old: Content
    let new: Content
    do {
      old = try a.map { try content(FileIO.join($0.runDir, path)) } ?? .text("")
      new = try b.map { try content(FileIO.join($0.runDir, path)) } ?? .text("")
    } catch let error as GageError {
      return "\(path): cannot be diffed: \(error.message)\n"
    } catch {
      return "\(path): cannot be diffed: \(error)\n"
    }
    switch (old, new) {
    case (.text(let x), .text(let y)):
      let diff = UnifiedDiff.make(old: x, new: y, oldName: oldName, newName: newName)
      return diff.isEmpty ? "--- \(oldName)\n+++ \(newName)\n" : diff
    case (.tooLarge(let size), _), (_, .tooLarge(let size)):
      return "Files \(oldName) and \(newName) differ (\(size) bytes: too large for a text diff)\n"
    default:
      return "Binary files \(oldName) and \(newName) differ\n"
    }
  }

  /// What a file holds, for diffing.
  private enum Content {
    case text(String)
    case binary
    case tooLarge(Int64)
  }

  /// Reads the file (the target of a link) at `path`.
  private static func content(_ path: String) throws -> Content {
    var st = stat()
    guard lstat(path, &st) == 0 else {
      throw GageError.io(path: path, operation: "read", errno: errno)
    }
    if st.st_mode & S_IFMT == S_IFLNK { return .text(try FileDigest.linkTarget(path)) }
    if Int64(st.st_size) > maxBytes { return .tooLarge(Int64(st.st_size)) }
    let bytes = try FileIO.readBytes(path)
    if bytes.contains(0) { return .binary }
    guard let text = String(validating: bytes, as: UTF8.self) else { return .binary }
    return .text(text)
  }
}
