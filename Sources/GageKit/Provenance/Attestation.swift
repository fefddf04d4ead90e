import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Provenance of a finished run as an in-toto Statement v1 with an SLSA Provenance v1
/// predicate (`docs/attest.md`): the subjects are the files the run generated, the build
/// definition is the operation, its config and command, the source commit and the digests
/// of the files the run was staged with, and the run details name Gage as the builder.
public enum Attestation {
  /// `_type` of an in-toto Statement v1.
  public static let statementType = "https://in-toto.io/Statement/v1"
  /// `predicateType` of SLSA Provenance v1.
  public static let predicateType = "https://slsa.dev/provenance/v1"
  /// `buildDefinition.buildType`: a run of a Gage operation, described by this format.
  public static let buildType = "https://gage-swift.dev/run/v1"
  /// `runDetails.builder.id`: Gage running an operation on the host that ran it.
  public static let builderID = "https://gage-swift.dev/builder/v1"

  /// The statement for `run`, whose builder version is `gageVersion`. Refuses a run that has
  /// not finished, that no longer verifies against its manifest and seal, or that generated
  /// no files.
  public static func statement(for run: Run, gageVersion: String) throws -> JSONValue {
    let label = "run \(run.nameAndID)"
    let record = RunRecord.read(run: run)
    guard record.status.isFinal else {
      let reason = record.status == .unknown ? record.reason.map { ": \($0)" } ?? "" : ""
      throw GageError.conflict("\(label) is \(record.status.rawValue)\(reason); only finished runs can be attested")
    }
    let verification = RunVerifier().verify(run)
    if let skipped = verification.skipped {
      throw GageError.conflict("\(label) cannot be attested: \(skipped)")
    }
    if !verification.problems.isEmpty {
      let shown = verification.problems.prefix(3).map { "\($0.kind.rawValue) \($0.shownPath)" }
      let more = verification.problems.count > 3 ? ", and \(verification.problems.count - 3) more" : ""
      throw GageError.conflict(
        "\(label) no longer verifies (\(shown.joined(separator: ", "))\(more)); `gage verify` shows what changed; nothing was attested")
    }
    let meta = try RunMeta(run: run)
    let manifest = try Manifest.read(path: run.metaPath(MetaFile.manifest))
    let subjects = manifest.entries.filter { $0.type == .generated }
    guard !subjects.isEmpty else {
      throw GageError.invalidInput("\(label) generated no files; an attestation needs at least one subject")
    }
    let sealed = try Seal.parse(try FileIO.readText(run.metaPath(MetaFile.seal)), source: run.metaPath(MetaFile.seal))

    var external: [String: JSONValue] = [
      "operation": .string(record.operation),
      "config": try meta.json(MetaFile.config) ?? .object([:]),
      "command": try meta.json(MetaFile.cmd) ?? .null,
    ]
    if let opref = record.opref {
      external["opref"] = .object([
        "namespace": .string(opref.namespace), "name": .string(opref.name),
        "version": opref.version.map(JSONValue.string) ?? .null,
      ])
    }
    var internalParameters: [String: JSONValue] = [:]
    if let env = try meta.json(MetaFile.env) { internalParameters["env"] = env }
    if let platform = try meta.json(MetaFile.platform) { internalParameters["platform"] = platform }

    var buildDefinition: [String: JSONValue] = [
      "buildType": .string(buildType),
      "externalParameters": .object(external),
      "resolvedDependencies": .array(try resolvedDependencies(run: run, meta: meta, manifest: manifest)),
    ]
    if !internalParameters.isEmpty { buildDefinition["internalParameters"] = .object(internalParameters) }

    var metadata: [String: JSONValue] = ["invocationId": .string(run.id)]
    if let started = record.started { metadata["startedOn"] = .string(RunClock.iso(micros: started)) }
    if let stopped = record.stopped { metadata["finishedOn"] = .string(RunClock.iso(micros: stopped)) }

    let predicate: JSONValue = .object([
      "buildDefinition": .object(buildDefinition),
      "runDetails": .object([
        "builder": .object(["id": .string(builderID), "version": .object(["gage": .string(gageVersion)])]),
        "metadata": .object(metadata),
        "byproducts": .array(byproducts(run: run, sealed: sealed, status: record.status, exitCode: record.exitCode)),
      ]),
    ])
    return .object([
      "_type": .string(statementType),
      "subject": .array(subjects.map { descriptor(name: $0.path, sha256: $0.digest) }),
      "predicateType": .string(predicateType),
      "predicate": predicate,
    ])
  }

  /// A resource descriptor `{"name": ..., "digest": {"sha256": ...}}` plus `annotations`.
  static func descriptor(name: String, sha256: String, annotations: [String: JSONValue] = [:]) -> JSONValue {
    var o: [String: JSONValue] = ["name": .string(name), "digest": .object(["sha256": .string(sha256)])]
    if !annotations.isEmpty { o["annotations"] = .object(annotations) }
    return .object(o)
  }

  /// The source commit (when the project was in git and had one), then every source and
  /// dependency file as it was staged, sorted by path.
  static func resolvedDependencies(run: Run, meta: RunMeta, manifest: Manifest) throws -> [JSONValue] {
    var result: [JSONValue] = []
    if let git = try meta.json(MetaFile.gitSource), let commit = git["commit"]?.stringValue {
      result.append(gitDependency(git, commit: commit))
    }
    // A file changed during the run keeps its staging digest in `manifest.staged`: the
    // inputs are what was staged.
    let staged = meta.exists(MetaFile.stagedManifest) ? try Manifest.read(path: run.metaPath(MetaFile.stagedManifest)) : manifest
    let final = manifest.digestsByPath
    let fromRuns = try dependencyRuns(meta)
    for entry in staged.entries where entry.type == .source || entry.type == .dependency {
      var annotations: [String: JSONValue] = ["type": .string(entry.type.label)]
      if let source = fromRuns[entry.path] { annotations["run"] = .string(source) }
      if final[entry.path] != entry.digest { annotations["changed_during_run"] = .bool(true) }
      result.append(descriptor(name: entry.path, sha256: entry.digest, annotations: annotations))
    }
    return result
  }

  /// The git commit of the source: `git+<remote>@refs/heads/<branch>` (no uri without a
  /// remote), the commit as `gitCommit`, and what `source/git.json` says about the work
  /// tree as annotations.
  static func gitDependency(_ git: JSONValue, commit: String) -> JSONValue {
    var o: [String: JSONValue] = ["digest": .object(["gitCommit": .string(commit)])]
    let branch = git["branch"]?.stringValue
    if let remote = git["remote"]?.stringValue, !remote.isEmpty {
      o["uri"] = .string(gitURI(remote: remote, branch: branch))
    }
    var annotations: [String: JSONValue] = ["dirty": .bool(git["dirty"]?.boolValue ?? false)]
    if let branch { annotations["branch"] = .string(branch) }
    if let tree = git["tree"]?.stringValue { annotations["tree"] = .string(tree) }
    if let path = git["path"]?.stringValue, !path.isEmpty { annotations["path"] = .string(path) }
    if let diff = git["diff_sha256"]?.stringValue { annotations["diff_sha256"] = .string(diff) }
    if let untracked = git["untracked"]?.arrayValue, !untracked.isEmpty { annotations["untracked"] = .array(untracked) }
    if let submodules = git["submodules"]?.objectValue, !submodules.isEmpty { annotations["submodules"] = .object(submodules) }
    o["annotations"] = .object(annotations)
    return .object(o)
  }

  /// `git+<remote>[@refs/heads/<branch>]`, with an scp-like remote (`git@host:path`) written
  /// as `ssh://git@host/path` and a local path as `file://`.
  static func gitURI(remote: String, branch: String?) -> String {
    var url = remote
    if !url.contains("://") {
      if url.hasPrefix("/") {
        url = "file://" + url
      } else if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") {
        url = "ssh://" + url[..<colon] + "/" + url[url.index(after: colon)...]
      }
    }
    if !url.hasPrefix("git+") { url = "git+" + url }
    if let branch { url += "@refs/heads/" + branch }
    return url
  }

  /// Path → run id of the files staged from other runs (`depends.json`).
  static func dependencyRuns(_ meta: RunMeta) throws -> [String: String] {
    guard let records = try meta.json("depends.json")?.arrayValue else { return [:] }
    var result: [String: String] = [:]
    for record in records {
      guard let source = record["run"]?.stringValue else { continue }
      for file in record["files"]?.arrayValue ?? [] {
        if let path = file["path"]?.stringValue { result[path] = source }
      }
    }
    return result
  }

  /// What the run left besides its files: the seal (which covers every meta file), the exit
  /// code with the run's status, and the captured output of each phase, with their digests.
  static func byproducts(run: Run, sealed: [String: String], status: RunStatus, exitCode: Int32?) -> [JSONValue] {
    var result: [JSONValue] = []
    if let digest = try? FileDigest.ofFile(run.metaPath(MetaFile.seal)) {
      result.append(descriptor(name: ".meta/" + MetaFile.seal, sha256: digest))
    }
    if let digest = sealed[MetaFile.exit] {
      var annotations: [String: JSONValue] = ["status": .string(status.rawValue)]
      if let exitCode { annotations["exit_code"] = .int(Int(exitCode)) }
      result.append(descriptor(name: ".meta/" + MetaFile.exit, sha256: digest, annotations: annotations))
    }
    for path in sealed.keys.sorted() where path.hasPrefix("output/") && !path.hasSuffix(".index") {
      if let digest = sealed[path] { result.append(descriptor(name: ".meta/" + path, sha256: digest)) }
    }
    return result
  }

  /// The text of a statement or envelope as Gage prints and writes it: pretty JSON with
  /// sorted keys and a final newline.
  public static func text(_ json: JSONValue) -> String {
    json.prettyPrinted() + "\n"
  }

  /// The payload of a signed statement: its compact JSON (keys sorted).
  public static func payload(_ statement: JSONValue) -> [UInt8] {
    Array(statement.compact().utf8)
  }

  /// Writes `text` to `path` through a temporary file in the same directory renamed into
  /// place, so that `path` is never half-written.
  public static func write(_ text: String, to path: String) throws {
    try FileIO.writeAtomically(text, to: path)
  }
}
