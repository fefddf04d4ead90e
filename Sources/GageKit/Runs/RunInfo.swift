import Foundation

/// Everything known about one run: its listing record plus the details `gage show` prints
/// (command, attributes, comments, summary, files, source identity).
public struct RunInfo {
  /// The listing record.
  public var record: RunRecord
  /// User attributes (labels, comments, callback attributes).
  public var attributes: [String: JSONValue]
  /// Comments with their authors.
  public var comments: [RunComment]
  /// The run command.
  public var command: JSONValue?
  /// The manifest.
  public var manifest: Manifest
  /// The summary.
  public var summary: JSONValue
  /// The source identity (`source/git.json`), when recorded.
  public var source: JSONValue?
  /// What a replay recorded (`replay.json`): the original and the comparison.
  public var replay: JSONValue?
  /// Meta read from a zip is kept here for reading output.
  private let meta: RunMeta?

  /// Reads the details of `record`'s run.
  public init(record: RunRecord) {
    self.record = record
    let run = record.run
    let meta = try? RunMeta(run: run)
    self.meta = meta
    attributes = record.attributes
    comments = RunAnnotations(run: run).comments()
    command = try? meta?.json(MetaFile.cmd)
    manifest =
      meta?.text(MetaFile.manifest).flatMap { try? Manifest.parse($0) } ?? Manifest(entries: [])
    summary = (try? meta?.json(MetaFile.summary)) ?? .object([:])
    source = try? meta?.json(MetaFile.gitSource)
    replay = try? meta?.json(MetaFile.replay)
  }

  /// Reads a run's info from its files.
  public init(run: Run) {
    self.init(record: RunRecord.read(run: run))
  }

  /// The run.
  public var run: Run { record.run }
  /// The status.
  public var status: RunStatus { record.status }
  /// The exit code.
  public var exitCode: Int32? { record.exitCode }
  /// The operation's name.
  public var operation: String { record.operation }
  /// The label.
  public var label: String? { record.label }
  /// Timestamps (epoch µs).
  public var started: Int64? { record.started }
  /// When the run stopped.
  public var stopped: Int64? { record.stopped }
  /// The flat config.
  public var config: [String: JSONValue] { record.config }

  /// The output of `phase` (captured stdout and stderr), when it ran.
  public func output(_ phase: Phase = .run) -> String? {
    meta?.text("output/" + phase.outputName)
  }

  /// ISO 8601 UTC form of an epoch-µs timestamp.
  public static func iso(_ micros: Int64?) -> JSONValue {
    micros.map { .string(RunClock.iso(micros: $0)) } ?? .null
  }

  /// The run as a JSON object (documented in `docs/json.md`): the listing object plus
  /// `attributes`, `comments` with authors, `command`, `summary`, `files` and `source`.
  public func json(archiveName: String? = nil) -> JSONValue {
    guard case .object(var o) = record.json(archiveName: archiveName) else { return .null }
    o["attributes"] = .object(attributes)
    o["comments"] = .array(
      comments.map {
        .object([
          "id": .string($0.id), "author": .string($0.author), "message": .string($0.message),
          "time": $0.micros.map { .string(RunClock.iso(micros: $0)) } ?? .null,
        ])
      })
    o["summary"] = summary
    o["files"] = .array(
      manifest.entries.map {
        .object([
          "path": .string($0.path), "type": .string($0.type.label), "sha256": .string($0.digest),
        ])
      })
    if let command { o["command"] = command }
    if let source { o["source"] = source }
    if let replay { o["replay"] = replay }
    return .object(o)
  }

  /// The run as a JSON object.
  public var json: JSONValue { json() }
}
