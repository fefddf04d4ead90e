/// What `gage run --preview` shows: the files that would be staged, those left out and
/// why, the config, the command. Nothing is written.
public struct RunPreview: Sendable {
  /// The operation.
  public var opdef: OpDef
  /// The run command.
  public var command: CommandSpec
  /// The config that would be applied.
  public var config: [String: JSONValue]
  /// The source selection.
  public var selection: SourceSelection
  /// The project dir.
  public var projectDir: String
  /// The runs dir.
  public var runsDir: String
  /// Whether the source is selected by git.
  public var isGit: Bool

  /// Computes the preview of a planned run.
  public init(plan: RunPlanner.Plan) {
    let op = plan.operation
    opdef = op.opdef
    command = op.command ?? op.opdef.exec.run ?? .argv([])
    config = op.config
    projectDir = plan.gageFile.projectDir
    runsDir = op.runsDir ?? ""
    selection = plan.scan.selection
    isGit = plan.scan.isGit
  }

  /// The preview as JSON (the form of `gage run --preview --json`).
  public var json: JSONValue {
    .object([
      "operation": .string(opdef.name),
      "project": .string(projectDir),
      "runs_dir": .string(runsDir),
      "command": command.json,
      "phases": .object(Dictionary(uniqueKeysWithValues: opdef.exec.commands.map { ($0.key.rawValue, $0.value.json) })),
      "config": .object(config),
      "files": .array(selection.files.map { .object(["path": .string($0.path), "size": .int($0.size), "link": .bool($0.isLink)]) }),
      "excluded": .array(selection.excluded.map { .object(["path": .string($0.path), "reason": .string($0.reason)]) }),
      "total_bytes": .int(selection.totalBytes),
      "vcs": isGit ? .string("git") : .null,
    ])
  }
}
