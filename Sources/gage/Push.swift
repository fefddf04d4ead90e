import ArgumentParser
import Foundation
import GageKit

/// `gage push`.
struct Push: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "push",
    abstract: "Send finished runs to a git remote.",
    discussion: """
      REMOTE is a remote of the project's repository (default: origin) or a URL: a path \
      or file://, ssh:// or host:path, git://, https://. When the first argument is not a \
      remote, every argument is a run. Without runs, every finished run is pushed.

      Each run becomes a commit under refs/gage/runs/<id>, the same commit for the same \
      run, so only runs the remote lacks are sent; a second push says "up to date". \
      Labels and comments travel under refs/gage/user/<id>, merged with the remote's. A \
      run that no longer verifies is not pushed (exit 3). The project's own branches are \
      never touched. See docs/remotes.md.

      Examples:
        gage push                      every finished run, to origin
        gage push origin 1 2           the two latest runs
        gage push ssh://host/srv/runs.git -w "op = train"
      """
  )

  @Argument(help: ArgumentHelp("A remote, then runs (index, slice, id or name prefix).", valueName: "REMOTE|RUN"))
  var arguments: [String] = []

  @Option(
    name: [.customShort("w"), .long],
    help: ArgumentHelp("Only runs matching EXPR (see docs/where.md).", valueName: "EXPR"))
  var `where`: String?

  @Flag(help: "Print JSON: one object per run with its outcome.")
  var json = false

  @OptionGroup var runs: RunsOptions

  func run() throws {
    let (location, specs) = try RemoteArguments.split(arguments)
    let catalog = try runs.catalog()
    defer { catalog.save() }
    let filter = try RunSelectionOptions.filter(self.where)
    let query = RunQuery(specs: specs, filter: filter, all: true)
    var records = try query.select(catalog).map(\.record)
    if specs.isEmpty { records = records.filter { $0.status.isFinal } }
    guard !records.isEmpty else {
      throw GageError.notFound(specs.isEmpty ? "no finished runs to push in \(catalog.runsDir)" : "no runs match")
    }
    let pusher = RunPusher(
      runsDir: catalog.runsDir, location: location, progress: ArchiveProgress(label: "push", noun: "objects"))
    let outcomes = try pusher.push(records.reversed().map(\.run))
    var problems = 0
    var items: [JSONValue] = []
    var sent = 0
    for (run, outcome) in outcomes {
      let name = Console.printable("\(run.name) (\(run.id.prefix(8)))")
      var line: String?
      var word: String
      var reason: String?
      switch outcome {
      case .pushed:
        word = "pushed"
        line = "pushed \(name)"
        sent += 1
      case .annotations(let n):
        word = "annotations"
        line = "\(name): \(n) new annotation\(n == 1 ? "" : "s") pushed"
        sent += 1
      case .upToDate:
        word = "up-to-date"
      case .notFinished(let why):
        word = "not-finished"
        reason = why
        Console.error("not pushed: \(Console.printable(why))")
        problems += specs.isEmpty ? 0 : 1
      case .notVerified(let why):
        word = "not-verified"
        reason = why
        Console.error("not pushed: \(Console.printable(why))")
        problems += 1
      case .conflict(let why):
        word = "conflict"
        reason = why
        Console.error("conflict: \(Console.printable(why))")
        problems += 1
      }
      if json {
        items.append(
          .object([
            "id": .string(run.id), "name": .string(run.name), "outcome": .string(word),
            "reason": reason.map(JSONValue.string) ?? .null,
          ]))
      } else if let line {
        Console.print(line)
      }
    }
    if json {
      Console.print(JSONValue.array(items).prettyPrinted())
    } else if sent == 0 && problems == 0 {
      Console.print("\(Console.printable(location.display)) is up to date (\(Confirmation.count(outcomes.count)))")
    }
    if problems > 0 { throw ExitCode(3) }
  }
}

/// `[REMOTE] [RUN...]`: the first argument is the remote when it names one.
enum RemoteArguments {
  static func split(_ arguments: [String]) throws -> (RemoteLocation, [String]) {
    let cwd = FileManager.default.currentDirectoryPath
    if let first = arguments.first, let location = try? RemoteLocation.resolve(first, from: cwd) {
      return (location, Array(arguments.dropFirst()))
    }
    do {
      return (try RemoteLocation.resolve(nil, from: cwd), arguments)
    } catch {
      // No origin: the first argument was most likely meant as the remote.
      if let first = arguments.first { _ = try RemoteLocation.resolve(first, from: cwd) }
      throw error
    }
  }
}
