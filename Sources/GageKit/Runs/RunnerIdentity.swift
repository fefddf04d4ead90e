import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Who is running a run (`proc/runner.json`): host, PID and the process's start time, so a
/// lock is never misread on another host or after the PID is reused.
public struct RunnerIdentity: Sendable, Equatable {
  /// Host name.
  public var host: String
  /// Process id.
  public var pid: Int32
  /// Process start time in clock ticks since boot (`/proc/<pid>/stat` field 22), if known.
  public var startTime: UInt64?

  /// The identity of this process.
  public static func current() -> RunnerIdentity {
    let pid = getpid()
    return RunnerIdentity(host: hostName(), pid: pid, startTime: processStartTime(pid))
  }

  /// As JSON.
  public var json: JSONValue {
    var o: [String: JSONValue] = ["host": .string(host), "pid": .int(Int(pid))]
    if let startTime { o["start_time"] = .int(Int(startTime)) }
    return .object(o)
  }

  /// Read back from JSON.
  public init?(json: JSONValue) {
    guard case .string(let host) = json["host"] ?? .null, case .int(let pid) = json["pid"] ?? .null else { return nil }
    self.host = host
    self.pid = Int32(truncatingIfNeeded: pid)
    if case .int(let t) = json["start_time"] ?? .null { startTime = UInt64(t) } else { startTime = nil }
  }

  /// An identity.
  public init(host: String, pid: Int32, startTime: UInt64?) {
    self.host = host
    self.pid = pid
    self.startTime = startTime
  }

  /// Whether this identity names a live process on this host (same PID and start time).
  public var isAliveHere: Bool {
    guard host == RunnerIdentity.hostName() else { return false }
    guard kill(pid, 0) == 0 || errno == EPERM else { return false }
    // A killed runner that nobody reaped yet (a zombie) is dead.
    if RunnerIdentity.processState(pid) == "Z" { return false }
    if let startTime, let now = RunnerIdentity.processStartTime(pid) { return now == startTime }
    return true
  }

  /// This host's name.
  public static func hostName() -> String {
    var buf = [CChar](repeating: 0, count: 256)
    guard gethostname(&buf, buf.count - 1) == 0 else { return "localhost" }
    return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// The state letter of a process (`R`, `S`, `Z`...), from `/proc/<pid>/stat`.
  static func processState(_ pid: Int32) -> Character? {
    guard let text = FileIO.readTextIfPresent("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else {
      return nil
    }
    return text[text.index(after: close)...].split(separator: " ").first?.first
  }

  /// The start time of a process, from `/proc/<pid>/stat`.
  public static func processStartTime(_ pid: Int32) -> UInt64? {
    guard let text = FileIO.readTextIfPresent("/proc/\(pid)/stat"),
      let close = text.lastIndex(of: ")")
    else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // Fields after the command: state is field 3, start time is field 22.
    guard fields.count > 19 else { return nil }
    return UInt64(fields[19])
  }
}
