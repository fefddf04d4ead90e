import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The one reader of record lines (`manifest` and `seal`), over bytes: a line is
/// `[<type> ]<64 ASCII hex digits> <path>`, split on `\n` only, its fields split by one
/// space each. Hex digits are ASCII only (never the fullwidth forms `Character.isHexDigit`
/// accepts); either case is read, lowercase is written.
enum ManifestLines {
  /// One line's fields, as byte ranges of the buffer.
  struct Line {
    /// The 1-based line number.
    var number: Int
    /// The type byte (`s`, `r`, `d`, `g`) of a manifest line; nil for a seal line.
    var type: UInt8?
    /// The digest's 64 bytes.
    var digest: Range<Int>
    /// The encoded path (not empty).
    var path: Range<Int>
  }

  /// Calls `body` with each non-empty line of `bytes`, or with nil fields when the line
  /// is malformed (`typed`: manifest lines carry a type first).
  static func forEach(
    _ bytes: UnsafeRawBufferPointer, typed: Bool, _ body: (_ line: Line?, _ number: Int, _ text: Range<Int>) throws -> Void
  ) rethrows {
    guard let base = bytes.baseAddress else { return }
    var start = 0
    var number = 0
    while start < bytes.count {
      let end = memchr(base + start, 0x0A, bytes.count - start).map { base.distance(to: UnsafeRawPointer($0)) } ?? bytes.count
      defer { start = end + 1 }
      guard end > start else { continue }
      number += 1
      try body(parse(bytes, start..<end, typed: typed, number: number), number, start..<end)
    }
  }

  /// The fields of one line, nil when it is malformed.
  static func parse(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, typed: Bool, number: Int) -> Line? {
    var at = range.lowerBound
    var type: UInt8?
    if typed {
      guard range.count > 2, bytes[at + 1] == 0x20 else { return nil }
      type = bytes[at]
      at += 2
    }
    let digest = at..<(at + 64)
    guard digest.upperBound + 1 < range.upperBound, bytes[digest.upperBound] == 0x20 else { return nil }
    for i in digest where !isHexDigit(bytes[i]) { return nil }
    return Line(number: number, type: type, digest: digest, path: (digest.upperBound + 1)..<range.upperBound)
  }

  /// An ASCII hex digit, either case.
  static func isHexDigit(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) || (0x41...0x46).contains(byte)
  }

  /// Whether `text` is a SHA-256 in hex: 64 ASCII hex digits.
  static func isDigest(_ text: some StringProtocol) -> Bool {
    text.utf8.count == 64 && text.utf8.allSatisfy(isHexDigit)
  }

  /// The digest's text, lowercase.
  static func digest(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
    String(decoding: bytes[range].map { (0x41...0x46).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
  }

  /// The path's text, decoded (`%25`, `%0D`, `%0A`).
  static func path(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
    PathEncoding.decode(String(decoding: bytes[range], as: UTF8.self))
  }
}
