import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// How a phase's output is handled.
public struct OutputOptions: Sendable {
  /// Echo output live to this process's stdout/stderr.
  public var echo: Bool
  /// Strip carriage-return progress updates from captured lines (`progress = "tqdm"`).
  public var stripProgress: Bool

  /// Output options.
  public init(echo: Bool = true, stripProgress: Bool = false) {
    self.echo = echo
    self.stripProgress = stripProgress
  }
}

/// Runs one phase of a run: the command in the run dir, output captured to
/// `output/NN_phase` with its index, `proc/lock` holding the PID while it runs.
public enum PhaseRunner {
  /// Runs `command` for `phase`; returns its exit code (minus the signal number when a
  /// signal ended it, or when this process forwarded Ctrl-C/SIGTERM to it).
  public static func run(
    _ run: Run, phase: Phase, command: CommandSpec, environment: [String: String],
    output: OutputOptions, lineObserver: ((String) -> Void)? = nil
  ) throws -> Int32 {
    let log = RunnerLog(run: run)
    try FileIO.makeDirectories(run.metaPath("output"))
    try FileIO.makeDirectories(run.runDir)
    let outputPath = run.metaPath("output", phase.outputName)
    let indexPath = outputPath + ".index"
    let capture = try OutputCapture(
      outputPath: outputPath, indexPath: indexPath, echo: output.echo,
      stripProgress: output.stripProgress, lineObserver: lineObserver)
    try log.log("Starting \(phase.rawValue) phase: \(command.display)")
    let child: ChildProcess
    do {
      child = try ChildProcess(arguments: command.arguments, directory: run.runDir, environment: environment)
    } catch let error as GageError {
      // A command that cannot start ends the phase like a shell would: exit code 127, the
      // reason in the phase's output (and on the terminal).
      let message = "gage: \(phase.rawValue) phase: \(error.message)\n"
      if output.echo { FileHandle.standardError.write(Data(message.utf8)) }
      try FileIO.append(message, to: outputPath)
      try finishOutput(outputPath: outputPath, indexPath: indexPath, lines: 1)
      try log.log("Could not start \(phase.rawValue) phase: \(error.message)")
      return 127
    }
    SignalForwarder.setTarget(child.pid)
    defer { SignalForwarder.setTarget(0) }
    let lockPath = run.metaPath(MetaFile.lock)
    try FileIO.write(String(child.pid), to: lockPath)
    var exitCode: Int32? = nil
    // A phase that outlives a forwarded Ctrl-C or SIGTERM by the grace period is killed.
    var signalledAt: UInt64? = nil
    var killed = false
    let grace = killGraceMillis()
    func escalate() {
      guard SignalForwarder.received != 0, !killed else { return }
      let now = RunClock.nowMillis()
      let since = signalledAt ?? now
      signalledAt = since
      if now - since >= grace {
        child.signalGroup(SIGKILL)
        killed = true
        try? log.log("The \(phase.rawValue) phase outlived the signal by \(grace / 1000) s; killed")
      }
    }
    try capture.capture(stdout: child.stdoutFD, stderr: child.stderrFD) {
      if exitCode == nil { exitCode = child.poll() }
      if exitCode == nil { escalate() }
      return exitCode != nil
    }
    while exitCode == nil {
      exitCode = child.poll()
      if exitCode == nil {
        escalate()
        usleep(20_000)
      }
    }
    var code = exitCode ?? child.wait()
    let signal = SignalForwarder.received
    if signal != 0 { code = -signal }
    try FileIO.removeFile(lockPath)
    try FileIO.makeReadOnly(outputPath)
    try FileIO.makeReadOnly(indexPath)
    try log.log("Finished \(phase.rawValue) phase (exit code \(code))")
    return code
  }

  /// How long a phase may run on after a forwarded signal before it is killed:
  /// `GAGE_KILL_GRACE` seconds (default 10).
  static func killGraceMillis() -> UInt64 {
    guard let text = ProcessInfo.processInfo.environment["GAGE_KILL_GRACE"], let seconds = Double(text), seconds >= 0 else {
      return 10_000
    }
    return UInt64(seconds * 1000)
  }

  /// Writes the index entry for a message line written into an output file by Gage itself.
  private static func finishOutput(outputPath: String, indexPath: String, lines: Int) throws {
    var entry: [UInt8] = []
    var be = RunClock.nowMillis().bigEndian
    withUnsafeBytes(of: &be) { entry.append(contentsOf: $0) }
    entry.append(1)
    let fd = open(indexPath, O_WRONLY | O_APPEND | O_CLOEXEC)
    guard fd >= 0 else { throw GageError.io(path: indexPath, operation: "open", errno: errno) }
    defer { close(fd) }
    try entry.withUnsafeBytes { try FileIO.writeAll(fd: fd, $0, path: indexPath) }
    try FileIO.makeReadOnly(outputPath)
    try FileIO.makeReadOnly(indexPath)
  }
}
