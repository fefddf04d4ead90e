import ArgumentParser
import Foundation
import GageKit

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
    let defaultName = file.defaultOperation?.name
    if json {
      let items: [JSONValue] = file.operations.map { op in
        .object([
          "name": .string(op.name),
          "description": op.description.map(JSONValue.string) ?? .null,
          "default": .bool(op.name == defaultName),
          "command": op.exec.run?.json ?? .null,
        ])
      }
      Console.print(JSONValue.array(items).prettyPrinted())
      return
    }
    if file.operations.isEmpty {
      Console.note("\(Console.printable(file.path)) defines no operations")
      return
    }
    let names = file.operations.map { Console.printable($0.name) }
    let width = names.map(\.count).max() ?? 0
    for (op, name) in zip(file.operations, names) {
      let first = Console.printable(op.description?.split(separator: "\n").first.map(String.init) ?? "")
      let marker = op.name == defaultName ? " (default)" : ""
      Console.print("\(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(first)\(marker)")
    }
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
