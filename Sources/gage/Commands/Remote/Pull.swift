import ArgumentParser
import Foundation
import GageKit

extension Remote {
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
      let puller = RunPuller(runsDir: runsDir, location: location, progress: ProgressBar(label: "fetch", noun: "objects"))
      let outcomes = try puller.pull(specs)
      var report = OutcomeReport(json: json)
      for (id, outcome) in outcomes {
        report.add(id: id, outcome, Self.line(outcome, run: RunID.label(id), named: !specs.isEmpty))
      }
      let remote = location.display
      try report.finish(quiet: outcomes.isEmpty ? "\(remote) has no runs" : "up to date with \(remote)")
    }

    /// What the text output says of one run; a run already present is named only when it
    /// was asked for.
    static func line(_ outcome: RunPuller.Outcome, run: String, named: Bool) -> OutcomeReport.Line {
      switch outcome {
      case .pulled: .changed("pulled \(run)")
      case .alreadyPresent(let n) where n > 0: .changed("\(run): \(OutcomeReport.annotations(n)) merged")
      case .alreadyPresent: .unchanged(named ? "already present: \(run)" : nil)
      case .conflict: .refused("conflict", counts: true)
      case .rejected: .refused("rejected", counts: true)
      }
    }
  }
}
