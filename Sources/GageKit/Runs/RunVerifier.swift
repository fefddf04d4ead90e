import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What re-hashing a run found: its run files against `manifest`, its meta files against
/// `seal`.
public struct RunVerification: Sendable {
  /// One difference (see `RecordProblem`).
  public typealias Problem = RecordProblem

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
    guard status.isFinal else {
      result.skipped = "it is \(status.rawValue); runs are verified once finished"
      return result
    }
    var problems: [RecordProblem] = []
    // Each record read on its own: a missing or unreadable one is a problem of its group.
    let manifest = record(MetaFile.manifest, of: run, required: !isEmptyTree(run.runDir), into: &problems) {
      try Manifest.parse(bytes: $0, source: $1).digestsByPath
    }
    let seal = record(MetaFile.seal, of: run, required: true, into: &problems) {
      try Seal.parse(String(decoding: $0, as: UTF8.self), source: $1)
    }
    let runFiles = manifest.map { hash(run.runDir, recorded: $0, meta: false, into: &result, &problems) } ?? [:]
    let metaFiles = seal.map { hash(run.metaDir, recorded: $0, meta: true, into: &result, &problems) } ?? [:]
    problems += SealedRecord(manifest: manifest ?? [:], seal: seal).problems(runFiles: runFiles, metaFiles: metaFiles)
    result.problems = problems.sorted { a, b in
      a.meta != b.meta ? !a.meta : a.path.utf8.lexicographicallyPrecedes(b.path.utf8)
    }
    return result
  }

  /// The digests of the record file `name` (`manifest` or `seal`), nil with a problem when
  /// it is missing (and `required`) or unreadable.
  private func record(
    _ name: String, of run: Run, required: Bool, into problems: inout [RecordProblem],
    parse: ([UInt8], String) throws -> [String: String]
  ) -> [String: String]? {
    let path = run.metaPath(name)
    let meta = name == MetaFile.seal
    let shown = meta ? name : ".meta/" + name
    guard FileIO.exists(path) else {
      // A run dir with nothing in it needs no manifest; meta always needs its seal.
      if required {
        problems.append(RecordProblem(kind: .missing, path: shown, meta: meta, detail: "the \(name) that records these files is missing"))
      }
      return nil
    }
    do {
      return try parse(try FileIO.readBytes(path), path)
    } catch {
      problems.append(RecordProblem(kind: .unreadable, path: shown, meta: meta, detail: "\(error)"))
      return nil
    }
  }

  /// Hashes the files under `dir` that `recorded` lists (in parallel); returns every file
  /// found, with its digest when it was hashed. Unreadable files and names that are not
  /// UTF-8 become problems.
  private func hash(
    _ dir: String, recorded: [String: String], meta: Bool, into result: inout RunVerification,
    _ problems: inout [RecordProblem]
  ) -> [String: String?] {
    var found: [String: String?] = [:]
    var present: [(path: String, size: Int64)] = []
    var unnamable: [String] = []
    defer {
      for rel in unnamable {
        problems.append(RecordProblem(kind: .unexpected, path: rel, meta: meta, detail: "its name is not valid UTF-8"))
      }
    }
    do {
      try RunDirScanner.walk(dir, prefix: "", invalid: { rel, _ in unnamable.append(rel) }) { rel, st in
        if meta, SealedRecord.unsealed.contains(rel) { return }
        found[rel] = .some(nil)
        if recorded[rel] != nil { present.append((rel, Int64(st.st_size))) }
      }
    } catch {
      problems.append(RecordProblem(kind: .unreadable, path: "", meta: meta, detail: "\(error)"))
    }
    let progress = self.progress
    let digests = Parallel.map(present) { file -> String in
      let digest = try FileDigest.ofFile(FileIO.join(dir, file.path))
      progress?(file.size)
      return digest
    }
    for (file, digest) in zip(present, digests) {
      switch digest {
      case .success(let actual):
        result.files += 1
        result.bytes += file.size
        found[file.path] = actual
      case .failure(let error):
        problems.append(RecordProblem(kind: .unreadable, path: file.path, meta: meta, expected: recorded[file.path], detail: "\(error)"))
      }
    }
    return found
  }

  private func isEmptyTree(_ dir: String) -> Bool {
    var any = false
    try? RunDirScanner.walk(dir, prefix: "") { _, _ in any = true }
    return !any
  }
}
