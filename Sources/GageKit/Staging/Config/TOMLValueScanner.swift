/// Finds where each value of a TOML document is written, in UTF-8 byte offsets.
///
/// TOMLKit reads values but not where they are, and writes a whole new document; config
/// patching needs each value's exact text. The scanner follows `[table]` and `[[array]]`
/// headers, dotted and quoted keys (`a."b c".d = 1`), inline tables (`x = {a = 1}`),
/// arrays, strings of the four kinds, and bare values (numbers, booleans, dates and
/// times, `1979-05-27 07:32:00` included). Values inside arrays and array tables are not
/// reported, only the arrays' paths. Run it on text TOMLKit has accepted: it follows the
/// grammar closely but does not check everything TOMLKit checks (numbers, duplicates).
struct TOMLValueScanner {
  /// How a value is written.
  enum Kind: Sendable, Equatable {
    /// `"..."`
    case basicString
    /// `'...'`
    case literalString
    /// `"""..."""` or `'''...'''`
    case multilineString
    /// A number, boolean, date or time.
    case bare
  }

  /// A value outside arrays.
  struct Value: Sendable, Equatable {
    /// The keys from the root to the value.
    var path: [String]
    /// The value's text (a string with its quotes).
    var range: Range<Int>
    /// How it is written.
    var kind: Kind
  }

  /// A place the scanner could not follow.
  struct Failure: Error, Equatable {
    /// What was expected.
    var message: String
    /// The byte offset of the problem.
    var offset: Int
  }

  private let src: [UInt8]
  private var pos = 0
  /// The values found outside arrays, in source order.
  private(set) var values: [Value] = []
  /// The paths of arrays and array tables, in order of first appearance.
  private(set) var arrays: [[String]] = []
  private var arrayTables: Set<[String]> = []

  /// A scanner of a document's text.
  init(_ text: String) {
    src = Array(text.utf8)
    if src.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
  }

  /// Scans the whole document.
  mutating func scan() throws {
    var table: [String] = []
    var tableArray: [String]?
    while true {
      skipTrivia(newlines: true)
      guard pos < src.count else { return }
      if src[pos] == UInt8(ascii: "[") {
        let isArray = byte(at: pos + 1) == UInt8(ascii: "[")
        pos += isArray ? 2 : 1
        table = try scanKey()
        skipBlanks()
        try expect(isArray ? "]]" : "]", "expected '\(isArray ? "]]" : "]")' to close the table header")
        if isArray {
          arrayTables.insert(table)
          noteArray(table)
          tableArray = table
        } else {
          tableArray = (0...table.count).reversed().lazy.map { Array(table.prefix($0)) }
            .first { self.arrayTables.contains($0) }
        }
      } else {
        let key = try scanKey()
        skipBlanks()
        try expect("=", "expected '=' after a key")
        skipBlanks()
        try scanValue(at: table + key, inArray: tableArray)
      }
      skipBlanks()
      if byte(at: pos) == UInt8(ascii: "#") { skipComment() }
      guard pos >= src.count || isNewline(at: pos) else {
        throw Failure(message: "expected the end of the line", offset: pos)
      }
    }
  }

  /// Scans one value written at `path`; inside an array (`inArray` is the array's path)
  /// nothing is recorded.
  private mutating func scanValue(at path: [String], inArray: [String]?) throws {
    guard pos < src.count else { throw Failure(message: "expected a value", offset: pos) }
    let start = pos
    let kind: Kind
    switch src[pos] {
    case UInt8(ascii: "{"):
      try scanInlineTable(at: path, inArray: inArray)
      return
    case UInt8(ascii: "["):
      if inArray == nil { noteArray(path) }
      try scanArray(inArray: inArray ?? path)
      return
    case UInt8(ascii: "\""), UInt8(ascii: "'"):
      let quote = src[pos]
      if byte(at: pos + 1) == quote && byte(at: pos + 2) == quote {
        try scanMultilineString(quote: quote)
        kind = .multilineString
      } else {
        _ = try scanString()
        kind = quote == UInt8(ascii: "\"") ? .basicString : .literalString
      }
    default:
      try scanBare()
      kind = .bare
    }
    if inArray == nil { values.append(Value(path: path, range: start..<pos, kind: kind)) }
  }

  private mutating func scanInlineTable(at path: [String], inArray: [String]?) throws {
    pos += 1
    skipTrivia(newlines: true)
    if byte(at: pos) == UInt8(ascii: "}") {
      pos += 1
      return
    }
    while true {
      let key = try scanKey()
      skipBlanks()
      try expect("=", "expected '=' after a key")
      skipBlanks()
      try scanValue(at: path + key, inArray: inArray)
      skipTrivia(newlines: true)
      if byte(at: pos) == UInt8(ascii: ",") {
        pos += 1
        skipTrivia(newlines: true)
        if byte(at: pos) == UInt8(ascii: "}") {
          pos += 1
          return
        }
        continue
      }
      try expect("}", "expected ',' or '}' in an inline table")
      return
    }
  }

  private mutating func scanArray(inArray path: [String]) throws {
    pos += 1
    while true {
      skipTrivia(newlines: true)
      if byte(at: pos) == UInt8(ascii: "]") {
        pos += 1
        return
      }
      try scanValue(at: path, inArray: path)
      skipTrivia(newlines: true)
      if byte(at: pos) == UInt8(ascii: ",") {
        pos += 1
        continue
      }
      try expect("]", "expected ',' or ']' in an array")
      return
    }
  }

  /// Scans a dotted key (`a`, `a.b`, `"a b".'c'`) and returns its parts.
  private mutating func scanKey() throws -> [String] {
    var parts: [String] = []
    while true {
      skipBlanks()
      guard pos < src.count else { throw Failure(message: "expected a key", offset: pos) }
      switch src[pos] {
      case UInt8(ascii: "\""), UInt8(ascii: "'"):
        parts.append(try scanString())
      default:
        let start = pos
        while pos < src.count, Self.isBareKeyByte(src[pos]) { pos += 1 }
        guard pos > start else { throw Failure(message: "expected a key", offset: pos) }
        parts.append(String(decoding: src[start..<pos], as: UTF8.self))
      }
      skipBlanks()
      guard byte(at: pos) == UInt8(ascii: ".") else { return parts }
      pos += 1
    }
  }

  /// Scans a one-line `"..."` or `'...'` string and returns its content.
  private mutating func scanString() throws -> String {
    let quote = src[pos]
    let start = pos
    pos += 1
    var out: [UInt8] = []
    while pos < src.count, !isNewline(at: pos) {
      let b = src[pos]
      pos += 1
      if b == quote { return String(decoding: out, as: UTF8.self) }
      if b == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
        try unescape(into: &out)
      } else {
        out.append(b)
      }
    }
    throw Failure(message: "unterminated string", offset: start)
  }

  /// Decodes the escape after a `\` of a basic string.
  private mutating func unescape(into out: inout [UInt8]) throws {
    guard pos < src.count else { throw Failure(message: "unterminated string", offset: pos) }
    let e = src[pos]
    pos += 1
    switch e {
    case UInt8(ascii: "b"): out.append(0x08)
    case UInt8(ascii: "t"): out.append(0x09)
    case UInt8(ascii: "n"): out.append(0x0A)
    case UInt8(ascii: "f"): out.append(0x0C)
    case UInt8(ascii: "r"): out.append(0x0D)
    case UInt8(ascii: "e"): out.append(0x1B)
    case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(e)
    case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
      let count = e == UInt8(ascii: "x") ? 2 : e == UInt8(ascii: "u") ? 4 : 8
      let digits = pos + count <= src.count ? String(decoding: src[pos..<pos + count], as: UTF8.self) : ""
      guard let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) else {
        throw Failure(message: "invalid escape", offset: pos - 2)
      }
      pos += count
      out += Array(String(Character(scalar)).utf8)
    default:
      throw Failure(message: "invalid escape", offset: pos - 2)
    }
  }

  /// Skips a `"""` or `'''` string, whose content may hold newlines and up to two quotes
  /// before the closing ones.
  private mutating func scanMultilineString(quote: UInt8) throws {
    let start = pos
    pos += 3
    while pos < src.count {
      if src[pos] == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
        pos += 2
      } else if src[pos] == quote && byte(at: pos + 1) == quote && byte(at: pos + 2) == quote {
        pos += 3
        var extra = 0
        while extra < 2 && byte(at: pos) == quote {
          pos += 1
          extra += 1
        }
        return
      } else {
        pos += 1
      }
    }
    throw Failure(message: "unterminated multi-line string", offset: start)
  }

  /// Skips a number, boolean, date or time; a date followed by a space and a time is one value.
  private mutating func scanBare() throws {
    let start = pos
    while pos < src.count, !Self.endsBareValue(src[pos]) { pos += 1 }
    guard pos > start else { throw Failure(message: "expected a value", offset: pos) }
    if pos - start == 10, src[start + 4] == UInt8(ascii: "-"), src[start + 7] == UInt8(ascii: "-"),
      byte(at: pos) == UInt8(ascii: " "), let next = byte(at: pos + 1), Self.isDigit(next)
    {
      pos += 1
      while pos < src.count, !Self.endsBareValue(src[pos]) { pos += 1 }
    }
  }

  private mutating func expect(_ text: String, _ message: String) throws {
    let bytes = Array(text.utf8)
    guard src[min(pos, src.count)...].starts(with: bytes) else { throw Failure(message: message, offset: pos) }
    pos += bytes.count
  }

  private mutating func noteArray(_ path: [String]) {
    if !arrays.contains(path) { arrays.append(path) }
  }

  private func byte(at i: Int) -> UInt8? {
    i < src.count ? src[i] : nil
  }

  private func isNewline(at i: Int) -> Bool {
    byte(at: i) == UInt8(ascii: "\n") || (byte(at: i) == UInt8(ascii: "\r") && byte(at: i + 1) == UInt8(ascii: "\n"))
  }

  /// Skips spaces and tabs.
  private mutating func skipBlanks() {
    while let b = byte(at: pos), b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { pos += 1 }
  }

  /// Skips blanks and comments, and line ends too when `newlines` is true.
  private mutating func skipTrivia(newlines: Bool) {
    while pos < src.count {
      skipBlanks()
      if byte(at: pos) == UInt8(ascii: "#") {
        skipComment()
      } else if newlines && isNewline(at: pos) {
        pos += src[pos] == UInt8(ascii: "\r") ? 2 : 1
      } else {
        return
      }
    }
  }

  private mutating func skipComment() {
    while pos < src.count, !isNewline(at: pos) { pos += 1 }
  }

  private static func isBareKeyByte(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
      return true
    default: return false
    }
  }

  private static func endsBareValue(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: " "),
      UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
      return true
    default: return false
    }
  }

  private static func isDigit(_ b: UInt8) -> Bool {
    b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
  }
}
