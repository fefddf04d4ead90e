#if canImport(Glibc)
  import Glibc
#endif

/// Which runs hold a file (`gage audit`): the file's SHA-256, then every run whose manifest
/// holds that digest, with how the file appears there (type and path), the run's record
/// (operation, status, config) and its source identity (`source/git.json`).
///
/// Candidates come from the runs dir's `DigestIndex`, each confirmed against the run's
/// manifest; records come from the listing index (`RunCatalog`), checked against their
/// files.
public struct FileAudit {
  /// One run holding the file.
  public struct Match {
    /// The run's record.
    public var record: RunRecord
    /// The manifest entries with the file's digest (usually one; the same bytes may sit at
    /// several paths).
    public var files: [ManifestEntry]
    /// `source/git.json`, when the run recorded one and it reads as JSON.
    public var source: JSONValue?
  }

  /// What the audit found for one file.
  public struct Finding {
    /// The file as named.
    public var file: String
    /// Its SHA-256, lowercase hex.
    public var digest: String
    /// The runs of the audited container (and filter) that hold it, newest first.
    public var matches: [Match]
    /// How many runs holding it are in other containers, by container (`active`, `trash`,
    /// or an archive id): what a note can point to when `matches` is empty.
    public var elsewhere: [String: Int]
  }

  /// The runs' records.
  public let catalog: RunCatalog
  /// The digest index of the same runs dir.
  public let index: DigestIndex

  /// An audit of the runs of `catalog`'s runs dir.
  public init(catalog: RunCatalog, index: DigestIndex) {
    self.catalog = catalog
    self.index = index
  }

  /// An audit of the runs in `runsDir`.
  public init(runsDir: String) {
    self.init(catalog: RunCatalog(runsDir: runsDir), index: DigestIndex(runsDir: runsDir))
  }

  /// The SHA-256 of the file at `path` as a manifest records it: its bytes, or a symlink's
  /// target text (the link is not followed). A missing path, a directory or a special
  /// file is an error.
  public static func digest(ofFile path: String) throws -> String {
    var st = stat()
    guard lstat(path, &st) == 0 else {
      if errno == ENOENT || errno == ENOTDIR { throw GageError.notFound("\(path): no such file") }
      throw GageError.io(path: path, operation: "read", errno: errno)
    }
    switch st.st_mode & S_IFMT {
    case S_IFREG, S_IFLNK: return try FileDigest.ofFile(path)
    case S_IFDIR:
      throw GageError.invalidInput(
        "\(path) is a directory; gage audit takes files (e.g. \(path)/*)")
    default: throw GageError.invalidInput("\(path) is not a regular file or a symlink")
    }
  }

  /// The runs holding a file with SHA-256 `digest`, among the runs in `container` that
  /// match `filter`.
  ///
  /// - Parameter file: the file as named, for the finding.
  public func find(
    digest: String, file: String, container: String, filter: WhereFilter? = nil
  )
    -> Finding
  {
    var matches: [Match] = []
    var elsewhere: [String: Int] = [:]
    for (run, entries) in index.runs(holding: digest) {
      guard let record = catalog.record(id: run.id) else { continue }
      guard record.container == container else {
        elsewhere[record.container, default: 0] += 1
        continue
      }
      if let filter, !filter.matches(record) { continue }
      let source = (try? RunMeta(run: record.run)).flatMap { try? $0.json(MetaFile.gitSource) }
      matches.append(Match(record: record, files: entries, source: source))
    }
    matches.sort { a, b in
      a.record.sortTime != b.record.sortTime
        ? a.record.sortTime > b.record.sortTime : a.record.id < b.record.id
    }
    return Finding(file: file, digest: digest, matches: matches, elsewhere: elsewhere)
  }
}

extension FileAudit.Match {
  /// The match as JSON (documented in `docs/json.md`): the run object of `gage runs --json`,
  /// plus `files` (`path`, `type`) and `source` (`source/git.json`, or null).
  public func json(archiveName: String? = nil) -> JSONValue {
    guard case .object(var o) = record.json(archiveName: archiveName) else { return .null }
    o["files"] = .array(
      files.map { .object(["path": .string($0.path), "type": .string($0.type.label)]) })
    o["source"] = source ?? .null
    return .object(o)
  }
}

extension FileAudit.Finding {
  /// The finding as JSON: `file`, `sha256` and `runs` (see `Match.json`).
  public func json(archiveNames: [String: String] = [:]) -> JSONValue {
    .object([
      "file": .string(file),
      "sha256": .string(digest),
      "runs": .array(matches.map { $0.json(archiveName: archiveNames[$0.record.container]) }),
    ])
  }
}
