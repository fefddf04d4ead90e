import Foundation

/// Drives a run through the lifecycle (`RunLifecycle`): makes and inits it, stages it from a
/// `RunSource`, execs and finalizes it, with Ctrl-C, SIGTERM and SIGHUP forwarded to its
/// phases (`SignalForwarder`). A signal during staging, or a staging phase that fails,
/// finalizes the run at once with the exit code that means (minus the signal, the phase's
/// code) and says so in `log/runner`; an error while staging removes what was staged,
/// finalizes the run as an error (1) and is rethrown.
struct RunDriver {
  /// How the phases' output is echoed and captured.
  var output: OutputOptions
  /// Called before the `run` phase starts; returns an observer of its output lines, if any.
  var observeRun: ((Run) throws -> ((String) -> Void)?)? = nil
  /// Called at finalize before the seal, with the final manifest and the exit code the run
  /// is finalized with; meta files it writes are sealed.
  var beforeSeal: ((Run, Manifest, Int32) throws -> Void)? = nil

  /// Makes a run in `runDir`, or in a new dir under `runsDir`, and writes its meta with
  /// `initialize`; a failure to initialize is logged in the run's `log/runner` and rethrown.
  static func makeRun(
    opref: OpRef, runDir: String? = nil, runsDir: String, initialize: (Run) throws -> Void
  )
    throws -> Run
  {
    SignalForwarder.install()
    let run =
      try runDir.map { try RunLifecycle.makeRun(opref: opref, runDir: $0) }
      ?? RunLifecycle.makeRun(opref: opref, runsDir: runsDir)
    do {
      try initialize(run)
    } catch {
      try? RunnerLog(run: run).log("Initializing the run failed: \(error)")
      throw error
    }
    return run
  }

  /// Stages, execs and finalizes `run`; returns its exit code.
  func drive(_ run: Run, from source: RunSource) throws -> Int32 {
    if let code = try stage(run, from: source) { return code }
    return try finish(run)
  }

  /// Stages `run`: returns nil once it is staged, or the exit code it was finalized with
  /// when a signal or a failed phase ended staging.
  func stage(_ run: Run, from source: RunSource) throws -> Int32? {
    SignalForwarder.install()
    let log = RunnerLog(run: run)
    do {
      try RunLifecycle.stage(run, from: source, output: output)
      let signal = SignalForwarder.received
      guard signal == 0 else {
        try? log.log("Interrupted by signal \(signal) while staging")
        try finalize(run, exitCode: -signal)
        return -signal
      }
      return nil
    } catch let failure as PhaseFailure {
      try? log.log("The \(failure.phase.rawValue) phase failed (exit code \(failure.exitCode)); later phases skipped")
      try finalize(run, exitCode: failure.exitCode)
      return failure.exitCode
    } catch {
      try? log.log("Staging failed: \(error)")
      // Nothing ran: the partial copy goes (freeing a full disk), the run ends as an error.
      do {
        try RunLifecycle.discardStaged(run)
        try finalize(run, exitCode: 1)
      } catch let cleanup {
        try? log.log("Could not clear the failed staging: \(cleanup)")
      }
      throw error
    }
  }

  /// Execs a staged run and finalizes it; returns its exit code.
  func finish(_ run: Run) throws -> Int32 {
    SignalForwarder.install()
    let observer = try observeRun?(run)
    let code = try RunLifecycle.execRun(run, output: output, lineObserver: observer)
    try finalize(run, exitCode: code)
    return run.exitCode ?? code
  }

  private func finalize(_ run: Run, exitCode: Int32) throws {
    try RunLifecycle.finalizeRun(run, exitCode: exitCode, output: output) { manifest in
      try beforeSeal?(run, manifest, exitCode)
    }
  }
}
