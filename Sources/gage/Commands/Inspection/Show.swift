import ArgumentParser
import Foundation
import GageKit

extension Inspection {
  /// `gage show`.
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show a run: its status, config, metrics, files with digests, and output.",
      discussion: """
        RUN is a 1-based index in the newest-first list, or a prefix of a run id or name
        (default: the latest run, or the latest matching --where).
        """
    )

    @Argument(help: "The run to show.")
    var spec: String = "1"

    @Option(
      name: [.customShort("w"), .long],
      help: ArgumentHelp("Pick among runs matching EXPR.", valueName: "EXPR"))
    var `where`: String?

    @OptionGroup var scope: ScopeOptions

    @Flag(help: "Print JSON (docs/json.md).")
    var json = false

    @Option(help: "Lines of output to show (0: all).")
    var lines: Int = 40

    @OptionGroup var runs: RunsOptions

    /// One line about the source: commit, branch, dirty state, remote (as recorded; the
    /// caller escapes it).
    static func describeSource(_ source: JSONValue) -> String {
      guard source["vcs"]?.stringValue == "git" else { return "not in git" }
      var parts: [String] = []
      parts.append(source["commit"]?.stringValue.map { String($0.prefix(12)) } ?? "no commit yet")
      if let branch = source["branch"]?.stringValue {
        parts.append("on \(branch)")
      } else {
        parts.append("detached")
      }
      if source["dirty"]?.boolValue == true {
        let untracked = source["untracked"]?.arrayValue?.count ?? 0
        parts.append(untracked > 0 ? "dirty, \(untracked) untracked" : "dirty")
      }
      if let path = source["path"]?.stringValue, !path.isEmpty { parts.append("in \(path)/") }
      if let remote = source["remote"]?.stringValue { parts.append("(\(remote))") }
      return parts.joined(separator: " ")
    }

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      let query = RunQuery(
        specs: [spec], filter: try RunSelectionOptions.filter(self.where), scope: scope.scope)
      let record = try query.one(catalog)
      let names = archiveNames(catalog.runsDir)
      let info = RunInfo(record: record)
      if json {
        Console.print(info.json(archiveName: names[record.container]).prettyPrinted())
        return
      }
      print(info, archiveName: names[record.container])
    }

    private func print(_ info: RunInfo, archiveName: String?) {
      let record = info.record
      func time(_ t: Int64?) -> String { t.map { RunClock.local(micros: $0) } ?? "-" }
      let shown = { (text: String) in Console.printable(text) }
      Console.print(Console.bold(shown(record.name)) + "  \(shown(record.id))")
      Console.print("operation:  \(shown(record.operation))")
      var status = record.status.rawValue
      if let code = record.exitCode { status += " (exit code \(code))" }
      if let host = record.host { status += " on \(host)" }
      if record.status == .unknown, let reason = record.reason { status += ": \(reason)" }
      Console.print("status:     \(shown(status))")
      if let label = record.label { Console.print("label:      \(shown(label))") }
      switch record.container {
      case RunMoves.active: break
      case RunMoves.trash: Console.print("location:   trash (gage restore \(shown(record.name)))")
      default: Console.print("location:   archive \(shown(archiveName ?? record.container))")
      }
      Console.print("started:    \(time(record.started ?? record.staged ?? record.initialized))")
      Console.print("stopped:    \(time(record.stopped))")
      if let cmd = info.command { Console.print("command:    \(shown(Console.text(cmd)))") }
      Console.print("run dir:    \(shown(record.run.runDir))")
      if let source = info.source {
        Console.print("source:     \(shown(Self.describeSource(source)))")
      }
      if let replay = info.replay, let of = replay["of"]?.stringValue {
        var line = "replay of:  \(RunID.label(of))"
        if let reproduced = replay["reproduced"]?.boolValue {
          let count: (String) -> Int = { replay[$0]?.arrayValue?.count ?? 0 }
          line += reproduced ? ", reproduced" : ", not reproduced"
          line +=
            " (\(replay["identical"]?.compact() ?? "0") identical, \(count("differ")) differ, \(count("missing")) missing, \(count("new")) new)"
        }
        Console.print(shown(line))
      }
      let config = record.config
      if !config.isEmpty {
        Console.print("")
        Console.print(Console.bold("Config"))
        for key in config.keys.sorted() {
          Console.print("  \(shown(key)) = \(shown(Console.text(config[key] ?? .null)))")
        }
      }
      let metrics = record.metrics
      if !metrics.isEmpty {
        Console.print("")
        Console.print(Console.bold("Metrics"))
        for key in metrics.keys.sorted() {
          Console.print("  \(shown(key)) = \(shown(Console.text(metrics[key] ?? .null)))")
        }
      }
      if !info.comments.isEmpty {
        Console.print("")
        Console.print(Console.bold("Comments"))
        for c in info.comments {
          Console.print(
            "  \(Console.dim("\(shown(c.id))  \(shown(c.author))  \(c.micros.map { RunClock.local(micros: $0) } ?? "unknown time")"))")
          for line in c.message.split(separator: "\n", omittingEmptySubsequences: false) {
            Console.print("    \(shown(String(line)))")
          }
        }
      }
      Console.print("")
      Console.print(Console.bold("Files"))
      if info.manifest.entries.isEmpty { Console.print("  (none)") }
      for e in info.manifest.entries {
        Console.print(
          "  \(e.type.label.padding(toLength: 10, withPad: " ", startingAt: 0)) \(Console.dim(String(e.digest.prefix(12)))) \(shown(e.path))"
        )
      }
      let output = info.output() ?? ""
      Console.print("")
      Console.print(Console.bold("Output"))
      var outLines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if outLines.last == "" { outLines.removeLast() }
      if outLines.isEmpty { Console.print("  (none)") }
      if lines > 0 && outLines.count > lines {
        Console.print(
          Console.dim("  ... \(outLines.count - lines) earlier lines (gage show --lines 0 shows all)")
        )
        outLines = Array(outLines.suffix(lines))
      }
      // The run's output, as text: its tabs kept, every other control escaped.
      for line in outLines { Console.print("  \(Console.printable(line, keeping: ["\t"]))") }
    }
  }
}
