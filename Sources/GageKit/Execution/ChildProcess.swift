import CGageSys
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A child process started in its own process group, with its stdout and stderr on pipes
/// and stdin on `/dev/null` (runs never wait for the terminal).
public final class ChildProcess {
  /// The child's PID (also its process group id).
  public let pid: pid_t
  /// Read end of the child's stdout.
  public let stdoutFD: Int32
  /// Read end of the child's stderr.
  public let stderrFD: Int32

  /// Starts `arguments` in `directory` with exactly `environment`. An argument or variable
  /// holding a NUL is refused: the child would see it cut at the NUL.
  public init(arguments: [String], directory: String, environment: [String: String]) throws {
    guard let program = arguments.first, !program.isEmpty else {
      throw GageError.exec("empty command")
    }
    if arguments.contains(where: { $0.utf8.contains(0) }) {
      throw GageError.exec("an argument of the command holds a NUL character; it cannot be passed to a program")
    }
    if let name = environment.first(where: { $0.key.utf8.contains(0) || $0.value.utf8.contains(0) })?.key {
      throw GageError.exec("the environment variable \(name) holds a NUL character; it cannot be passed to a program")
    }
    let executable = try ChildProcess.resolve(program, path: environment["PATH"])

    var outPipe: [Int32] = [0, 0]
    var errPipe: [Int32] = [0, 0]
    guard gage_pipe_cloexec(&outPipe) == 0 else { throw GageError.io(path: "pipe", operation: "create", errno: errno) }
    guard gage_pipe_cloexec(&errPipe) == 0 else {
      close(outPipe[0])
      close(outPipe[1])
      throw GageError.io(path: "pipe", operation: "create", errno: errno)
    }

    // Room for bursts of output, so a fast writer is not stopped at every 64 KiB.
    _ = gage_pipe_grow(outPipe[0], 1 << 20)
    _ = gage_pipe_grow(errPipe[0], 1 << 20)

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    gage_spawn_addchdir(&actions, directory)

    var attrs = posix_spawnattr_t()
    posix_spawnattr_init(&attrs)
    defer { posix_spawnattr_destroy(&attrs) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for sig in [SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGHUP, SIGXFSZ] { sigaddset(&defaults, sig) }
    posix_spawnattr_setsigdefault(&attrs, &defaults)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attrs, &empty)
    posix_spawnattr_setpgroup(&attrs, 0)
    posix_spawnattr_setflags(
      &attrs, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let argv = arguments.map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for p in envp { free(p) } }

    var child: pid_t = 0
    let rc = posix_spawn(&child, executable, &actions, &attrs, argv, envp)
    close(outPipe[1])
    close(errPipe[1])
    guard rc == 0 else {
      close(outPipe[0])
      close(errPipe[0])
      if rc == ENOENT { throw GageError.exec("\(program): command not found") }
      if rc == EACCES { throw GageError.exec("\(program): permission denied") }
      throw GageError.exec("cannot start \(program): \(String(cString: strerror(rc)))")
    }
    pid = child
    stdoutFD = outPipe[0]
    stderrFD = errPipe[0]
  }

  deinit {
    close(stdoutFD)
    close(stderrFD)
  }

  /// Finds `program` on `path` the way a shell would; names with `/` are used as they are.
  static func resolve(_ program: String, path: String?) throws -> String {
    if program.contains("/") {
      guard access(program, X_OK) == 0 else {
        if errno == ENOENT { throw GageError.exec("\(program): command not found") }
        throw GageError.exec("\(program): not executable")
      }
      return program
    }
    for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
      let candidate = "\(dir)/\(program)"
      var st = stat()
      if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
        return candidate
      }
    }
    throw GageError.exec("\(program): command not found on PATH")
  }

  /// Sends `signal` to the child's whole process group.
  public func signalGroup(_ signal: Int32) {
    ProcessSignals.sendToGroup(signal, leader: pid)
  }

  /// Waits for the child to exit (blocking); returns its exit code, or minus the signal
  /// number when a signal ended it.
  public func wait() -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      if errno != EINTR { return -1 }
    }
    return ChildProcess.exitCode(status)
  }

  /// The exit code for a wait status, or nil when the child has not exited yet.
  public func poll() -> Int32? {
    var status: Int32 = 0
    let rc = waitpid(pid, &status, WNOHANG)
    if rc == pid { return ChildProcess.exitCode(status) }
    return nil
  }

  static func exitCode(_ status: Int32) -> Int32 {
    let sig = status & 0x7F
    if sig == 0 { return (status >> 8) & 0xFF }
    return -sig
  }
}
