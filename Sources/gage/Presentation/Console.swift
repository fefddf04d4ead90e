import Foundation
import GageKit

#if canImport(Glibc)
  import Glibc
#endif

/// The one printer of the command layer: knows whether it writes to a terminal, and colors
/// only there (never with `NO_COLOR`).
enum Console {
  static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
  static let stdinIsTerminal = isatty(STDIN_FILENO) == 1
  static let useColor =
    stdoutIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    && ProcessInfo.processInfo.environment["TERM"] != "dumb"

  /// Prints a line to stdout.
  static func print(_ text: String = "") {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
  }

  /// Prints an error to stderr as `gage: message`. The message is made printable (its lines
  /// kept): an error quoting a value from a run or a remote cannot send escape sequences.
  static func error(_ message: String) {
    FileHandle.standardError.write(Data("gage: \(printable(message, keeping: ["\n"]))\n".utf8))
  }

  /// Prints a note to stderr.
  static func note(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
  }

  /// Text a user or another host can set (labels, comments, operation names, config,
  /// metrics, paths, hosts, archive names) made safe to print: control characters (a
  /// newline, an escape sequence) and Unicode bidirectional controls (which reorder what a
  /// terminal shows) are shown escaped (`\n`, `\u{1B}`, `\u{202E}`), never sent raw. The one
  /// escaper of every printed field: escape a field first, color it after. `keeping` names
  /// characters passed through (a message's newlines, an output line's tabs).
  static func printable(_ text: String, keeping: Set<Unicode.Scalar> = []) -> String {
    guard text.unicodeScalars.contains(where: { isUnsafe($0) && !keeping.contains($0) }) else {
      return text
    }
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case _ where keeping.contains(scalar) || !isUnsafe(scalar): out.unicodeScalars.append(scalar)
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      }
    }
    return out
  }

  /// C0 and C1 controls, DEL, and the bidirectional controls: marks (U+200E, U+200F,
  /// U+061C), embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069).
  private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }

  /// A config value, metric or command as shown: strings bare, the rest as compact JSON
  /// (not yet escaped: pass it through `printable`).
  static func text(_ value: JSONValue) -> String {
    if case .string(let s) = value { return s }
    return value.compact()
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
