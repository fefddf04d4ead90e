import Foundation
import GageKit

#if canImport(Glibc)
  import Glibc
#endif

/// Ports on the loopback interface, for the servers that tests start.
public enum LoopbackPort {
  /// A port nothing listens on now: the kernel's choice for a socket bound to port 0.
  public static func free() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw GageError.io(path: "socket", operation: "create", errno: errno) }
    defer { close(fd) }
    var address = loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0 else { throw GageError.io(path: "127.0.0.1:0", operation: "bind", errno: errno) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw GageError.io(path: "127.0.0.1:0", operation: "name", errno: errno) }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// Whether something accepts connections on 127.0.0.1:`port`.
  public static func accepts(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = loopback(port: port)
    let rc = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    return rc == 0
  }

  private static func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    return address
  }
}

/// `git daemon` serving the bare repositories under a directory on 127.0.0.1, pushes
/// allowed, until `stop()`.
public final class GitDaemon: @unchecked Sendable {
  /// Its port.
  public let port: Int
  /// The directory whose repositories it serves.
  public let basePath: String
  private let process: RunningProcess
  private let lock = NSLock()
  private var stopped = false

  private init(port: Int, basePath: String, process: RunningProcess) {
    self.port = port
    self.basePath = basePath
    self.process = process
  }

  deinit {
    stop()
  }

  /// Starts a daemon for the repositories under `basePath` on a free port and waits until
  /// it accepts connections.
  public static func start(basePath: String) throws -> GitDaemon {
    var failures: [String] = []
    for _ in 0..<3 {  // another test may take the port between choosing and binding it
      let port = try LoopbackPort.free()
      let process = try RunningProcess(
        executable: GitRepo.executable,
        arguments: [
          "daemon", "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)", "--base-path=\(basePath)",
          "--export-all", "--enable=receive-pack", "--informative-errors",
        ],
        directory: basePath, environment: GitRepo.environment())
      if Poll.until(timeout: 10, { LoopbackPort.accepts(port) || !process.isRunning }), process.isRunning {
        return GitDaemon(port: port, basePath: basePath, process: process)
      }
      process.send(SIGKILL)
      failures.append("port \(port): \(process.wait(timeout: 5))")
    }
    throw GageError.exec("git daemon did not start:\n\(failures.joined(separator: "\n"))")
  }

  /// `git://127.0.0.1:PORT/name`.
  public func url(_ repoName: String) -> String {
    "git://127.0.0.1:\(port)/\(repoName)"
  }

  /// Stops the daemon and waits for it to exit.
  public func stop() {
    lock.lock()
    defer { lock.unlock() }
    guard !stopped else { return }
    stopped = true
    process.send(SIGTERM)
    _ = process.wait(timeout: 10)
  }
}

/// An OpenSSH server on 127.0.0.1 with a host key and one authorized client key of its
/// own, serving git over SSH as the current user, until `stop()`.
public final class SSHServer: @unchecked Sendable {
  static let sshd = "/usr/sbin/sshd"

  /// Whether tests can start one: running as root (sshd's privilege separation needs it)
  /// with `/usr/sbin/sshd` and `ssh-keygen` installed.
  public static var isAvailable: Bool {
    geteuid() == 0 && access(sshd, X_OK) == 0 && HostTools.findOnPath("ssh-keygen") != nil
  }

  /// Why `isAvailable` is false, for a skipped test to say.
  public static var unavailableReason: String {
    if geteuid() != 0 { return "sshd needs root (its privilege separation); the tests run as uid \(geteuid())" }
    if access(sshd, X_OK) != 0 { return "\(sshd) is not installed (openssh-server)" }
    if HostTools.findOnPath("ssh-keygen") == nil { return "ssh-keygen is not installed" }
    return "available"
  }

  /// Its port.
  public let port: Int
  /// The user clients log in as: the current user.
  public let user: String
  /// The directory holding its configuration, keys and log.
  public let dir: String
  /// The private key the server accepts (its public key is in `dir/authorized_keys`).
  public let clientKeyPath: String
  /// The host key's `known_hosts` line: `[127.0.0.1]:PORT ssh-ed25519 AAAA...`.
  public let knownHostsLine: String
  /// sshd's log (`-E`).
  public let logPath: String
  private let pid: pid_t
  private let lock = NSLock()
  private var stopped = false

  private init(
    port: Int, user: String, dir: String, clientKeyPath: String, knownHostsLine: String, logPath: String, pid: pid_t
  ) {
    self.port = port
    self.user = user
    self.dir = dir
    self.clientKeyPath = clientKeyPath
    self.knownHostsLine = knownHostsLine
    self.logPath = logPath
    self.pid = pid
  }

  deinit {
    stop()
  }

  /// The current user's name.
  public static var currentUser: String {
    if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return ProcessInfo.processInfo.environment["USER"] ?? "root"
  }

  /// Makes an ed25519 key pair without a passphrase: `path` and `path.pub`.
  public static func generateKey(at path: String, comment: String = "gage-test") throws {
    try FileIO.makeDirectories((path as NSString).deletingLastPathComponent)
    let keygen = HostTools.findOnPath("ssh-keygen") ?? "/usr/bin/ssh-keygen"
    let result = try Command.run(
      keygen, ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path], in: "/")
    guard result.exitCode == 0 else { throw GageError.exec("ssh-keygen failed: \(result)") }
  }

  /// The `type base64` part of a public key file.
  public static func publicKey(_ pubPath: String) throws -> String {
    let fields = try readFile(pubPath).split(separator: " ")
    guard fields.count >= 2 else { throw GageError.invalidData("\(pubPath) is not a public key") }
    return "\(fields[0]) \(fields[1])"
  }

  /// Starts sshd with keys and configuration made in `dir`, on a free port, and waits until
  /// it accepts connections.
  public static func start(in dir: String) throws -> SSHServer {
    try FileIO.makeDirectories(dir)
    let hostKey = FileIO.join(dir, "host_ed25519")
    let clientKey = FileIO.join(dir, "client_ed25519")
    let authorized = FileIO.join(dir, "authorized_keys")
    try generateKey(at: hostKey, comment: "gage-test-host")
    try generateKey(at: clientKey, comment: "gage-test-client")
    try writeFile(authorized, try publicKey(clientKey + ".pub") + " gage-test-client\n", mode: 0o600)
    // Privilege separation's empty directory (made by the package's service, which does
    // not run here).
    if !FileIO.exists("/run/sshd") {
      try FileIO.makeDirectories("/run/sshd")
      chmod("/run/sshd", 0o755)
    }
    var failures: [String] = []
    for attempt in 0..<3 {
      let port = try LoopbackPort.free()
      let config = FileIO.join(dir, "sshd_config")
      let log = FileIO.join(dir, "sshd-\(attempt).log")
      try writeFile(
        config,
        """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(hostKey)
        AuthorizedKeysFile \(authorized)
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin prohibit-password
        StrictModes no
        UsePAM no
        PidFile \(FileIO.join(dir, "sshd.pid"))
        LogLevel VERBOSE

        """)
      let pid = try spawn([sshd, "-D", "-f", config, "-E", log])
      let up = Poll.until(timeout: 10) { LoopbackPort.accepts(port) || hasExited(pid) }
      if up && !hasExited(pid) {
        return SSHServer(
          port: port, user: currentUser, dir: dir, clientKeyPath: clientKey,
          knownHostsLine: "[127.0.0.1]:\(port) \(try publicKey(hostKey + ".pub"))", logPath: log, pid: pid)
      }
      terminate(pid)
      failures.append("port \(port): \(FileIO.readTextIfPresent(log) ?? "no log")")
    }
    throw GageError.exec("sshd did not start:\n\(failures.joined(separator: "\n"))")
  }

  /// `ssh://USER@127.0.0.1:PORT/abs/path`.
  public func url(_ absolutePath: String) -> String {
    "ssh://\(user)@127.0.0.1:\(port)\(absolutePath.hasPrefix("/") ? "" : "/")\(absolutePath)"
  }

  /// Makes `home` a client of this server: `.ssh/id_ed25519` (mode 600) is the accepted
  /// key, `.ssh/known_hosts` holds the host key.
  public func installClient(home: String) throws {
    let ssh = FileIO.join(home, ".ssh")
    try FileIO.makeDirectories(ssh)
    chmod(ssh, 0o700)
    try writeFile(FileIO.join(ssh, "id_ed25519"), try readFile(clientKeyPath), mode: 0o600)
    try writeFile(FileIO.join(ssh, "id_ed25519.pub"), try readFile(clientKeyPath + ".pub"))
    try writeFile(FileIO.join(ssh, "known_hosts"), knownHostsLine + "\n")
  }

  /// sshd's log so far.
  public var log: String { FileIO.readTextIfPresent(logPath) ?? "" }

  /// Stops sshd (SIGTERM) and reaps it.
  public func stop() {
    lock.lock()
    defer { lock.unlock() }
    guard !stopped else { return }
    stopped = true
    Self.terminate(pid)
  }

  /// Starts `arguments` with `posix_spawn`: stdin, stdout and stderr on `/dev/null`, no
  /// signal blocked (a test thread's mask would be inherited, and sshd would then ignore
  /// SIGTERM), in a process group of its own.
  static func spawn(_ arguments: [String]) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var attrs = posix_spawnattr_t()
    posix_spawnattr_init(&attrs)
    defer { posix_spawnattr_destroy(&attrs) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for sig in [SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGHUP, SIGCHLD] { sigaddset(&defaults, sig) }
    posix_spawnattr_setsigdefault(&attrs, &defaults)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attrs, &empty)
    posix_spawnattr_setpgroup(&attrs, 0)
    posix_spawnattr_setflags(&attrs, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let envp = ProcessInfo.processInfo.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { envp.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, arguments[0], &actions, &attrs, argv, envp)
    guard rc == 0 else { throw GageError.exec("cannot start \(arguments[0]): \(String(cString: strerror(rc)))") }
    return pid
  }

  /// Whether `pid` (a child of this process) has exited; reaps it when it has.
  static func hasExited(_ pid: pid_t) -> Bool {
    var status: Int32 = 0
    let rc = waitpid(pid, &status, WNOHANG)
    return rc == pid || (rc < 0 && errno == ECHILD)
  }

  /// SIGTERM, then SIGKILL after 10 s; reaps the process.
  static func terminate(_ pid: pid_t) {
    guard !hasExited(pid) else { return }
    kill(pid, SIGTERM)
    if !Poll.until(timeout: 10, { hasExited(pid) }) {
      kill(pid, SIGKILL)
      _ = Poll.until(timeout: 5) { hasExited(pid) }
    }
  }
}
