import Foundation

/// What comparing a run's staged source with its recorded git commit found.
public struct SourceVerification: Sendable {
  /// A staged source file that is not what the commit, `source/diff.patch` and
  /// `log/patched` say it should be.
  public struct Problem: Sendable, Equatable {
    /// The file, relative to the run dir.
    public var path: String
    /// What is wrong with it.
    public var reason: String
  }

  /// Why the source was not checked (e.g. the run's project is not in git).
  public var skipped: String?
  /// The recorded commit.
  public var commit: String?
  /// Tracked files checked.
  public var checked = 0
  /// Whether the run recorded a `diff.patch` (its source was dirty).
  public var patched = false
  /// Files checked through the config changes of `log/patched`.
  public var configured = 0
  /// Files that do not match.
  public var problems: [Problem] = []

  /// Whether the source was checked and every tracked file matches.
  public var ok: Bool { skipped == nil && problems.isEmpty }
}

/// Checks that a run's staged tracked files equal its recorded commit plus
/// `source/diff.patch` (plus the config changes recorded in `log/patched`), reading the
/// commit from the project's repository. Untracked staged files are not in any commit and
/// are not checked here; their digests are in the manifest.
public struct SourceVerifier {
  /// The repository to read commits from; nil: the run's project (`<id>.project`).
  public var repository: String?

  /// A verifier reading commits from `repository` (nil: each run's own project).
  public init(repository: String? = nil) {
    self.repository = repository
  }

  /// Checks `run`'s staged source.
  public func verify(_ run: Run) throws -> SourceVerification {
    var result = SourceVerification()
    guard let git = try? JSONValue.read(path: run.metaPath(MetaFile.gitSource)) else {
      result.skipped = "the run has no source/git.json"
      return result
    }
    guard git["vcs"]?.stringValue == "git" else {
      result.skipped = "the run's project was not in git"
      return result
    }
    guard let commit = git["commit"]?.stringValue else {
      result.skipped = "the run was staged before the project's first commit"
      return result
    }
    result.commit = commit
    let repo = try openRepository(for: run)
    let patch = (try? FileIO.readBytes(run.metaPath(MetaFile.gitPatch))) ?? []
    result.patched = !patch.isEmpty
    if let recorded = git["diff_sha256"]?.stringValue, recorded != FileDigest.hex(patch) {
      result.problems.append(.init(path: ".meta/" + MetaFile.gitPatch, reason: "its digest is not the one git.json records"))
      return result
    }
    let expected = try repo.blobs(commit: commit, applying: patch)
    let configPatch = try (try? FileIO.readBytes(run.metaPath(MetaFile.patched))).map {
      try UnifiedPatch($0, source: run.metaPath(MetaFile.patched))
    }
    let prefix = git["path"]?.stringValue ?? ""
    let untracked = Set(git["untracked"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    let submodules = git["submodules"]?.objectValue.map { Array($0.keys) } ?? []
    let manifest = try Manifest.read(path: run.metaPath(MetaFile.manifest))
    for entry in manifest.entries where entry.type == .source {
      if untracked.contains(entry.path) { continue }
      if submodules.contains(where: { entry.path == $0 || entry.path.hasPrefix($0 + "/") }) { continue }
      let repoPath = prefix.isEmpty ? entry.path : prefix + "/" + entry.path
      guard let blob = expected[repoPath] else {
        result.problems.append(
          .init(path: entry.path, reason: "not in commit \(commit.prefix(12)) nor in diff.patch, and not recorded as untracked"))
        continue
      }
      result.checked += 1
      let full = FileIO.join(run.runDir, entry.path)
      let actual: GitOID
      if let configPatch, configPatch.paths.contains(entry.path) {
        result.configured += 1
        guard let original = configPatch.original(of: entry.path, patched: try FileIO.readBytes(full)) else {
          result.problems.append(.init(path: entry.path, reason: "its config changes are not the ones log/patched records"))
          continue
        }
        actual = GitTreeHasher.blobID(original)
      } else if FileIO.isSymlink(full) {
        actual = GitTreeHasher.blobID(Array(try FileDigest.linkTarget(full).utf8))
      } else {
        actual = try repo.hashFile(full, asPath: repoPath)
      }
      if actual != blob.oid {
        result.problems.append(
          .init(path: entry.path, reason: "differs from commit \(commit.prefix(12))\(result.patched ? " + diff.patch" : "")"))
      }
    }
    return result
  }

  /// The repository named by `repository`, else the run's project's.
  private func openRepository(for run: Run) throws -> GitRepository {
    if let repository {
      guard let repo = try GitRepository.discover(from: repository) else {
        throw GageError.notFound("\(repository) is not in a git work tree")
      }
      return repo
    }
    guard let project = RunLifecycle.projectDir(of: run), FileIO.isDirectory(project) else {
      throw GageError.notFound(
        "run \(run.nameAndID): its project is not on this host; give its repository with --repo DIR")
    }
    guard let repo = try GitRepository.discover(from: project) else {
      throw GageError.notFound("\(project) (the project of run \(run.name)) is no longer in a git work tree; give --repo DIR")
    }
    return repo
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
