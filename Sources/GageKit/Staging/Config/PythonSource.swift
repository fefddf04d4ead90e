import Foundation

/// A light tokenizer of Python source: enough to find the module-level logical lines,
/// skipping over strings, comments, brackets and line continuations.
enum PythonSource {
  /// Whether `b` may appear in an (ASCII) identifier.
  static func isIdentifierChar(_ b: UInt8) -> Bool {
    isIdentifierStart(b) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
  }

  /// Whether `b` may start an (ASCII) identifier.
  static func isIdentifierStart(_ b: UInt8) -> Bool {
    (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")) || b == UInt8(ascii: "_")
  }

  /// The byte ranges of the logical lines that start at column 0 with something other
  /// than a comment: the module-level statements. A range ends before the line's newline.
  static func moduleStatements(_ src: [UInt8]) -> [Range<Int>] {
    var scanner = Scanner(src: src)
    return scanner.logicalLines().filter { range in
      guard range.lowerBound < src.count else { return false }
      let first = src[range.lowerBound]
      let atColumnZero = range.lowerBound == 0 || src[range.lowerBound - 1] == UInt8(ascii: "\n")
      return atColumnZero && !isBlank(first) && first != UInt8(ascii: "#")
    }
  }

  private static func isBlank(_ b: UInt8) -> Bool {
    b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\n")
      || b == 0x0C
  }

  /// Walks the source once, splitting it into logical lines.
  private struct Scanner {
    let src: [UInt8]
    var i = 0
    var depth = 0

    mutating func logicalLines() -> [Range<Int>] {
      var lines: [Range<Int>] = []
      var start = 0
      while i < src.count {
        let c = src[i]
        switch c {
        case UInt8(ascii: "\n"):
          if depth == 0 {
            lines.append(start..<i)
            start = i + 1
          }
          i += 1
        case UInt8(ascii: "#"):
          while i < src.count, src[i] != UInt8(ascii: "\n") { i += 1 }
        case UInt8(ascii: "\\"):
          // A continuation joins the next physical line; anything else is an error in Python.
          i += 1
          if i < src.count, src[i] == UInt8(ascii: "\r") { i += 1 }
          if i < src.count, src[i] == UInt8(ascii: "\n") { i += 1 }
        case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
          depth += 1
          i += 1
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
          depth = max(0, depth - 1)
          i += 1
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
          skipString()
        default:
          if isIdentifierChar(c) {
            // Identifiers and string prefixes (`r"..."`, `f'...'`): the quote follows.
            while i < src.count, isIdentifierChar(src[i]) { i += 1 }
          } else {
            i += 1
          }
        }
      }
      if start < src.count { lines.append(start..<src.count) }
      return lines
    }

    /// Moves past the string literal whose opening quote is at `i`. Backslashes always
    /// escape the next byte for this purpose, raw strings included, as in Python's tokenizer.
    private mutating func skipString() {
      let q = src[i]
      let triple = i + 2 < src.count && src[i + 1] == q && src[i + 2] == q
      i += triple ? 3 : 1
      while i < src.count {
        let c = src[i]
        if c == UInt8(ascii: "\\") {
          i += 2
        } else if c == q {
          if !triple {
            i += 1
            return
          }
          if i + 2 < src.count, src[i + 1] == q, src[i + 2] == q {
            i += 3
            return
          }
          i += 1
        } else if c == UInt8(ascii: "\n") && !triple {
          // Unterminated: Python would refuse the file; stop the string at the line's end.
          return
        } else {
          i += 1
        }
      }
    }
  }
}
