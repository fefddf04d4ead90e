/// Finds where each key and array item of a TOML document is written.
///
/// TOMLKit parses TOML but does not say where a value came from; this scanner walks the text
/// once more (it has already parsed, so it can be lenient) and records the position of every
/// table header segment, dotted key segment, inline-table key and array item, under the same
/// path the parsed document uses. Array tables (`[[a]]`) get the index of their element.
/// On anything it does not understand it stops; positions found so far are kept.
struct TOMLSourceScanner {
  private var cursor: TextCursor
  private var map = SourceMap()
  /// Index of the last element of each array table seen so far.
  private var arrayTables: [SourcePath: Int] = [:]

  init(_ text: String) {
    cursor = TextCursor(text)
  }

  /// Scans the whole document.
  static func sourceMap(of text: String) -> SourceMap {
    var scanner = TOMLSourceScanner(text)
    scanner.scanDocument()
    return scanner.map
  }

  private mutating func scanDocument() {
    var table: SourcePath = []
    while true {
      skipTrivia(newlines: true)
      guard let c = cursor.peek() else { return }
      let start = cursor.index
      if c == "[" {
        guard let header = scanHeader() else { return }
        table = header
      } else {
        guard let keys = scanKey() else { return }
        let path = record(keys, under: table)
        skipTrivia(newlines: false)
        guard cursor.peek() == "=" else { return }
        cursor.advance()
        scanValue(at: path)
      }
      skipRestOfLine()
      if cursor.index == start { return }
    }
  }

  /// Scans `[a.b]` or `[[a.b]]` and returns the path of the table it opens.
  private mutating func scanHeader() -> SourcePath? {
    let isArray = cursor.hasPrefix("[[")
    cursor.advance(isArray ? 2 : 1)
    guard let keys = scanKey(), !keys.isEmpty else { return nil }
    var path: SourcePath = []
    for (n, segment) in keys.enumerated() {
      path.append(.key(segment.name))
      let position = cursor.position(of: segment.offset)
      map.record(path, at: position)
      if isArray && n == keys.count - 1 {
        let index = arrayTables[path].map { $0 + 1 } ?? 0
        arrayTables[path] = index
        path.append(.index(index))
        map.record(path, at: position)
      } else if let index = arrayTables[path] {
        path.append(.index(index))
      }
    }
    return path
  }

  /// Records each segment of a dotted key under `base`; returns the full path.
  private mutating func record(_ keys: [(name: String, offset: Int)], under base: SourcePath)
    -> SourcePath
  {
    var path = base
    for segment in keys {
      path.append(.key(segment.name))
      map.record(path, at: cursor.position(of: segment.offset))
    }
    return path
  }

  /// Scans a possibly dotted key (`a`, `a.b`, `"a b".'c'`): its segments and their offsets.
  private mutating func scanKey() -> [(name: String, offset: Int)]? {
    var segments: [(name: String, offset: Int)] = []
    while true {
      skipTrivia(newlines: false)
      let offset = cursor.index
      guard let c = cursor.peek() else { break }
      let name: String
      if c == "\"" {
        name = scanBasicString()
      } else if c == "'" {
        name = scanLiteralString()
      } else {
        let start = cursor.index
        cursor.advance(while: Self.isBareKeyScalar)
        guard cursor.index > start else { break }
        name = String(String.UnicodeScalarView(cursor.scalars[start..<cursor.index]))
      }
      segments.append((name, offset))
      skipTrivia(newlines: false)
      guard cursor.peek() == "." else { break }
      cursor.advance()
    }
    return segments.isEmpty ? nil : segments
  }

  /// Scans one value written at `path`, recording what is inside inline tables and arrays.
  private mutating func scanValue(at path: SourcePath) {
    skipTrivia(newlines: false)
    guard let c = cursor.peek() else { return }
    switch c {
    case "{": scanInlineTable(at: path)
    case "[": scanArray(at: path)
    case "\"":
      if cursor.hasPrefix("\"\"\"") {
        scanMultilineString(quote: "\"")
      } else {
        _ = scanBasicString()
      }
    case "'":
      if cursor.hasPrefix("'''") {
        scanMultilineString(quote: "'")
      } else {
        _ = scanLiteralString()
      }
    default:
      cursor.advance { !(",]}#\n".unicodeScalars.contains($0)) }
    }
  }

  private mutating func scanInlineTable(at path: SourcePath) {
    cursor.advance()
    while true {
      skipTrivia(newlines: true)
      guard let c = cursor.peek() else { return }
      if c == "}" {
        cursor.advance()
        return
      }
      let start = cursor.index
      guard let keys = scanKey() else { return }
      let valuePath = record(keys, under: path)
      skipTrivia(newlines: false)
      guard cursor.peek() == "=" else { return }
      cursor.advance()
      scanValue(at: valuePath)
      skipTrivia(newlines: true)
      if cursor.peek() == "," { cursor.advance() }
      if cursor.index == start { return }
    }
  }

  private mutating func scanArray(at path: SourcePath) {
    cursor.advance()
    var index = 0
    while true {
      skipTrivia(newlines: true)
      guard let c = cursor.peek() else { return }
      if c == "]" {
        cursor.advance()
        return
      }
      let start = cursor.index
      let itemPath = path + [.index(index)]
      map.record(itemPath, at: cursor.position)
      scanValue(at: itemPath)
      index += 1
      skipTrivia(newlines: true)
      if cursor.peek() == "," { cursor.advance() }
      if cursor.index == start { return }
    }
  }

  /// Scans `"..."` (escapes decoded for the common cases) and returns its content.
  private mutating func scanBasicString() -> String {
    cursor.advance()
    var out = String.UnicodeScalarView()
    while let c = cursor.peek(), c != "\n" {
      cursor.advance()
      if c == "\"" { break }
      if c == "\\", let e = cursor.peek() {
        cursor.advance()
        switch e {
        case "n": out.append("\n")
        case "t": out.append("\t")
        case "r": out.append("\r")
        default: out.append(e)
        }
      } else {
        out.append(c)
      }
    }
    return String(out)
  }

  /// Scans `'...'` and returns its content.
  private mutating func scanLiteralString() -> String {
    cursor.advance()
    let start = cursor.index
    cursor.advance { $0 != "'" && $0 != "\n" }
    let text = String(String.UnicodeScalarView(cursor.scalars[start..<cursor.index]))
    if cursor.peek() == "'" { cursor.advance() }
    return text
  }

  /// Skips a `"""` or `'''` string, whose content may hold newlines and up to two quotes.
  private mutating func scanMultilineString(quote: Unicode.Scalar) {
    let delimiter = String(repeating: Character(quote), count: 3)
    cursor.advance(3)
    while !cursor.isAtEnd {
      if quote == "\"" && cursor.peek() == "\\" {
        cursor.advance(2)
      } else if cursor.hasPrefix(delimiter) {
        cursor.advance(3)
        var extra = 0
        while extra < 2 && cursor.peek() == quote {
          cursor.advance()
          extra += 1
        }
        return
      } else {
        cursor.advance()
      }
    }
  }

  /// Skips blanks and comments, and line ends too when `newlines` is true.
  private mutating func skipTrivia(newlines: Bool) {
    while let c = cursor.peek() {
      if c == " " || c == "\t" || c == "\r" || (newlines && c == "\n") {
        cursor.advance()
      } else if c == "#" {
        cursor.advance { $0 != "\n" }
      } else {
        return
      }
    }
  }

  private mutating func skipRestOfLine() {
    cursor.advance { $0 != "\n" }
  }

  private static func isBareKeyScalar(_ c: Unicode.Scalar) -> Bool {
    switch c {
    case "A"..."Z", "a"..."z", "0"..."9", "_", "-": return true
    default: return false
    }
  }
}
