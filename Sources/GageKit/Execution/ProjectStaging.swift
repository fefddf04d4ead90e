import Foundation

extension RunLifecycle {
  /// Stages a project's files: copies and hashes the source `scan` selects (scanned now when
  /// nil) with its identity (`source/`), runs `stage-sourcecode`, then applies the config
  /// (`log/patched`, `config.json` rewritten with the final values).
  static func stageProjectFiles(
    _ run: Run, projectDir: String?, scan: SourceScan?, meta recorded: Meta, env: [String: String],
    output: OutputOptions
  ) throws -> StagedFiles {
    let log = RunnerLog(run: run)
    let opdef = recorded.opdef
    var staged = StagedFiles()
    if let projectDir {
      let source =
        try scan
        ?? SourceScan.scan(
          projectDir: projectDir, spec: opdef.sourcecode,
          pruned: [
            (run.runDir as NSString).deletingLastPathComponent
          ])
      let chosen = source.selection
      try log.log("Copying source code (see log/files): \(chosen.files.count) files, \(chosen.totalBytes) bytes")
      let items = chosen.files.map { FileCopier.Item(source: FileIO.join(source.projectDir, $0.path), path: $0.path) }
      staged.copied = try FileCopier.copy(items, to: run.runDir)
      staged.scanned = staged.copied.mapValues(\.mtime)
      try FileIO.makeDirectories(run.metaPath("source"))
      try FileIO.write(chosen.excludedText, to: run.metaPath(MetaFile.excluded))
      let identity = try source.identity()
      try FileIO.write(identity.json.prettyPrinted(), to: run.metaPath(MetaFile.gitSource), mode: FileIO.readOnlyMode)
      if !identity.patch.isEmpty {
        try FileIO.write(identity.patch, to: run.metaPath(MetaFile.gitPatch), mode: FileIO.readOnlyMode)
      }
    }
    if try runHook(run, opdef: opdef, phase: .stageSourcecode, env: env, output: output) {
      staged.scanned = try RunDirScanner.modificationTimes(run.runDir)
    }

    try log.log("Applying configuration (see log/patched)")
    let values = recorded.config
    let applied = try ConfigStage.apply(opdef: opdef, values: values, runDir: run.runDir)
    if !applied.diff.isEmpty {
      try FileIO.write(applied.diff, to: run.metaPath(MetaFile.patched), mode: FileIO.readOnlyMode)
      staged.scanned = try RunDirScanner.modificationTimes(run.runDir)
    }
    if applied.config != values {
      let path = run.metaPath(MetaFile.config)
      try FileIO.makeWritable(path)
      try FileIO.writeAtomically(JSONValue.object(applied.config).prettyPrinted(), to: path, mode: FileIO.readOnlyMode)
    }
    return staged
  }

  /// Copies the dependencies the operation names (`depends.json`).
  static func stageProjectDependencies(
    _ run: Run, opdef: OpDef, projectDir: String?
  ) throws
    -> [String: FileCopier.Copied]
  {
    let runsDir = (run.runDir as NSString).deletingLastPathComponent
    let dependencies = try DependencyStager.stage(run, opdef: opdef, projectDir: projectDir, runsDir: runsDir)
    if !dependencies.isEmpty {
      try RunnerLog(run: run).log("Staged \(dependencies.count) dependency files (see depends.json)")
    }
    return dependencies
  }
}
