import Foundation

/// Callbacks at lifecycle points (seed `000`); each may write run attributes.
public struct OperationCallbacks: Sendable {
  /// Called once the run's meta is initialized, before staging.
  public var runInitialized: (@Sendable (Operation, Run) throws -> Void)?
  /// Called when output capture of the run phase is set up; the returned closure, if any,
  /// sees every line of the run's output.
  public var initOutputSummary: (@Sendable (Operation, Run) throws -> (@Sendable (String) -> Void)?)?

  /// Callbacks.
  public init(
    runInitialized: (@Sendable (Operation, Run) throws -> Void)? = nil,
    initOutputSummary: (@Sendable (Operation, Run) throws -> (@Sendable (String) -> Void)?)? = nil
  ) {
    self.runInitialized = runInitialized
    self.initOutputSummary = initOutputSummary
  }
}

/// An operation to run: what `gage run` builds from a Gage file, and what library users
/// build directly (seed `000`: command args, an optional run dir, environment, callbacks).
public struct Operation: Sendable {
  /// The operation's definition.
  public var opdef: OpDef
  /// The run command; defaults to the opdef's `run` phase.
  public var command: CommandSpec?
  /// Where the run dir goes; default `<runsDir>/<id>`.
  public var runDir: String?
  /// The runs dir (used when `runDir` is nil).
  public var runsDir: String?
  /// Project dir whose source is staged; nil stages no source.
  public var projectDir: String?
  /// Environment variables added to the run (on top of the opdef's `env`).
  public var env: [String: String]
  /// Configuration values set by the user (`KEY=VALUE`).
  public var config: [String: JSONValue]
  /// Lifecycle callbacks.
  public var callbacks: OperationCallbacks
  /// Echo phase output live.
  public var echo: Bool
  /// Labels recorded as the run's `label` attribute.
  public var label: String?

  /// An operation running `command` (seed `000`: `op.cmd_args`).
  public init(
    command: CommandSpec? = nil, opdef: OpDef = OpDef(name: "op"), runDir: String? = nil, runsDir: String? = nil,
    projectDir: String? = nil, env: [String: String] = [:], config: [String: JSONValue] = [:],
    callbacks: OperationCallbacks = OperationCallbacks(), echo: Bool = true, label: String? = nil
  ) {
    self.command = command
    self.opdef = opdef
    self.runDir = runDir
    self.runsDir = runsDir
    self.projectDir = projectDir
    self.env = env
    self.config = config
    self.callbacks = callbacks
    self.echo = echo
    self.label = label
  }

  /// The opref recorded for runs of this operation.
  public var opref: OpRef {
    let ns = projectDir.map { ($0 as NSString).lastPathComponent } ?? ""
    return OpRef(namespace: ns, name: opdef.name, version: opdef.version)
  }
}

/// Runs operations through the whole lifecycle.
public enum Runner {
  /// Stages and runs `op` to the end; returns the finalized run and its exit code.
  /// - Parameter scan: the project's source scan, when the caller already made it (to show
  ///   totals or ask before staging); scanned anew otherwise.
  public static func run(_ op: Operation, scan: SourceScan? = nil) throws -> (run: Run, exitCode: Int32) {
    SignalForwarder.install()
    let run = try initRun(op)
    let output = OutputOptions(echo: op.echo, stripProgress: op.opdef.progress == "tqdm")
    if let code = try stageOrFinalize(run, op: op, scan: scan, output: output) {
      return (run, code)
    }
    let code = try start(run, operation: op, output: output)
    return (run, code)
  }

  /// Stages `op` without starting it; the staged run can start later with `start(_:)`.
  /// When a staging phase fails, the run is finalized with that phase's exit code.
  public static func stage(_ op: Operation, scan: SourceScan? = nil) throws -> Run {
    SignalForwarder.install()
    let run = try initRun(op)
    _ = try stageOrFinalize(
      run, op: op, scan: scan, output: OutputOptions(echo: op.echo, stripProgress: op.opdef.progress == "tqdm"))
    return run
  }

  /// Starts a staged run from its meta alone (the project is not needed), runs it and
  /// finalizes it; returns its exit code.
  public static func start(_ run: Run, echo: Bool = true) throws -> Int32 {
    try start(run, operation: nil, output: OutputOptions(echo: echo))
  }

  private static func start(_ run: Run, operation: Operation?, output: OutputOptions) throws -> Int32 {
    SignalForwarder.install()
    var observer: ((String) -> Void)? = nil
    if let op = operation, let cb = op.callbacks.initOutputSummary {
      observer = try cb(op, run)
    }
    let code = try RunLifecycle.execRun(run, output: output, lineObserver: observer)
    try RunLifecycle.finalizeRun(run, exitCode: code, output: output)
    return run.exitCode ?? code
  }

  /// Makes the run, writes its meta and user attributes, calls `runInitialized`.
  static func initRun(_ op: Operation) throws -> Run {
    guard let command = op.command ?? op.opdef.exec.run else {
      throw GageError.invalidInput("operation \"\(op.opdef.name)\" has no run command (exec)")
    }
    let run: Run
    if let runDir = op.runDir {
      run = try RunLifecycle.makeRun(opref: op.opref, runDir: runDir)
    } else {
      let runsDir = op.runsDir ?? FileIO.join(NSHomeDirectory(), ".gage/runs")
      run = try RunLifecycle.makeRun(opref: op.opref, runsDir: runsDir)
    }
    do {
      if let project = op.projectDir { try RunLifecycle.associateProject(run, projectDir: project) }
      let env = op.opdef.env.merging(op.env) { _, new in new }
      try RunLifecycle.initRunMeta(run, opdef: op.opdef, config: op.config, command: RunCommand(command, env: env))
      if let label = op.label { try run.writeAttribute("label", .string(label)) }
      try op.callbacks.runInitialized?(op, run)
    } catch {
      try? RunnerLog(run: run).log("Initializing the run failed: \(error)")
      throw error
    }
    return run
  }

  /// Stages; on a failed phase or error finalizes the run and returns its exit code.
  private static func stageOrFinalize(_ run: Run, op: Operation, scan: SourceScan?, output: OutputOptions) throws
    -> Int32?
  {
    do {
      try RunLifecycle.stageRun(run, projectDir: op.projectDir, scan: scan, output: output)
      let signal = SignalForwarder.received
      guard signal == 0 else {
        try? RunnerLog(run: run).log("Interrupted by signal \(signal) while staging")
        try RunLifecycle.finalizeRun(run, exitCode: -signal, output: output)
        return -signal
      }
      return nil
    } catch let failure as PhaseFailure {
      try? RunnerLog(run: run).log("The \(failure.phase.rawValue) phase failed (exit code \(failure.exitCode)); later phases skipped")
      try RunLifecycle.finalizeRun(run, exitCode: failure.exitCode, output: output)
      return failure.exitCode
    } catch {
      try? RunnerLog(run: run).log("Staging failed: \(error)")
      // Nothing ran: the partial copy goes (freeing a full disk), the run ends as an error.
      do {
        try RunLifecycle.discardStaged(run)
        try RunLifecycle.finalizeRun(run, exitCode: 1, output: output)
      } catch let cleanup {
        try? RunnerLog(run: run).log("Could not clear the failed staging: \(cleanup)")
      }
      throw error
    }
  }
}
