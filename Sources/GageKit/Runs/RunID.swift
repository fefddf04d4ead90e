import Foundation

/// Run ids (UUID v4, lowercase) and run names (proquints of the id's first 32 bits).
public enum RunID {
  /// A new random run id.
  public static func make() -> String {
    UUID().uuidString.lowercased()
  }

  /// Whether `s` has the shape of a run id (8-4-4-4-12 ASCII hex digits; not the
  /// fullwidth forms `Character.isHexDigit` also accepts).
  public static func isValid(_ s: String) -> Bool {
    let parts = s.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
    guard parts.map(\.count) == [8, 4, 4, 4, 12] else { return false }
    return parts.allSatisfy { $0.allSatisfy(isHexDigit) }
  }

  /// Whether `s` is a run id as `make()` writes it: lowercase.
  public static func isCanonical(_ s: String) -> Bool {
    isValid(s) && !s.utf8.contains { (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0) }
  }

  private static func isHexDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
      || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
  }

  /// The run name for an id: the proquint of its first eight hex digits (`60a825b1` → `kafom-fikud`).
  public static func name(for id: String) -> String {
    guard let value = UInt32(id.prefix(8), radix: 16) else { return id }
    return proquint(value)
  }

  /// How messages name a run: `name (first 8 digits of the id)`, e.g.
  /// `kafom-fikud (60a825b1)`; the name defaults to the id's proquint.
  public static func label(_ id: String, name: String? = nil) -> String {
    "\(name ?? Self.name(for: id)) (\(id.prefix(8)))"
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

  /// A log entry id: a UUID whose first 48 bits are epoch milliseconds and whose next 12
  /// bits count up within a millisecond, so names sort by time even for entries written in
  /// the same millisecond by one process (the form Gage uses for `.user` attribute logs and
  /// `.move` markers).
  public static func timeOrdered(millis: UInt64 = RunClock.nowMillis()) -> String {
    let (ms, sequence) = OrderedStamp.next(millis)
    var bytes = [UInt8](repeating: 0, count: 16)
    for i in 0..<6 { bytes[i] = UInt8((ms >> (8 * (5 - UInt64(i)))) & 0xFF) }
    var rng = SystemRandomNumberGenerator()
    for i in 8..<16 { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
    bytes[6] = 0x40 | UInt8((sequence >> 8) & 0x0F)
    bytes[7] = UInt8(sequence & 0xFF)
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    let hex = bytes.map { String(format: "%02x", $0) }.joined()
    let h = Array(hex)
    return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-"
      + String(h[16..<20]) + "-" + String(h[20..<32])
  }
}

/// Strictly increasing (milliseconds, sequence) pairs within this process.
private enum OrderedStamp {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var lastMillis: UInt64 = 0
  nonisolated(unsafe) private static var lastSequence: UInt16 = 0

  static func next(_ millis: UInt64) -> (UInt64, UInt16) {
    lock.lock()
    defer { lock.unlock() }
    if millis > lastMillis {
      lastMillis = millis
      lastSequence = 0
    } else if millis < lastMillis {
      // An explicit earlier time (or a clock set back): keep it, outside the sequence.
      return (millis, 0)
    } else if lastSequence < 0xFFF {
      lastSequence += 1
    } else {
      lastMillis += 1
      lastSequence = 0
    }
    return (lastMillis, lastSequence)
  }
}
