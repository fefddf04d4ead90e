import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Stops running runs from another process: SIGTERM to the run's verified runner (the
/// `gage` process that runs it, alive on this host with the recorded start time), which
/// passes it on to the process group it made for the phase and finalizes the run as
/// terminated. Nothing else is ever signalled: not a PID a lock names, not a group.
public enum RunStopper {
  /// What happened to one run.
  public enum Outcome: Sendable, Equatable {
    /// The signal went to this process.
    case signalled(pid: Int32)
    /// The run runs on another host; stop it there.
    case elsewhere(host: String)
    /// Nothing of the run is alive any more.
    case notRunning
    /// The run's process cannot be signalled (PID 1, this process).
    case refused(pid: Int32)
  }

  /// Sends `signal` to whatever verifiably runs `run`.
  public static func stop(_ run: Run, signal: Int32 = SIGTERM) -> Outcome {
    let reading = run.statusReading
    guard reading.status == .running else { return .notRunning }
    if let host = reading.host { return .elsewhere(host: host) }
    guard let pid = reading.process else { return .notRunning }
    guard ProcessSignals.isSignallable(pid) else { return .refused(pid: pid) }
    let sent = ProcessSignals.send(signal, to: pid) {
      let now = run.statusReading
      return now.status == .running && now.process == pid
    }
    return sent ? .signalled(pid: pid) : .notRunning
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
