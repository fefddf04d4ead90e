import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The one printer of the command layer: knows whether it writes to a terminal, and colors
/// only there (never with `NO_COLOR`).
enum Console {
  static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
  static let stdinIsTerminal = isatty(STDIN_FILENO) == 1
  static let useColor = stdoutIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    && ProcessInfo.processInfo.environment["TERM"] != "dumb"

  /// Prints a line to stdout.
  static func print(_ text: String = "") {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
  }

  /// Prints an error to stderr as `gage: message`.
  static func error(_ message: String) {
    FileHandle.standardError.write(Data("gage: \(message)\n".utf8))
  }

  /// Prints a note to stderr.
  static func note(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
  }

  /// Text from a run (labels, comments, names) made safe to print: control characters
  /// (a newline, an escape sequence) are shown escaped (`\n`, `\u{1B}`), never sent raw.
  static func printable(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case _ where isControl(scalar): out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
  }

  /// Bold text on a color terminal.
  static func bold(_ text: String) -> String {
    useColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text
  }

  /// Dim text on a color terminal.
  static func dim(_ text: String) -> String {
    useColor ? "\u{1B}[2m\(text)\u{1B}[0m" : text
  }

  /// Asks a yes/no question on the terminal; an empty answer takes the default.
  static func confirm(_ question: String, defaultYes: Bool = true) -> Bool {
    FileHandle.standardError.write(Data("\(question) \(defaultYes ? "(Y/n)" : "(y/N)") ".utf8))
    guard let answer = readLine() else { return false }
    let a = answer.trimmingCharacters(in: .whitespaces).lowercased()
    if a.isEmpty { return defaultYes }
    return a == "y" || a == "yes"
  }

  /// Text in an ANSI color (SGR code) on a color terminal.
  static func color(_ text: String, _ code: String) -> String {
    useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  /// The terminal's width in columns, when stdout is a terminal.
  static var width: Int? {
    guard stdoutIsTerminal else { return nil }
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
  }

  /// Writes raw bytes to stdout.
  static func write(_ bytes: [UInt8]) {
    FileHandle.standardOutput.write(Data(bytes))
  }
}
