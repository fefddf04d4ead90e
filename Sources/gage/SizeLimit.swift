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

  /// Parses `500M`, `2G`, `1024` (bytes; K, M, G, T are powers of 1024).
  static func parse(_ text: String) throws -> Int {
    let t = text.trimmingCharacters(in: .whitespaces).uppercased()
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
    var digits = Substring(t)
    var factor = 1
    if let last = t.last, let f = units[last] {
      factor = f
      digits = t.dropLast()
    }
    if digits.hasSuffix("I") { digits = digits.dropLast() }
    guard let n = Double(digits), n >= 0, n * Double(factor) < Double(Int.max) else {
      throw GageError.invalidInput("invalid size \"\(text)\": expected a number with an optional K, M, G or T")
    }
    return Int(n * Double(factor))
  }

  /// Past the limit (`message` says by how much): asks `question` on a terminal (a no
  /// exits 1); without a terminal, fails with `message` and `hint` (how to go on).
  static func confirm(_ message: String, question: String, hint: String) throws {
    guard Console.stdinIsTerminal else { throw GageError.invalidInput("\(message); \(hint)") }
    guard Console.confirm("\(message). \(question)") else { throw ExitCode(1) }
  }
}
