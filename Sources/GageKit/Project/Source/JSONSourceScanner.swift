/// Finds where each key and array item of a JSON document is written.
///
/// The document has already been parsed by `JSONValue.parse`, so this walk can be lenient:
/// it records the position of every object key (its opening quote) and array item, and
/// stops quietly on anything unexpected. Whole-line `//` comments are skipped.
struct JSONSourceScanner {
  private var cursor: TextCursor
  private var map = SourceMap()

  init(_ text: String) {
    cursor = TextCursor(text)
  }

  /// Scans the whole document.
  static func sourceMap(of text: String) -> SourceMap {
    var scanner = JSONSourceScanner(text)
    scanner.scanValue(at: [])
    return scanner.map
  }

  private mutating func scanValue(at path: SourcePath) {
    skipTrivia()
    guard let c = cursor.peek() else { return }
    switch c {
    case "{": scanObject(at: path)
    case "[": scanArray(at: path)
    case "\"": _ = scanString()
    default: cursor.advance { !(",]}".unicodeScalars.contains($0) || $0.properties.isWhitespace) }
    }
  }

  private mutating func scanObject(at path: SourcePath) {
    cursor.advance()
    while true {
      skipTrivia()
      guard let c = cursor.peek(), c != "}" else {
        cursor.advance()
        return
      }
      guard c == "\"" else { return }
      let position = cursor.position
      let key = scanString()
      map.record(path + [.key(key)], at: position)
      skipTrivia()
      guard cursor.peek() == ":" else { return }
      cursor.advance()
      scanValue(at: path + [.key(key)])
      skipTrivia()
      if cursor.peek() == "," { cursor.advance() }
    }
  }

  private mutating func scanArray(at path: SourcePath) {
    cursor.advance()
    var index = 0
    while true {
      skipTrivia()
      guard let c = cursor.peek(), c != "]" else {
        cursor.advance()
        return
      }
      let start = cursor.index
      map.record(path + [.index(index)], at: cursor.position)
      scanValue(at: path + [.index(index)])
      index += 1
      skipTrivia()
      if cursor.peek() == "," { cursor.advance() }
      if cursor.index == start { return }
    }
  }

  /// Scans a string and returns its content (escapes decoded).
  private mutating func scanString() -> String {
    cursor.advance()
    var out = String.UnicodeScalarView()
    while let c = cursor.peek() {
      cursor.advance()
      if c == "\"" { break }
      guard c == "\\", let e = cursor.peek() else {
        out.append(c)
        continue
      }
      cursor.advance()
      switch e {
      case "n": out.append("\n")
      case "t": out.append("\t")
      case "r": out.append("\r")
      case "b": out.append("\u{08}")
      case "f": out.append("\u{0C}")
      case "u": out.append(contentsOf: scanUnicodeEscape())
      default: out.append(e)
      }
    }
    return String(out)
  }

  /// Decodes the `XXXX` of a `\uXXXX` escape, joining a surrogate pair.
  private mutating func scanUnicodeEscape() -> [Unicode.Scalar] {
    guard let high = scanHex4() else { return [] }
    if (0xD800..<0xDC00).contains(high), cursor.hasPrefix("\\u") {
      let save = cursor.index
      cursor.advance(2)
      if let low = scanHex4(), (0xDC00..<0xE000).contains(low),
        let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
      {
        return [scalar]
      }
      cursor.index = save
    }
    return [Unicode.Scalar(high) ?? "\u{FFFD}"]
  }

  private mutating func scanHex4() -> UInt32? {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard let c = cursor.peek(), let digit = UInt32(String(c), radix: 16) else { return nil }
      value = value * 16 + digit
      cursor.advance()
    }
    return value
  }

  /// Skips blanks and `//` comments.
  private mutating func skipTrivia() {
    while let c = cursor.peek() {
      if c.properties.isWhitespace {
        cursor.advance()
      } else if c == "/" && cursor.peek(1) == "/" {
        cursor.advance { $0 != "\n" }
      } else {
        return
      }
    }
  }
}
