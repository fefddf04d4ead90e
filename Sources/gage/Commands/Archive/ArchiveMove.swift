import ArgumentParser
import Foundation
import GageKit

extension Archive {
  /// `gage archive move`.
  struct Move: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "move",
      abstract: "Move runs into a local archive (made when it does not exist).",
      discussion: "Without -n, the archive is named after the current time (2026-01-02-150405)."
    )

    @OptionGroup var selection: RunSelectionOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("The archive.", valueName: "NAME"))
    var name: String?

    @Flag(name: .shortAndLong, help: "Do not ask.")
    var yes = false

    @OptionGroup var runs: RunsOptions

    func validate() throws {
      try selection.requireRuns("to archive")
    }

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      let selected = try selection.query().select(catalog)
      guard !selected.isEmpty else {
        Console.note("Nothing to archive")
        return
      }
      let archiveName = name ?? Self.timestampName()
      let shownName = Console.printable(archiveName)
      try Confirmation.ask(
        "archive \(Confirmation.count(selected.count)) to \"\(shownName)\"", rows: selected,
        yes: yes)
      let archives = LocalArchives(runsDir: catalog.runsDir)
      let archive = try archives.named(archiveName) ?? archives.create(archiveName)
      for (_, record) in selected {
        if record.status == .running {
          throw GageError.conflict(
            "run \(record.name) is running; stop it first (gage stop \(record.name))")
        }
        try RunMoves.move(record.run, to: archive.id)
      }
      archives.touch(archive)
      Console.note("Moved \(Confirmation.count(selected.count)) to archive \"\(shownName)\"")
      Console.note("Use 'gage restore --archive \(shownName)' to restore them.")
    }

    static func timestampName() -> String {
      let f = DateFormatter()
      f.dateFormat = "yyyy-MM-dd-HHmmss"
      return f.string(from: Date())
    }
  }
}
