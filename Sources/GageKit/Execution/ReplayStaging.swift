import Foundation

extension RunLifecycle {
  /// Stages a replay's files: the original's staged source files (each checked against its
  /// digest) with its source identity and config diff (`source/`, `log/patched`). The
  /// `stage-sourcecode` phase is not run again: what it made is part of the copied source,
  /// as is the config.
  static func stageRecordedFiles(_ run: Run, from source: ReplaySource) throws -> StagedFiles {
    let log = RunnerLog(run: run)
    try log.log("Replaying run \(source.original.id): copying its \(source.source.count) source files (see log/files)")
    let copied = try copyChecked(source.source, into: run, from: source.original)
    for name in [MetaFile.gitSource, MetaFile.gitPatch, MetaFile.excluded, MetaFile.patched] {
      let from = source.original.metaPath(name)
      guard FileIO.exists(from) else { continue }
      try FileIO.makeDirectories((run.metaPath(name) as NSString).deletingLastPathComponent)
      try FileIO.write(try FileIO.readBytes(from), to: run.metaPath(name), mode: FileIO.readOnlyMode)
    }
    if source.meta.opdef.exec.commands[.stageSourcecode] != nil {
      try log.log("The stage-sourcecode phase is not run again: what it made is part of the recorded source")
    }
    return StagedFiles(copied: copied, scanned: copied.mapValues(\.mtime))
  }

  /// Copies the original's `depends` files (each checked against its digest) and its
  /// `depends.json`.
  static func stageRecordedDependencies(_ run: Run, from source: ReplaySource) throws -> [String: FileCopier.Copied] {
    guard !source.dependencies.isEmpty else { return [:] }
    try RunnerLog(run: run).log("Copying its \(source.dependencies.count) dependency files (see depends.json)")
    let copied = try copyChecked(source.dependencies, into: run, from: source.original)
    try FileIO.write(
      try FileIO.readBytes(source.original.metaPath("depends.json")), to: run.metaPath("depends.json"),
      mode: FileIO.readOnlyMode)
    return copied
  }

  /// Copies `files` into the run dir; a copy whose digest is not the recorded one is an error.
  private static func copyChecked(
    _ files: [ReplaySource.File], into run: Run, from original: Run
  ) throws
    -> [String: FileCopier.Copied]
  {
    let copied = try FileCopier.copy(files.map(\.item), to: run.runDir)
    for file in files where copied[file.item.path]?.digest != file.digest {
      throw GageError.conflict(
        "\(file.item.path) in run \(original.id) does not match its recorded digest; the replay stopped")
    }
    return copied
  }
}
