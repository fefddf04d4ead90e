/// A JSON syntax error with its position (1-based line and column).
public struct JSONParseError: Error, Sendable, Equatable {
  /// What was expected or found.
  public var message: String
  /// 1-based line.
  public var line: Int
  /// 1-based column.
  public var column: Int
}

/// A scalar of a JSON document with its path from the root and where its text is.
struct JSONScalarSpan: Sendable, Equatable {
  /// The object keys and array indexes leading to the scalar.
  var path: SourcePath
  /// The scalar's value.
  var value: JSONValue
  /// The scalar's text (a string with its quotes), in UTF-8 byte offsets.
  var range: Range<Int>
}

/// A small strict JSON parser over UTF-8 bytes that reports positions, and optionally skips
/// whole-line `//` comments (Gage files allow them) and records where each scalar is.
struct JSONParser {
  private let bytes: [UInt8]
  private var pos = 0
  private let allowComments: Bool
  private let recordsScalars: Bool
  private var depth = 0
  private var path: SourcePath = []
  /// Every scalar of the parsed document in source order, when `recordsScalars` is set.
  private(set) var scalarSpans: [JSONScalarSpan] = []

  init(_ bytes: [UInt8], allowComments: Bool, recordsScalars: Bool = false) {
    self.bytes = bytes
    self.allowComments = allowComments
    self.recordsScalars = recordsScalars
  }

  mutating func parseDocument() throws -> JSONValue {
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
    skipSpace()
    let value = try parseValue()
    skipSpace()
    if pos < bytes.count { throw error("unexpected text after the JSON value") }
    return value
  }

  /// The 1-based line and column of a byte offset.
  func location(of offset: Int) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    var i = 0
    while i < offset && i < bytes.count {
      if bytes[i] == 0x0A {
        line += 1
        column = 1
      } else if bytes[i] & 0xC0 != 0x80 {
        column += 1
      }
      i += 1
    }
    return (line, column)
  }

  private func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
    let (line, column) = location(of: offset ?? pos)
    return JSONParseError(message: message, line: line, column: column)
  }

  private mutating func skipSpace() {
    while pos < bytes.count {
      switch bytes[pos] {
      case 0x20, 0x09, 0x0A, 0x0D: pos += 1
      case 0x2F where allowComments && pos + 1 < bytes.count && bytes[pos + 1] == 0x2F && isLineStart(pos):
        while pos < bytes.count && bytes[pos] != 0x0A { pos += 1 }
      default: return
      }
    }
  }

  private func isLineStart(_ offset: Int) -> Bool {
    var i = offset - 1
    while i >= 0 {
      if bytes[i] == 0x0A { return true }
      if bytes[i] != 0x20 && bytes[i] != 0x09 { return false }
      i -= 1
    }
    return true
  }

  private mutating func parseValue() throws -> JSONValue {
    guard pos < bytes.count else { throw error("unexpected end of input, expected a value") }
    switch bytes[pos] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    default:
      let start = pos
      let value = try parseScalar()
      if recordsScalars { scalarSpans.append(JSONScalarSpan(path: path, value: value, range: start..<pos)) }
      return value
    }
  }

  private mutating func parseScalar() throws -> JSONValue {
    switch bytes[pos] {
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectWord("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectWord("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectWord("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw error("unexpected character, expected a value")
    }
  }

  private mutating func expectWord(_ word: String) throws {
    let w = Array(word.utf8)
    guard pos + w.count <= bytes.count, Array(bytes[pos..<pos + w.count]) == w else {
      throw error("unexpected character, expected a value")
    }
    pos += w.count
  }

  private mutating func enter() throws {
    depth += 1
    if depth > 512 { throw error("nesting too deep") }
  }

  private mutating func parseObject() throws -> JSONValue {
    try enter()
    defer { depth -= 1 }
    pos += 1
    var members: [String: JSONValue] = [:]
    skipSpace()
    if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
      pos += 1
      return .object(members)
    }
    while true {
      skipSpace()
      guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected a string key") }
      let keyStart = pos
      let key = try parseString()
      if members[key] != nil { throw error("duplicate key \"\(key)\"", at: keyStart) }
      skipSpace()
      guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("expected ':' after key") }
      pos += 1
      skipSpace()
      if recordsScalars { path.append(.key(key)) }
      members[key] = try parseValue()
      if recordsScalars { path.removeLast() }
      skipSpace()
      guard pos < bytes.count else { throw error("unexpected end of input, expected ',' or '}'") }
      if bytes[pos] == UInt8(ascii: ",") {
        pos += 1
        continue
      }
      if bytes[pos] == UInt8(ascii: "}") {
        pos += 1
        return .object(members)
      }
      throw error("expected ',' or '}'")
    }
  }

  private mutating func parseArray() throws -> JSONValue {
    try enter()
    defer { depth -= 1 }
    pos += 1
    var items: [JSONValue] = []
    skipSpace()
    if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") {
      pos += 1
      return .array(items)
    }
    while true {
      skipSpace()
      if recordsScalars { path.append(.index(items.count)) }
      items.append(try parseValue())
      if recordsScalars { path.removeLast() }
      skipSpace()
      guard pos < bytes.count else { throw error("unexpected end of input, expected ',' or ']'") }
      if bytes[pos] == UInt8(ascii: ",") {
        pos += 1
        continue
      }
      if bytes[pos] == UInt8(ascii: "]") {
        pos += 1
        return .array(items)
      }
      throw error("expected ',' or ']'")
    }
  }

  private mutating func parseString() throws -> String {
    pos += 1
    var out: [UInt8] = []
    while pos < bytes.count {
      let b = bytes[pos]
      if b == UInt8(ascii: "\"") {
        pos += 1
        return String(decoding: out, as: UTF8.self)
      }
      if b < 0x20 { throw error("control character in string") }
      if b == UInt8(ascii: "\\") {
        pos += 1
        guard pos < bytes.count else { break }
        let e = bytes[pos]
        pos += 1
        switch e {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
          var code = try parseHex4()
          if (0xD800..<0xDC00).contains(code), pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"),
            bytes[pos + 1] == UInt8(ascii: "u")
          {
            pos += 2
            let low = try parseHex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
          out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default: throw error("invalid escape in string", at: pos - 1)
        }
        continue
      }
      out.append(b)
      pos += 1
    }
    throw error("unterminated string")
  }

  private mutating func parseHex4() throws -> UInt32 {
    guard pos + 4 <= bytes.count else { throw error("invalid \\u escape") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[pos]
      let d: UInt32
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
      default: throw error("invalid \\u escape")
      }
      v = v * 16 + d
      pos += 1
    }
    return v
  }

  private mutating func parseNumber() throws -> JSONValue {
    let start = pos
    var isFloat = false
    if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
    func digits(_ p: inout Int, _ b: [UInt8]) -> Int {
      let s = p
      while p < b.count, b[p] >= UInt8(ascii: "0"), b[p] <= UInt8(ascii: "9") { p += 1 }
      return p - s
    }
    guard digits(&pos, bytes) > 0 else { throw error("invalid number", at: start) }
    if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
      isFloat = true
      pos += 1
      guard digits(&pos, bytes) > 0 else { throw error("invalid number", at: start) }
    }
    if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
      isFloat = true
      pos += 1
      if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
      guard digits(&pos, bytes) > 0 else { throw error("invalid number", at: start) }
    }
    let text = String(decoding: bytes[start..<pos], as: UTF8.self)
    if !isFloat, let i = Int(text) { return .int(i) }
    guard let d = Double(text) else { throw error("invalid number", at: start) }
    return .double(d)
  }
}
