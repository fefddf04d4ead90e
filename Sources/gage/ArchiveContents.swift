import ArgumentParser
import Foundation
import GageKit

/// `gage archive contents`.
struct ArchiveContentsCommand: ParsableCommand {
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
    let contents: GageKit.ArchiveContents
    do {
      contents = try GageKit.ArchiveContents.read(file)
    } catch let error as ArchiveError {
      throw GageError.invalidData(error.message)
    }
    if json {
      Console.print(JSONValue.array(contents.runs.map(\.json)).prettyPrinted())
      return
    }
    for run in contents.runs {
      let started = run.started.map { Bag.baggingDate(micros: $0) } ?? "-"
      Console.print(
        Console.printable("\(run.name)  \(run.id)  \(run.operation ?? "?")  \(run.status.rawValue)  \(started)")
          + "  \(run.files) files, \(ArchiveProgress.size(run.bytes))")
    }
  }
}
