import ArgumentParser
import GageKit

extension Management {
  /// `gage delete` (also `rm`, `del`).
  struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Delete runs (to the trash, or for good with -p).",
      discussion: """
        A deleted run moves to the trash: gage runs --deleted lists it, gage restore brings it
        back, gage purge removes it for good. The run's files are not touched: the move is a
        marker in <id>.move/. With -p every file of the run is removed at once.

        A running run is never deleted: stop it first. A run that reads running on another
        host (it was started there on a shared runs dir) is deleted only with --force, when
        that host no longer runs it.
        """,
      aliases: ["rm", "del"]
    )

    @OptionGroup var selection: RunSelectionOptions

    @Option(
      name: [.customShort("A"), .long],
      help: ArgumentHelp("Delete runs of local archive NAME.", valueName: "NAME"))
    var archive: String?

    @Flag(name: .shortAndLong, help: "Delete for good: remove every file of the runs.")
    var permanent = false

    @Flag(name: .shortAndLong, help: "Do not ask.")
    var yes = false

    @Flag(
      name: .long,
      help: "Also delete runs that read running on another host (one that no longer runs them).")
    var force = false

    @OptionGroup var runs: RunsOptions

    func validate() throws {
      try selection.requireRuns("to delete")
    }

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      let scope: RunScope = archive.map(RunScope.archive) ?? .active
      let selected = try selection.query(scope: scope).select(catalog)
      guard !selected.isEmpty else {
        Console.note("Nothing to delete")
        return
      }
      let n = Confirmation.count(selected.count)
      try Confirmation.ask(
        permanent ? "PERMANENTLY delete \(n)" : "delete \(n)", rows: selected, yes: yes,
        defaultYes: !permanent,
        warning: permanent ? "This cannot be undone." : nil,
        archiveNames: archiveNames(catalog.runsDir))
      var failures: [String] = []
      var done = 0
      for (_, record) in selected {
        do {
          if permanent {
            try RunRemoval.purge(record, force: force)
          } else {
            try RunRemoval.trash(record, force: force)
          }
          done += 1
        } catch let error as GageError {
          failures.append(error.message)
        }
      }
      Console.note("\(permanent ? "Permanently deleted" : "Deleted") \(Confirmation.count(done))")
      if !failures.isEmpty { throw GageError.conflict(failures.joined(separator: "\n")) }
    }
  }
}
