import ArgumentParser
import Foundation
import GageKit

extension Inspection {
  /// `gage operations`.
  struct Operations: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "operations",
      abstract: "List the operations of the project's Gage file.",
      aliases: ["ops"]
    )

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
      let file = try Project.load()
      if json {
        Console.print(file.operationsJSON.prettyPrinted())
        return
      }
      if file.operations.isEmpty {
        Console.note("\(Console.printable(file.path)) defines no operations")
        return
      }
      let defaultName = file.defaultOperation?.name
      let rows = file.operations.map { op in
        let first = op.description?.split(separator: "\n").first.map(String.init) ?? ""
        return [op.name, first + (op.name == defaultName ? " (default)" : "")]
      }
      Table(columns: [Table.Column(), Table.Column(flexible: true)], rows: rows, hasHeader: false).print()
    }
  }

  /// `gage check`.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check a Gage file: syntax, keys and value types.",
      discussion: "Errors name the file, line and column, and list the known keys."
    )

    @Argument(help: "The Gage file (default: the project's).")
    var file: String?

    func run() throws {
      let path: String
      if let file {
        guard FileIO.exists(file) else { throw GageError.notFound("\(file) does not exist") }
        path = file
      } else {
        guard let found = GageFile.find(from: FileManager.default.currentDirectoryPath) else {
          throw GageError.notFound("no Gage file in \(FileManager.default.currentDirectoryPath) or its parents")
        }
        path = found
      }
      let loaded = try GageFile.load(path: path)
      let n = loaded.operations.count
      Console.print("\(Console.printable(loaded.path)) is valid (\(n) operation\(n == 1 ? "" : "s"))")
    }
  }
}
