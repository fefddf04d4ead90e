import Foundation

/// How a replay's generated files compare with the original's.
public struct ReplayComparison: Sendable, Equatable {
  /// Generated files with the original's digest.
  public var identical: [String] = []
  /// Generated files whose digest differs.
  public var differ: [String] = []
  /// Files the original generated that the replay did not.
  public var missing: [String] = []
  /// Files the replay generated that the original did not.
  public var new: [String] = []
  /// The original's exit code.
  public var originalExit: Int32
  /// The replay's exit code.
  public var exit: Int32

  /// Compares generated files (path → digest) and exit codes.
  public init(original: [String: String], replay: [String: String], originalExit: Int32, exit: Int32) {
    self.originalExit = originalExit
    self.exit = exit
    let order: (String, String) -> Bool = { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    for (path, digest) in original {
      switch replay[path] {
      case nil: missing.append(path)
      case digest: identical.append(path)
      default: differ.append(path)
      }
    }
    new = replay.keys.filter { original[$0] == nil }
    identical.sort(by: order)
    differ.sort(by: order)
    missing.sort(by: order)
    new.sort(by: order)
  }

  /// Whether every generated file is identical and the exit codes are equal.
  public var reproduced: Bool { differ.isEmpty && missing.isEmpty && new.isEmpty && exit == originalExit }

  /// `reproduced: N identical, M differ, K missing, L new`.
  public var summary: String {
    "reproduced: \(identical.count) identical, \(differ.count) differ, \(missing.count) missing, \(new.count) new"
  }

  /// The comparison as `replay.json` records it (with `of` added by the caller).
  public var json: [String: JSONValue] {
    let list: ([String]) -> JSONValue = { .array($0.map(JSONValue.string)) }
    return [
      "identical": .int(identical.count), "differ": list(differ), "missing": list(missing), "new": list(new),
      "original_exit": .int(Int(originalExit)), "exit": .int(Int(exit)), "reproduced": .bool(reproduced),
    ]
  }
}

/// Replays runs: a new run from the original's recorded source, operation, config, command
/// and environment (the project is not needed), whose generated files are then compared
/// with the original's digests. The new run's meta holds `replay.json`, written at finalize
/// before the seal.
public enum Replayer {
  /// The meta file of a replayed run.
  public static let metaFile = MetaFile.replay

  /// What a replay made.
  public struct Outcome: Sendable {
    /// The new run.
    public var run: Run
    /// Its comparison with the original.
    public var comparison: ReplayComparison
  }

  /// Replays `source` into `runsDir`. `archive` (the file the original came from, if any)
  /// is recorded in `replay.json`.
  public static func replay(
    _ source: ReplaySource, runsDir: String, archive: String? = nil, echo: Bool = true
  ) throws
    -> Outcome
  {
    var of: [String: JSONValue] = ["of": .string(source.original.id)]
    if let archive { of["archive"] = .string(FileIO.absolute(archive)) }
    let run = try RunDriver.makeRun(opref: source.opref, runsDir: runsDir) { run in
      try RunLifecycle.initRunMeta(run, opdef: source.meta.opdef, config: source.meta.config, command: source.meta.command)
      try FileIO.write(JSONValue.object(of).prettyPrinted(), to: run.metaPath(metaFile))
    }
    var comparison: ReplayComparison?
    let output = OutputOptions(echo: echo, stripProgress: source.meta.opdef.progress == "tqdm")
    let driver = RunDriver(
      output: output,
      beforeSeal: { run, manifest, code in
        let generated = Dictionary(
          uniqueKeysWithValues: manifest.entries.filter { $0.type == .generated }.map { ($0.path, $0.digest) })
        let result = ReplayComparison(original: source.generated, replay: generated, originalExit: source.exitCode, exit: code)
        comparison = result
        let path = run.metaPath(metaFile)
        try FileIO.makeWritable(path)
        try FileIO.write(JSONValue.object(result.json.merging(of) { _, new in new }).prettyPrinted(), to: path)
      })
    _ = try driver.drive(run, from: .replay(source))
    guard let comparison else { throw GageError.invalidData("run \(run.id) was finalized without its comparison") }
    return Outcome(run: run, comparison: comparison)
  }
}

extension Replayer.Outcome {
  /// `gage replay --json`: the comparison, the new run's id and the identical files
  /// (docs/json.md).
  public var json: JSONValue {
    var object = comparison.json
    object["run"] = .string(run.id)
    object["identical"] = .array(comparison.identical.map(JSONValue.string))
    return .object(object)
  }
}
