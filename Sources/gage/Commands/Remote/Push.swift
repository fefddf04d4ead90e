import ArgumentParser
import Foundation
import GageKit

extension Remote {
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
        runsDir: catalog.runsDir, location: location, progress: ProgressBar(label: "push", noun: "objects"))
      let outcomes = try pusher.push(records.reversed().map(\.run))
      var report = OutcomeReport(json: json)
      for (run, outcome) in outcomes {
        report.add(id: run.id, outcome, Self.line(outcome, run: run.nameAndID, named: !specs.isEmpty))
      }
      try report.finish(quiet: "\(location.display) is up to date (\(Confirmation.count(outcomes.count)))")
    }

    /// What the text output says of one run; a run not finished counts as a problem only
    /// when it was named.
    static func line(_ outcome: RunPusher.Outcome, run: String, named: Bool) -> OutcomeReport.Line {
      switch outcome {
      case .pushed: .changed("pushed \(run)")
      case .annotations(let n): .changed("\(run): \(OutcomeReport.annotations(n)) pushed")
      case .upToDate: .unchanged(nil)
      case .notFinished: .refused("not pushed", counts: named)
      case .notVerified: .refused("not pushed", counts: true)
      case .conflict: .refused("conflict", counts: true)
      }
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
}
