import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The git form of runs (`docs/remotes.md`):
///
/// - `refs/gage/runs/<id>`: the sealed part, one commit whose tree holds `<id>/` (the run
///   files) and `<id>.meta/` (the meta files, the lock left out), exactly as a runs dir
///   lays them out. Author and committer are fixed, their dates the run's start and stop
///   times, so the same run always gives the same commit.
/// - `refs/gage/meta/<id>`: a small commit holding `run.json`, what a listing shows, so
///   that `gage runs --remote` fetches kilobytes, not runs.
/// - `refs/gage/user/<id>`: the annotations (`<id>.user/`), a fast-forward chain whose tip
///   holds the union of every side's entries.
enum RunRefs {
  static let runs = "refs/gage/runs/"
  static let meta = "refs/gage/meta/"
  static let user = "refs/gage/user/"
  /// Where fetched refs wait until their runs are checked.
  static let incoming = "refs/gage/incoming/"

  /// The run id a ref names, when it is one of ours: refs named otherwise (not an id, an
  /// id in capitals) are no runs, never fetched nor placed.
  static func id(of ref: String, under prefix: String) -> String? {
    guard ref.hasPrefix(prefix) else { return nil }
    let id = String(ref.dropFirst(prefix.count))
    return RunID.isCanonical(id) ? id : nil
  }
}

/// Makes the commits of local runs, each file hashed while it is stored and checked
/// against the run's `manifest` and `seal`: a run that no longer verifies gets no commit.
struct RunCommitter {
  let repository: RunRepository

  /// The commit of `run`'s sealed part, found from an earlier push or pull (`made` false)
  /// or made now. The caller flushes the repository before pointing a ref at a new commit.
  func sealedCommit(_ run: Run) throws -> (oid: GitOID, made: Bool) {
    if let oid = try repository.reference(RunRefs.runs + run.id) { return (oid, false) }
    let label = "run \(run.nameAndID)"
    guard FileIO.exists(run.metaPath(MetaFile.manifest)) else {
      throw GageError.invalidData("\(label) has no manifest; it cannot be pushed")
    }
    let record: SealedRecord
    do {
      record = try SealedRecord(run: run)
    } catch let error as GageError {
      throw GageError.invalidData("\(label): its record is unreadable: \(error.message)")
    }
    var runDigests: [String: String] = [:]
    let runTree = try storeDirectory(run.runDir, skip: [], digests: &runDigests)
    var metaDigests: [String: String] = [:]
    let metaTree = try storeDirectory(run.metaDir, skip: [MetaFile.lock], digests: &metaDigests)
    let problems = record.problems(runFiles: runDigests, metaFiles: metaDigests)
    if !problems.isEmpty {
      throw GageError.conflict("\(label) no longer verifies (\(RecordProblem.summaries(problems))); `gage verify` shows what changed")
    }
    let tree = try repository.writeTree([
      GitTreeItem(name: run.id, mode: .tree, oid: runTree ?? (try repository.writeTree([]))),
      GitTreeItem(name: run.id + ".meta", mode: .tree, oid: metaTree ?? (try repository.writeTree([]))),
    ])
    let started = (run.timestamp(MetaFile.started) ?? run.timestamp(MetaFile.staged) ?? 0) / 1_000_000
    let stopped = (run.timestamp(MetaFile.stopped) ?? 0) / 1_000_000
    let listed = RunRecord.read(run: run)
    let message = "run \(run.id) (\(run.name))\n\nop: \(listed.operation)\nstatus: \(listed.status.rawValue)\n"
    let commit = try repository.writeCommit(
      tree: tree, parents: [], authorTime: started, commitTime: max(stopped, started), message: message)
    return (commit, true)
  }

  /// The commit of `run`'s listing summary (`run.json`), found or made (see `sealedCommit`).
  func summaryCommit(_ run: Run) throws -> (oid: GitOID, made: Bool) {
    if let oid = try repository.reference(RunRefs.meta + run.id) { return (oid, false) }
    let record = RunRecord.read(run: run)
    let json = Self.summary(record)
    let blob = try repository.writeBlob(Array((json.compact() + "\n").utf8))
    let tree = try repository.writeTree([GitTreeItem(name: "run.json", mode: .file, oid: blob)])
    let stopped = (record.stopped ?? record.started ?? 0) / 1_000_000
    let commit = try repository.writeCommit(
      tree: tree, parents: [], authorTime: stopped, commitTime: stopped, message: "summary of run \(run.id)\n")
    return (commit, true)
  }

  /// What `refs/gage/meta/<id>` records of a run: its listing object without local paths
  /// and annotations.
  static func summary(_ record: RunRecord) -> JSONValue {
    guard case .object(var o) = record.json() else { return .null }
    for key in ["run_dir", "meta_dir", "container", "archive", "label", "comments", "host"] { o[key] = nil }
    if let git = try? JSONValue.read(path: record.run.metaPath(MetaFile.gitSource)) {
      o["source_commit"] = git["commit"] ?? .null
    }
    return .object(o)
  }

  /// Stores the files below `dir` (nil for an empty directory: git keeps no empty trees);
  /// `digests` gets each file's SHA-256 by relative path.
  private func storeDirectory(
    _ dir: String, skip: Set<String>, rel: String = "", digests: inout [String: String]
  ) throws -> GitOID? {
    var entries: [GitTreeItem] = []
    for entry in try DirectoryListing.entries(dir) {
      guard let name = entry.name else {
        throw GageError.invalidData("\(dir)/\(entry.display): the name is not valid UTF-8; it cannot be pushed")
      }
      let full = dir + "/" + name
      let relative = rel.isEmpty ? name : rel + "/" + name
      if skip.contains(relative) { continue }
      var st = stat()
      guard lstat(full, &st) == 0 else { throw GageError.io(path: full, operation: "stat", errno: errno) }
      switch st.st_mode & S_IFMT {
      case S_IFDIR:
        if let tree = try storeDirectory(full, skip: skip, rel: relative, digests: &digests) {
          entries.append(GitTreeItem(name: name, mode: .tree, oid: tree))
        }
      case S_IFREG:
        let blob = try repository.writeBlob(file: full)
        digests[relative] = blob.sha256
        let mode: GitFileMode = (st.st_mode & 0o111) != 0 ? .executable : .file
        entries.append(GitTreeItem(name: name, mode: mode, oid: blob.oid))
      case S_IFLNK:
        let target = Array(try FileDigest.linkTarget(full).utf8)
        digests[relative] = FileDigest.hex(target)
        entries.append(GitTreeItem(name: name, mode: .link, oid: try repository.writeBlob(target)))
      default:
        throw GageError.invalidData("\(full) is not a file, link or directory; it cannot be pushed")
      }
    }
    return entries.isEmpty ? nil : try repository.writeTree(entries)
  }
}
