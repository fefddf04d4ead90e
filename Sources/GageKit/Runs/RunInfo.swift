import Foundation

/// What is known about a run, read from its meta dir: the data behind `gage show` and
/// every `--json` run object.
public struct RunInfo: Sendable {
  /// The run.
  public var run: Run
  /// Its opref, when readable.
  public var opref: OpRef?
  /// Its status.
  public var status: RunStatus
  /// Exit code, once finished.
  public var exitCode: Int32?
  /// Timestamps (epoch µs).
  public var initialized: Int64?
  public var staged: Int64?
  public var started: Int64?
  public var stopped: Int64?
  /// User attributes (labels, comments, callback attributes).
  public var attributes: [String: JSONValue]
  /// Flat config.
  public var config: [String: JSONValue]
  /// The run command.
  public var command: JSONValue?
  /// The manifest.
  public var manifest: Manifest
  /// The summary.
  public var summary: JSONValue
  /// The source identity (`source/git.json`), when recorded.
  public var source: JSONValue?

  /// Reads a run's info.
  public init(run: Run) {
    self.run = run
    opref = (FileIO.readTextIfPresent(run.metaPath(MetaFile.opref))).flatMap { try? OpRef.decode($0) }
    status = run.status
    exitCode = run.exitCode
    initialized = run.timestamp(MetaFile.initialized)
    staged = run.timestamp(MetaFile.staged)
    started = run.timestamp(MetaFile.started)
    stopped = run.timestamp(MetaFile.stopped)
    attributes = (try? AttributeLog(run: run).attributes()) ?? [:]
    config = (try? JSONValue.read(path: run.metaPath(MetaFile.config)))?.objectValue ?? [:]
    command = try? JSONValue.read(path: run.metaPath(MetaFile.cmd))
    manifest = (try? Manifest.read(path: run.metaPath(MetaFile.manifest))) ?? Manifest(entries: [])
    summary = (try? JSONValue.read(path: run.metaPath(MetaFile.summary))) ?? .object([:])
    source = try? JSONValue.read(path: run.metaPath(MetaFile.gitSource))
  }

  /// The operation's name.
  public var operation: String { opref?.name ?? "?" }

  /// The run's label, if any.
  public var label: String? { attributes["label"]?.stringValue }

  /// ISO 8601 UTC form of an epoch-µs timestamp.
  public static func iso(_ micros: Int64?) -> JSONValue {
    guard let micros else { return .null }
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return .string(f.string(from: RunClock.date(micros: micros)))
  }

  /// The run as a JSON object (documented in `docs/json.md`).
  public var json: JSONValue {
    var o: [String: JSONValue] = [
      "id": .string(run.id),
      "name": .string(run.name),
      "operation": .string(operation),
      "status": .string(status.rawValue),
      "initialized": RunInfo.iso(initialized),
      "staged": RunInfo.iso(staged),
      "started": RunInfo.iso(started),
      "stopped": RunInfo.iso(stopped),
      "label": label.map(JSONValue.string) ?? .null,
      "exit_code": exitCode.map { .int(Int($0)) } ?? .null,
      "config": .object(config),
      "attributes": .object(attributes),
      "run_dir": .string(run.runDir),
      "summary": summary,
      "files": .array(manifest.entries.map {
        .object(["path": .string($0.path), "type": .string($0.type.label), "sha256": .string($0.digest)])
      }),
    ]
    if let command { o["command"] = command }
    if let source { o["source"] = source }
    if let host = run.remoteRunnerHost { o["host"] = .string(host) }
    return .object(o)
  }
}
