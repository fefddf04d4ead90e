import Foundation

/// Reading and writing Python scalar literals: strings, numbers, `True`, `False`, `None`.
enum PythonLiteral {
  /// How a string literal is quoted in the source.
  struct Quote: Equatable {
    /// `'` or `"`.
    var char: UInt8
    /// Whether it is a triple-quoted string.
    var triple: Bool

    static let double = Quote(char: UInt8(ascii: "\""), triple: false)
  }

  /// A literal read from source.
  struct Parsed {
    /// Its value.
    var value: ConfigValue
    /// The byte offset just after it.
    var end: Int
    /// The quoting, for a string literal.
    var quote: Quote?
  }

  // MARK: - Reading

  /// The literal starting at byte `start` of `src`, or nil when there is none (or it is a
  /// kind this module does not configure: prefixed strings, complex numbers, `inf`).
  static func parse(_ src: [UInt8], at start: Int) -> Parsed? {
    guard start < src.count else { return nil }
    let c = src[start]
    if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") { return parseString(src, at: start) }
    if c == UInt8(ascii: "u") || c == UInt8(ascii: "U"), start + 1 < src.count,
      src[start + 1] == UInt8(ascii: "'") || src[start + 1] == UInt8(ascii: "\"")
    {
      return parseString(src, at: start + 1)
    }
    for (word, value) in [("True", ConfigValue.bool(true)), ("False", .bool(false)), ("None", .null)] {
      let bytes = Array(word.utf8)
      if src[start...].starts(with: bytes), !isIdentifierByte(src, start + bytes.count) {
        return Parsed(value: value, end: start + bytes.count, quote: nil)
      }
    }
    return parseNumber(src, at: start)
  }

  private static func isIdentifierByte(_ src: [UInt8], _ i: Int) -> Bool {
    i < src.count && PythonSource.isIdentifierChar(src[i])
  }

  /// A decimal, hex, octal or binary integer, or a float, with an optional sign.
  private static func parseNumber(_ src: [UInt8], at start: Int) -> Parsed? {
    var i = start
    var negative = false
    if src[i] == UInt8(ascii: "-") || src[i] == UInt8(ascii: "+") {
      negative = src[i] == UInt8(ascii: "-")
      i += 1
    }
    let bodyStart = i
    if let (value, end) = parseRadixInt(src, at: bodyStart) {
      return Parsed(value: .int(negative ? -value : value), end: end, quote: nil)
    }
    var digits: [UInt8] = []
    var isFloat = false
    func scanDigits() {
      while i < src.count, isDigit(src[i]) || (src[i] == UInt8(ascii: "_") && !digits.isEmpty) {
        if src[i] != UInt8(ascii: "_") { digits.append(src[i]) }
        i += 1
      }
    }
    scanDigits()
    var text = digits
    if i < src.count, src[i] == UInt8(ascii: ".") {
      isFloat = true
      i += 1
      text.append(UInt8(ascii: "."))
      let before = digits.count
      scanDigits()
      text += digits[before...]
    }
    guard !digits.isEmpty else { return nil }
    if i < src.count, src[i] == UInt8(ascii: "e") || src[i] == UInt8(ascii: "E") {
      var j = i + 1
      var exponent: [UInt8] = [UInt8(ascii: "e")]
      if j < src.count, src[j] == UInt8(ascii: "-") || src[j] == UInt8(ascii: "+") {
        exponent.append(src[j])
        j += 1
      }
      let exponentStart = j
      while j < src.count, isDigit(src[j]) {
        exponent.append(src[j])
        j += 1
      }
      if j > exponentStart {
        isFloat = true
        text += exponent
        i = j
      }
    }
    // `1j`, `1e`, `1abc` are not scalar literals.
    if i < src.count, PythonSource.isIdentifierChar(src[i]) || src[i] == UInt8(ascii: ".") { return nil }
    let string = String(decoding: text, as: UTF8.self)
    if isFloat {
      guard let d = Double(string), d.isFinite else { return nil }
      return Parsed(value: .float(negative ? -d : d), end: i, quote: nil)
    }
    // Python forbids leading zeros in non-zero decimal integers.
    if digits.count > 1, digits[0] == UInt8(ascii: "0"), digits.contains(where: { $0 != UInt8(ascii: "0") }) {
      return nil
    }
    guard let value = Int(string) else { return nil }
    return Parsed(value: .int(negative ? -value : value), end: i, quote: nil)
  }

  /// `0x..`, `0o..` or `0b..` (with `_` separators).
  private static func parseRadixInt(_ src: [UInt8], at start: Int) -> (Int, Int)? {
    guard start + 2 < src.count, src[start] == UInt8(ascii: "0") else { return nil }
    let radix: Int
    switch src[start + 1] | 0x20 {
    case UInt8(ascii: "x"): radix = 16
    case UInt8(ascii: "o"): radix = 8
    case UInt8(ascii: "b"): radix = 2
    default: return nil
    }
    var i = start + 2
    var digits: [UInt8] = []
    while i < src.count, PythonSource.isIdentifierChar(src[i]) {
      if src[i] != UInt8(ascii: "_") { digits.append(src[i]) }
      i += 1
    }
    guard !digits.isEmpty, let value = Int(String(decoding: digits, as: UTF8.self), radix: radix) else { return nil }
    return (value, i)
  }

  private static func isDigit(_ b: UInt8) -> Bool {
    b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
  }

  /// A (non-raw) string literal whose opening quote is at `start`.
  private static func parseString(_ src: [UInt8], at start: Int) -> Parsed? {
    let q = src[start]
    let triple = start + 2 < src.count && src[start + 1] == q && src[start + 2] == q
    let quote = Quote(char: q, triple: triple)
    var i = start + (triple ? 3 : 1)
    var out: [UInt8] = []
    while i < src.count {
      let c = src[i]
      if c == q {
        if !triple { return Parsed(value: .string(String(decoding: out, as: UTF8.self)), end: i + 1, quote: quote) }
        if i + 2 < src.count, src[i + 1] == q, src[i + 2] == q {
          return Parsed(value: .string(String(decoding: out, as: UTF8.self)), end: i + 3, quote: quote)
        }
        out.append(c)
        i += 1
      } else if c == UInt8(ascii: "\\") {
        guard let (decoded, next) = decodeEscape(src, at: i) else { return nil }
        out += decoded
        i = next
      } else if c == UInt8(ascii: "\n") && !triple {
        return nil
      } else {
        out.append(c)
        i += 1
      }
    }
    return nil
  }

  /// The bytes of the escape sequence at `src[i]` (a backslash) and the offset after it.
  private static func decodeEscape(_ src: [UInt8], at i: Int) -> ([UInt8], Int)? {
    guard i + 1 < src.count else { return nil }
    let e = src[i + 1]
    let simple: [UInt8: UInt8] = [
      UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "'"): 0x27, UInt8(ascii: "\""): 0x22, UInt8(ascii: "a"): 0x07,
      UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D,
      UInt8(ascii: "t"): 0x09, UInt8(ascii: "v"): 0x0B,
    ]
    if let byte = simple[e] { return ([byte], i + 2) }
    switch e {
    case UInt8(ascii: "\n"):
      return ([], i + 2)
    case UInt8(ascii: "\r"):
      return ([], i + 2 < src.count && src[i + 2] == UInt8(ascii: "\n") ? i + 3 : i + 2)
    case UInt8(ascii: "0")...UInt8(ascii: "7"):
      var j = i + 1
      var value: UInt32 = 0
      while j < src.count, j < i + 4, src[j] >= UInt8(ascii: "0"), src[j] <= UInt8(ascii: "7") {
        value = value * 8 + UInt32(src[j] - UInt8(ascii: "0"))
        j += 1
      }
      return scalarBytes(value).map { ($0, j) }
    case UInt8(ascii: "x"): return hexEscape(src, from: i + 2, count: 2)
    case UInt8(ascii: "u"): return hexEscape(src, from: i + 2, count: 4)
    case UInt8(ascii: "U"): return hexEscape(src, from: i + 2, count: 8)
    case UInt8(ascii: "N"):
      // Named characters would need Unicode's name table: not a configurable literal.
      return nil
    default:
      // Python keeps unknown escapes as written.
      return ([UInt8(ascii: "\\")], i + 1)
    }
  }

  private static func hexEscape(_ src: [UInt8], from start: Int, count: Int) -> ([UInt8], Int)? {
    guard start + count <= src.count,
      let value = UInt32(String(decoding: src[start..<start + count], as: UTF8.self), radix: 16)
    else { return nil }
    return scalarBytes(value).map { ($0, start + count) }
  }

  private static func scalarBytes(_ value: UInt32) -> [UInt8]? {
    guard let scalar = Unicode.Scalar(value) else { return nil }
    return Array(String(Character(scalar)).utf8)
  }

  // MARK: - Writing

  /// The Python source text of `value`; strings use `quote` where possible.
  static func render(_ value: ConfigValue, quote: Quote?) -> String {
    switch value {
    case .string(let s): return renderString(s, quote: quote ?? .double)
    case .int(let i): return String(i)
    case .float(let d): return floatRepr(d)
    case .bool(let b): return b ? "True" : "False"
    case .null: return "None"
    }
  }

  /// A string literal with the given quoting. A single-quoted string switches to the other
  /// quote character when that avoids escaping, as Python's `repr` does.
  static func renderString(_ s: String, quote: Quote) -> String {
    var q = Character(Unicode.Scalar(quote.char))
    let other: Character = q == "'" ? "\"" : "'"
    if !quote.triple, s.contains(q), !s.contains(other) { q = other }
    let delimiter = String(repeating: q, count: quote.triple ? 3 : 1)
    var out = delimiter
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "\n": out += quote.triple ? "\n" : "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if Character(scalar) == q {
          out += "\\" + String(q)
        } else if scalar.value < 0x20 || scalar.value == 0x7F {
          out += String(format: "\\x%02x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + delimiter
  }

  /// A finite double as Python's `repr` writes it: the shortest digits that read back
  /// the same, in positional form for decimal exponents -4 through 15 (`0.0001`,
  /// `1000000000000000.0`), in scientific form otherwise (`1e-05`, `1e+16`).
  static func floatRepr(_ d: Double) -> String {
    guard d.isFinite else { return d.isNaN ? "nan" : (d < 0 ? "-inf" : "inf") }
    let sign = d.sign == .minus ? "-" : ""
    if d == 0 { return sign + "0.0" }
    let (digits, point) = shortestDigits(abs(d))
    let exponent = point - 1
    if exponent >= -4 && exponent < 16 {
      if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
      if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) + ".0" }
      let split = digits.index(digits.startIndex, offsetBy: point)
      return sign + digits[..<split] + "." + digits[split...]
    }
    let mantissa = digits.count > 1 ? "\(digits.prefix(1)).\(digits.dropFirst())" : digits
    let exponentText = String(abs(exponent))
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+")
      + (exponentText.count < 2 ? "0" : "") + exponentText
  }

  /// The shortest round-trip decimal digits of a positive finite double (no leading or
  /// trailing zeros) and the position of the decimal point relative to the first digit.
  private static func shortestDigits(_ d: Double) -> (digits: String, point: Int) {
    // Swift's description already holds the shortest round-trip digits.
    let text = d.description
    let parts = text.split(separator: "e", maxSplits: 1)
    let mantissa = parts.first.map(String.init) ?? text
    let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
    let dot = mantissa.firstIndex(of: ".")
    let integerCount = dot.map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count
    var digits = mantissa.filter { $0 != "." }
    var point = integerCount + exponent
    while digits.hasPrefix("0") {
      digits.removeFirst()
      point -= 1
    }
    while digits.hasSuffix("0") { digits.removeLast() }
    return (digits.isEmpty ? "0" : digits, point)
  }
}
