/// A git object id (SHA-1), as 40 lowercase hex digits: the one value type for object ids
/// outside `Git/` (libgit2's `git_oid` never leaves it).
public struct GitOID: Sendable, Hashable, CustomStringConvertible {
  /// The 20 raw bytes.
  public let bytes: [UInt8]

  /// An id from 20 raw bytes.
  public init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  /// An id from 40 hex digits.
  init?(hex: String) {
    guard hex.utf8.count == 40 else { return nil }
    var bytes: [UInt8] = []
    var chars = Array(hex.utf8)[...]
    while chars.count >= 2 {
      guard let b = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) else { return nil }
      bytes.append(b)
      chars = chars.dropFirst(2)
    }
    self.init(bytes: bytes)
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
