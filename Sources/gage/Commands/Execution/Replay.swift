import ArgumentParser
import Foundation
import GageKit

extension Execution {
  /// `gage replay`.
  struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a finished run again from its record and check that its outputs come out the same.",
      discussion: """
        The new run is staged from the original's recorded source files (each checked against \
        its digest), with its operation, config, command and environment; the project is not \
        needed. The stage-runtime and stage-dependencies phases run again. Then every file \
        the original generated is compared with the replay's by SHA-256:

          reproduced: N identical, M differ, K missing, L new

        SOURCE is a run (1-based index, or a prefix of a run id or name) or an archive file \
        written by `gage archive export` (FILE#PREFIX picks one run of an archive holding \
        several); an archive is checked completely before anything runs. The new run goes to the runs dir (--runs) and records replay.json (`of`: the \
        original's id, and the comparison); `gage runs -w "replay-of = ID"` finds replays.

        Exit 0 when every generated file is identical and the exit codes agree, 3 when not, \
        1 on an error. See docs/provenance.md.
        """
    )

    @Argument(help: ArgumentHelp("The run, or an archive file (FILE or FILE#PREFIX).", valueName: "RUN|ARCHIVE"))
    var source: String

    @Flag(name: .shortAndLong, help: "Do not echo the run's output.")
    var quiet = false

    @Flag(help: "Print the comparison as JSON (docs/json.md).")
    var json = false

    @OptionGroup var runs: RunsOptions

    func run() throws {
      let runsDir = try runs.resolve()
      let outcome: Replayer.Outcome
      if let reference = ArchiveRunReference(argument: source) {
        let opened = try reference.open(parent: runsDir, progress: ProgressBar(label: "check"), refusal: "; nothing was run")
        defer { opened.archive.remove() }
        outcome = try Replayer.replay(try ReplaySource(opened.run), runsDir: runsDir, archive: reference.path, echo: !quiet && !json)
      } else {
        let catalog = RunCatalog(runsDir: runsDir)
        defer { catalog.save() }
        let original = try RunQuery(specs: [source], filter: nil, scope: .active).one(catalog).run
        outcome = try Replayer.replay(try ReplaySource(original), runsDir: runsDir, echo: !quiet && !json)
      }
      report(outcome)
      if !outcome.comparison.reproduced { throw ExitCode(3) }
    }

    private func report(_ outcome: Replayer.Outcome) {
      let c = outcome.comparison
      if json {
        Console.print(outcome.json.prettyPrinted())
        return
      }
      Console.print(Console.printable("replay run \(outcome.run.nameAndID)"))
      var line = c.summary
      if c.identical.isEmpty && c.differ.isEmpty && c.missing.isEmpty && c.new.isEmpty {
        line += " (neither run generated any file)"
      }
      Console.print(line)
      for path in c.differ { Console.print("  differs  \(Console.printable(path))") }
      for path in c.missing { Console.print("  missing  \(Console.printable(path))") }
      for path in c.new { Console.print("  new      \(Console.printable(path))") }
      if c.exit != c.originalExit { Console.print("  exit code \(c.exit) (the original exited with \(c.originalExit))") }
    }
  }
}
