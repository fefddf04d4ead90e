import ArgumentParser
import GageKit

/// The one reporter of what happened to each run of a push, pull or import: a line on
/// stdout for a run that changed, `kind: reason` on stderr for one that was refused, or
/// with `--json` one object per run (`RunTransferOutcome.json`). Every printed field is
/// made printable here. A refusal that counts makes the command exit 3.
struct OutcomeReport {
  /// What the text output says of one run.
  enum Line {
    /// Something arrived or was sent: the line is printed.
    case changed(String)
    /// Nothing to do: the line, if any, is printed.
    case unchanged(String?)
    /// Refused: `kind: reason` on stderr; `counts` when it makes the exit status 3.
    case refused(String, counts: Bool)
  }

  let json: Bool
  private var items: [JSONValue] = []
  /// Runs reported.
  private(set) var count = 0
  /// Runs that changed.
  private(set) var changed = 0
  /// Refusals that count.
  private(set) var problems = 0

  init(json: Bool = false) {
    self.json = json
  }

  /// Reports run `id`'s outcome.
  mutating func add(id: String, _ outcome: some RunTransferOutcome, _ line: Line) {
    count += 1
    if json { items.append(outcome.json(id: id)) }
    switch line {
    case .changed(let text):
      changed += 1
      if !json { Console.print(Console.printable(text)) }
    case .unchanged(let text):
      if !json, let text { Console.print(Console.printable(text)) }
    case .refused(let kind, let counts):
      if counts { problems += 1 }
      Console.error("\(kind): \(Console.printable(outcome.refusal ?? ""))")
    }
  }

  /// Ends the report: the JSON array, or `quiet` when nothing changed and nothing was
  /// refused; exit 3 when a refusal counts.
  func finish(quiet: @autoclosure () -> String? = nil) throws {
    if json {
      Console.print(JSONValue.array(items).prettyPrinted())
    } else if changed == 0 && problems == 0, let text = quiet() {
      Console.print(Console.printable(text))
    }
    if problems > 0 { throw ExitCode(3) }
  }

  /// "1 new annotation" / "3 new annotations".
  static func annotations(_ n: Int) -> String {
    Confirmation.count(n, "new annotation")
  }
}
