import ArgumentParser
import Foundation
import GageKit

/// The size above which `gage run` (the source to stage) and `gage archive import` (an
/// archive's payload) ask before going on: an option, else `$GAGE_STAGE_LIMIT`, else 1G.
enum SizeLimit {
  /// The limit in bytes: `option` when given, else the environment's, else 1G.
  static func resolve(_ option: String?) throws -> Int {
    try parse(option ?? ProcessInfo.processInfo.environment["GAGE_STAGE_LIMIT"] ?? "1G")
  }

  /// Parses `500M`, `2G`, `1024` (bytes): K, M, G, T are powers of 1000, as sizes are
  /// printed (`ByteCount`); Ki, Mi, Gi, Ti powers of 1024.
  static func parse(_ text: String) throws -> Int {
    let t = text.trimmingCharacters(in: .whitespaces).uppercased()
    let units: [Character: Int] = ["K": 1, "M": 2, "G": 3, "T": 4]
    var digits = Substring(t)
    var base = 1000
    if digits.hasSuffix("I") {
      base = 1024
      digits = digits.dropLast()
    }
    var factor = 1
    if let last = digits.last, let power = units[last] {
      factor = (0..<power).reduce(1) { n, _ in n * base }
      digits = digits.dropLast()
    } else if base == 1024 {
      digits = ""
    }
    guard let n = Double(digits), n >= 0, let bytes = Int(exactly: (n * Double(factor)).rounded(.down)) else {
      throw GageError.invalidInput(
        "invalid size \"\(text)\": expected a number (at most 8 exabytes) with an optional K, M, G or T (powers of 1000) or Ki, Mi, Gi, Ti (of 1024)"
      )
    }
    return bytes
  }

  /// Past the limit (`message` says by how much): asks `question` on a terminal (a no
  /// exits 1); without a terminal, fails with `message` and `hint` (how to go on).
  static func confirm(_ message: String, question: String, hint: String) throws {
    guard Console.stdinIsTerminal else { throw GageError.invalidInput("\(message); \(hint)") }
    guard Console.confirm("\(message). \(question)") else { throw ExitCode(1) }
  }
}
