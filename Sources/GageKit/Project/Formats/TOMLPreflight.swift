/// Checks what the TOML parser underneath TOMLKit (toml++) asserts on instead of reporting,
/// which would abort the process: a table header (`[name]`, `[[name]]`) whose name starts
/// with a character that is neither a bare-key character nor a quote, a `}` closing an
/// array, and a date followed by a space and a single digit (`1979-05-27 0`). Each is
/// reported here, with its line and column, before the parser sees it. So is a NUL in a
/// string (`\u0000`), which TOMLKit would silently cut the string at, or anywhere else.
///
/// It reads text no parser has accepted yet, so it skips strings its own tolerant way
/// rather than with `TOMLLexer`, and shares only the lexer's bare-key characters.
enum TOMLPreflight {
  /// Throws a Gage file error for the first table header that does not start its name with
  /// a letter, digit, `_`, `-` or a quote, the first `}` inside an array, or the first NUL
  /// in a string. Strings and comments are skipped.
  static func check(_ text: String, path: String) throws {
    let s = Array(text.unicodeScalars)
    var i = 0
    var line = 1
    var lineStart = 0
    var open: [Unicode.Scalar] = []
    var atLineStart = true
    // The parser reads a NUL as the end of the text: what follows it would be ignored.
    if let nul = s.firstIndex(of: "\0") {
      throw GageError.gageFile(
        location: GageFileDocument.location(path, TextCursor(text).position(of: nul)),
        message: "invalid TOML: a NUL character, which would end the file there")
    }
    // A byte order mark is skipped by the parser too.
    if s.first == "\u{FEFF}" { i = 1 }

    func skipString(_ quote: Unicode.Scalar) throws {
      let triple = i + 2 < s.count && s[i + 1] == quote && s[i + 2] == quote
      i += triple ? 3 : 1
      while i < s.count {
        if quote == "\"" && s[i] == "\\" && isNULEscape(s, at: i) {
          throw GageError.gageFile(
            location: GageFileDocument.location(path, SourcePosition(line: line, column: i - lineStart + 1)),
            message: "invalid TOML: a string holds a NUL character (\\u0000), which would cut it short; "
              + "a Gage file cannot carry one")
        }
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
        guard j < s.count, TOMLLexer.isBareKeyScalar(s[j]) || s[j] == "\"" || s[j] == "'" else {
          throw GageError.gageFile(
            location: GageFileDocument.location(path, SourcePosition(line: line, column: j - lineStart + 1)),
            message: "invalid TOML: a table name must start with a letter, a digit, _, - or a quote")
        }
        i = j
        while i < s.count && s[i] != "\n" {
          if s[i] == "\"" || s[i] == "'" { try skipString(s[i]) } else if s[i] == "#" { break } else { i += 1 }
        }
        continue
      }
      atLineStart = false
      switch c {
      case "#":
        while i < s.count && s[i] != "\n" { i += 1 }
        continue
      case "\"", "'":
        try skipString(c)
        continue
      case "[", "{": open.append(c)
      case "]", "}":
        if c == "}" && open.last == "[" {
          throw GageError.gageFile(
            location: GageFileDocument.location(path, SourcePosition(line: line, column: i - lineStart + 1)),
            message: "invalid TOML: } where an array value or ] was expected")
        }
        _ = open.popLast()
      case "0"..."9" where isDateThenDigit(s, at: i):
        throw GageError.gageFile(
          location: GageFileDocument.location(path, SourcePosition(line: line, column: i - lineStart + 1)),
          message: "invalid TOML: a date, a space and a single digit; a time is written HH:MM:SS (1979-05-27 07:32:00)")
      default: break
      }
      i += 1
    }
  }

  /// Whether the escape at `i` (a backslash) is `\u0000` or `\U00000000`.
  private static func isNULEscape(_ s: [Unicode.Scalar], at i: Int) -> Bool {
    guard i + 1 < s.count else { return false }
    let digits = s[i + 1] == "u" ? 4 : s[i + 1] == "U" ? 8 : 0
    guard digits > 0, i + 1 + digits < s.count else { return false }
    return s[(i + 2)...(i + 1 + digits)].allSatisfy { $0 == "0" }
  }

  /// Whether a value starting at `i` reads like `1979-05-27 0` and then ends: ten
  /// characters (underscores aside) up to a terminator, with dashes at 4 and 7 and none of
  /// `+ . : t z`, then a space, one digit and a terminator. The parser reads that as the
  /// start of a date-time, scans on past the digit assuming no terminator follows, and
  /// asserts. (Nothing of that shape is valid TOML.)
  private static func isDateThenDigit(_ s: [Unicode.Scalar], at i: Int) -> Bool {
    guard i == 0 || !isValueCharacter(s[i - 1]) else { return false }
    var chars: [Unicode.Scalar] = []
    var j = i
    while j < s.count, !isValueTerminator(s[j]), chars.count <= 10 {
      if s[j] != "_" { chars.append(s[j]) }
      j += 1
    }
    guard chars.count == 10, chars[4] == "-", chars[7] == "-",
      !chars.contains(where: { "+.:tTzZ".unicodeScalars.contains($0) })
    else { return false }
    return j + 2 < s.count && s[j] == " " && ("0"..."9").contains(s[j + 1]) && isValueTerminator(s[j + 2])
  }

  private static func isValueTerminator(_ c: Unicode.Scalar) -> Bool {
    c.properties.isWhitespace || c == "]" || c == "}" || c == "," || c == "#"
  }

  private static func isValueCharacter(_ c: Unicode.Scalar) -> Bool {
    TOMLLexer.isBareKeyScalar(c) || c == ":" || c == "." || c == "+"
  }
}
