import ArgumentParser
import GageKit

/// `gage archive list`.
struct ArchiveList: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List local archives with their run counts.", aliases: ["ls"])

  @Flag(help: "Print JSON: an array of {name, id, runs, last_archived}.")
  var json = false

  @OptionGroup var runs: RunsOptions

  func run() throws {
    let catalog = try runs.catalog()
    defer { catalog.save() }
    let counts = catalog.counts()
    let archives = LocalArchives(runsDir: catalog.runsDir).all()
    if json {
      Console.print(
        JSONValue.array(
          archives.map {
            .object([
              "name": .string($0.name), "id": .string($0.id), "runs": .int(counts[$0.id] ?? 0),
              "last_archived": $0.modified.map { .string(RunClock.iso(micros: $0)) } ?? .null,
            ])
          }
        ).prettyPrinted())
      return
    }
    guard !archives.isEmpty else {
      if Console.stdoutIsTerminal {
        Console.note("No archives (gage archive move RUN... -n NAME makes one).")
      }
      return
    }
    let names = archives.map { Console.printable($0.name) }
    let width = max(4, names.map(\.count).max() ?? 0)
    Console.print(
      Console.bold(
        "name".padding(toLength: width, withPad: " ", startingAt: 0) + "  runs  last archived"))
    for (a, name) in zip(archives, names) {
      let count = String(counts[a.id] ?? 0)
      Console.print(
        name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
          + String(repeating: " ", count: max(0, 4 - count.count)) + count + "  "
          + (a.modified.map { RunClock.local(micros: $0) } ?? ""))
    }
  }
}
