import Foundation
import GageKit
import GageTestSupport
import Testing

/// `Importer` on archives `Exporter` wrote: runs come back whole; a second import adds
/// nothing; a damaged archive is refused and the runs dir is left as it was.
@Suite("Importer")
struct ImporterTests {
  @Test("An exported run imports into another runs dir whole: the same files, links as links, and it verifies")
  func roundTrip() throws {
    let (p, original, archive) = try ArchiveBytes.exportedRun("run.tar.zst")
    defer { p.remove() }
    let elsewhere = p.tmp.path("elsewhere/runs")
    let outcomes = try Importer(runsDir: elsewhere).importArchive(archive)
    #expect(outcomes.map(\.id) == [original.id])
    #expect(outcomes.map(\.outcome) == [.imported])
    let imported = try #require(RunStore(path: elsewhere).runs().first)
    #expect(imported.id == original.id)
    #expect(try Listing.snapshot(imported.runDir) == Listing.snapshot(original.runDir))
    #expect(try Listing.snapshot(imported.metaDir) == Listing.snapshot(original.metaDir))
    #expect(try FileDigest.linkTarget(FileIO.join(imported.runDir, "link")) == "out.txt")
    #expect(RunVerifier().verify(imported).ok)
    #expect(!(try DirectoryListing.entries(elsewhere).map(\.display).contains { $0.hasPrefix(".import") }))
  }

  @Test("Importing again changes nothing: already present, no annotation to merge")
  func importTwice() throws {
    let (p, _, archive) = try ArchiveBytes.exportedRun()
    defer { p.remove() }
    let elsewhere = p.tmp.path("elsewhere")
    _ = try Importer(runsDir: elsewhere).importArchive(archive)
    let before = try Listing.snapshot(elsewhere)
    let again = try Importer(runsDir: elsewhere).importArchive(archive)
    #expect(again.map(\.outcome) == [.alreadyPresent(annotations: 0)])
    #expect(try Listing.snapshot(elsewhere).filter { !$0.contains(" .index") } == before.filter { !$0.contains(" .index") })
  }

  @Test("The run's label travels with it: annotations are exported and imported")
  func annotationsTravel() throws {
    let (p, runs) = try LibraryRuns.project()
    defer { p.remove() }
    try RunAnnotations(run: runs[0]).setLabel("best so far", author: "tests")
    let archive = p.tmp.path("labelled.tar.gz")
    try ArchiveBytes.export(runs, to: archive)
    let elsewhere = p.tmp.path("elsewhere")
    #expect(try Importer(runsDir: elsewhere).importArchive(archive).map(\.outcome) == [.imported])
    let imported = try #require(RunStore(path: elsewhere).runs().first)
    #expect(try imported.attribute("label") == .string("best so far"))
  }

  @Test("A payload file changed inside the archive: refused, naming the entry; the runs dir is unchanged")
  func refusesACorruptedArchive() throws {
    let (p, original, archive) = try ArchiveBytes.exportedRun()
    defer { p.remove() }
    try ArchiveBytes.replaceOnce(in: archive, LibraryRuns.output, with: LibraryRuns.output.uppercased())
    // A runs dir that already holds a run of its own.
    let (other, _) = try LibraryRuns.project()
    defer { other.remove() }
    let before = try Listing.snapshot(other.runsDir)
    let error = #expect(throws: ArchiveError.self) { try Importer(runsDir: other.runsDir).importArchive(archive) }
    guard case .rejected(_, let entry, let reason) = error else {
      Issue.record("expected a rejection, got \(String(describing: error))")
      return
    }
    #expect(entry?.hasSuffix("/data/\(original.id)/out.txt") == true, "\(String(describing: entry))")
    #expect(reason.contains("digest"), "\(reason)")
    #expect(try Listing.snapshot(other.runsDir) == before)
  }

  @Test("A truncated archive is refused, and a runs dir the import made is removed again")
  func refusesATruncatedArchive() throws {
    let (p, _, archive) = try ArchiveBytes.exportedRun("run.tar.gz")
    defer { p.remove() }
    let bytes = try FileIO.readBytes(archive)
    try FileIO.write(Array(bytes.prefix(bytes.count / 2)), to: archive)
    let fresh = p.tmp.path("fresh-runs")
    #expect(throws: ArchiveError.self) { try Importer(runsDir: fresh).importArchive(archive) }
    #expect(!FileIO.exists(fresh))
  }
}
