import ArgumentParser
import Foundation
import GageKit

/// `gage pull`.
struct Pull: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pull",
    abstract: "Bring runs from a git remote into the runs dir, every byte checked first.",
    discussion: """
      REMOTE is a remote of the project's repository (default: origin) or a URL, as for \
      gage push. RUN is a prefix of a run id or name on the remote (gage runs --remote \
      lists them); without runs, every run missing here is pulled, and new labels and \
      comments of runs already here are merged.

      Each run is written to a temporary directory inside the runs dir and checked there: \
      names, links, and every file against its manifest and seal. Only then does it \
      appear. A run that fails a check is rejected, named, and nothing of it is kept \
      (exit 3); so is a run whose id is taken here by a different run. Nothing pulled is \
      ever executed. See docs/remotes.md.
      """
  )

  @Argument(help: ArgumentHelp("A remote, then runs (id or name prefixes).", valueName: "REMOTE|RUN"))
  var arguments: [String] = []

  @Flag(help: "Print JSON: one object per run with its outcome.")
  var json = false

  @OptionGroup var runs: RunsOptions

  func run() throws {
    let (location, specs) = try RemoteArguments.split(arguments)
    let runsDir = try runs.resolve()
    let puller = RunPuller(runsDir: runsDir, location: location, progress: ArchiveProgress(label: "fetch", noun: "objects"))
    let outcomes = try puller.pull(specs)
    var problems = 0
    var items: [JSONValue] = []
    var changed = 0
    for (id, outcome) in outcomes {
      let name = Console.printable("\(RunID.name(for: id)) (\(id.prefix(8)))")
      var word: String
      var reason: String?
      var line: String?
      switch outcome {
      case .pulled:
        word = "pulled"
        line = "pulled \(name)"
        changed += 1
      case .alreadyPresent(let n):
        word = "already-present"
        if n > 0 {
          line = "\(name): \(n) new annotation\(n == 1 ? "" : "s") merged"
          changed += 1
        } else if !specs.isEmpty {
          line = "already present: \(name)"
        }
      case .conflict(let why):
        word = "conflict"
        reason = why
        Console.error("conflict: \(Console.printable(why))")
        problems += 1
      case .rejected(let why):
        word = "rejected"
        reason = why
        Console.error("rejected: \(Console.printable(why))")
        problems += 1
      }
      if json {
        items.append(
          .object([
            "id": .string(id), "name": .string(RunID.name(for: id)), "outcome": .string(word),
            "reason": reason.map(JSONValue.string) ?? .null,
          ]))
      } else if let line {
        Console.print(line)
      }
    }
    if json {
      Console.print(JSONValue.array(items).prettyPrinted())
    } else if changed == 0 && problems == 0 {
      let shown = Console.printable(location.display)
      Console.print(outcomes.isEmpty ? "\(shown) has no runs" : "up to date with \(shown)")
    }
    if problems > 0 { throw ExitCode(3) }
  }
}
