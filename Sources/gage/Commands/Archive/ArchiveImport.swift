import ArgumentParser
import Foundation
import GageKit

extension Archive {
  /// `gage archive import`.
  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract: "Bring the runs of archive files into the runs dir, every byte checked first.",
      discussion: """
        Each archive is checked completely before any run appears. A run already present \
        is left alone ("already present") and gets the archive's new annotations; the same \
        id with different run files or meta is a conflict: reported, skipped, exit 3.

        An archive whose payload is larger than the size limit (default 1G, or \
        $GAGE_STAGE_LIMIT, as for staging) is imported only after a yes on a terminal, or \
        with -y.
        """
    )

    @Argument(help: ArgumentHelp("Archives to import.", valueName: "FILE"))
    var files: [String]

    @Flag(name: .shortAndLong, help: "Do not ask for confirmation.")
    var yes = false

    @Option(help: ArgumentHelp("Ask before importing a payload larger than this (default 1G, or $GAGE_STAGE_LIMIT).", valueName: "SIZE"))
    var sizeLimit: String?

    @OptionGroup var runs: RunsOptions

    func run() throws {
      let limit = try SizeLimit.resolve(sizeLimit)
      var report = OutcomeReport()
      for file in files {
        let importer = Importer(
          runsDir: try runs.resolve(), progress: ProgressBar(label: "import"),
          approval: yes ? nil : Self.approval(file: file, limit: limit))
        for (id, outcome) in try importer.importArchive(file) {
          report.add(id: id, outcome, Self.line(outcome, run: RunID.label(id)))
        }
      }
      try report.finish()
    }

    /// What the text output says of one run.
    static func line(_ outcome: Importer.Outcome, run: String) -> OutcomeReport.Line {
      switch outcome {
      case .imported: .changed("imported \(run)")
      case .alreadyPresent(let n):
        .unchanged("already present: \(run)" + (n > 0 ? ", \(OutcomeReport.annotations(n)) merged" : ""))
      case .conflict: .refused("conflict", counts: true)
      }
    }

    /// Asks before importing a payload above `limit`, as staging does.
    static func approval(file: String, limit: Int) -> PayloadApproval {
      PayloadApproval(limit: Int64(limit)) { bytes, declared in
        let size = (declared ? "" : "more than ") + ByteCount.format(Int(bytes))
        try SizeLimit.confirm(
          "\(file) holds a payload of \(size), above the limit of \(ByteCount.format(limit))",
          question: "Import it anyway?",
          hint: "pass -y (or --size-limit) to import it; nothing was imported")
      }
    }
  }
}
