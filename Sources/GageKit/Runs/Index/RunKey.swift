/// A run id packed into 128 bits: cheap to hash and compare when a runs dir holds
/// thousands of runs. Only lowercase ids (the form Gage writes) have a key.
public struct RunKey: Hashable, Sendable, Comparable {
  /// The first 16 hex digits.
  public var high: UInt64
  /// The last 16 hex digits.
  public var low: UInt64

  /// A key from its two halves.
  public init(high: UInt64, low: UInt64) {
    self.high = high
    self.low = low
  }

  /// The key of the 36-byte id at `bytes[offset...]`, or nil when they are not a lowercase
  /// UUID (`8-4-4-4-12` hex digits).
  public init?(utf8 bytes: UnsafePointer<UInt8>, count: Int) {
    guard count >= 36 else { return nil }
    var high: UInt64 = 0
    var low: UInt64 = 0
    var digits = 0
    for i in 0..<36 {
      let c = bytes[i]
      if i == 8 || i == 13 || i == 18 || i == 23 {
        guard c == UInt8(ascii: "-") else { return nil }
        continue
      }
      let v: UInt64
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt64(c - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): v = UInt64(c - UInt8(ascii: "a") + 10)
      default: return nil
      }
      if digits < 16 { high = high << 4 | v } else { low = low << 4 | v }
      digits += 1
    }
    self.high = high
    self.low = low
  }

  /// The key of `id`, or nil.
  public init?(_ id: String) {
    var id = id
    let key = id.withUTF8 { buf -> RunKey? in
      guard buf.count == 36, let base = buf.baseAddress else { return nil }
      return RunKey(utf8: base, count: 36)
    }
    guard let key else { return nil }
    self = key
  }

  /// The id, lowercase with dashes.
  public var id: String {
    let hex: [UInt8] = Array("0123456789abcdef".utf8)
    var out = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
    var n = 0
    for i in 0..<36 where !(i == 8 || i == 13 || i == 18 || i == 23) {
      let shift = UInt64(60 - 4 * (n % 16))
      let word = n < 16 ? high : low
      out[i] = hex[Int((word >> shift) & 0xF)]
      n += 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The run name: the proquint of the first 32 bits.
  public var name: String { RunID.proquint(UInt32(truncatingIfNeeded: high >> 32)) }

  public static func < (a: RunKey, b: RunKey) -> Bool {
    a.high != b.high ? a.high < b.high : a.low < b.low
  }
}
