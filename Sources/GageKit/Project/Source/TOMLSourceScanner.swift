/// Finds where each key and array item of a TOML document is written.
///
/// TOMLKit parses TOML but does not say where a value came from; this scanner walks the text
/// once more with `TOMLLexer` (it has already parsed, so it can be lenient) and records the
/// position of every table header segment, dotted key segment, inline-table key and array
/// item, under the same path the parsed document uses. Array tables (`[[a]]`) get the index
/// of their element. On anything it does not understand it stops; positions found so far
/// are kept.
struct TOMLSourceScanner {
  private var lexer: TOMLLexer
  private var map = SourceMap()
  /// Index of the last element of each array table seen so far.
  private var arrayTables: [SourcePath: Int] = [:]

  init(_ text: String) {
    lexer = TOMLLexer(text)
  }

  /// Scans the whole document.
  static func sourceMap(of text: String) -> SourceMap {
    var scanner = TOMLSourceScanner(text)
    try? scanner.scanDocument()
    return scanner.map
  }

  private mutating func scanDocument() throws {
    var table: SourcePath = []
    while true {
      lexer.skipTrivia(newlines: true)
      guard let c = lexer.peek() else { return }
      let start = lexer.index
      if c == "[" {
        table = try scanHeader()
      } else {
        let path = record(try lexer.scanKey(escapes: .common), under: table)
        lexer.skipBlanks()
        try lexer.expect("=", "expected '=' after a key")
        try scanValue(at: path)
      }
      skipRestOfLine()
      if lexer.index == start { return }
    }
  }

  /// Scans `[a.b]` or `[[a.b]]` and returns the path of the table it opens.
  private mutating func scanHeader() throws -> SourcePath {
    let isArray = lexer.hasPrefix("[[")
    lexer.advance(isArray ? 2 : 1)
    let keys = try lexer.scanKey(escapes: .common)
    var path: SourcePath = []
    for (n, segment) in keys.enumerated() {
      path.append(.key(segment.name))
      let position = lexer.position(of: segment.offset)
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
  private mutating func record(
    _ keys: [(name: String, offset: Int)], under base: SourcePath
  )
    -> SourcePath
  {
    var path = base
    for segment in keys {
      path.append(.key(segment.name))
      map.record(path, at: lexer.position(of: segment.offset))
    }
    return path
  }

  /// Scans one value written at `path`, recording what is inside inline tables and arrays.
  private mutating func scanValue(at path: SourcePath) throws {
    lexer.skipBlanks()
    guard let c = lexer.peek() else { return }
    switch c {
    case "{": try scanInlineTable(at: path)
    case "[": try scanArray(at: path)
    case "\"", "'":
      if lexer.isAtMultilineString {
        try lexer.skipMultilineString()
      } else {
        _ = try lexer.scanString(escapes: .common)
      }
    default: try lexer.scanBare()
    }
  }

  private mutating func scanInlineTable(at path: SourcePath) throws {
    lexer.advance()
    while true {
      lexer.skipTrivia(newlines: true)
      guard let c = lexer.peek() else { return }
      if c == "}" {
        lexer.advance()
        return
      }
      let start = lexer.index
      let valuePath = record(try lexer.scanKey(escapes: .common), under: path)
      lexer.skipBlanks()
      try lexer.expect("=", "expected '=' after a key")
      try scanValue(at: valuePath)
      lexer.skipTrivia(newlines: true)
      if lexer.peek() == "," { lexer.advance() }
      if lexer.index == start { return }
    }
  }

  private mutating func scanArray(at path: SourcePath) throws {
    lexer.advance()
    var index = 0
    while true {
      lexer.skipTrivia(newlines: true)
      guard let c = lexer.peek() else { return }
      if c == "]" {
        lexer.advance()
        return
      }
      let start = lexer.index
      let itemPath = path + [.index(index)]
      map.record(itemPath, at: lexer.position)
      try scanValue(at: itemPath)
      index += 1
      lexer.skipTrivia(newlines: true)
      if lexer.peek() == "," { lexer.advance() }
      if lexer.index == start { return }
    }
  }

  private mutating func skipRestOfLine() {
    while let c = lexer.peek(), c != "\n" { lexer.advance() }
  }
}
