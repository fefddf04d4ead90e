import ArgumentParser
import Foundation
import GageKit

/// `gage archive export`.
struct ArchiveExport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write finished runs to one archive file (a BagIt bag in a tar).",
    discussion: """
      RUN is a 1-based index in the newest-first list, or a prefix of a run id or name. \
      The archive type follows FILE's name: .tar, .tar.gz (.tgz) or .tar.zst. Every file \
      is checked against its recorded digest while it is written; a run that no longer \
      verifies is refused. The same runs always give the same bytes. See docs/archives.md.
      """
  )

  @Argument(help: "Runs to export.")
  var specs: [String] = []

  @Flag(help: "Export every finished run.")
  var all = false

  @Option(name: .shortAndLong, help: ArgumentHelp("The archive to write.", valueName: "FILE"))
  var output: String

  @OptionGroup var runs: RunsOptions

  func validate() throws {
    if specs.isEmpty && !all { throw ValidationError("give runs to export, or --all") }
    if !specs.isEmpty && all { throw ValidationError("give runs or --all, not both") }
  }

  func run() throws {
    let store = RunStore(path: try runs.resolve())
    let selected: [Run]
    if all {
      selected = store.runs().filter { [.completed, .error, .terminated].contains($0.status) }
      if selected.isEmpty { throw GageError.notFound("no finished runs in \(store.path)") }
    } else {
      selected = try specs.map { try store.select($0) }
    }
    let exporter = Exporter(agent: "gage \(Gage.version)", progress: ArchiveProgress(label: "export"))
    do {
      let summary = try exporter.export(selected, to: output)
      let runsWord = summary.runIDs.count == 1 ? "run" : "runs"
      Console.print(
        "exported \(summary.runIDs.count) \(runsWord) (\(summary.files) files, \(ArchiveProgress.size(summary.bytes))) to \(output)")
    } catch let error as ArchiveError {
      throw GageError.invalidData(error.message)
    }
  }
}
