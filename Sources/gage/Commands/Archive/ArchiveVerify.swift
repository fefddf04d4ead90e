import ArgumentParser
import Foundation
import GageKit

extension Archive {
  /// `gage archive verify`.
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "verify",
      abstract: "Check archive files without importing them.",
      discussion: "Exit 0 when every archive is sound, 3 when one is not, 1 on an error (e.g. a missing file)."
    )

    @Argument(help: ArgumentHelp("Archives to verify.", valueName: "FILE"))
    var files: [String]

    func run() throws {
      var unsound = 0
      for file in files {
        do {
          let summary = try Verifier(progress: ProgressBar(label: "verify")).verify(file)
          let runsWord = summary.runIDs.count == 1 ? "run" : "runs"
          Console.print(
            "\(Console.printable(file)): ok (\(summary.runIDs.count) \(runsWord), \(summary.files) files, \(ByteCount.format(summary.bytes)))"
          )
        } catch let error as ArchiveError {
          Console.print("\(Console.printable(file)): FAILED")
          Console.error(error.message)
          unsound += 1
        }
      }
      if unsound > 0 { throw ExitCode(3) }
    }
  }
}
