import Foundation

extension RunLifecycle {
  /// What staging knows of the run dir's files (path → mtime) and the digests of those it
  /// copied, kept up to date so that the dir is walked again only after something else
  /// could change it.
  struct StagedFiles {
    /// Files staging copied, with their digests.
    var copied: [String: FileCopier.Copied] = [:]
    /// Every file of the run dir, path → mtime.
    var scanned: [String: Int64] = [:]
  }

  /// Stages a run from its project dir (nil: no source files); `scan` is the project's
  /// source scan when the caller already made it. See `stage(_:from:output:)`.
  public static func stageRun(
    _ run: Run, projectDir: String?, scan: SourceScan? = nil, output: OutputOptions = OutputOptions()
  ) throws {
    try stage(run, from: .project(projectDir, scan: scan), output: output)
  }

  /// Stages a run: puts the source's files in the run dir (see `RunSource`) and logs them as
  /// type `s`, runs `stage-runtime`, copies the dependencies and runs `stage-dependencies`,
  /// writes the manifest and `staged`. Run files are read-only afterwards. Throws
  /// `PhaseFailure` when a phase fails.
  static func stage(_ run: Run, from source: RunSource, output: OutputOptions) throws {
    let log = RunnerLog(run: run)
    let recorded = try meta(run)
    let opdef = recorded.opdef
    let files = FilesLog(run: run)
    try FileIO.makeDirectories(run.runDir)
    try writeRunner(run)
    let env = try phaseEnvironment(run)

    var staged = try source.stageFiles(run, meta: recorded, env: env, output: output)
    try files.record(.source, scanned: staged.scanned)
    if try runHook(run, opdef: opdef, phase: .stageRuntime, env: env, output: output) {
      staged.scanned = try RunDirScanner.modificationTimes(run.runDir)
      try files.record(.runtime, scanned: staged.scanned)
    }
    let dependencies = try source.stageDependencies(run, opdef: opdef)
    staged.copied.merge(dependencies) { _, new in new }
    let hookRan = try runHook(run, opdef: opdef, phase: .stageDependencies, env: env, output: output)
    if hookRan || !dependencies.isEmpty {
      staged.scanned = try RunDirScanner.modificationTimes(run.runDir)
      try files.record(.dependency, scanned: staged.scanned)
    }

    try log.log("Finalizing staged files (see manifest)")
    let manifest = try buildManifest(run, known: staged.copied, scanned: staged.scanned)
    try FileIO.write(manifest.text, to: run.metaPath(MetaFile.manifest))
    try makeRunFilesReadOnly(run, manifest: manifest)
    try writeTimestamp(MetaFile.staged, run: run)
    RunIndex.noteChanged(run)
  }

  /// After staging failed with an error (a copy that ran out of disk or over a file size
  /// limit, a config file that cannot be patched): removes whatever was staged, so that no
  /// partial copy is left behind and its space is freed, and records an empty manifest when
  /// there is none, so that the run can be finalized as failed.
  public static func discardStaged(_ run: Run) throws {
    try FileIO.removeTree(run.runDir)
    try FileIO.makeDirectories(run.runDir)
    let manifest = run.metaPath(MetaFile.manifest)
    if !FileIO.exists(manifest) { try FileIO.write(Manifest(entries: []).text, to: manifest) }
  }
}
