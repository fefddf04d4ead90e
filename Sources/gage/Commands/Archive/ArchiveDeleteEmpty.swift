import ArgumentParser
import GageKit

extension Archive {
  /// `gage archive delete-empty`.
  struct DeleteEmpty: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "delete-empty", abstract: "Delete every local archive that holds no runs.")

    @Flag(name: .shortAndLong, help: "Do not ask.")
    var yes = false

    @OptionGroup var runs: RunsOptions

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      let archives = LocalArchives(runsDir: catalog.runsDir)
      let counts = catalog.counts()
      let empty = archives.all().filter { (counts[$0.id] ?? 0) == 0 }
      guard !empty.isEmpty else {
        Console.note("Nothing to delete")
        return
      }
      if !yes {
        for a in empty where Console.stdinIsTerminal { Console.note("  \(Console.printable(a.name))") }
      }
      try Confirmation.ask(
        "delete \(Confirmation.count(empty.count, "empty archive"))", rows: [], yes: yes)
      for a in empty { try archives.remove(a) }
      Console.note("Deleted \(Confirmation.count(empty.count, "empty archive"))")
    }
  }
}
