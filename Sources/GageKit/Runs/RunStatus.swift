import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The status of a run (`docs/run-layout.md`).
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
  /// The process whose life was verified for a run running here: its runner (this tool),
  /// or the PID in the lock of a run Python Gage runs. The only process `gage stop` signals.
  public var process: Int32?

  /// Applies the status rules of `docs/lifecycle.md` to the meta files `exists` and `text` see: `proc/exit` (0
  /// completed, > 0 error, < 0 terminated); else, once started or locked, a runner of this
  /// host and boot whose PID lives with the recorded start time → running, a runner of
  /// another host → running there, any other → terminated; else `staged` → staged; else a
  /// runner of this host that died before staging finished → terminated; else pending. A
  /// `proc/runner.json` holding impossible values makes an unfinished run unknown.
  public static func read(exists: (String) -> Bool, text: (String) -> String?) -> StatusReading {
    var runner: RunnerIdentity?
    var runnerProblem: String?
    if let runnerText = text(MetaFile.runner) {
      switch RunnerIdentity.parse(text: runnerText) {
      case .success(let identity): runner = identity
      case .failure(let invalid): runnerProblem = invalid.reason
      }
    }
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
    if let runnerProblem {
      reading.status = .unknown
      reading.reason = runnerProblem
      return reading
    }
    let lock = text(MetaFile.lock)
    if lock != nil || exists(MetaFile.started) {
      if let runner {
        if runner.host != HostIdentity.current.name {
          reading.status = .running
          reading.host = runner.host
        } else if runner.isAliveHere {
          reading.status = .running
          reading.process = runner.pid
        } else {
          reading.status = .terminated
        }
      } else if let lock, let pid = legacyLockProcess(lock, started: text(MetaFile.started)) {
        reading.status = .running
        reading.process = pid
      } else {
        reading.status = .terminated
      }
      return reading
    }
    if exists(MetaFile.staged) {
      reading.status = .staged
    } else if let runner, runner.isOfThisBoot, !runner.isAliveHere {
      // The runner that was making or staging the run died before staging finished.
      reading.status = .terminated
    } else {
      reading.status = .pending
    }
    return reading
  }

  /// How far a locked process's start may be from the run's `started` time.
  static let lockStartSlack: ClosedRange<Int64> = -5_000_000...60_000_000

  /// The PID of a lock written without a runner identity (by Python Gage), when it names a
  /// live process here that started when the run did: a PID reused since, or a lock
  /// carried from another host, names a process started at another time.
  static func legacyLockProcess(_ lock: String, started: String?) -> Int32? {
    guard let pid = Int32(lock.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
      let startedText = started, let startedMicros = RunClock.micros(startedText),
      let stat = ProcessStat(pid: pid), stat.state != "Z", let processStart = stat.startMicros
    else { return nil }
    let (offset, overflow) = processStart.subtractingReportingOverflow(startedMicros)
    guard !overflow, lockStartSlack.contains(offset) else { return nil }
    return pid
  }
}

extension Run {
  /// The run's exit code, when it has finished.
  public var exitCode: Int32? {
    guard let text = FileIO.readTextIfPresent(metaPath(MetaFile.exit)) else { return nil }
    return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// The runner recorded in `proc/runner.json`, when it holds a possible one.
  public var runner: RunnerIdentity? {
    guard let text = FileIO.readTextIfPresent(metaPath(MetaFile.runner)) else { return nil }
    return try? RunnerIdentity.parse(text: text).get()
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

  /// The status, by the rules of `docs/lifecycle.md` (see `StatusReading.read`).
  public var status: RunStatus { statusReading.status }

  /// The host of a run that is running elsewhere.
  public var remoteRunnerHost: String? {
    guard let runner, runner.host != HostIdentity.current.name else { return nil }
    return runner.host
  }

  /// A timestamp meta file (`initialized`, `staged`, `started`, `stopped`) in epoch µs;
  /// nil when absent or not a possible time (see `RunClock.micros`).
  public func timestamp(_ name: String) -> Int64? {
    guard let text = FileIO.readTextIfPresent(metaPath(name)) else { return nil }
    return RunClock.micros(text)
  }
}
