import Foundation
import GageKit
import GageTestSupport
import Testing

/// `Exporter` on real runs: what it writes, that it writes the same bytes for the same runs,
/// and what it refuses.
@Suite("Exporter")
struct ExporterTests {
  @Test("An export holds the run as a bag that the verifier accepts; its summary counts the payload")
  func exportsABag() throws {
    let (p, runs) = try LibraryRuns.project()
    defer { p.remove() }
    let archive = p.tmp.path("one.tar")
    let summary = try ArchiveBytes.export(runs, to: archive)
    #expect(summary.runIDs == [runs[0].id])
    let checked = try Verifier().verify(archive)
    #expect(checked.runIDs == [runs[0].id])
    #expect(checked.files == summary.files && checked.bytes == summary.bytes)
    // The payload: every run file the manifest lists, every meta file the seal lists, the seal.
    let recorded = try LibraryRuns.recordedFiles(runs[0])
    #expect(summary.files == recorded + 1, "\(summary.files) payload files, \(recorded) in manifest and seal")
    let tar = try Command.run("/bin/tar", ["-tf", archive], in: p.tmp.path)
    #expect(tar.exitCode == 0, "\(tar)")
    let top = "gage-" + String(FileDigest.hex(runs[0].id.utf8).prefix(8))
    for entry in ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", "data/\(runs[0].id)/out.txt"] {
      #expect(tar.stdout.contains("\(top)/\(entry)\n"), "\(entry) in \(tar.stdout)")
    }
  }

  @Test(
    "The same runs give the same bytes: from a copy of the runs dir with other times, in any order",
    arguments: ["tar", "tar.gz", "tar.zst"])
  func deterministic(_ ext: String) throws {
    let (p, runs) = try LibraryRuns.project(runs: 2)
    defer { p.remove() }
    let copy = p.tmp.path("copied-runs")
    let copied = try Command.run(
      "/bin/sh", ["-c", "cp -R \"$0\" \"$1\" && find \"$1\" -exec touch -h -d '2001-02-03 04:05:06' {} +", p.runsDir, copy],
      in: p.tmp.path)
    #expect(copied.exitCode == 0, "\(copied)")
    let first = p.tmp.path("first.\(ext)")
    let second = p.tmp.path("second.\(ext)")
    try ArchiveBytes.export(runs, to: first)
    try ArchiveBytes.export(RunStore(path: copy).runs(), to: second)
    let a = try FileIO.readBytes(first)
    #expect(!a.isEmpty)
    #expect(a == (try FileIO.readBytes(second)))
  }

  @Test("A run changed since it was sealed is refused and no archive is left")
  func refusesAChangedRun() throws {
    let (p, runs) = try LibraryRuns.project()
    defer { p.remove() }
    try LibraryRuns.tamper(runs[0])
    let archive = p.tmp.path("changed.tar.gz")
    let error = #expect(throws: GageError.self) { try ArchiveBytes.export(runs, to: archive) }
    #expect(error?.message.contains("out.txt does not match its recorded digest") == true, "\(String(describing: error))")
    #expect(!FileIO.exists(archive))
    #expect(try DirectoryListing.entries(p.tmp.path).map(\.display).filter { $0.hasPrefix("changed") }.isEmpty)
  }

  @Test("Nothing to export, or a file name that is no archive Gage writes, is an error")
  func badRequests() throws {
    let (p, runs) = try LibraryRuns.project()
    defer { p.remove() }
    #expect(throws: GageError.self) { try ArchiveBytes.export([], to: p.tmp.path("none.tar")) }
    #expect(throws: GageError.self) { try ArchiveBytes.export(runs, to: p.tmp.path("runs.zip")) }
    #expect(!FileIO.exists(p.tmp.path("none.tar")) && !FileIO.exists(p.tmp.path("runs.zip")))
  }
}
