import ArgumentParser
import GageKit

extension Execution {
  /// `gage stop`.
  struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Stop running runs.",
      discussion: """
        Sends SIGTERM to the process running each run (as Ctrl-C would in its own shell); the
        run is finalized as terminated. Waits up to --timeout seconds for the runs to end.
          gage stop 1          stop the latest run
          gage stop -a         stop every running run
        """
    )

    @OptionGroup var selection: RunSelectionOptions

    @Option(
      help: ArgumentHelp(
        "Seconds to wait for the runs to end (0: do not wait).", valueName: "SECONDS"))
    var timeout: Double = 10

    @Flag(name: .shortAndLong, help: "Do not ask.")
    var yes = false

    @OptionGroup var runs: RunsOptions

    func validate() throws {
      try selection.requireRuns("to stop")
    }

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      let selected = try selection.query().select(catalog)
      let running = selected.filter { $0.record.status == .running }
      for (_, record) in selected where record.status != .running && !selection.runs.isEmpty {
        Console.note("Run \(Console.printable(record.name)) is \(record.status.rawValue), not running")
      }
      guard !running.isEmpty else {
        Console.note("Nothing to stop")
        return
      }
      if !yes && Console.stdinIsTerminal {
        try Confirmation.ask("stop \(Confirmation.count(running.count))", rows: running, yes: false)
      }
      var failures: [String] = []
      var signalled: [Run] = []
      for (_, record) in running {
        switch RunStopper.stop(record.run) {
        case .signalled: signalled.append(record.run)
        case .elsewhere(let host):
          failures.append("run \(record.name) runs on \(Console.printable(host)); stop it there")
        case .notRunning: Console.note("Run \(Console.printable(record.name)) had already ended")
        case .refused(let pid):
          failures.append("run \(record.name) is run by process \(pid), which gage never signals; stop it there")
        }
      }
      if timeout > 0 {
        for run in signalled where !RunStopper.wait(run, timeout: timeout) {
          failures.append("run \(run.name) is still running after \(Int(timeout)) seconds")
        }
      }
      Console.note("Stopped \(Confirmation.count(signalled.count))")
      if !failures.isEmpty { throw GageError.conflict(failures.joined(separator: "\n")) }
    }
  }
}
