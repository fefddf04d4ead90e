import Foundation

#if canImport(Glibc)
  import Glibc
#endif

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
  /// The meta cannot be read (a corrupt or half-written file); the reason says which.
  case unknown

  /// Whether the status can no longer change: the run has its exit code (or its meta is
  /// unreadable, which only a person can mend).
  public var isFinal: Bool {
    switch self {
    case .completed, .error, .terminated: return true
    case .pending, .staged, .running, .unknown: return false
    }
  }
}

/// A run's status with what explains it.
public struct StatusReading: Sendable, Equatable {
  /// The status.
  public var status: RunStatus
  /// The exit code, once written.
  public var exitCode: Int32?
  /// Why the status is `unknown`.
  public var reason: String?
  /// The host of a run running elsewhere.
  public var host: String?

  /// Applies SPEC §3's rules to the meta files `exists` and `text` see: `proc/exit` (0
  /// completed, > 0 error, < 0 terminated); else a live runner (same host, PID and process
  /// start time, or a lock held on another host) → running, a dead one → terminated; else
  /// `started` → terminated; else `staged` → staged; else a runner of this host that died
  /// before staging finished → terminated; else pending.
  public static func read(exists: (String) -> Bool, text: (String) -> String?) -> StatusReading {
    let runner = text(MetaFile.runner).flatMap { try? JSONValue.parse($0) }.flatMap(
      RunnerIdentity.init(json:))
    var reading = StatusReading(status: .pending)
    if let exitText = text(MetaFile.exit) {
      let trimmed = exitText.trimmingCharacters(in: .whitespacesAndNewlines)
      if let code = Int32(trimmed) {
        reading.exitCode = code
        reading.status = code == 0 ? .completed : (code > 0 ? .error : .terminated)
        return reading
      }
      // An empty proc/exit is being written by a live runner; anything else is damage.
      if !(trimmed.isEmpty && runner?.isAliveHere == true) {
        reading.status = .unknown
        reading.reason =
          trimmed.isEmpty
          ? "proc/exit is empty" : "proc/exit holds \"\(trimmed.prefix(40))\", not an exit code"
        return reading
      }
    }
    let lock = text(MetaFile.lock)
    if lock != nil || exists(MetaFile.started) {
      if let runner {
        if runner.host != RunnerIdentity.hostName() {
          reading.status = .running
          reading.host = runner.host
        } else {
          reading.status = runner.isAliveHere ? .running : .terminated
        }
      } else if let lock, let pid = Int32(lock.trimmingCharacters(in: .whitespacesAndNewlines)),
        pid > 0,
        kill(pid, 0) == 0 || errno == EPERM
      {
        // Older Gage records no runner identity: a live lock PID is the best evidence.
        reading.status = .running
      } else {
        reading.status = .terminated
      }
      return reading
    }
    if exists(MetaFile.staged) {
      reading.status = .staged
    } else if let runner, runner.host == RunnerIdentity.hostName(), !runner.isAliveHere {
      // The runner that was making or staging the run died before staging finished.
      reading.status = .terminated
    } else {
      reading.status = .pending
    }
    return reading
  }
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

  /// The status and what explains it, read from the meta dir or zip.
  public var statusReading: StatusReading {
    if metaIsZip {
      guard let meta = try? RunMeta(run: self) else {
        return StatusReading(status: .unknown, reason: "\(metaDir) is not a readable zip")
      }
      return StatusReading.read(exists: meta.exists, text: meta.text)
    }
    return StatusReading.read(
      exists: { FileIO.exists(self.metaPath($0)) },
      text: { FileIO.readTextIfPresent(self.metaPath($0)) })
  }

  /// The status, by SPEC §3's rules (see `StatusReading.read`).
  public var status: RunStatus { statusReading.status }

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
