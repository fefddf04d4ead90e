/// The lexing every reader of TOML text shares: blanks, comments and line ends, dotted and
/// quoted keys, strings of the four kinds with their escapes, and bare values (numbers,
/// booleans, dates and times, `1979-05-27 07:32:00` included), over a `TextCursor` so that
/// every offset has a line and a column.
///
/// It follows the grammar closely but does not check everything a parser checks (numbers,
/// duplicates): run it on text TOMLKit has accepted. Offsets count Unicode scalars.
struct TOMLLexer {
  /// A place the lexer could not follow.
  struct Failure: Error, Equatable {
    /// What was expected.
    var message: String
    /// The scalar offset of the problem.
    var offset: Int
  }

  private var cursor: TextCursor

  /// A lexer at the start of `text`.
  init(_ text: String) {
    cursor = TextCursor(text)
  }

  /// The text, as Unicode scalars.
  var scalars: [Unicode.Scalar] { cursor.scalars }
  /// The current scalar offset.
  var index: Int { cursor.index }
  /// Whether the whole text has been read.
  var isAtEnd: Bool { cursor.isAtEnd }

  /// The scalar `offset` places after the current one, if any.
  func peek(_ offset: Int = 0) -> Unicode.Scalar? { cursor.peek(offset) }

  /// Whether the text at the current offset starts with `prefix`.
  func hasPrefix(_ prefix: String) -> Bool { cursor.hasPrefix(prefix) }

  /// Moves `count` scalars forward (never past the end).
  mutating func advance(_ count: Int = 1) { cursor.advance(count) }

  /// The line and column of `offset`.
  func position(of offset: Int) -> SourcePosition { cursor.position(of: offset) }

  /// The line and column of the current offset.
  var position: SourcePosition { cursor.position }

  /// Whether a line end (`\n` or `\r\n`) starts at the current offset.
  var isAtNewline: Bool { peek() == "\n" || (peek() == "\r" && peek(1) == "\n") }

  /// Skips spaces and tabs.
  mutating func skipBlanks() {
    cursor.advance { $0 == " " || $0 == "\t" }
  }

  /// Skips a comment up to (not past) the end of its line.
  mutating func skipComment() {
    while !isAtEnd, !isAtNewline { advance() }
  }

  /// Skips blanks and comments, and line ends too when `newlines` is true.
  mutating func skipTrivia(newlines: Bool) {
    while !isAtEnd {
      skipBlanks()
      if peek() == "#" {
        skipComment()
      } else if newlines && isAtNewline {
        advance(peek() == "\r" ? 2 : 1)
      } else {
        return
      }
    }
  }

  /// Reads `text` or fails with `message`.
  mutating func expect(_ text: String, _ message: String) throws {
    guard hasPrefix(text) else { throw Failure(message: message, offset: index) }
    advance(text.unicodeScalars.count)
  }

  /// Scans a dotted key (`a`, `a.b`, `"a b".'c'`): its parts, each with its offset, with
  /// `escapes` of quoted parts decoded.
  mutating func scanKey(escapes: Escapes = .all) throws -> [(name: String, offset: Int)] {
    var parts: [(name: String, offset: Int)] = []
    while true {
      skipBlanks()
      let offset = index
      guard let c = peek() else { throw Failure(message: "expected a key", offset: offset) }
      if c == "\"" || c == "'" {
        parts.append((try scanString(escapes: escapes), offset))
      } else {
        cursor.advance(while: Self.isBareKeyScalar)
        guard index > offset else { throw Failure(message: "expected a key", offset: offset) }
        parts.append((String(String.UnicodeScalarView(scalars[offset..<index])), offset))
      }
      skipBlanks()
      guard peek() == "." else { return parts }
      advance()
    }
  }

  /// Whether a `"""` or `'''` string starts at the current offset.
  var isAtMultilineString: Bool {
    guard let quote = peek(), quote == "\"" || quote == "'" else { return false }
    return peek(1) == quote && peek(2) == quote
  }

  /// How much of a basic string's escapes `scanString` decodes.
  enum Escapes {
    /// All of TOML's; a malformed one is a failure.
    case all
    /// `\n`, `\t` and `\r`; any other escaped character stands for itself (`\u0065` reads
    /// as `u0065`). Source positions are looked up with these, so a key written with other
    /// escapes is not found and its table's position is used.
    case common
  }

  /// Scans a one-line `"..."` or `'...'` string and returns its content, with `escapes`
  /// decoded.
  mutating func scanString(escapes: Escapes = .all) throws -> String {
    guard let quote = peek() else { throw Failure(message: "unterminated string", offset: index) }
    let start = index
    advance()
    var out = String.UnicodeScalarView()
    while let c = peek(), !isAtNewline {
      advance()
      if c == quote { return String(out) }
      if c == "\\" && quote == "\"" {
        out.append(escapes == .all ? try unescape() : commonEscape())
      } else {
        out.append(c)
      }
    }
    throw Failure(message: "unterminated string", offset: start)
  }

  /// Decodes `\n`, `\t` and `\r` after a `\`; keeps any other character as it is.
  private mutating func commonEscape() -> Unicode.Scalar {
    guard let e = peek() else { return "\\" }
    advance()
    switch e {
    case "n": return "\n"
    case "t": return "\t"
    case "r": return "\r"
    default: return e
    }
  }

  /// Decodes the escape after a `\` of a basic string.
  private mutating func unescape() throws -> Unicode.Scalar {
    guard let e = peek() else { throw Failure(message: "unterminated string", offset: index) }
    advance()
    switch e {
    case "b": return "\u{08}"
    case "t": return "\t"
    case "n": return "\n"
    case "f": return "\u{0C}"
    case "r": return "\r"
    case "e": return "\u{1B}"
    case "\"", "\\": return e
    case "x", "u", "U":
      let count = e == "x" ? 2 : e == "u" ? 4 : 8
      let digits = index + count <= scalars.count ? String(String.UnicodeScalarView(scalars[index..<index + count])) : ""
      guard let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) else {
        throw Failure(message: "invalid escape", offset: index - 2)
      }
      advance(count)
      return scalar
    default:
      throw Failure(message: "invalid escape", offset: index - 2)
    }
  }

  /// Skips a `"""` or `'''` string, whose content may hold newlines and up to two quotes
  /// before the closing ones.
  mutating func skipMultilineString() throws {
    let start = index
    guard let quote = peek() else { throw Failure(message: "unterminated multi-line string", offset: start) }
    advance(3)
    while let c = peek() {
      if c == "\\" && quote == "\"" {
        advance(2)
      } else if c == quote && peek(1) == quote && peek(2) == quote {
        advance(3)
        var extra = 0
        while extra < 2 && peek() == quote {
          advance()
          extra += 1
        }
        return
      } else {
        advance()
      }
    }
    throw Failure(message: "unterminated multi-line string", offset: start)
  }

  /// Skips a number, boolean, date or time; a date followed by a space and a time is one value.
  mutating func scanBare() throws {
    let start = index
    cursor.advance { !Self.endsBareValue($0) }
    guard index > start else { throw Failure(message: "expected a value", offset: index) }
    if index - start == 10, scalars[start + 4] == "-", scalars[start + 7] == "-", peek() == " ",
      let next = peek(1), ("0"..."9").contains(next)
    {
      advance()
      cursor.advance { !Self.endsBareValue($0) }
    }
  }

  /// Whether `c` may appear in a bare key: a letter, a digit, `_` or `-`.
  static func isBareKeyScalar(_ c: Unicode.Scalar) -> Bool {
    switch c {
    case "A"..."Z", "a"..."z", "0"..."9", "_", "-": return true
    default: return false
    }
  }

  private static func endsBareValue(_ c: Unicode.Scalar) -> Bool {
    switch c {
    case ",", "]", "}", "#", " ", "\t", "\r", "\n": return true
    default: return false
    }
  }
}
