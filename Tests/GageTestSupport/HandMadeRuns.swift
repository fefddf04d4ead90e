import Foundation
import GageKit

/// A run written by hand in the layouts other Gage versions leave (docs/run-layout.md), for tests of
/// reading runs dirs: meta files by path, plus `.user` entries and `.move` markers.
public struct HandMadeRun: Sendable {
  /// The run id.
  public var id: String
  /// Meta files: path → content (e.g. `opref`, `proc/exit`).
  public var meta: [String: String]
  /// Attribute log entries: file name → JSON text.
  public var user: [String: String] = [:]
  /// Move marker names (`<time-uuid>-<container>`).
  public var moves: [String] = []
  /// Run dir files: path → content.
  public var files: [String: String] = [:]

  /// A finished run of `op` that started at `started` (epoch µs) and exited with `exit`.
  public init(
    id: String = RunID.make(), opref: String = "2 proj train", started: Int64, exit: String? = "0",
    config: String = "{}", summary: String? = nil
  ) {
    self.id = id
    meta = [
      MetaFile.schema: "1", MetaFile.id: id, MetaFile.opref: opref, MetaFile.config: config,
      MetaFile.initialized: String(started - 2000), MetaFile.staged: String(started - 1000),
      MetaFile.started: String(started), MetaFile.cmd: "\"python train.py\"", MetaFile.env: "{}",
    ]
    if let exit {
      meta[MetaFile.exit] = exit
      meta[MetaFile.stopped] = String(started + 5_000_000)
      meta[MetaFile.summary] = summary ?? "{}"
    }
  }

  /// The run name.
  public var name: String { RunID.name(for: id) }

  /// Writes the run as Gage writes it today: `<id>/`, `<id>.meta/`, sidecars.
  @discardableResult
  public func write(in runsDir: String) throws -> Run {
    let run = Run(id: id, runDir: FileIO.join(runsDir, id))
    try writeMetaDir(run.metaDir)
    try writeCommon(run, runsDir: runsDir)
    return run
  }

  /// Writes the run as Python Gage 0.1.2 leaves a deleted run: renamed to
  /// `<id>.meta.deleted`, `<id>.deleted` (and `<id>.user.deleted`).
  public func writeRenamedDeleted(in runsDir: String) throws {
    let base = FileIO.join(runsDir, id)
    try writeMetaDir(base + ".meta.deleted")
    try FileIO.makeDirectories(base + ".deleted")
    for (path, text) in files { try writeFile(FileIO.join(base + ".deleted", path), text) }
    for (name, text) in user { try writeFile(FileIO.join(base + ".user.deleted", name), text) }
  }

  /// Writes the run as later Gage keeps a finished run: the meta as a stored zip,
  /// `<id>.meta.zip`.
  public func writeZipped(in runsDir: String) throws {
    let run = Run(id: id, runDir: FileIO.join(runsDir, id))
    let entries = meta.keys.sorted().map { ($0, Array(meta[$0, default: ""].utf8)) }
    try FileIO.makeDirectories(runsDir)
    try FileIO.write(StoredZip.bytes(entries), to: run.metaDir + ".zip")
    try writeCommon(run, runsDir: runsDir)
  }

  private func writeMetaDir(_ dir: String) throws {
    try FileIO.makeDirectories(dir)
    for (path, text) in meta { try writeFile(FileIO.join(dir, path), text) }
  }

  private func writeCommon(_ run: Run, runsDir: String) throws {
    try FileIO.makeDirectories(run.runDir)
    for (path, text) in files { try writeFile(FileIO.join(run.runDir, path), text) }
    for (name, text) in user { try writeFile(FileIO.join(run.userDir, name), text) }
    for marker in moves {
      try FileIO.makeDirectories(run.moveDir)
      try FileIO.write("", to: FileIO.join(run.moveDir, marker))
    }
  }
}
