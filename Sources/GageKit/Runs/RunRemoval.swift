import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Deleting, restoring and purging runs. A delete moves the run to the trash with a marker
/// (`docs/run-layout.md`); a permanent delete (and a purge) removes every file of the run.
public enum RunRemoval {
  /// Moves `record`'s run to the trash. A run that reads running is refused, unless it
  /// runs on another host and `force` says that host no longer runs it.
  public static func trash(_ record: RunRecord, force: Bool = false) throws {
    try refuseRunning(record, force: force)
    try RunMoves.move(record.run, to: RunMoves.trash)
  }

  /// Makes `record`'s run active again (from the trash or an archive). A run Python Gage
  /// deleted by renaming (`<id>.meta.deleted`) is renamed back, the only form Gage 0.1
  /// reads as restored.
  public static func restore(_ record: RunRecord) throws {
    if record.form.isRenamedDeleted {
      try renameBack(record)
    } else {
      try RunMoves.move(record.run, to: RunMoves.active)
    }
  }

  /// Removes every file of `record`'s run: the run dir, the meta, and its sidecars (a
  /// running run as `trash` says).
  public static func purge(_ record: RunRecord, force: Bool = false) throws {
    try refuseRunning(record, force: force)
    let base = FileIO.join(record.runsDir, record.id)
    // The meta first: without it, what is left is no longer a run.
    let order =
      [".meta", ".meta.zip", ".meta.deleted", ".meta.zip.deleted"]
      + RunFiles.suffixes.map(\.0).filter { !$0.hasPrefix(".meta") }
    for suffix in order {
      try FileIO.removeTree(base + suffix)
    }
    if let explicit = record.explicitRun {
      for path in [
        explicit.metaDir, explicit.runDir, explicit.userDir, explicit.moveDir,
        explicit.projectRefPath,
      ] {
        try FileIO.removeTree(path)
      }
    }
    RunIndex.noteChanged(record.run)
  }

  private static func refuseRunning(_ record: RunRecord, force: Bool) throws {
    guard record.status == .running else { return }
    guard let host = record.host else {
      throw GageError.conflict("run \(record.name) is running; stop it first (gage stop \(record.name))")
    }
    if !force {
      throw GageError.conflict(
        "run \(record.name) reads running on \(host); stop it there, or if \(host) no longer runs it, "
          + "delete it with --force")
    }
  }

  private static func renameBack(_ record: RunRecord) throws {
    let base = FileIO.join(record.runsDir, record.id)
    let pairs = [
      ".meta.deleted", ".meta.zip.deleted", ".deleted", ".user.deleted", ".project.deleted",
    ].map {
      (base + $0, base + String($0.dropLast(8)))
    }
    for (_, target) in pairs where FileIO.exists(target) && FileIO.exists(target + ".deleted") {
      throw GageError.conflict("cannot restore run \(record.name): \(target) exists")
    }
    for (source, target) in pairs where FileIO.exists(source) {
      if rename(source, target) != 0 {
        throw GageError.io(path: source, operation: "rename", errno: errno)
      }
    }
    RunIndex.noteChanged(record.run)
  }
}
