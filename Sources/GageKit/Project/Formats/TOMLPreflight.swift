/// Checks what the TOML parser underneath TOMLKit (toml++) asserts on instead of reporting,
/// which would abort the process: a table header (`[name]`, `[[name]]`) whose name starts
/// with a character that is neither a bare-key character nor a quote, and a `}` closing an
/// array. Both are reported here, with their line and column, before the parser sees them.
enum TOMLPreflight {
  /// Throws a Gage file error for the first table header that does not start its name with
  /// a letter, digit, `_`, `-` or a quote, or the first `}` inside an array. Strings and
  /// comments are skipped.
  static func check(_ text: String, path: String) throws {
    let s = Array(text.unicodeScalars)
    var i = 0
    var line = 1
    var lineStart = 0
    var open: [Unicode.Scalar] = []
    var atLineStart = true
    // A byte order mark is skipped by the parser too.
    if s.first == "\u{FEFF}" { i = 1 }

    func skipString(_ quote: Unicode.Scalar) {
      let triple = i + 2 < s.count && s[i + 1] == quote && s[i + 2] == quote
      i += triple ? 3 : 1
      while i < s.count {
        if quote == "\"" && s[i] == "\\" {
          i += 2
          continue
        }
        if s[i] == "\n" {
          if !triple { return }
          line += 1
          lineStart = i + 1
        }
        if s[i] == quote {
          if !triple {
            i += 1
            return
          }
          if i + 2 < s.count && s[i + 1] == quote && s[i + 2] == quote {
            i += 3
            return
          }
        }
        i += 1
      }
    }

    while i < s.count {
      let c = s[i]
      if c == "\n" {
        line += 1
        i += 1
        lineStart = i
        atLineStart = true
        continue
      }
      if atLineStart && (c == " " || c == "\t" || c == "\r") {
        i += 1
        continue
      }
      if atLineStart && open.isEmpty && c == "[" {
        atLineStart = false
        var j = i + 1
        if j < s.count && s[j] == "[" { j += 1 }
        while j < s.count && (s[j] == " " || s[j] == "\t") { j += 1 }
        guard j < s.count, isBareKey(s[j]) || s[j] == "\"" || s[j] == "'" else {
          throw GageError.gageFile(
            location: GageFileDocument.location(path, SourcePosition(line: line, column: j - lineStart + 1)),
            message: "invalid TOML: a table name must start with a letter, a digit, _, - or a quote")
        }
        i = j
        while i < s.count && s[i] != "\n" {
          if s[i] == "\"" || s[i] == "'" { skipString(s[i]) } else if s[i] == "#" { break } else { i += 1 }
        }
        continue
      }
      atLineStart = false
      switch c {
      case "#":
        while i < s.count && s[i] != "\n" { i += 1 }
        continue
      case "\"", "'":
        skipString(c)
        continue
      case "[", "{": open.append(c)
      case "]", "}":
        if c == "}" && open.last == "[" {
          throw GageError.gageFile(
            location: GageFileDocument.location(path, SourcePosition(line: line, column: i - lineStart + 1)),
            message: "invalid TOML: } where an array value or ] was expected")
        }
        _ = open.popLast()
      default: break
      }
      i += 1
    }
  }

  private static func isBareKey(_ c: Unicode.Scalar) -> Bool {
    switch c {
    case "a"..."z", "A"..."Z", "0"..."9", "_", "-": return true
    default: return false
    }
  }
}
