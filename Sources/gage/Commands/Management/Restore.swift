import ArgumentParser
import GageKit

extension Management {
  /// `gage restore`.
  struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Restore deleted or archived runs.",
      discussion: """
        Restores runs from the trash (gage runs --deleted lists them), or with --archive NAME
        from a local archive (every run of it when no RUN is given).
        """
    )

    @OptionGroup var selection: RunSelectionOptions

    @Option(
      name: [.customShort("A"), .long],
      help: ArgumentHelp("Restore from local archive NAME.", valueName: "NAME"))
    var archive: String?

    @Flag(name: .shortAndLong, help: "Do not ask.")
    var yes = false

    @OptionGroup var runs: RunsOptions

    func validate() throws {
      if archive == nil {
        try selection.requireRuns("to restore", hint: "gage runs --deleted lists them")
      }
    }

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      var query = try selection.query(scope: archive.map(RunScope.archive) ?? .trash)
      if archive != nil && query.specs.isEmpty { query.all = true }
      let selected = try query.select(catalog)
      guard !selected.isEmpty else {
        Console.note("Nothing to restore")
        return
      }
      try Confirmation.ask(
        "restore \(Confirmation.count(selected.count))", rows: selected, yes: yes,
        archiveNames: archiveNames(catalog.runsDir))
      for (_, record) in selected { try RunRemoval.restore(record) }
      Console.note("Restored \(Confirmation.count(selected.count))")
    }
  }
}
