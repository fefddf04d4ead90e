import Foundation
import GageKit

#if canImport(Glibc)
  import Glibc
#endif

/// What a finished command did.
public struct CommandResult: Sendable, CustomStringConvertible {
  /// Everything it wrote to stdout, as written (names from `git ls-files -z` may not be
  /// UTF-8).
  public var stdoutBytes: [UInt8]
  /// Everything it wrote to stdout, decoded as UTF-8.
  public var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
  /// Everything it wrote to stderr.
  public var stderr: String
  /// Its exit code (128+N when signal N ended it, as a shell reports it).
  public var exitCode: Int32
  /// The signal that ended it, if one did.
  public var signal: Int32?
  /// Whether it had to be killed because it outlived its timeout.
  public var timedOut: Bool

  /// stdout followed by stderr.
  public var output: String { stdout + stderr }

  public var description: String {
    "exit \(exitCode)\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
  }
}

/// Reads a process's stdout and stderr to the end on a thread of its own, so that neither
/// pipe can fill up while the test waits or sends signals.
private final class PipeReader: @unchecked Sendable {
  private let lock = NSLock()
  private var buffers: [[UInt8]] = [[], []]
  private var stopRequested = false
  private let done = DispatchSemaphore(value: 0)
  private let fds: [Int32]

  init(stdout: Int32, stderr: Int32) {
    fds = [stdout, stderr]
    let thread = Thread { [self] in self.loop() }
    thread.start()
  }

  private func loop() {
    var open = [true, true]
    var polls = [
      pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0),
      pollfd(fd: fds[1], events: Int16(POLLIN), revents: 0),
    ]
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while open[0] || open[1] {
      if shouldStop { break }
      for i in 0..<2 { polls[i].fd = open[i] ? fds[i] : -1 }
      let ready = poll(&polls, 2, 100)
      if ready < 0 && errno != EINTR { break }
      if ready <= 0 { continue }
      for i in 0..<2 where open[i] && polls[i].revents != 0 {
        let n = chunk.withUnsafeMutableBytes { read(fds[i], $0.baseAddress, $0.count) }
        if n < 0 {
          if errno == EINTR || errno == EAGAIN { continue }
          open[i] = false
        } else if n == 0 {
          open[i] = false
        } else {
          lock.lock()
          buffers[i].append(contentsOf: chunk[0..<n])
          lock.unlock()
        }
      }
    }
    done.signal()
  }

  private var shouldStop: Bool {
    lock.lock()
    defer { lock.unlock() }
    return stopRequested
  }

  /// Waits for both pipes to close, at most `seconds`; then stops reading.
  func finish(within seconds: Double) -> (stdout: [UInt8], stderr: [UInt8]) {
    if done.wait(timeout: .now() + seconds) == .timedOut {
      lock.lock()
      stopRequested = true
      lock.unlock()
      _ = done.wait(timeout: .now() + 1)
    }
    lock.lock()
    defer { lock.unlock() }
    return (buffers[0], buffers[1])
  }

  /// What has been read so far from stdout and stderr.
  var snapshot: (stdout: String, stderr: String) {
    lock.lock()
    defer { lock.unlock() }
    return (
      String(decoding: buffers[0], as: UTF8.self), String(decoding: buffers[1], as: UTF8.self)
    )
  }
}

/// Starts a `Process` from a thread of its own whose signal mask is exactly the one asked
/// for, because `posix_spawn` hands the calling thread's mask to the child.
private enum Launcher {
  private final class Outcome: @unchecked Sendable {
    var error: (any Error)?
  }

  private final class Box: @unchecked Sendable {
    let process: Process
    init(_ process: Process) { self.process = process }
  }

  static func run(_ process: Process, blockedSignals: [Int32]) throws {
    let outcome = Outcome()
    let box = Box(process)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      var mask = sigset_t()
      sigemptyset(&mask)
      for signal in blockedSignals { sigaddset(&mask, signal) }
      pthread_sigmask(SIG_SETMASK, &mask, nil)
      do {
        try box.process.run()
      } catch {
        outcome.error = error
      }
      done.signal()
    }
    thread.start()
    done.wait()
    if let error = outcome.error { throw error }
  }
}

/// A process started by a test, still running or finished.
public final class RunningProcess: @unchecked Sendable {
  private let process: Process
  private let reader: PipeReader
  private let outPipe: Pipe
  private let errPipe: Pipe

  /// Starts `executable` with `arguments` in `directory` with exactly `environment`; stdin
  /// gets `stdin` (then end of file), or `/dev/null` when nil. The process starts with only
  /// `blockedSignals` blocked, as from a shell (test threads block most signals, and a child
  /// inherits its parent thread's mask).
  public init(
    executable: String, arguments: [String], directory: String, environment: [String: String],
    stdin: String? = nil,
    blockedSignals: [Int32] = []
  ) throws {
    process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = environment
    outPipe = Pipe()
    errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    var inPipe: Pipe? = nil
    if stdin != nil {
      let pipe = Pipe()
      process.standardInput = pipe
      inPipe = pipe
    } else {
      process.standardInput = FileHandle.nullDevice
    }
    reader = PipeReader(
      stdout: outPipe.fileHandleForReading.fileDescriptor,
      stderr: errPipe.fileHandleForReading.fileDescriptor)
    try Launcher.run(process, blockedSignals: blockedSignals)
    if let inPipe, let stdin {
      let handle = inPipe.fileHandleForWriting
      try? handle.write(contentsOf: Data(stdin.utf8))
      try? handle.close()
    }
  }

  /// The process id.
  public var pid: pid_t { process.processIdentifier }

  /// Whether it is still running.
  public var isRunning: Bool { process.isRunning }

  /// Sends `signal` to the process.
  public func send(_ signal: Int32) {
    kill(pid, signal)
  }

  /// What it has written so far.
  public var outputSoFar: (stdout: String, stderr: String) { reader.snapshot }

  /// Waits for it to exit (killing it after `timeout` seconds) and for its pipes to close.
  public func wait(timeout: Double = 60) -> CommandResult {
    let deadline = Date().addingTimeInterval(timeout)
    var timedOut = false
    while process.isRunning {
      if Date() >= deadline {
        timedOut = true
        kill(pid, SIGKILL)
        break
      }
      usleep(5_000)
    }
    process.waitUntilExit()
    let (out, err) = reader.finish(within: 3)
    let signal: Int32? =
      process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil
    let code = signal.map { 128 + $0 } ?? process.terminationStatus
    return CommandResult(
      stdoutBytes: out, stderr: String(decoding: err, as: UTF8.self),
      exitCode: code, signal: signal, timedOut: timedOut)
  }
}

/// Runs programs from tests, capturing stdout, stderr and the exit code: the one way tests
/// start a process (`RunningProcess` for one that must keep running while the test works).
public enum Command {
  /// Runs `executable` with `arguments` in `directory` to the end (killed after `timeout`
  /// seconds). stdin gets `stdin`, or `/dev/null` when nil. A non-zero exit is not an error:
  /// the result says how it ended.
  public static func run(
    _ executable: String, _ arguments: [String], in directory: String,
    environment: [String: String] = ProcessInfo.processInfo.environment, stdin: String? = nil,
    timeout: Double = 60
  ) throws -> CommandResult {
    try RunningProcess(
      executable: executable, arguments: arguments, directory: directory, environment: environment,
      stdin: stdin
    ).wait(timeout: timeout)
  }

  /// The PID of a process (`/bin/true`) that has exited and been reaped: no process has it
  /// now (until the kernel hands it out again).
  public static func exitedPID() throws -> pid_t {
    let process = try RunningProcess(executable: "/bin/true", arguments: [], directory: "/", environment: [:])
    _ = process.wait()
    return process.pid
  }
}
