import ArgumentParser
import Foundation
import GageKit

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
      written by `gage archive export`; an archive is checked completely before anything \
      runs. The new run goes to the runs dir (--runs) and records replay.json (`of`: the \
      original's id, and the comparison); `gage runs -w "replay-of = ID"` finds replays.

      Exit 0 when every generated file is identical and the exit codes agree, 3 when not, \
      1 on an error. See docs/provenance.md.
      """
  )

  @Argument(help: ArgumentHelp("The run, or an archive file.", valueName: "RUN|ARCHIVE"))
  var source: String

  @Option(
    name: .customLong("run"),
    help: ArgumentHelp("The run to replay from an archive holding several (id or name prefix).", valueName: "RUN"))
  var archivedRun: String?

  @Flag(name: .shortAndLong, help: "Do not echo the run's output.")
  var quiet = false

  @Flag(help: "Print the comparison as JSON (docs/json.md).")
  var json = false

  @OptionGroup var runs: RunsOptions

  func run() throws {
    let runsDir = try runs.resolve()
    var st = stat()
    let isArchive = stat(source, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    let outcome: Replayer.Outcome
    if isArchive {
      let extracted: ExtractedArchive
      do {
        extracted = try ExtractedArchive(
          path: source, parent: runsDir, progress: ArchiveProgress(label: "check"), refusal: "; nothing was run")
      } catch let error as ArchiveError {
        throw GageError.invalidData(error.message)
      }
      defer { extracted.remove() }
      let original = try pick(extracted.runs)
      outcome = try Replayer.replay(try ReplaySource(original), runsDir: runsDir, archive: source, echo: !quiet && !json)
    } else {
      if archivedRun != nil { throw ValidationError("--run picks a run in an archive; \(source) is not a file") }
      let catalog = RunCatalog(runsDir: runsDir)
      defer { catalog.save() }
      let original = try RunQuery(specs: [source], filter: nil, scope: .active).one(catalog).run
      outcome = try Replayer.replay(try ReplaySource(original), runsDir: runsDir, echo: !quiet && !json)
    }
    report(outcome)
    if !outcome.comparison.reproduced { throw ExitCode(3) }
  }

  /// The run of an archive to replay: its only one, or the one `--run` names.
  private func pick(_ runs: [Run]) throws -> Run {
    guard let spec = archivedRun else {
      guard runs.count == 1, let only = runs.first else {
        let names = runs.map { "\($0.name) (\($0.id.prefix(8)))" }.joined(separator: ", ")
        throw ValidationError("\(source) holds \(runs.count) runs (\(names)); pick one with --run")
      }
      return only
    }
    let matches = runs.filter { $0.id.hasPrefix(spec.lowercased()) || $0.name.hasPrefix(spec.lowercased()) }
    guard matches.count == 1, let match = matches.first else {
      throw GageError.notFound(matches.isEmpty ? "no run in \(source) matches \"\(spec)\"" : "\"\(spec)\" matches \(matches.count) runs in \(source)")
    }
    return match
  }

  private func report(_ outcome: Replayer.Outcome) {
    let c = outcome.comparison
    if json {
      var object = c.json
      object["run"] = .string(outcome.run.id)
      object["identical"] = .array(c.identical.map(JSONValue.string))
      Console.print(JSONValue.object(object).prettyPrinted())
      return
    }
    Console.print("replay run \(outcome.run.name) (\(outcome.run.id.prefix(8)))")
    var line = c.summary
    if c.identical.isEmpty && c.differ.isEmpty && c.missing.isEmpty && c.new.isEmpty {
      line += " (neither run generated any file)"
    }
    Console.print(line)
    for path in c.differ { Console.print("  differs  \(path)") }
    for path in c.missing { Console.print("  missing  \(path)") }
    for path in c.new { Console.print("  new      \(path)") }
    if c.exit != c.originalExit { Console.print("  exit code \(c.exit) (the original exited with \(c.originalExit))") }
  }
}
