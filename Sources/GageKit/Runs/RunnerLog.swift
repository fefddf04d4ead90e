import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `log/runner`: one line per lifecycle event, `%Y-%m-%dT%H:%M:%S%z <message>`.
///
/// Each line is written (appended) as it happens, so a crash loses nothing; the file stays
/// open between events of one run in this process, and is closed before the run is sealed.
public struct RunnerLog {
  /// The log file.
  public let path: String

  /// The runner log of `run`.
  public init(run: Run) {
    path = run.metaPath(MetaFile.runnerLog)
  }

  /// Appends one event.
  public func log(_ message: String) throws {
    try OpenLogs.shared.append("\(RunClock.logTimestamp()) \(message)\n", to: path)
  }

  /// Closes the log (before the run is sealed: nothing is written to it afterwards).
  public func close() {
    OpenLogs.shared.close(path)
  }
}

/// Append-only files kept open by path.
private final class OpenLogs: @unchecked Sendable {
  static let shared = OpenLogs()
  private let lock = NSLock()
  private var fds: [String: Int32] = [:]

  func append(_ text: String, to path: String) throws {
    lock.lock()
    defer { lock.unlock() }
    let fd: Int32
    if let open = fds[path] {
      fd = open
    } else {
      if fds.count >= 16, let (oldPath, oldFD) = fds.first {
        Glibc.close(oldFD)
        fds[oldPath] = nil
      }
      fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
      guard fd >= 0 else { throw GageError.io(path: path, operation: "open", errno: errno) }
      fds[path] = fd
    }
    let bytes = Array(text.utf8)
    try bytes.withUnsafeBytes { try FileIO.writeAll(fd: fd, $0, path: path) }
  }

  func close(_ path: String) {
    lock.lock()
    defer { lock.unlock() }
    if let fd = fds.removeValue(forKey: path) { Glibc.close(fd) }
  }
}
