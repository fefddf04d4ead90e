import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Who is running a run (`proc/runner.json`): host, boot id, PID and the process's start
/// time, so a lock is never misread on another host, after a reboot, or after the PID is
/// reused.
public struct RunnerIdentity: Sendable, Equatable {
  /// Host name.
  public var host: String
  /// Process id.
  public var pid: Int32
  /// Process start time in clock ticks since boot (`/proc/<pid>/stat` field 22), if known.
  public var startTime: UInt64?
  /// The kernel's boot id when the runner started, if known.
  public var bootID: String?

  /// The identity of this process.
  public static func current() -> RunnerIdentity {
    let pid = getpid()
    return RunnerIdentity(
      host: HostIdentity.current.name, pid: pid, startTime: ProcessStat(pid: pid)?.startTime,
      bootID: HostIdentity.current.bootID)
  }

  /// As JSON.
  public var json: JSONValue {
    var o: [String: JSONValue] = ["host": .string(host), "pid": .int(Int(pid))]
    if let startTime, let t = Int(exactly: startTime) { o["start_time"] = .int(t) }
    if let bootID { o["boot_id"] = .string(bootID) }
    return .object(o)
  }

  /// Read back from JSON; nil when any field is missing or impossible (see `parse`).
  public init?(json: JSONValue) {
    guard case .success(let identity) = Self.parse(json) else { return nil }
    self = identity
  }

  /// An identity.
  public init(host: String, pid: Int32, startTime: UInt64?, bootID: String? = nil) {
    self.host = host
    self.pid = pid
    self.startTime = startTime
    self.bootID = bootID
  }

  /// Why a `proc/runner.json` cannot be read as a runner.
  public struct Invalid: Error, Sendable, Equatable {
    /// What is wrong, for messages.
    public var reason: String
  }

  /// Reads a runner from JSON, every number checked: a host name, a PID in 1...Int32.max,
  /// a start time that is a non-negative integer (or absent), a boot id string (or absent).
  public static func parse(_ json: JSONValue) -> Result<RunnerIdentity, Invalid> {
    func invalid(_ reason: String) -> Result<RunnerIdentity, Invalid> {
      .failure(Invalid(reason: "proc/runner.json \(reason)"))
    }
    guard json.objectValue != nil else { return invalid("is not a JSON object") }
    guard case .string(let host) = json["host"] ?? .null, !host.isEmpty, host.utf8.count <= 255 else {
      return invalid("has no host name")
    }
    guard case .int(let rawPID) = json["pid"] ?? .null, let pid = Int32(exactly: rawPID), pid > 0 else {
      return invalid("holds an impossible pid")
    }
    var startTime: UInt64?
    switch json["start_time"] ?? .null {
    case .null: startTime = nil
    case .int(let t):
      guard let value = UInt64(exactly: t) else { return invalid("holds an impossible start_time") }
      startTime = value
    default: return invalid("holds an impossible start_time")
    }
    var bootID: String?
    switch json["boot_id"] ?? .null {
    case .null: bootID = nil
    case .string(let id) where id.utf8.count <= 64: bootID = id
    default: return invalid("holds an impossible boot_id")
    }
    return .success(RunnerIdentity(host: host, pid: pid, startTime: startTime, bootID: bootID))
  }

  /// Reads a runner from the text of `proc/runner.json`.
  public static func parse(text: String) -> Result<RunnerIdentity, Invalid> {
    do {
      return parse(try JSONValue.parse(text))
    } catch {
      return .failure(Invalid(reason: "proc/runner.json is not valid JSON"))
    }
  }

  /// Whether the runner ran on this host since its last boot (else its PID means nothing
  /// here). A runner that recorded no boot id is taken at its host name.
  public var isOfThisBoot: Bool {
    guard host == HostIdentity.current.name else { return false }
    if let bootID, let now = HostIdentity.current.bootID { return bootID == now }
    return true
  }

  /// Whether this identity names a live process on this host: same host and boot, the
  /// PID alive (not a zombie) and started at the recorded time. A runner without a start
  /// time cannot be told from a reused PID and is never taken as alive.
  public var isAliveHere: Bool {
    guard isOfThisBoot, let startTime, let stat = ProcessStat(pid: pid) else { return false }
    return stat.state != "Z" && stat.startTime == startTime
  }

  /// This host's name.
  public static func hostName() -> String {
    HostIdentity.current.name
  }
}
