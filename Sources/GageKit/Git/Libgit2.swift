internal import Clibgit2
import Foundation

/// The libgit2 library: initialized once, lazily (never on the `--help` path), and the one
/// checking function every C call goes through.
enum Libgit2 {
  /// Initializes libgit2 on first use (thread-safe `static let`).
  static let ready: Void = {
    git_libgit2_init()
    // Pack windows of 32 MB, 256 MB mapped at most (git's own values on 32-bit hosts):
    // reading one large object then maps a window at a time, not the whole pack.
    _ = gage_git_set_mwindow_limits(32 << 20, 256 << 20)
  }()

  /// Turns a libgit2 return code into a typed error carrying libgit2's message.
  /// - Parameters:
  ///   - rc: the return code (negative is an error).
  ///   - call: the C function's name, for the message.
  @discardableResult
  static func check(_ rc: Int32, _ call: String, path: String? = nil) throws -> Int32 {
    guard rc < 0 else { return rc }
    throw error(rc, call, path: path)
  }

  /// The error for a failed call; reads `git_error_last()` (per thread) right away.
  static func error(_ rc: Int32, _ call: String, path: String? = nil) -> GageError {
    var message = "error \(rc)"
    if let last = git_error_last(), let text = last.pointee.message {
      message = String(cString: text)
    }
    let lower = message.lowercased()
    if lower.contains("not owned by current user") || lower.contains("safe.directory") {
      let location = path.map { " at \($0)" } ?? ""
      return .git(
        "the git repository\(location) belongs to another user, so it is not trusted; "
          + "run gage as its owner, or trust it with: git config --global --add safe.directory <repo path>")
    }
    return .git("\(call): \(message)")
  }
}

extension GitOID {
  /// The id of a libgit2 `git_oid`.
  init(_ oid: git_oid) {
    self.init(bytes: withUnsafeBytes(of: oid.id) { Array($0.prefix(20)) })
  }

  /// The libgit2 form of this id.
  var raw: git_oid {
    var oid = git_oid()
    withUnsafeMutableBytes(of: &oid.id) { out in
      for (i, b) in bytes.prefix(out.count).enumerated() { out[i] = b }
    }
    return oid
  }
}

/// Calls `body` with a `git_strarray` of `strings` (copies libgit2 may read, not keep),
/// valid only during the call: the one place such arrays are built and freed.
func withStringArray<T>(_ strings: [String], _ body: (inout git_strarray) throws -> T) rethrows -> T {
  let cstrings = strings.map { strdup($0) }
  defer { for p in cstrings { free(p) } }
  var pointers: [UnsafeMutablePointer<CChar>?] = cstrings
  return try pointers.withUnsafeMutableBufferPointer { buf in
    var array = git_strarray(strings: buf.baseAddress, count: buf.count)
    return try body(&array)
  }
}

/// The strings of a `git_strarray` libgit2 filled, which is disposed of here.
func takeStrings(_ array: inout git_strarray) -> [String] {
  defer { git_strarray_dispose(&array) }
  return (0..<array.count).compactMap { array.strings[$0].map { String(cString: $0) } }
}
