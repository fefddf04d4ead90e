import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An archive extracted into a temporary directory and validated completely (both BagIt
/// manifests, Payload-Oxum, each run's manifest and seal), its links restored and its files
/// read-only: runs that can be read like any other, until `remove()`.
public struct ExtractedArchive: Sendable {
  /// The temporary directory (`<parent>/.import-<pid>-XXXXXX`).
  public let directory: String
  /// The bag's payload dir, holding `<id>`, `<id>.meta` and `<id>.user` of each run.
  public let dataDir: String
  /// The runs, sorted by id.
  public let runIDs: [String]

  /// Extracts and validates the archive at `path` into a new temporary directory under
  /// `parent`. A rejected archive throws `ArchiveError.rejected` (its reason ending in
  /// `refusal`) and leaves nothing behind, as does a refusal of `approval`.
  public init(
    path: String, parent: String, progress: ProgressBar? = nil, refusal: String = "",
    approval: PayloadApproval? = nil
  ) throws {
    let reader = try BagTarReader(path: path)
    try FileIO.makeDirectories(parent)
    StaleTemporaryFiles.removeAbandonedDirectories(in: parent)
    let temp = try StaleTemporaryFiles.makeDirectory(in: parent, kind: "import")
    var kept = false
    defer { if !kept { try? FileIO.removeTree(temp) } }
    let scan: BagScan
    let result: BagValidator.Result
    do {
      var st = stat()
      let size = stat(path, &st) == 0 ? Int64(st.st_size) : 0
      scan = try BagScan.read(reader, destination: temp, progress: progress, archiveSize: size, approval: approval)
      result = try BagValidator(scan: scan).validate()
    } catch let problem as BagProblem {
      progress?.finish()
      throw ArchiveError.rejected(file: path, entry: reader.top.map { $0 + "/" + problem.entry }, reason: problem.reason + refusal)
    } catch let error as ArchiveError {
      progress?.finish()
      if case .rejected(let file, let entry, let reason) = error {
        throw ArchiveError.rejected(file: file, entry: entry, reason: reason + refusal)
      }
      throw error
    } catch {
      progress?.finish()
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
    directory = temp
    dataDir = FileIO.join(bag, Bag.payloadDir)
    runIDs = result.runIDs
    kept = true
  }

  /// The run `id` as extracted.
  public func run(_ id: String) -> Run {
    Run(id: id, runDir: FileIO.join(dataDir, id))
  }

  /// The extracted runs, sorted by id.
  public var runs: [Run] { runIDs.map(run) }

  /// Removes the temporary directory.
  public func remove() {
    try? FileIO.removeTree(directory)
  }
}
