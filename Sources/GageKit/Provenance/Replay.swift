import Foundation

/// A finished run's recorded inputs, checked and ready to be staged again
/// (`RunSource.replay`): its source files and `depends` files as they were staged (each
/// with its digest), its operation, config, command and environment.
public struct ReplaySource: Sendable {
  /// A file to copy from the original run dir, with the digest it must have.
  struct File: Sendable {
    var item: FileCopier.Item
    var digest: String
  }

  /// The original run.
  public let original: Run
  /// Its operation, config and command.
  public let meta: RunLifecycle.Meta
  /// Its opref.
  public let opref: OpRef
  /// Its staged source files (`s`): the project's files with the config applied.
  let source: [File]
  /// Its `depends` files (`d` files listed in `depends.json`).
  let dependencies: [File]
  /// Its generated files (`g`), path → digest.
  public let generated: [String: String]
  /// Its exit code.
  public let exitCode: Int32

  /// Reads and checks `original`: it must be finished and verify (files and seal), and the
  /// files it staged must still hold their staged bytes. Throws, naming the reason, when it
  /// cannot be replayed; nothing is made.
  public init(_ original: Run) throws {
    let label = "run \(original.name) (\(original.id.prefix(8)))"
    let check = RunVerifier().verify(original)
    if let reason = check.skipped { throw GageError.conflict("\(label) cannot be replayed: \(reason)") }
    guard check.ok else {
      let shown = check.problems.prefix(5).map { "\($0.kind.rawValue) \($0.shownPath)" }.joined(separator: ", ")
      throw GageError.conflict("\(label) no longer verifies (\(shown)); `gage verify` shows what changed; nothing was run")
    }
    guard let exit = original.exitCode else { throw GageError.conflict("\(label) has no exit code; it cannot be replayed") }
    self.original = original
    exitCode = exit
    meta = try RunLifecycle.meta(original)
    opref = try OpRef.decode(try FileIO.readText(original.metaPath(MetaFile.opref)))
    let final = try Manifest.read(path: original.metaPath(MetaFile.manifest))
    let finalDigests = final.digestsByPath
    let stagedPath = original.metaPath(MetaFile.stagedManifest)
    let staged = FileIO.exists(stagedPath) ? try Manifest.read(path: stagedPath) : final
    var source: [File] = []
    var stagedDigests: [String: String] = [:]
    for entry in staged.entries where entry.type == .source || entry.type == .dependency {
      stagedDigests[entry.path] = entry.digest
      guard entry.type == .source else { continue }
      guard finalDigests[entry.path] == entry.digest else {
        throw GageError.conflict(
          "\(label) cannot be replayed: its source file \(entry.path) was changed during the run and its staged bytes were not kept")
      }
      source.append(File(item: FileCopier.Item(source: FileIO.join(original.runDir, entry.path), path: entry.path), digest: entry.digest))
    }
    var dependencies: [File] = []
    if let depends = try? JSONValue.read(path: original.metaPath("depends.json")) {
      for record in depends.arrayValue ?? [] {
        for file in record["files"]?.arrayValue ?? [] {
          guard let path = file["path"]?.stringValue else { continue }
          guard let digest = stagedDigests[path], finalDigests[path] == digest else {
            throw GageError.conflict(
              "\(label) cannot be replayed: its dependency \(path) was changed during the run and its staged bytes were not kept")
          }
          dependencies.append(File(item: FileCopier.Item(source: FileIO.join(original.runDir, path), path: path), digest: digest))
        }
      }
    }
    self.source = source
    self.dependencies = dependencies
    generated = Dictionary(uniqueKeysWithValues: final.entries.filter { $0.type == .generated }.map { ($0.path, $0.digest) })
  }
}

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
  public static func replay(_ source: ReplaySource, runsDir: String, archive: String? = nil, echo: Bool = true) throws
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
    let driver = RunDriver(output: output, beforeSeal: { run, manifest, code in
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
