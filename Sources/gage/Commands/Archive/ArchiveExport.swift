import ArgumentParser
import Foundation
import GageKit

extension Archive {
  /// `gage archive export`.
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract: "Write finished runs to one archive file (a BagIt bag in a tar).",
      discussion: """
        RUN is a 1-based index in the newest-first list, a slice FIRST:LAST, or a prefix of a \
        run id or name; --where and --all export the finished runs they match. The archive type follows FILE's name: .tar, .tar.gz (.tgz) or .tar.zst. Every file \
        is checked against its recorded digest while it is written; a run that no longer \
        verifies is refused. The same runs always give the same bytes. See docs/archives.md.
        """
    )

    @OptionGroup var selection: RunSelectionOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("The archive to write.", valueName: "FILE"))
    var output: String

    @OptionGroup var runs: RunsOptions

    func validate() throws {
      try selection.requireRuns("to export")
    }

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      let records = try selection.query().select(catalog).map(\.record)
      var selected = records.map(\.run)
      if selection.runs.isEmpty {
        // --all / --where: the finished runs among those matched; named runs that have not
        // finished are refused by the exporter, with their status.
        selected = records.filter { $0.status.isFinal }.map(\.run)
        if selected.isEmpty { throw GageError.notFound("no finished runs match in \(catalog.runsDir)") }
      }
      let exporter = Exporter(agent: "gage \(Gage.version)", progress: ProgressBar(label: "export"))
      let summary = try exporter.export(selected, to: output)
      let runsWord = summary.runIDs.count == 1 ? "run" : "runs"
      Console.print(
        "exported \(summary.runIDs.count) \(runsWord) (\(summary.files) files, \(ByteCount.format(summary.bytes))) to \(Console.printable(output))"
      )
    }
  }
}
