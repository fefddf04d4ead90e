import Yams

/// How a YAML scalar is written, so a new value can be written the same way.
enum YAMLScalarStyle: Sendable, Equatable {
  /// A plain scalar; `flow` when inside `{...}`, where `,`, `]` and `}` end it.
  case plain(flow: Bool)
  /// `'...'`
  case singleQuoted
  /// `"..."`
  case doubleQuoted
  /// Nothing after a key's `:` (a null); a new value is inserted after the colon.
  case empty(flow: Bool)
}

/// Writes config values as YAML scalars that read back as the same value.
enum YAMLScalarWriter {
  /// The text of `value` in place of a scalar written in `style`: a quoted string keeps
  /// its quotes (single quotes become double ones when the string needs escapes), a plain
  /// one stays plain unless it would read as something else (`"true"`, `"1"`, `"null"`,
  /// `": x"`) and is then double-quoted; floats always have a `.` (`1.0`, `1.0e-05`).
  static func text(_ value: ConfigValue, style: YAMLScalarStyle) -> String {
    switch style {
    case .empty(let flow): return " " + text(value, style: .plain(flow: flow))
    case .plain, .singleQuoted, .doubleQuoted: break
    }
    switch value {
    case .string(let s):
      switch style {
      case .singleQuoted: return singleQuoted(s) ?? doubleQuoted(s)
      case .doubleQuoted: return doubleQuoted(s)
      case .plain(let flow), .empty(let flow): return isSafePlain(s, flow: flow) ? s : doubleQuoted(s)
      }
    case .int(let i): return String(i)
    case .float(let d): return float(d)
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    }
  }

  /// A float as YAML 1.1 readers (PyYAML) read it: Python's `repr` with a `.` before an exponent.
  static func float(_ d: Double) -> String {
    let repr = PythonLiteral.floatRepr(d)
    guard !repr.contains("."), let e = repr.firstIndex(of: "e") else { return repr }
    return repr[..<e] + ".0" + repr[e...]
  }

  /// Whether `s` written plain reads back as the string `s`.
  static func isSafePlain(_ s: String, flow: Bool) -> Bool {
    let scalars = Array(s.unicodeScalars)
    guard let first = scalars.first, let last = scalars.last else { return false }
    guard scalars.allSatisfy({ isPrintable($0) && $0 != "\t" }), first != " ", last != " ", last != ":" else {
      return false
    }
    if "[]{},#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
    if "-?:".unicodeScalars.contains(first), scalars.count == 1 || scalars[1] == " " { return false }
    if s.contains(": ") || s.contains(" #") { return false }
    if flow, s.unicodeScalars.contains(where: { ",[]{}".unicodeScalars.contains($0) }) { return false }
    guard let node = try? Yams.compose(yaml: s), case .scalar(let scalar) = node else { return false }
    return scalar.style == .plain && scalar.string == s && Tag.Name(rawValue: node.tag.rawValue) == .str
  }

  /// `'...'` with `'` doubled, or nil when the string has characters single quotes cannot hold.
  static func singleQuoted(_ s: String) -> String? {
    guard s.unicodeScalars.allSatisfy({ $0 == "\t" || isPrintable($0) }) else { return nil }
    return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
  }

  /// `"..."` with YAML escapes for quotes, backslashes, line breaks and other non-printable
  /// characters; other Unicode characters as they are.
  static func doubleQuoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\0": out += "\\0"
      case "\u{07}": out += "\\a"
      case "\u{08}": out += "\\b"
      case "\u{0B}": out += "\\v"
      case "\u{0C}": out += "\\f"
      case "\u{1B}": out += "\\e"
      case "\u{85}": out += "\\N"
      case "\u{2028}": out += "\\L"
      case "\u{2029}": out += "\\P"
      default:
        if isPrintable(scalar) {
          out.unicodeScalars.append(scalar)
        } else {
          let hex = String(scalar.value, radix: 16, uppercase: true)
          let (prefix, width) = scalar.value <= 0xFF ? ("\\x", 2) : scalar.value <= 0xFFFF ? ("\\u", 4) : ("\\U", 8)
          out += prefix + String(repeating: "0", count: max(0, width - hex.count)) + hex
        }
      }
    }
    return out + "\""
  }

  /// YAML's printable characters, line breaks excluded.
  private static func isPrintable(_ c: Unicode.Scalar) -> Bool {
    switch c.value {
    case 0x20...0x7E, 0x10000...0x10FFFF: return true
    case 0xA0...0xD7FF: return c.value != 0x2028 && c.value != 0x2029
    case 0xE000...0xFFFD: return c.value != 0xFEFF
    default: return false
    }
  }
}
