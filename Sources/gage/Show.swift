import ArgumentParser
import Foundation
import GageKit

/// `gage show`.
struct Show: ParsableCommand {
  /// One line about the source: commit, branch, dirty state, remote.
  static func describeSource(_ source: JSONValue) -> String {
    guard source["vcs"]?.stringValue == "git" else { return "not in git" }
    var parts: [String] = []
    parts.append(source["commit"]?.stringValue.map { String($0.prefix(12)) } ?? "no commit yet")
    if let branch = source["branch"]?.stringValue { parts.append("on \(branch)") } else { parts.append("detached") }
    if source["dirty"]?.boolValue == true {
      let untracked = source["untracked"]?.arrayValue?.count ?? 0
      parts.append(untracked > 0 ? "dirty, \(untracked) untracked" : "dirty")
    }
    if let path = source["path"]?.stringValue, !path.isEmpty { parts.append("in \(path)/") }
    if let remote = source["remote"]?.stringValue { parts.append("(\(remote))") }
    return parts.joined(separator: " ")
  }

  static let configuration = CommandConfiguration(
    abstract: "Show a run: its status, config, files with digests, and output.",
    discussion: "RUN is a 1-based index in the newest-first list, or a prefix of a run id or name (default: the latest run)."
  )

  @Argument(help: "The run to show.")
  var spec: String = "1"

  @Flag(help: "Print JSON.")
  var json = false

  @Option(help: "Lines of output to show (0: all).")
  var lines: Int = 40

  @OptionGroup var runs: RunsOptions

  func run() throws {
    let store = RunStore(path: try runs.resolve())
    let target = try store.select(spec)
    let info = RunInfo(run: target)
    if json {
      Console.print(info.json.prettyPrinted())
      return
    }
    func time(_ t: Int64?) -> String {
      guard let t else { return "-" }
      let f = DateFormatter()
      f.dateFormat = "yyyy-MM-dd HH:mm:ss"
      return f.string(from: RunClock.date(micros: t))
    }
    Console.print(Console.bold("\(info.run.name)") + "  \(info.run.id)")
    Console.print("operation:  \(info.operation)")
    var status = info.status.rawValue
    if let code = info.exitCode { status += " (exit code \(code))" }
    if let host = info.run.remoteRunnerHost { status += " on \(host)" }
    Console.print("status:     \(status)")
    if let label = info.label { Console.print("label:      \(label)") }
    Console.print("started:    \(time(info.started ?? info.staged ?? info.initialized))")
    Console.print("stopped:    \(time(info.stopped))")
    if let cmd = info.command { Console.print("command:    \(RunOp.render(cmd))") }
    Console.print("run dir:    \(info.run.runDir)")
    if let source = info.source {
      Console.print("source:     \(Self.describeSource(source))")
    }
    if !info.config.isEmpty {
      Console.print("")
      Console.print(Console.bold("Config"))
      for key in info.config.keys.sorted() { Console.print("  \(key) = \(RunOp.render(info.config[key] ?? .null))") }
    }
    if let metrics = info.summary["metrics"]?.objectValue, !metrics.isEmpty {
      Console.print("")
      Console.print(Console.bold("Metrics"))
      for key in metrics.keys.sorted() { Console.print("  \(key) = \(RunOp.render(metrics[key] ?? .null))") }
    }
    Console.print("")
    Console.print(Console.bold("Files"))
    if info.manifest.entries.isEmpty { Console.print("  (none)") }
    for e in info.manifest.entries {
      Console.print("  \(e.type.label.padding(toLength: 10, withPad: " ", startingAt: 0)) \(Console.dim(String(e.digest.prefix(12)))) \(e.path)")
    }
    let output = FileIO.readTextIfPresent(target.metaPath("output", Phase.run.outputName)) ?? ""
    Console.print("")
    Console.print(Console.bold("Output"))
    var outLines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if outLines.last == "" { outLines.removeLast() }
    if outLines.isEmpty { Console.print("  (none)") }
    if lines > 0 && outLines.count > lines {
      Console.print(Console.dim("  ... \(outLines.count - lines) earlier lines (gage show --lines 0 shows all)"))
      outLines = Array(outLines.suffix(lines))
    }
    for line in outLines { Console.print("  \(line)") }
  }
}
