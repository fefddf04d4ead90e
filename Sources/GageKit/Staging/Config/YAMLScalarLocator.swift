import Yams

/// Finds the text of YAML scalars in their source, in UTF-8 byte offsets.
///
/// Yams gives each node the line and column where it starts (its anchor or tag, when it
/// has one). From there the locator skips the properties and finds where the scalar
/// ends: the closing quote of a quoted scalar, the end of a one-line plain scalar (before
/// a comment, a `: `, or in flow collections a `,`, `]` or `}`).
struct YAMLScalarLocator {
  /// The source bytes.
  let src: [UInt8]
  private let lineStarts: [Int]

  /// A locator over a YAML text.
  init(_ text: String) {
    src = Array(text.utf8)
    lineStarts = ConfigText.yamlLineStarts(src)
  }

  /// The byte offset of a Yams mark.
  func offset(of mark: Mark) -> Int? {
    ConfigText.offset(line: mark.line, column: mark.column, lineStarts: lineStarts, in: src)
  }

  /// Where a node's content starts: after its anchor (`&a`) and tag (`!t`), and whether
  /// it has a tag.
  func contentStart(from start: Int) -> (offset: Int, tagged: Bool) {
    var i = start
    var tagged = false
    while let b = byte(at: i), b == UInt8(ascii: "&") || b == UInt8(ascii: "!") {
      if b == UInt8(ascii: "!") { tagged = true }
      while let c = byte(at: i), !isBlank(c), ConfigText.yamlLineBreakLength(src, at: i) == 0 { i += 1 }
      i = skipSpace(from: i)
    }
    return (i, tagged)
  }

  /// Whether the collection starting at `offset` (after its properties) is a flow one (`{`, `[`).
  func isFlowCollection(at offset: Int) -> Bool {
    let start = contentStart(from: offset).offset
    return byte(at: start) == UInt8(ascii: "{") || byte(at: start) == UInt8(ascii: "[")
  }

  /// The end of the `'...'` or `"..."` scalar starting at `start`, after the closing quote.
  func endOfQuoted(at start: Int) -> Int? {
    guard let quote = byte(at: start), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else { return nil }
    var i = start + 1
    while let b = byte(at: i) {
      if quote == UInt8(ascii: "\"") && b == UInt8(ascii: "\\") {
        i += 2
      } else if b == quote {
        guard quote == UInt8(ascii: "'"), byte(at: i + 1) == quote else { return i + 1 }
        i += 2
      } else {
        i += 1
      }
    }
    return nil
  }

  /// The end of the plain scalar's first line starting at `start`, trailing blanks excluded.
  func endOfPlainLine(at start: Int, flow: Bool) -> Int {
    var i = start
    while let b = byte(at: i), ConfigText.yamlLineBreakLength(src, at: i) == 0 {
      if b == UInt8(ascii: "#"), i > start, isBlank(src[i - 1]) { break }
      if b == UInt8(ascii: ":") {
        let next = byte(at: i + 1)
        if next.map({ isBlank($0) || (flow && isFlowIndicator($0)) }) ?? true { break }
        if ConfigText.yamlLineBreakLength(src, at: i + 1) > 0 { break }
      }
      if flow && isFlowIndicator(b) { break }
      i += 1
    }
    while i > start, isBlank(src[i - 1]) { i -= 1 }
    return i
  }

  /// The range of a key or value scalar written in the plain or a quoted style on its
  /// mark's line, or nil when it cannot be found (block scalars, plain scalars over several
  /// lines, tagged scalars).
  func range(of scalar: Node.Scalar, flow: Bool) -> Range<Int>? {
    guard let mark = scalar.mark, let start = offset(of: mark) else { return nil }
    let (content, tagged) = contentStart(from: start)
    guard !tagged else { return nil }
    switch scalar.style {
    case .singleQuoted, .doubleQuoted:
      return endOfQuoted(at: content).map { content..<$0 }
    case .plain, .any:
      let end = endOfPlainLine(at: content, flow: flow)
      return text(content..<end) == scalar.string ? content..<end : nil
    case .literal, .folded:
      return nil
    }
  }

  /// Where a value can be written for a key written with nothing after its `:`: just
  /// after the colon, when only blanks and a comment (or in flow, `,` or `}`) follow.
  func emptyValueOffset(afterKey key: Range<Int>, flow: Bool) -> Int? {
    var i = key.upperBound
    while let b = byte(at: i), isBlank(b) { i += 1 }
    guard byte(at: i) == UInt8(ascii: ":") else { return nil }
    let colon = i
    i += 1
    while let b = byte(at: i), isBlank(b) { i += 1 }
    guard let next = byte(at: i) else { return colon + 1 }
    if ConfigText.yamlLineBreakLength(src, at: i) > 0 { return colon + 1 }
    if next == UInt8(ascii: "#") && i > colon + 1 { return colon + 1 }
    if flow && (next == UInt8(ascii: ",") || next == UInt8(ascii: "}")) { return colon + 1 }
    return nil
  }

  /// The text of a byte range.
  func text(_ range: Range<Int>) -> String {
    String(decoding: src[range.clamped(to: 0..<src.count)], as: UTF8.self)
  }

  /// Skips blanks, line breaks and comments.
  private func skipSpace(from start: Int) -> Int {
    var i = start
    while let b = byte(at: i) {
      let lineBreak = ConfigText.yamlLineBreakLength(src, at: i)
      if isBlank(b) {
        i += 1
      } else if lineBreak > 0 {
        i += lineBreak
      } else if b == UInt8(ascii: "#") {
        while byte(at: i) != nil, ConfigText.yamlLineBreakLength(src, at: i) == 0 { i += 1 }
      } else {
        break
      }
    }
    return i
  }

  private func byte(at i: Int) -> UInt8? {
    i >= 0 && i < src.count ? src[i] : nil
  }

  private func isBlank(_ b: UInt8) -> Bool {
    b == UInt8(ascii: " ") || b == UInt8(ascii: "\t")
  }

  private func isFlowIndicator(_ b: UInt8) -> Bool {
    b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") || b == UInt8(ascii: "{")
      || b == UInt8(ascii: "}")
  }
}
