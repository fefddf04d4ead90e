import ArgumentParser
import GageKit

extension Archive {
  /// `gage archive list`.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List local archives with their run counts.", aliases: ["ls"])

    @Flag(help: "Print JSON: an array of {name, id, runs, last_archived}.")
    var json = false

    @OptionGroup var runs: RunsOptions

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      let counts = catalog.counts()
      let archives = LocalArchives(runsDir: catalog.runsDir).all()
      if json {
        Console.print(JSONValue.array(archives.map { $0.json(runs: counts[$0.id] ?? 0) }).prettyPrinted())
        return
      }
      guard !archives.isEmpty else {
        if Console.stdoutIsTerminal {
          Console.note("No archives (gage archive move RUN... -n NAME makes one).")
        }
        return
      }
      let rows = archives.map { a in
        [a.name, String(counts[a.id] ?? 0), a.modified.map { RunClock.local(micros: $0) } ?? ""]
      }
      Table(
        columns: [
          Table.Column(header: "name", flexible: true), Table.Column(header: "runs", rightAligned: true),
          Table.Column(header: "last archived"),
        ],
        rows: rows
      ).print()
    }
  }
}
