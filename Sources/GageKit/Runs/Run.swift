import Foundation

/// A run: its id and name, its run dir and its meta dir.
public struct Run: Sendable, Equatable, Hashable {
  /// The run id (UUID v4, lowercase).
  public let id: String
  /// The run dir: staged source and the files the run made.
  public let runDir: String
  /// The meta dir: everything known about the run.
  public let metaDir: String

  /// A run whose meta dir is `<runDir>.meta`.
  public init(id: String, runDir: String) {
    self.id = id
    self.runDir = runDir
    self.metaDir = runDir + ".meta"
  }

  /// A run with an explicit meta dir.
  public init(id: String, runDir: String, metaDir: String) {
    self.id = id
    self.runDir = runDir
    self.metaDir = metaDir
  }

  /// The run name (proquint of the id).
  public var name: String { RunID.name(for: id) }

  /// How messages name the run: `name (id8)` (`RunID.label`).
  public var nameAndID: String { RunID.label(id) }

  /// `<runDir>.user`: the append-only log of user attributes (`<id>.user.deleted` for a run
  /// Python Gage deleted by renaming).
  public var userDir: String { sidecar("user") }

  /// `<runDir>.project`: the back-reference to the project.
  public var projectRefPath: String { sidecar("project") }

  /// `<runDir>.move`: the run's move markers (`active`, `trash`, or an archive id).
  public var moveDir: String { sidecar("move") }

  /// Whether the meta is a zip (`<id>.meta.zip`, as later Gage stores finished runs).
  public var metaIsZip: Bool { metaDir.hasSuffix(".zip") || metaDir.hasSuffix(".zip.deleted") }

  /// Whether Python Gage deleted the run by renaming it (`<id>.meta.deleted`).
  public var isRenamedDeleted: Bool { metaDir.hasSuffix(".deleted") }

  /// `<runDir>.<name>`, following Python Gage's rule for renamed deleted runs.
  private func sidecar(_ name: String) -> String {
    if runDir.hasSuffix(".deleted") { return String(runDir.dropLast(8)) + "." + name + ".deleted" }
    return runDir + "." + name
  }

  /// A path inside the meta dir.
  public func metaPath(_ parts: String...) -> String {
    parts.reduce(metaDir) { FileIO.join($0, $1) }
  }
}

/// Names of the meta files (`docs/run-layout.md`), in one place.
public enum MetaFile {
  public static let schema = "__schema__"
  public static let id = "id"
  public static let opref = "opref"
  public static let opdef = "opdef.json"
  public static let config = "config.json"
  public static let cmd = "proc/cmd.json"
  public static let env = "proc/env.json"
  public static let exit = "proc/exit"
  public static let lock = "proc/lock"
  public static let runner = "proc/runner.json"
  public static let initialized = "initialized"
  public static let staged = "staged"
  public static let started = "started"
  public static let stopped = "stopped"
  public static let runnerLog = "log/runner"
  public static let filesLog = "log/files"
  public static let patched = "log/patched"
  public static let manifest = "manifest"
  public static let stagedManifest = "manifest.staged"
  public static let summary = "summary.json"
  public static let seal = "seal"
  public static let platform = "sys/platform.json"
  public static let gitSource = "source/git.json"
  public static let excluded = "source/excluded"
  public static let gitPatch = "source/diff.patch"
  public static let replay = "replay.json"
  /// The meta schema version written to `__schema__`.
  public static let schemaVersion = "1"
}
