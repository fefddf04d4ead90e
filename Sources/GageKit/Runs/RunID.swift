import Foundation

/// Run ids (UUID v4, lowercase) and run names (proquints of the id's first 32 bits).
public enum RunID {
  /// A new random run id.
  public static func make() -> String {
    UUID().uuidString.lowercased()
  }

  /// Whether `s` has the shape of a run id (8-4-4-4-12 hex digits).
  public static func isValid(_ s: String) -> Bool {
    let parts = s.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.map(\.count) == [8, 4, 4, 4, 12] else { return false }
    return s.allSatisfy { $0 == "-" || $0.isHexDigit }
  }

  /// The run name for an id: the proquint of its first eight hex digits (`60a825b1` → `kafom-fikud`).
  public static func name(for id: String) -> String {
    guard let value = UInt32(id.prefix(8), radix: 16) else { return id }
    return proquint(value)
  }

  private static let consonants = Array("bdfghjklmnprstvz")
  private static let vowels = Array("aiou")

  /// The proquint of a 32-bit value: two five-letter words joined by `-`.
  public static func proquint(_ value: UInt32) -> String {
    func word(_ v: UInt16) -> String {
      let v = Int(v)
      return String([
        consonants[(v >> 12) & 0xF], vowels[(v >> 10) & 0x3],
        consonants[(v >> 6) & 0xF], vowels[(v >> 4) & 0x3],
        consonants[v & 0xF],
      ])
    }
    return word(UInt16(value >> 16)) + "-" + word(UInt16(value & 0xFFFF))
  }

  /// A log entry id: a UUID whose first 48 bits are epoch milliseconds, so names sort by time
  /// (the form Gage uses for `.user` attribute logs and `.move` markers).
  public static func timeOrdered(millis: UInt64 = RunClock.monotonicMillis()) -> String {
    var bytes = [UInt8](repeating: 0, count: 16)
    for i in 0..<6 { bytes[i] = UInt8((millis >> (8 * (5 - UInt64(i)))) & 0xFF) }
    var rng = SystemRandomNumberGenerator()
    for i in 6..<16 { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
    bytes[6] = (bytes[6] & 0x0F) | 0x40
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    let hex = bytes.map { String(format: "%02x", $0) }.joined()
    let h = Array(hex)
    return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-"
      + String(h[16..<20]) + "-" + String(h[20..<32])
  }
}
