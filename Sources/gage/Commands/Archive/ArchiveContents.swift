import ArgumentParser
import Foundation
import GageKit

extension Archive {
  /// `gage archive contents`.
  struct Contents: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "contents",
      abstract: "List the runs of an archive file.",
      discussion: "Lists without checking digests; `gage archive verify` checks them."
    )

    @Argument(help: ArgumentHelp("The archive.", valueName: "FILE"))
    var file: String

    @Flag(help: "Print JSON: an array of run objects.")
    var json = false

    func run() throws {
      let contents = try ArchiveContents.read(file)
      if json {
        Console.print(JSONValue.array(contents.runs.map(\.json)).prettyPrinted())
        return
      }
      for run in contents.runs {
        let started = run.started.map { Bag.baggingDate(micros: $0) } ?? "-"
        Console.print(
          Console.printable("\(run.name)  \(run.id)  \(run.operation ?? "?")  \(run.status.rawValue)  \(started)")
            + "  \(run.files) files, \(ByteCount.format(run.bytes))")
      }
    }
  }
}
