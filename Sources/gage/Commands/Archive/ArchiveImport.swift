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
      """
  )

  @Argument(help: ArgumentHelp("Archives to import.", valueName: "FILE"))
  var files: [String]

  @OptionGroup var runs: RunsOptions

  func run() throws {
    let importer = Importer(runsDir: try runs.resolve(), progress: ArchiveProgress(label: "import"))
    var report = OutcomeReport()
    for file in files {
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
}
}
