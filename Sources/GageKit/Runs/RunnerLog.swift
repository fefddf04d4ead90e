/// `log/runner`: one line per lifecycle event, `%Y-%m-%dT%H:%M:%S%z <message>`.
public struct RunnerLog {
  /// The log file.
  public let path: String

  /// The runner log of `run`.
  public init(run: Run) {
    path = run.metaPath(MetaFile.runnerLog)
  }

  /// Appends one event.
  public func log(_ message: String) throws {
    try FileIO.append("\(RunClock.logTimestamp()) \(message)\n", to: path)
  }
}
