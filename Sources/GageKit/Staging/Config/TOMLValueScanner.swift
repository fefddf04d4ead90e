/// Finds where each value of a TOML document is written, in UTF-8 byte offsets.
///
/// TOMLKit reads values but not where they are, and writes a whole new document; config
/// patching needs each value's exact text. The scanner follows `[table]` and `[[array]]`
/// headers, dotted and quoted keys (`a."b c".d = 1`), inline tables (`x = {a = 1}`),
/// arrays, strings of the four kinds, and bare values (numbers, booleans, dates and
/// times, `1979-05-27 07:32:00` included), lexed by `TOMLLexer`. Values inside arrays and
/// array tables are not reported, only the arrays' paths. Run it on text TOMLKit has
/// accepted: it follows the grammar closely but does not check everything TOMLKit checks
/// (numbers, duplicates).
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

  private var lexer: TOMLLexer
  /// The UTF-8 offset of each scalar offset (one more entry than there are scalars).
  private let utf8Offsets: [Int]
  /// The values found outside arrays, in source order.
  private(set) var values: [Value] = []
  /// The paths of arrays and array tables, in order of first appearance.
  private(set) var arrays: [[String]] = []
  private var arrayTables: Set<[String]> = []

  /// A scanner of a document's text.
  init(_ text: String) {
    lexer = TOMLLexer(text)
    var offsets = [0]
    offsets.reserveCapacity(lexer.scalars.count + 1)
    for scalar in lexer.scalars { offsets.append(offsets[offsets.count - 1] + UTF8.width(scalar)) }
    utf8Offsets = offsets
    if lexer.peek() == "\u{FEFF}" { lexer.advance() }
  }

  /// Scans the whole document.
  mutating func scan() throws {
    do {
      try scanDocument()
    } catch let failure as TOMLLexer.Failure {
      throw Failure(message: failure.message, offset: utf8Offsets[failure.offset])
    }
  }

  private mutating func scanDocument() throws {
    var table: [String] = []
    var tableArray: [String]?
    while true {
      lexer.skipTrivia(newlines: true)
      guard let c = lexer.peek() else { return }
      if c == "[" {
        let isArray = lexer.peek(1) == "["
        lexer.advance(isArray ? 2 : 1)
        table = try lexer.scanKey().map(\.name)
        lexer.skipBlanks()
        try lexer.expect(isArray ? "]]" : "]", "expected '\(isArray ? "]]" : "]")' to close the table header")
        if isArray {
          arrayTables.insert(table)
          noteArray(table)
          tableArray = table
        } else {
          tableArray = (0...table.count).reversed().lazy.map { Array(table.prefix($0)) }
            .first { self.arrayTables.contains($0) }
        }
      } else {
        let key = try lexer.scanKey().map(\.name)
        lexer.skipBlanks()
        try lexer.expect("=", "expected '=' after a key")
        lexer.skipBlanks()
        try scanValue(at: table + key, inArray: tableArray)
      }
      lexer.skipBlanks()
      if lexer.peek() == "#" { lexer.skipComment() }
      guard lexer.isAtEnd || lexer.isAtNewline else {
        throw TOMLLexer.Failure(message: "expected the end of the line", offset: lexer.index)
      }
    }
  }

  /// Scans one value written at `path`; inside an array (`inArray` is the array's path)
  /// nothing is recorded.
  private mutating func scanValue(at path: [String], inArray: [String]?) throws {
    guard let c = lexer.peek() else { throw TOMLLexer.Failure(message: "expected a value", offset: lexer.index) }
    let start = lexer.index
    let kind: Kind
    switch c {
    case "{":
      try scanInlineTable(at: path, inArray: inArray)
      return
    case "[":
      if inArray == nil { noteArray(path) }
      try scanArray(inArray: inArray ?? path)
      return
    case "\"", "'":
      if lexer.isAtMultilineString {
        try lexer.skipMultilineString()
        kind = .multilineString
      } else {
        _ = try lexer.scanString()
        kind = c == "\"" ? .basicString : .literalString
      }
    default:
      try lexer.scanBare()
      kind = .bare
    }
    if inArray == nil {
      values.append(Value(path: path, range: utf8Offsets[start]..<utf8Offsets[lexer.index], kind: kind))
    }
  }

  private mutating func scanInlineTable(at path: [String], inArray: [String]?) throws {
    lexer.advance()
    lexer.skipTrivia(newlines: true)
    if lexer.peek() == "}" {
      lexer.advance()
      return
    }
    while true {
      let key = try lexer.scanKey().map(\.name)
      lexer.skipBlanks()
      try lexer.expect("=", "expected '=' after a key")
      lexer.skipBlanks()
      try scanValue(at: path + key, inArray: inArray)
      lexer.skipTrivia(newlines: true)
      if lexer.peek() == "," {
        lexer.advance()
        lexer.skipTrivia(newlines: true)
        if lexer.peek() == "}" {
          lexer.advance()
          return
        }
        continue
      }
      try lexer.expect("}", "expected ',' or '}' in an inline table")
      return
    }
  }

  private mutating func scanArray(inArray path: [String]) throws {
    lexer.advance()
    while true {
      lexer.skipTrivia(newlines: true)
      if lexer.peek() == "]" {
        lexer.advance()
        return
      }
      try scanValue(at: path, inArray: path)
      lexer.skipTrivia(newlines: true)
      if lexer.peek() == "," {
        lexer.advance()
        continue
      }
      try lexer.expect("]", "expected ',' or ']' in an array")
      return
    }
  }

  private mutating func noteArray(_ path: [String]) {
    if !arrays.contains(path) { arrays.append(path) }
  }
}
