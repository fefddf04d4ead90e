import Clibgit2

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

/// A git object id (SHA-1), as 40 lowercase hex digits.
public struct GitOID: Sendable, Hashable, CustomStringConvertible {
  /// The 20 raw bytes.
  public let bytes: [UInt8]

  init(_ oid: git_oid) {
    bytes = withUnsafeBytes(of: oid.id) { Array($0.prefix(20)) }
  }

  /// An id from 20 raw bytes.
  public init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  /// Hex form.
  public var description: String {
    let table = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(40)
    for b in bytes {
      out.append(table[Int(b >> 4)])
      out.append(table[Int(b & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Whether this is the all-zero id.
  public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }
}
