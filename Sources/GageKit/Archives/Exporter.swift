import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writes finished runs to one archive file: a BagIt bag in a tar (see `docs/archives.md`).
/// Every file is re-hashed while it is written and checked against the run's `manifest`
/// (run files) and `seal` (meta files); a run that no longer verifies is refused and no
/// file is left behind.
public struct Exporter {
  /// What an export wrote.
  public struct Summary: Sendable {
    /// The runs, sorted by id.
    public var runIDs: [String]
    /// Payload files written.
    public var files: Int
    /// Payload bytes written.
    public var bytes: Int64
  }

  /// `Bag-Software-Agent`, e.g. `gage 0.1.0`.
  public var agent: String
  /// Progress, if any.
  public var progress: ProgressBar?

  /// An exporter naming itself `agent`.
  public init(agent: String, progress: ProgressBar? = nil) {
    self.agent = agent
    self.progress = progress
  }

  /// One payload item, relative to the bag.
  private enum Item {
    case directory
    case file(source: String, size: Int64, mode: mode_t, expected: String?)
    case link(target: String, expected: String?)
  }

  /// Writes `runs` to `path` (`.tar`, `.tar.gz`, `.tgz`, `.tar.zst`).
  public func export(_ runs: [Run], to path: String) throws -> Summary {
    let compression = try ArchiveCompression.forFile(path)
    var unique: [String: Run] = [:]
    for run in runs { unique[run.id] = run }
    let sorted = unique.values.sorted { $0.id < $1.id }
    guard !sorted.isEmpty else { throw GageError.invalidInput("no runs to export") }

    var items: [String: Item] = [:]
    var stopTimes: [String: Int64] = [:]
    var commits: [String] = []
    for run in sorted {
      let status = run.status
      guard status.isFinal else {
        throw GageError.invalidInput(
          "run \(run.nameAndID) is \(status.rawValue): only finished runs (completed, error, terminated) are exported")
      }
      let stop = run.timestamp(MetaFile.stopped) ?? run.timestamp(MetaFile.started) ?? run.timestamp(MetaFile.staged) ?? 0
      stopTimes[run.id] = stop / 1_000_000
      try collect(run: run, into: &items, mtime: stop / 1_000_000)
      let git = try? JSONValue.read(path: run.metaPath(MetaFile.gitSource))
      commits.append(git?["commit"]?.stringValue ?? "none")
    }
    let tagTime = stopTimes.values.max() ?? 0
    var payloadBytes: Int64 = 0
    var payloadFiles = 0
    for item in items.values {
      switch item {
      case .directory: continue
      case .file(_, let size, _, _): payloadBytes += size
      case .link(let target, _): payloadBytes += Int64(target.utf8.count)
      }
      if case .directory = item {} else { payloadFiles += 1 }
    }
    let info = BagInfo(
      baggingDate: Bag.baggingDate(micros: tagTime * 1_000_000), payloadBytes: payloadBytes, payloadFiles: payloadFiles,
      agent: agent, archiveVersion: Bag.archiveVersion, runIDs: sorted.map(\.id), sourceCommits: commits)
    let links = items.compactMap { path, item -> String? in
      if case .link = item { return path }
      return nil
    }
    let symlinksText = links.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      .map { PathEncoding.encode($0) + "\n" }.joined()

    let top = Bag.directoryName(ids: sorted.map(\.id))
    let writer = try ArchiveWriter(path: path, compression: compression)
    progress?.start(totalBytes: payloadBytes, totalFiles: payloadFiles)
    var payloadDigests: [String: String] = [:]
    var tagDigests: [String: String] = [:]
    func tag(_ name: String, _ text: String) throws {
      let bytes = Array(text.utf8)
      tagDigests[name] = FileDigest.hex(bytes)
      try writer.addFile(top + "/" + name, bytes: bytes, mode: 0o444, mtime: tagTime)
    }
    try writer.addDirectory(top + "/", mtime: tagTime)
    try tag(Bag.infoFile, info.text)
    try tag(Bag.declarationFile, Bag.declarationText)
    try writer.addDirectory(top + "/" + Bag.payloadDir + "/", mtime: tagTime)
    let runOf: (String) -> String = { path in
      let first = path.split(separator: "/", maxSplits: 2).dropFirst().first.map(String.init) ?? ""
      return String(first.prefix(36))
    }
    for path in items.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
      guard let item = items[path] else { continue }
      let mtime = stopTimes[runOf(path)] ?? tagTime
      let name = top + "/" + path
      switch item {
      case .directory:
        try writer.addDirectory(name + "/", mtime: mtime)
      case .file(let source, let size, let mode, let expected):
        let digest = try writer.addFile(name, from: source, size: size, mode: mode, mtime: mtime) { progress?.advance(bytes: $0) }
        if let expected, expected != digest {
          throw GageError.conflict(
            "\(source) does not match its recorded digest (run \(runOf(path).prefix(8)) no longer verifies); `gage verify` shows what changed; nothing was exported"
          )
        }
        payloadDigests[path] = digest
        progress?.advance(files: 1)
      case .link(let target, let expected):
        let bytes = Array(target.utf8)
        let digest = FileDigest.hex(bytes)
        if let expected, expected != digest {
          throw GageError.conflict("link \(path) does not match its recorded digest; nothing was exported")
        }
        try writer.addFile(name, bytes: bytes, mode: 0o444, mtime: mtime)
        payloadDigests[path] = digest
        progress?.advance(files: 1)
      }
    }
    if !links.isEmpty { try tag(Bag.symlinksFile, symlinksText) }
    try tag(Bag.manifestFile, Bag.manifestText(payloadDigests))
    let tagManifest = Bag.manifestText(tagDigests)
    try writer.addFile(top + "/" + Bag.tagManifestFile, bytes: Array(tagManifest.utf8), mode: 0o444, mtime: tagTime)
    try writer.finish()
    progress?.finish()
    return Summary(runIDs: sorted.map(\.id), files: payloadFiles, bytes: payloadBytes)
  }

  /// Adds a run's run dir, meta dir and annotations, checking their file sets against the
  /// run's sealed record (digests are checked while writing).
  private func collect(run: Run, into items: inout [String: Item], mtime: Int64) throws {
    let label = "run \(run.nameAndID)"
    guard FileIO.exists(run.metaPath(MetaFile.manifest)) else {
      throw GageError.invalidData("\(label) has no manifest; it cannot be exported")
    }
    let record: SealedRecord
    do {
      record = try SealedRecord(run: run)
    } catch let error as GageError {
      throw GageError.invalidData("\(label): its record is unreadable: \(error.message)")
    }
    let runFiles = try walk(run.runDir, bagPrefix: "data/\(run.id)", expected: record.manifest, into: &items)
    let metaFiles = try walk(
      run.metaDir, bagPrefix: "data/\(run.id).meta", expected: record.seal ?? [:], skip: [MetaFile.lock], into: &items)
    let problems = record.problems(
      runFiles: Dictionary(uniqueKeysWithValues: runFiles.map { ($0, nil) }),
      metaFiles: Dictionary(uniqueKeysWithValues: metaFiles.map { ($0, nil) }))
    if case let changed = problems.filter({ !$0.meta }), !changed.isEmpty {
      throw GageError.conflict(
        "\(label) no longer verifies (\(RecordProblem.summaries(changed))); `gage verify` shows what changed; nothing was exported")
    }
    if !problems.isEmpty {
      throw GageError.conflict("\(label): its meta no longer matches its seal (\(RecordProblem.summaries(problems))); nothing was exported")
    }
    if FileIO.isDirectoryNoFollow(run.userDir) {
      // The log's entries; not the hidden temporaries of writers adding one right now.
      _ = try walk(run.userDir, bagPrefix: "data/\(run.id).user", expected: [:], skipHidden: true, into: &items)
    }
  }

  /// Adds the items under `dir` (the dir itself included), but `skip` and, with
  /// `skipHidden`, names starting with `.`; returns the relative paths of its files and links.
  private func walk(
    _ dir: String, bagPrefix: String, expected: [String: String], skip: Set<String> = [], skipHidden: Bool = false,
    into items: inout [String: Item]
  ) throws -> Set<String> {
    var files: Set<String> = []
    items[bagPrefix] = .directory
    func visit(_ path: String, _ rel: String) throws {
      for entry in try DirectoryListing.entries(path) {
        guard let name = entry.name else {
          throw GageError.invalidData("\(path)/\(entry.display): the name is not valid UTF-8; it cannot be archived")
        }
        let full = path + "/" + name
        let relative = rel.isEmpty ? name : rel + "/" + name
        if skip.contains(relative) || (skipHidden && name.hasPrefix(".")) { continue }
        var st = stat()
        guard lstat(full, &st) == 0 else { throw GageError.io(path: full, operation: "stat", errno: errno) }
        let key = bagPrefix + "/" + relative
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
          items[key] = .directory
          try visit(full, relative)
        case S_IFREG:
          let mode: mode_t = (st.st_mode & 0o111) != 0 ? 0o555 : 0o444
          items[key] = .file(source: full, size: Int64(st.st_size), mode: mode, expected: expected[relative])
          files.insert(relative)
        case S_IFLNK:
          items[key] = .link(target: try FileDigest.linkTarget(full), expected: expected[relative])
          files.insert(relative)
        default:
          throw GageError.invalidData("\(full) is not a file, link or directory; it cannot be archived")
        }
      }
    }
    try visit(dir, "")
    return files
  }
}
