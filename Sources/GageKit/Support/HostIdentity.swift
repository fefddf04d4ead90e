import CGageSys
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Where a process id means something: the host name, the kernel's boot id (a reboot
/// reuses every PID) and the PID namespace (a container sees other PIDs than its host).
/// Two processes sharing a runs dir (over NFS, on a cluster, through a bind mount) judge
/// each other's PIDs only when their identities are equal.
public struct HostIdentity: Sendable, Equatable {
  /// Host name.
  public var name: String
  /// `/proc/sys/kernel/random/boot_id`, if readable.
  public var bootID: String?
  /// The PID namespace (`pid:[4026531836]`), if readable.
  public var pidNamespace: String?

  /// An identity.
  public init(name: String, bootID: String?, pidNamespace: String?) {
    self.name = name
    self.bootID = bootID
    self.pidNamespace = pidNamespace
  }

  /// This process's identity (read once).
  public static let current = HostIdentity(
    name: hostName(),
    bootID: FileIO.readTextIfPresent("/proc/sys/kernel/random/boot_id")?.trimmingCharacters(in: .whitespacesAndNewlines),
    pidNamespace: FileIO.readLinkIfPresent("/proc/self/ns/pid"))

  /// This process's tag (hashed once: every atomic write names its temporary with it).
  public static let currentTag = current.tag

  /// Eight hex digits naming the identity in temporary file names: equal tags mean the PID
  /// in the same name can be checked here.
  public var tag: String {
    let text = [name, bootID ?? "", pidNamespace ?? ""].joined(separator: "\n")
    return String(FileDigest.hex(text.utf8).prefix(8))
  }

  /// Whether `s` has the shape of a tag.
  static func isTag(_ s: Substring) -> Bool {
    s.utf8.count == 8 && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
  }

  /// This host's name.
  public static func hostName() -> String {
    var buf = [CChar](repeating: 0, count: 256)
    guard gethostname(&buf, buf.count - 1) == 0 else { return "localhost" }
    return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

/// The only ways this tool sends a signal: to one process it has verified, or to a process
/// group it created. Neither ever reaches PID 0 or 1, a negative PID, or this process.
public enum ProcessSignals {
  /// Whether `pid` may be signalled at all: a positive PID other than init's and ours.
  public static func isSignallable(_ pid: Int32) -> Bool {
    pid > 1 && pid != getpid()
  }

  /// Sends `signal` to the single process `pid` (never a group) when `verify` still holds
  /// once the process is pinned by a pidfd, so that a PID reused between the check and
  /// the signal is never hit. False when refused, unverified or gone.
  @discardableResult
  public static func send(_ signal: Int32, to pid: Int32, verifiedBy verify: () -> Bool) -> Bool {
    guard isSignallable(pid) else { return false }
    let fd = gage_pidfd_open(pid)
    guard fd >= 0 else {
      // Kernels before 5.3 have no pidfd: check, then signal.
      return errno == ENOSYS && verify() && kill(pid, signal) == 0
    }
    defer { close(fd) }
    return verify() && gage_pidfd_send_signal(fd, signal) == 0
  }

  /// Sends `signal` to the process group led by `leader`, a child this process started in
  /// a group of its own.
  @discardableResult
  public static func sendToGroup(_ signal: Int32, leader: Int32) -> Bool {
    guard isSignallable(leader) else { return false }
    return kill(-leader, signal) == 0
  }

  /// Whether `pid` names a live process here (a zombie is dead).
  public static func isAlive(_ pid: Int32) -> Bool {
    guard pid > 0 else { return false }
    guard kill(pid, 0) == 0 || errno == EPERM else { return false }
    return ProcessStat(pid: pid)?.state != "Z"
  }
}

/// The fields of `/proc/<pid>/stat` this tool reads.
public struct ProcessStat: Sendable, Equatable {
  /// The state letter (`R`, `S`, `Z`...).
  public var state: Character
  /// The start time in clock ticks since boot (field 22).
  public var startTime: UInt64

  /// Reads `/proc/<pid>/stat`; nil when the process is gone or the file is unreadable.
  public init?(pid: Int32) {
    guard pid > 0, let text = FileIO.readTextIfPresent("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else {
      return nil
    }
    // Fields after the command: state is field 3, start time is field 22.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 19, let state = fields[0].first, let start = UInt64(fields[19]) else { return nil }
    self.state = state
    startTime = start
  }

  /// The start time as epoch microseconds (boot time plus ticks), if it can be computed.
  public var startMicros: Int64? {
    let ticks = sysconf(Int32(_SC_CLK_TCK))
    guard ticks > 0, let boot = Self.bootTime, let since = Int64(exactly: startTime) else { return nil }
    let (micros, overflow) = since.multipliedReportingOverflow(by: 1_000_000 / Int64(ticks))
    guard !overflow else { return nil }
    return boot * 1_000_000 + micros
  }

  /// The boot time in epoch seconds (`btime` of `/proc/stat`).
  static let bootTime: Int64? = {
    guard let text = FileIO.readTextIfPresent("/proc/stat") else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
      return Int64(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
    }
    return nil
  }()
}
