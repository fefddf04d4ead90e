/// A read position over a text's Unicode scalars that can tell the line and column of any
/// offset; the shared base of the TOML and JSON source scanners.
struct TextCursor {
  /// The text, as Unicode scalars.
  let scalars: [Unicode.Scalar]
  /// The current offset into `scalars`.
  var index = 0
  private let lineStarts: [Int]

  init(_ text: String) {
    scalars = Array(text.unicodeScalars)
    var starts = [0]
    for (offset, scalar) in scalars.enumerated() where scalar == "\n" {
      starts.append(offset + 1)
    }
    lineStarts = starts
  }

  /// Whether the whole text has been read.
  var isAtEnd: Bool { index >= scalars.count }

  /// The scalar `offset` places after the current one, if any.
  func peek(_ offset: Int = 0) -> Unicode.Scalar? {
    let i = index + offset
    return i >= 0 && i < scalars.count ? scalars[i] : nil
  }

  /// Whether the text at the current offset starts with `prefix`.
  func hasPrefix(_ prefix: String) -> Bool {
    var i = index
    for scalar in prefix.unicodeScalars {
      guard i < scalars.count, scalars[i] == scalar else { return false }
      i += 1
    }
    return true
  }

  /// Moves `count` scalars forward (never past the end).
  mutating func advance(_ count: Int = 1) {
    index = min(index + count, scalars.count)
  }

  /// Moves forward while `predicate` holds.
  mutating func advance(while predicate: (Unicode.Scalar) -> Bool) {
    while let c = peek(), predicate(c) { index += 1 }
  }

  /// The line and column of the current offset.
  var position: SourcePosition { position(of: index) }

  /// The line and column of `offset`.
  func position(of offset: Int) -> SourcePosition {
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
    }
    return SourcePosition(line: low + 1, column: offset - lineStarts[low] + 1)
  }
}
