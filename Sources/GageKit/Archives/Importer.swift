import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Brings the runs of an archive into a runs dir, safely: the archive is extracted into a
/// temporary directory inside the runs dir (`.import-XXXXXX`), validated completely, and
/// only then is each run renamed into place (run dir, annotations, meta dir last). A
/// failed import leaves nothing behind. Importing never runs anything.
public struct Importer {
  /// What happened to one run.
  public enum Outcome: Sendable, Equatable {
    /// Newly added.
    case imported
    /// Present already with the same sealed part; `annotations` new `.user` entries merged.
    case alreadyPresent(annotations: Int)
    /// Present with a different sealed part: skipped.
    case conflict(String)
  }

  /// The runs dir.
  public let runsDir: String
  /// Progress, if any.
  public var progress: ArchiveProgress?

  /// An importer into `runsDir`.
  public init(runsDir: String, progress: ArchiveProgress? = nil) {
    self.runsDir = runsDir
    self.progress = progress
  }

  /// Imports the archive at `path`; returns each run's outcome, sorted by id.
  public func importArchive(_ path: String) throws -> [(id: String, outcome: Outcome)] {
    let reader = try BagTarReader(path: path)
    var createdRunsDir = false
    if !FileIO.isDirectory(runsDir) {
      try FileIO.makeDirectories(runsDir)
      createdRunsDir = true
    }
    var template = Array(FileIO.join(runsDir, ".import-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buf -> String? in
      guard let base = buf.baseAddress, mkdtemp(base) != nil else { return nil }
      return String(cString: base)
    }
    guard let temp = made else { throw GageError.io(path: runsDir, operation: "make a temporary directory in", errno: errno) }
    var succeeded = false
    defer {
      try? FileIO.removeTree(temp)
      if createdRunsDir, !succeeded { rmdir(runsDir) }
    }
    let scan: BagScan
    let result: BagValidator.Result
    do {
      var st = stat()
      let size = stat(path, &st) == 0 ? Int64(st.st_size) : 0
      scan = try BagScan.read(reader, destination: temp, progress: progress, archiveSize: size)
      result = try BagValidator(scan: scan).validate()
    } catch let problem as BagProblem {
      progress?.finish()
      throw ArchiveError.rejected(file: path, entry: reader.top.map { $0 + "/" + problem.entry }, reason: problem.reason + "; nothing was imported")
    } catch let error as ArchiveError {
      progress?.finish()
      if case .rejected(let file, let entry, let reason) = error {
        throw ArchiveError.rejected(file: file, entry: entry, reason: reason + "; nothing was imported")
      }
      throw error
    }
    let bag = FileIO.join(temp, scan.top)
    // Links come back as links; then modes as the archive gives them.
    for (path, target) in result.links {
      let full = FileIO.join(bag, path)
      try FileIO.removeFile(full)
      guard symlink(target, full) == 0 else { throw GageError.io(path: full, operation: "create link", errno: errno) }
    }
    for (path, file) in scan.files where path.hasPrefix(Bag.payloadDir + "/") && result.links[path] == nil {
      let full = FileIO.join(bag, path)
      if chmod(full, file.executable ? 0o555 : 0o444) != 0 { throw GageError.io(path: full, operation: "chmod", errno: errno) }
    }
    var outcomes: [(id: String, outcome: Outcome)] = []
    for id in result.runIDs {
      let outcome = try place(id: id, from: FileIO.join(bag, Bag.payloadDir))
      outcomes.append((id, outcome))
      switch outcome {
      case .imported, .alreadyPresent(annotations: 1...):
        RunIndex.noteChanged(Run(id: id, runDir: FileIO.join(runsDir, id)))
      default: break
      }
    }
    succeeded = true
    return outcomes
  }

  /// Moves one validated run into the runs dir, or merges its annotations.
  private func place(id: String, from data: String) throws -> Outcome {
    let target = Run(id: id, runDir: FileIO.join(runsDir, id))
    let source = Run(id: id, runDir: FileIO.join(data, id))
    if FileIO.exists(target.metaDir) {
      guard sealedPart(target) == sealedPart(source) else {
        return .conflict("run \(id) is already in \(runsDir) with a different sealed part (run files or meta); skipped")
      }
      return .alreadyPresent(annotations: try mergeAnnotations(from: source.userDir, into: target.userDir))
    }
    if FileIO.exists(target.runDir) {
      return .conflict("\(target.runDir) exists without a meta dir; skipped")
    }
    if FileIO.isDirectoryNoFollow(source.runDir) {
      try move(source.runDir, target.runDir)
    } else {
      try FileIO.makeDirectories(target.runDir)
    }
    if FileIO.isDirectoryNoFollow(source.userDir) {
      if FileIO.exists(target.userDir) {
        _ = try mergeAnnotations(from: source.userDir, into: target.userDir)
      } else {
        try move(source.userDir, target.userDir)
      }
    }
    try move(source.metaDir, target.metaDir)
    return .imported
  }

  /// The seal (and manifest) text: equal texts mean the same sealed part.
  private func sealedPart(_ run: Run) -> [String?] {
    [FileIO.readTextIfPresent(run.metaPath(MetaFile.seal)), FileIO.readTextIfPresent(run.metaPath(MetaFile.manifest)),
     FileIO.readTextIfPresent(run.metaPath(MetaFile.exit))]
  }

  /// Copies `.user` entries not present in `target`; returns how many.
  private func mergeAnnotations(from source: String, into target: String) throws -> Int {
    guard FileIO.isDirectoryNoFollow(source) else { return 0 }
    try FileIO.makeDirectories(target)
    var added = 0
    for entry in try DirectoryListing.entries(source) {
      guard let name = entry.name else { continue }
      let to = FileIO.join(target, name)
      if FileIO.exists(to) { continue }
      try move(FileIO.join(source, name), to)
      added += 1
    }
    return added
  }

  private func move(_ from: String, _ to: String) throws {
    guard rename(from, to) == 0 else { throw GageError.io(path: to, operation: "move into place", errno: errno) }
  }
}
