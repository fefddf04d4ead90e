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

  /// Bold text on a color terminal.
  static func bold(_ text: String) -> String {
    useColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text
  }

  /// Dim text on a color terminal.
  static func dim(_ text: String) -> String {
    useColor ? "\u{1B}[2m\(text)\u{1B}[0m" : text
  }

  /// Asks a yes/no question on the terminal; the default is yes.
  static func confirm(_ question: String) -> Bool {
    FileHandle.standardError.write(Data("\(question) (Y/n) ".utf8))
    guard let answer = readLine() else { return false }
    let a = answer.trimmingCharacters(in: .whitespaces).lowercased()
    return a.isEmpty || a == "y" || a == "yes"
  }
}
