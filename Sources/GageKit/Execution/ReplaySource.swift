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
    let label = "run \(original.nameAndID)"
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
