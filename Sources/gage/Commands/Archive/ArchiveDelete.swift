import ArgumentParser
import GageKit

extension Archive {
  /// `gage archive delete`.
  struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "delete",
      abstract: "Delete an empty local archive.",
      discussion:
        "An archive that holds runs is refused: restore them (gage restore --archive NAME) or delete them first."
    )

    @Argument(help: "The archive's name.")
    var name: String

    @Flag(name: .shortAndLong, help: "Do not ask.")
    var yes = false

    @OptionGroup var runs: RunsOptions

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      let archives = LocalArchives(runsDir: catalog.runsDir)
      let archive = try archives.require(name)
      let count = catalog.counts()[archive.id] ?? 0
      let shown = Console.printable(name)
      guard count == 0 else {
        throw GageError.conflict(
          "archive \"\(shown)\" holds \(Confirmation.count(count)); restore them (gage restore --archive \(shown)) "
            + "or delete them (gage delete --archive \(shown) -a) first")
      }
      try Confirmation.ask("delete the empty archive \"\(shown)\"", rows: [], yes: yes)
      try archives.remove(archive)
      Console.note("Deleted archive \"\(shown)\"")
    }
  }
}
