import ArgumentParser
import Foundation
import GageKit

/// `gage archive import`.
struct ArchiveImport: ParsableCommand {
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
    var conflicts = 0
    for file in files {
      let outcomes: [(id: String, outcome: Importer.Outcome)]
      do {
        outcomes = try importer.importArchive(file)
      } catch let error as ArchiveError {
        throw GageError.invalidData(error.message)
      }
      for (id, outcome) in outcomes {
        let name = Console.printable("\(RunID.name(for: id)) (\(id.prefix(8)))")
        switch outcome {
        case .imported:
          Console.print("imported \(name)")
        case .alreadyPresent(let added):
          Console.print("already present: \(name)" + (added > 0 ? ", \(added) new annotation\(added == 1 ? "" : "s") merged" : ""))
        case .conflict(let reason):
          Console.error("conflict: \(Console.printable(reason))")
          conflicts += 1
        }
      }
    }
    if conflicts > 0 { throw ExitCode(3) }
  }
}
