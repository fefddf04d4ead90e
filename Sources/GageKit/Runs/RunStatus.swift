import Foundation

/// The status of a run (SPEC §3).
public enum RunStatus: String, Sendable, CaseIterable {
  /// Initialized, not yet staged.
  case pending
  /// Staged, waiting to start.
  case staged
  /// Running now (here or on another host).
  case running
  /// Exit code 0.
  case completed
  /// Exit code > 0.
  case error
  /// Ended by a signal, or its runner died.
  case terminated
}

extension Run {
  /// The run's exit code, when it has finished.
  public var exitCode: Int32? {
    guard let text = FileIO.readTextIfPresent(metaPath(MetaFile.exit)) else { return nil }
    return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// The runner recorded in `proc/runner.json`.
  public var runner: RunnerIdentity? {
    guard let value = try? JSONValue.read(path: metaPath(MetaFile.runner)) else { return nil }
    return RunnerIdentity(json: value)
  }

  /// The status, by SPEC §3's rules: exit code, else a live runner, else timestamps.
  public var status: RunStatus {
    if let code = exitCode {
      return code == 0 ? .completed : (code > 0 ? .error : .terminated)
    }
    let started = FileIO.exists(metaPath(MetaFile.started))
    let locked = FileIO.exists(metaPath(MetaFile.lock))
    if started || locked {
      if let runner {
        if runner.host != RunnerIdentity.hostName() { return .running }
        if runner.isAliveHere { return .running }
      }
      return .terminated
    }
    if FileIO.exists(metaPath(MetaFile.staged)) { return .staged }
    return .pending
  }

  /// The host of a run that is running elsewhere.
  public var remoteRunnerHost: String? {
    guard let runner, runner.host != RunnerIdentity.hostName() else { return nil }
    return runner.host
  }

  /// A timestamp meta file (`initialized`, `staged`, `started`, `stopped`) in epoch µs.
  public func timestamp(_ name: String) -> Int64? {
    guard let text = FileIO.readTextIfPresent(metaPath(name)) else { return nil }
    return Int64(text.trimmingCharacters(in: .whitespacesAndNewlines))
  }
}
