/// What a run is staged from. Staging is the same for every source (`RunLifecycle.stage`);
/// the source decides which files go into the run dir first and where its dependencies
/// come from.
enum RunSource {
  /// The operation's project dir (nil: no source files): its files as `scan` selects them
  /// (nil: scanned when staged), then the `stage-sourcecode` phase and the config applied;
  /// its dependencies are those the operation names.
  case project(String?, scan: SourceScan?)
  /// A finished run's record: its staged source files and `depends` files, each checked
  /// against its digest, with its `source/` identity, `log/patched` and `depends.json`.
  case replay(ReplaySource)

  /// Puts the source's files into the run dir; returns them as staged (type `s`).
  func stageFiles(
    _ run: Run, meta: RunLifecycle.Meta, env: [String: String], output: OutputOptions
  ) throws
    -> RunLifecycle.StagedFiles
  {
    switch self {
    case .project(let projectDir, let scan):
      return try RunLifecycle.stageProjectFiles(
        run, projectDir: projectDir, scan: scan, meta: meta, env: env, output: output)
    case .replay(let source):
      return try RunLifecycle.stageRecordedFiles(run, from: source)
    }
  }

  /// Copies the source's dependencies into the run dir; returns them with their digests.
  func stageDependencies(_ run: Run, opdef: OpDef) throws -> [String: FileCopier.Copied] {
    switch self {
    case .project(let projectDir, _):
      return try RunLifecycle.stageProjectDependencies(run, opdef: opdef, projectDir: projectDir)
    case .replay(let source):
      return try RunLifecycle.stageRecordedDependencies(run, from: source)
    }
  }
}
