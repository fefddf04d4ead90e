import Foundation
import GageKit
import GageTestSupport
import Testing

/// The bag validator, through `Verifier` (which reads an archive and validates its bag
/// without writing anything): each kind of damage is reported with the entry it is in.
@Suite("Bag validator")
struct BagValidatorTests {
  /// The entry and reason `Verifier` rejects `path` with.
  static func rejection(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> (entry: String, reason: String)? {
    do {
      let summary = try Verifier().verify(path)
      Issue.record("accepted: \(summary.runIDs)", sourceLocation: sourceLocation)
    } catch ArchiveError.rejected(_, let entry, let reason) {
      return (entry ?? "", reason)
    } catch {
      Issue.record("not a rejection: \(error)", sourceLocation: sourceLocation)
    }
    return nil
  }

  @Test("An archive as exported is sound")
  func sound() throws {
    let (p, run, path) = try ArchiveBytes.exportedRun()
    defer { p.remove() }
    #expect(try Verifier().verify(path).runIDs == [run.id])
  }

  @Test("A payload file whose bytes changed: a digest mismatch at that file")
  func payloadChanged() throws {
    let (p, run, path) = try ArchiveBytes.exportedRun()
    defer { p.remove() }
    try ArchiveBytes.replaceOnce(in: path, LibraryRuns.output, with: LibraryRuns.output.uppercased())
    let found = try #require(Self.rejection(path))
    #expect(found.entry.hasSuffix("/data/\(run.id)/out.txt"), "\(found)")
    #expect(found.reason.contains("digest mismatch"), "\(found)")
  }

  @Test("A tag file whose bytes changed (bag-info.txt): altered, at that file")
  func tagFileChanged() throws {
    let (p, _, path) = try ArchiveBytes.exportedRun()
    defer { p.remove() }
    try ArchiveBytes.replaceOnce(in: path, ArchiveBytes.agent, with: ArchiveBytes.agent.uppercased())
    let found = try #require(Self.rejection(path))
    #expect(found.entry.hasSuffix("/bag-info.txt"), "\(found)")
    #expect(found.reason.contains("tag file altered"), "\(found)")
  }

  @Test("A payload manifest line whose digest was changed: the file it names no longer matches")
  func manifestChanged() throws {
    let (p, run, path) = try ArchiveBytes.exportedRun()
    defer { p.remove() }
    let digest = FileDigest.hex(LibraryRuns.output.utf8)
    let line = "\(digest)  data/\(run.id)/out.txt"
    let forged = String(repeating: "0", count: 64) + "  data/\(run.id)/out.txt"
    try ArchiveBytes.replaceOnce(in: path, line, with: forged)
    let found = try #require(Self.rejection(path))
    // The tag manifest catches the edited manifest before its lines are trusted.
    #expect(found.entry.hasSuffix("/manifest-sha256.txt"), "\(found)")
    #expect(found.reason.contains("altered"), "\(found)")
  }
}
