import ArgumentParser
import GageKit

/// Asking before a change (README, Commands): shows what will change, asks on a terminal, and
/// without a terminal acts only with `-y`.
enum Confirmation {
  /// Shows `rows`, says "You are about to `action`.", then asks; throws to stop when the
  /// answer is no, or when there is no terminal to ask on.
  static func ask(
    _ action: String, rows: [(index: Int, record: RunRecord)], yes: Bool, defaultYes: Bool = true,
    warning: String? = nil, archiveNames: [String: String] = [:]
  ) throws {
    if yes { return }
    guard Console.stdinIsTerminal else {
      throw GageError.invalidInput(
        "refusing to \(action) without -y: there is no terminal to ask on")
    }
    if !rows.isEmpty {
      for line in RunTable.lines(rows, archiveNames: archiveNames) { Console.note(line) }
      Console.note("")
    }
    Console.note("You are about to \(action).\(warning.map { " " + $0 } ?? "")")
    guard Console.confirm("Continue?", defaultYes: defaultYes) else { throw ExitCode(1) }
  }

  /// "1 run" / "3 runs".
  static func count(_ n: Int, _ noun: String = "run") -> String {
    n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
  }
}
