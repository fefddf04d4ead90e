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

/// Runs operations through the whole lifecycle (with `RunDriver`).
public enum Runner {
  /// Stages and runs `op` to the end; returns the finalized run and its exit code.
  public static func run(_ op: Operation) throws -> (run: Run, exitCode: Int32) {
    try run(op, from: .project(op.projectDir, scan: nil))
  }

  /// Stages and runs a planned run to the end, from the source its plan scanned; returns the
  /// finalized run and its exit code.
  public static func run(_ plan: RunPlanner.Plan) throws -> (run: Run, exitCode: Int32) {
    try run(plan.operation, from: plan.source)
  }

  /// Stages `op` without starting it; the staged run can start later with `start(_:)`.
  /// When a staging phase fails, the run is finalized with that phase's exit code.
  public static func stage(_ op: Operation) throws -> Run {
    try stage(op, from: .project(op.projectDir, scan: nil))
  }

  /// Stages a planned run without starting it, from the source its plan scanned.
  public static func stage(_ plan: RunPlanner.Plan) throws -> Run {
    try stage(plan.operation, from: plan.source)
  }

  /// Starts a staged run from its meta alone (the project is not needed), runs it and
  /// finalizes it; returns its exit code.
  public static func start(_ run: Run, echo: Bool = true) throws -> Int32 {
    try RunDriver(output: OutputOptions(echo: echo)).finish(run)
  }

  private static func run(_ op: Operation, from source: RunSource) throws -> (run: Run, exitCode: Int32) {
    let run = try initRun(op)
    return (run, try driver(op).drive(run, from: source))
  }

  private static func stage(_ op: Operation, from source: RunSource) throws -> Run {
    let run = try initRun(op)
    _ = try driver(op).stage(run, from: source)
    return run
  }

  /// The driver of `op`'s runs: its output options, and its `initOutputSummary` callback
  /// observing the run phase.
  private static func driver(_ op: Operation) -> RunDriver {
    let observe = op.callbacks.initOutputSummary.map { callback in { (run: Run) in try callback(op, run) } }
    return RunDriver(output: OutputOptions(echo: op.echo, stripProgress: op.opdef.progress == "tqdm"), observeRun: observe)
  }

  /// Makes the run, writes its meta and user attributes, calls `runInitialized`.
  static func initRun(_ op: Operation) throws -> Run {
    guard let command = op.command ?? op.opdef.exec.run else {
      throw GageError.invalidInput("operation \"\(op.opdef.name)\" has no run command (exec)")
    }
    let runsDir = op.runsDir ?? FileIO.join(NSHomeDirectory(), ".gage/runs")
    return try RunDriver.makeRun(opref: op.opref, runDir: op.runDir, runsDir: runsDir) { run in
      if let project = op.projectDir { try RunLifecycle.associateProject(run, projectDir: project) }
      let env = op.opdef.env.merging(op.env) { _, new in new }
      try RunLifecycle.initRunMeta(run, opdef: op.opdef, config: op.config, command: RunCommand(command, env: env))
      if let label = op.label { try run.writeAttribute("label", .string(label)) }
      try op.callbacks.runInitialized?(op, run)
    }
  }
}
