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
  public var progress: ProgressBar?
  /// Asked before a payload above its limit is written, if any.
  public var approval: PayloadApproval?

  /// An importer into `runsDir`.
  public init(runsDir: String, progress: ProgressBar? = nil, approval: PayloadApproval? = nil) {
    self.runsDir = runsDir
    self.progress = progress
    self.approval = approval
  }

  /// Imports the archive at `path`; returns each run's outcome, sorted by id.
  public func importArchive(_ path: String) throws -> [(id: String, outcome: Outcome)] {
    var createdRunsDir = false
    if !FileIO.isDirectory(runsDir) {
      try FileIO.makeDirectories(runsDir)
      createdRunsDir = true
    }
    var succeeded = false
    defer { if createdRunsDir, !succeeded { rmdir(runsDir) } }
    let extracted = try ExtractedArchive(
      path: path, parent: runsDir, progress: progress, refusal: "; nothing was imported", approval: approval)
    defer { extracted.remove() }
    var outcomes: [(id: String, outcome: Outcome)] = []
    for id in extracted.runIDs {
      let outcome = try place(id: id, from: extracted.dataDir)
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
  func place(id: String, from data: String) throws -> Outcome {
    let target = Run(id: id, runDir: FileIO.join(runsDir, id))
    let source = Run(id: id, runDir: FileIO.join(data, id))
    if FileIO.exists(target.metaDir) {
      guard sealedPart(target) == sealedPart(source) else {
        return .conflict("run \(id) is already in \(runsDir) with a different sealed part (run files or meta); skipped")
      }
      return .alreadyPresent(annotations: try mergeAnnotations(from: source.userDir, into: target.userDir))
    }
    if FileIO.exists(target.runDir) {
      // An import or pull killed between moving the run dir and the meta leaves the run
      // dir alone: it is adopted when it holds exactly what this run's manifest lists.
      guard Self.holdsExactly(target.runDir, manifest: source.metaPath(MetaFile.manifest)) else {
        return .conflict("\(target.runDir) exists without a meta dir and differs from run \(id)'s manifest; skipped")
      }
    } else if FileIO.isDirectoryNoFollow(source.runDir) {
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

  /// Whether `dir` (not a link) holds exactly the files the manifest at `manifest` lists,
  /// with their digests.
  static func holdsExactly(_ dir: String, manifest: String) -> Bool {
    guard FileIO.isDirectoryNoFollow(dir), let text = FileIO.readTextIfPresent(manifest),
      let listed = try? Manifest.parse(text, source: manifest).digestsByPath
    else { return false }
    var found = 0
    do {
      try RunDirScanner.walk(dir, prefix: "", invalid: { _, _ in throw GageError.invalidData("unlisted name") }) { rel, _ in
        guard let digest = listed[rel], try FileDigest.ofFile(FileIO.join(dir, rel)) == digest else {
          throw GageError.invalidData("differs")
        }
        found += 1
      }
    } catch {
      return false
    }
    return found == listed.count
  }

  /// The seal (and manifest) text: equal texts mean the same sealed part.
  private func sealedPart(_ run: Run) -> [String?] {
    [
      FileIO.readTextIfPresent(run.metaPath(MetaFile.seal)), FileIO.readTextIfPresent(run.metaPath(MetaFile.manifest)),
      FileIO.readTextIfPresent(run.metaPath(MetaFile.exit)),
    ]
  }

  /// Copies `.user` entries not present in `target`; returns how many.
  func mergeAnnotations(from source: String, into target: String) throws -> Int {
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

extension Importer.Outcome: RunTransferOutcome {
  public var word: String {
    switch self {
    case .imported: "imported"
    case .alreadyPresent: "already-present"
    case .conflict: "conflict"
    }
  }

  public var refusal: String? {
    if case .conflict(let why) = self { return why }
    return nil
  }
}
