import ArgumentParser
import GageKit

extension Management {
  /// `gage purge`.
  struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Remove deleted runs for good.",
      discussion:
        "Works on the trash (gage runs --deleted): every file of the purged runs is removed."
    )

    @OptionGroup var selection: RunSelectionOptions

    @Flag(name: .shortAndLong, help: "Do not ask.")
    var yes = false

    @OptionGroup var runs: RunsOptions

    func validate() throws {
      try selection.requireRuns("to purge", hint: "gage runs --deleted lists them")
    }

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      let selected = try selection.query(scope: .trash).select(catalog)
      guard !selected.isEmpty else {
        Console.note("Nothing to purge")
        return
      }
      let n = Confirmation.count(selected.count)
      try Confirmation.ask(
        "PERMANENTLY delete \(n)", rows: selected, yes: yes, defaultYes: false,
        warning: "This cannot be undone.")
      // A run in the trash that reads running elsewhere was deleted with --force already.
      for (_, record) in selected { try RunRemoval.purge(record, force: true) }
      Console.note("Purged \(n)")
    }
  }
}
