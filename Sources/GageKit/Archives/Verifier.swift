import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Checks an archive without importing it: every entry, both manifests, Payload-Oxum and
/// each run's own manifest and seal, reading the archive once and writing nothing.
public struct Verifier {
  /// What a sound archive holds.
  public struct Summary: Sendable {
    /// The runs, sorted by id.
    public var runIDs: [String]
    /// Payload files.
    public var files: Int
    /// Payload bytes.
    public var bytes: Int64
  }

  /// Progress, if any.
  public var progress: ProgressBar?

  /// A verifier.
  public init(progress: ProgressBar? = nil) {
    self.progress = progress
  }

  /// Verifies the archive at `path`. A sound archive gives its summary; an unsound one
  /// throws `ArchiveError` (rejected or libarchive); a missing file throws `GageError`.
  public func verify(_ path: String) throws -> Summary {
    let reader = try BagTarReader(path: path)
    var st = stat()
    let size = stat(path, &st) == 0 ? Int64(st.st_size) : 0
    do {
      let scan = try BagScan.read(reader, destination: nil, progress: progress, archiveSize: size)
      let result = try BagValidator(scan: scan).validate()
      return Summary(runIDs: result.runIDs, files: result.info.payloadFiles, bytes: result.info.payloadBytes)
    } catch let problem as BagProblem {
      progress?.finish()
      throw ArchiveError.rejected(file: path, entry: reader.top.map { $0 + "/" + problem.entry }, reason: problem.reason)
    } catch {
      progress?.finish()
      throw error
    }
  }
}
