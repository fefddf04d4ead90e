import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Stops running runs from another process: SIGTERM to the run's runner (the `gage`
/// process that ran it), which passes it on to the run's process group and finalizes the
/// run as terminated. When the runner is gone but the phase process lives on, the signal
/// goes to that process's group (the run then reads terminated: its runner is dead).
public enum RunStopper {
  /// What happened to one run.
  public enum Outcome: Sendable, Equatable {
    /// The signal went to this process.
    case signalled(pid: Int32)
    /// The run runs on another host; stop it there.
    case elsewhere(host: String)
    /// Nothing of the run is alive any more.
    case notRunning
  }

  /// Sends SIGTERM to whatever runs `run`.
  public static func stop(_ run: Run, signal: Int32 = SIGTERM) -> Outcome {
    if let runner = run.runner {
      if runner.host != RunnerIdentity.hostName() { return .elsewhere(host: runner.host) }
      if runner.isAliveHere, kill(runner.pid, signal) == 0 { return .signalled(pid: runner.pid) }
    }
    if let lock = FileIO.readTextIfPresent(run.metaPath(MetaFile.lock)),
      let pid = Int32(lock.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0, kill(pid, 0) == 0
    {
      kill(-pid, signal)
      kill(pid, signal)
      return .signalled(pid: pid)
    }
    return .notRunning
  }

  /// Waits until `run` no longer reads running, up to `timeout` seconds; returns whether it
  /// stopped.
  public static func wait(_ run: Run, timeout: Double) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if run.status != .running { return true }
      usleep(50_000)
    }
    return run.status != .running
  }
}
