/// UTF-8 byte offsets in the text of a config file: replacing ranges of it, and converting
/// between offsets and 1-based lines and columns (columns count Unicode scalars).
enum ConfigText {
  /// `text` with each range (UTF-8 byte offsets, not overlapping) replaced by its text.
  static func replacing(_ replacements: [(range: Range<Int>, text: String)], in text: String) -> String {
    let src = Array(text.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(src.count)
    var position = 0
    for replacement in replacements.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
      let range = replacement.range.clamped(to: position..<src.count)
      out += src[position..<range.lowerBound]
      out += Array(replacement.text.utf8)
      position = range.upperBound
    }
    out += src[position...]
    return String(decoding: out, as: UTF8.self)
  }

  /// The 1-based line and column of a byte offset; lines end at `\n`.
  static func location(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    var i = 0
    while i < offset && i < bytes.count {
      if bytes[i] == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else if bytes[i] & 0xC0 != 0x80 {
        column += 1
      }
      i += 1
    }
    return (line, column)
  }

  /// The byte offsets where the lines of a YAML text start, as libyaml counts lines: a
  /// byte order mark is not part of the first line, and lines end at `\r\n`, `\r`, `\n`,
  /// U+0085, U+2028 and U+2029.
  static func yamlLineStarts(_ bytes: [UInt8]) -> [Int] {
    var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var starts = [i]
    while i < bytes.count {
      let breakLength = yamlLineBreakLength(bytes, at: i)
      if breakLength > 0 {
        i += breakLength
        starts.append(i)
      } else {
        i += 1
      }
    }
    return starts
  }

  /// The byte offset of a 1-based line and column (columns count Unicode scalars), given
  /// the lines' starts; nil when the line is not that long.
  static func offset(line: Int, column: Int, lineStarts: [Int], in bytes: [UInt8]) -> Int? {
    guard line >= 1, line <= lineStarts.count, column >= 1 else { return nil }
    var i = lineStarts[line - 1]
    for _ in 1..<column {
      guard i < bytes.count, yamlLineBreakLength(bytes, at: i) == 0 else { return nil }
      i += 1
      while i < bytes.count, bytes[i] & 0xC0 == 0x80 { i += 1 }
    }
    return i
  }

  /// The length of the YAML line break at `i`, or 0 when there is none.
  static func yamlLineBreakLength(_ bytes: [UInt8], at i: Int) -> Int {
    guard i < bytes.count else { return 0 }
    switch bytes[i] {
    case UInt8(ascii: "\n"): return 1
    case UInt8(ascii: "\r"): return i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") ? 2 : 1
    case 0xC2 where i + 1 < bytes.count && bytes[i + 1] == 0x85: return 2
    case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
      return 3
    default: return 0
    }
  }
}
