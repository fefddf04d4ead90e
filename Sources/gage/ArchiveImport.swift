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
    var conflicts = 0
    for file in files {
      let importer = Importer(
        runsDir: try runs.resolve(), progress: ArchiveProgress(label: "import"),
        approval: yes ? nil : Self.approval(file: file, limit: limit))
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
