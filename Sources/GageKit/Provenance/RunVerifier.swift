import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What re-hashing a run found: its run files against `manifest`, its meta files against
/// `seal`.
public struct RunVerification: Sendable {
  /// One difference.
  public struct Problem: Sendable, Equatable {
    /// What is wrong.
    public enum Kind: String, Sendable {
      /// The file's digest is not the recorded one.
      case modified
      /// A recorded file is gone.
      case missing
      /// A file nobody recorded.
      case unexpected
      /// The file could not be read (or the record could not be).
      case unreadable
    }

    /// What is wrong.
    public var kind: Kind
    /// The file, relative to the run dir (or to the meta dir when `meta`).
    public var path: String
    /// Whether the file is a meta file (checked against `seal`).
    public var meta: Bool
    /// The recorded digest.
    public var expected: String?
    /// The digest found.
    public var actual: String?
    /// More about an unreadable file.
    public var detail: String?

    /// The path as shown: meta files are prefixed `.meta/`.
    public var shownPath: String { meta ? ".meta/" + path : path }
  }

  /// The run.
  public let run: Run
  /// Why the run was not checked (it is not finished, or its meta cannot be checked).
  public var skipped: String?
  /// Files hashed (run files and meta files).
  public var files = 0
  /// Bytes hashed.
  public var bytes: Int64 = 0
  /// Differences, run files first, each group sorted by path.
  public var problems: [Problem] = []

  /// Whether the run was checked and nothing differs.
  public var ok: Bool { skipped == nil && problems.isEmpty }
}

/// Re-hashes runs against their records. Run files are checked against `manifest`, meta
/// files against `seal` (`proc/lock` is never sealed); a finished run without a seal fails,
/// since its meta cannot be checked. Runs that have not finished are skipped with a reason.
public struct RunVerifier: Sendable {
  /// Called with bytes as they are hashed (from several threads).
  public var progress: (@Sendable (Int64) -> Void)?

  /// A verifier.
  public init(progress: (@Sendable (Int64) -> Void)? = nil) {
    self.progress = progress
  }

  /// Checks `run`.
  public func verify(_ run: Run) -> RunVerification {
    var result = RunVerification(run: run)
    if run.metaIsZip {
      result.skipped = "its meta is a zip (written by another Gage); it has no seal to check"
      return result
    }
    let status = run.status
    guard [.completed, .error, .terminated].contains(status) else {
      result.skipped = "it is \(status.rawValue); runs are verified once finished"
      return result
    }
    check(
      dir: run.runDir, record: MetaFile.manifest, in: run, meta: false,
      parse: { text, source in try Manifest.parse(text, source: source).digestsByPath }, into: &result)
    check(
      dir: run.metaDir, record: MetaFile.seal, in: run, meta: true,
      parse: { text, source in try Seal.parse(text, source: source) }, into: &result)
    return result
  }

  /// Checks the files under `dir` against the digests of the record file `record`.
  private func check(
    dir: String, record: String, in run: Run, meta: Bool,
    parse: (String, String) throws -> [String: String], into result: inout RunVerification
  ) {
    let recordPath = run.metaPath(record)
    var problems: [RunVerification.Problem] = []
    func problem(_ kind: RunVerification.Problem.Kind, _ path: String, expected: String? = nil, actual: String? = nil, detail: String? = nil) {
      problems.append(.init(kind: kind, path: path, meta: meta, expected: expected, actual: actual, detail: detail))
    }
    let recorded: [String: String]
    do {
      guard let text = FileIO.readTextIfPresent(recordPath) else {
        // A run dir with nothing in it needs no manifest; meta always needs its seal.
        if meta || !isEmptyTree(dir) {
          problem(.missing, meta ? record : ".meta/" + record, detail: "the \(record) that records these files is missing")
        }
        result.problems += problems
        return
      }
      recorded = try parse(text, recordPath)
    } catch {
      problem(.unreadable, meta ? record : ".meta/" + record, detail: "\(error)")
      result.problems += problems
      return
    }
    var present: [(path: String, size: Int64)] = []
    do {
      try RunDirScanner.walk(
        dir, prefix: "",
        invalid: { rel, _ in problem(.unexpected, rel, detail: "its name is not valid UTF-8") }
      ) { rel, st in
        if meta, rel == MetaFile.seal || rel == MetaFile.lock { return }
        present.append((rel, Int64(st.st_size)))
      }
    } catch {
      problem(.unreadable, "", detail: "\(error)")
    }
    let names = Set(present.map(\.path))
    for path in recorded.keys where !names.contains(path) { problem(.missing, path, expected: recorded[path]) }
    let toHash = present.filter { recorded[$0.path] != nil }
    for file in present where recorded[file.path] == nil { problem(.unexpected, file.path) }
    let progress = self.progress
    let digests = Parallel.map(toHash) { file -> String in
      let digest = try FileDigest.ofFile(FileIO.join(dir, file.path))
      progress?(file.size)
      return digest
    }
    for (file, digest) in zip(toHash, digests) {
      switch digest {
      case .success(let actual):
        result.files += 1
        result.bytes += file.size
        if let expected = recorded[file.path], expected != actual {
          problem(.modified, file.path, expected: expected, actual: actual)
        }
      case .failure(let error):
        problem(.unreadable, file.path, expected: recorded[file.path], detail: "\(error)")
      }
    }
    problems.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    result.problems += problems
  }

  private func isEmptyTree(_ dir: String) -> Bool {
    var any = false
    try? RunDirScanner.walk(dir, prefix: "") { _, _ in any = true }
    return !any
  }
}

extension RunVerification {
  /// `gage verify --json`: one run's object, with its source check when there was one
  /// (docs/json.md).
  public func json(source: SourceVerification?) -> JSONValue {
    var object: [String: JSONValue] = [
      "id": .string(run.id),
      "name": .string(run.name),
      "ok": .bool(ok),
      "skipped": skipped.map(JSONValue.string) ?? .null,
      "files": .int(files),
      "bytes": .int(Int(bytes)),
      "problems": .array(
        problems.map { p in
          .object([
            "kind": .string(p.kind.rawValue),
            "path": .string(p.path),
            "meta": .bool(p.meta),
            "expected": p.expected.map(JSONValue.string) ?? .null,
            "actual": p.actual.map(JSONValue.string) ?? .null,
            "detail": p.detail.map(JSONValue.string) ?? .null,
          ])
        }),
    ]
    if let source {
      object["source"] = .object([
        "ok": .bool(source.ok),
        "skipped": source.skipped.map(JSONValue.string) ?? .null,
        "commit": source.commit.map(JSONValue.string) ?? .null,
        "checked": .int(source.checked),
        "problems": .array(source.problems.map { .object(["path": .string($0.path), "reason": .string($0.reason)]) }),
      ])
    }
    return .object(object)
  }
}
