import ArgumentParser
import Foundation
import GageKit

extension Inspection {
  /// `gage runs` (also `list`, `ls`).
  struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "runs",
      abstract: "List runs, newest first.",
      discussion: """
        Shows the latest 20 runs; -m shows 20 more per use, -n sets the number, -a shows all.
        The # column is what run specs index (gage show 2, gage delete 3:5).

        Examples:
          gage runs -w "op = train and status = completed"
          gage runs -w "metric.loss < 0.2" --json
          gage runs --deleted
          gage runs --archive best
          gage runs --remote origin
        """,
      aliases: ["list", "ls"]
    )

    @OptionGroup var selection: RunSelectionOptions
    @OptionGroup var scope: ScopeOptions

    @Option(
      name: [.customShort("n"), .long],
      help: ArgumentHelp("Show at most N runs (default 20).", valueName: "N"))
    var limit: Int?

    @Flag(name: .shortAndLong, help: "Show 20 more runs (repeat for more).")
    var more: Int

    @Flag(help: "Print JSON: an array of run objects (docs/json.md).")
    var json = false

    @Option(
      help: ArgumentHelp(
        "List the runs of a git remote instead (a remote of the project's repository, or a URL; docs/remotes.md).",
        valueName: "REMOTE"))
    var remote: String?

    @OptionGroup var runs: RunsOptions

    func validate() throws {
      if selection.all && limit != nil {
        throw ValidationError("--all and --limit cannot be combined")
      }
      if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
      if let remote {
        try listRemote(remote)
        return
      }
      let catalog = try runs.catalog()
      defer { catalog.save() }
      var query = try selection.query(scope: scope.scope)
      query.all = true
      let listing = try query.listing(catalog)
      let positions =
        selection.runs.isEmpty ? Array(0..<listing.count) : try listing.select(selection.runs)
      let shown =
        selection.all || json && limit == nil
        ? positions.count : min(positions.count, (limit ?? 20) + 20 * more)
      let rows = positions.prefix(shown).compactMap { p in
        listing.record(at: p).map { (index: p + 1, record: $0) }
      }
      let names = archiveNames(catalog.runsDir)
      if json {
        let items = rows.map { row in
          row.record.json(archiveName: names[row.record.container], index: row.index)
        }
        Console.print(JSONValue.array(items).prettyPrinted())
        return
      }
      if rows.isEmpty {
        if Console.stdoutIsTerminal { Console.note("No \(listing.noun).") }
        return
      }
      RunTable.print(rows, archiveNames: names)
      if shown < positions.count && Console.stdoutIsTerminal {
        Console.note(
          Console.dim(
            "Showing \(shown) of \(positions.count) \(listing.noun) (-m for more, -a for all)"))
      }
    }

    /// `--remote`: the remote's runs, from their summaries (newest first).
    private func listRemote(_ remote: String) throws {
      if selection.all == false, selection.where != nil || !selection.runs.isEmpty || scope.deleted || scope.archive != nil {
        throw ValidationError("--remote lists every run of the remote: it takes no runs, --where, --deleted or --archive")
      }
      let location = try RemoteLocation.resolve(remote, from: FileManager.default.currentDirectoryPath)
      let listed = try RemoteRunListing(runsDir: try runs.resolve(), location: location).list()
      let shown = selection.all || json && limit == nil ? listed.count : min(listed.count, (limit ?? 20) + 20 * more)
      if json {
        Console.print(JSONValue.array(listed.prefix(shown).map { $0.json }).prettyPrinted())
        return
      }
      if listed.isEmpty {
        if Console.stdoutIsTerminal { Console.note("No runs on \(Console.printable(location.display)).") }
        return
      }
      let cells = listed.prefix(shown).enumerated().map { n, run -> [String] in
        let started = run.field("started").map { String($0.prefix(19)).replacingOccurrences(of: "T", with: " ") } ?? ""
        return [
          String(n + 1), run.name, run.field("operation") ?? "?", started, run.field("status") ?? "unknown",
          run.label ?? "",
        ]
      }
      for line in RunTable.lines(cells: cells) { Console.print(line) }
      if shown < listed.count && Console.stdoutIsTerminal {
        Console.note(
          Console.dim("Showing \(shown) of \(listed.count) runs on \(Console.printable(location.display)) (-m for more, -a for all)"))
      }
    }
  }
}
