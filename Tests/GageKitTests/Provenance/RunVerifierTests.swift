import Foundation
import GageKit
import GageTestSupport
import Testing

/// `RunVerifier` on real runs: a fresh run verifies; every change to its run files or meta
/// files is reported with its kind and path.
@Suite("Run verifier")
struct RunVerifierTests {
  @Test("A fresh run verifies: run files and meta files hashed, no problem")
  func freshRunVerifies() throws {
    let (p, runs) = try LibraryRuns.project()
    defer { p.remove() }
    let result = RunVerifier().verify(runs[0])
    #expect(result.ok, "\(result.problems)")
    #expect(result.skipped == nil)
    // Every file the manifest and the seal list.
    #expect(result.files == (try LibraryRuns.recordedFiles(runs[0])), "\(result.files) files")
  }

  @Test("A modified, a missing and an unexpected run file are each reported, with the recorded and found digests")
  func runFiles() throws {
    let (p, runs) = try LibraryRuns.project()
    defer { p.remove() }
    let run = runs[0]
    try LibraryRuns.tamper(run, text: "forged\n")
    try LibraryRuns.unlock(FileIO.join(run.runDir, "sub/x.txt"))
    try FileIO.removeFile(FileIO.join(run.runDir, "sub/x.txt"))
    try writeFile(FileIO.join(run.runDir, "extra.bin"), "x")
    let result = RunVerifier().verify(run)
    #expect(!result.ok)
    let found = result.problems.map { "\($0.kind.rawValue) \($0.shownPath)" }
    #expect(found.sorted() == ["missing sub/x.txt", "modified out.txt", "unexpected extra.bin"], "\(found)")
    let modified = try #require(result.problems.first { $0.kind == .modified })
    #expect(modified.expected == FileDigest.hex(LibraryRuns.output.utf8))
    #expect(modified.actual == FileDigest.hex("forged\n".utf8))
    #expect(!modified.meta)
  }

  @Test("A changed meta file and a removed seal are caught like run files, as meta")
  func metaFiles() throws {
    let (p, runs) = try LibraryRuns.project(runs: 2)
    defer { p.remove() }
    let config = runs[0].metaPath(MetaFile.config)
    try LibraryRuns.unlock(config)
    try writeFile(config, "{\"forged\": true}")
    let first = RunVerifier().verify(runs[0])
    #expect(first.problems.map(\.shownPath) == [".meta/\(MetaFile.config)"], "\(first.problems)")
    #expect(first.problems.first?.kind == .modified && first.problems.first?.meta == true)

    let seal = runs[1].metaPath(MetaFile.seal)
    try LibraryRuns.unlock(seal)
    try FileIO.removeFile(seal)
    let second = RunVerifier().verify(runs[1])
    #expect(second.problems.map { "\($0.kind.rawValue) \($0.path)" } == ["missing \(MetaFile.seal)"], "\(second.problems)")
  }

  @Test("A run that has not finished is skipped with the reason, not failed")
  func unfinishedRunIsSkipped() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    var staged = HandMadeRun(started: 1_700_000_000_000_000, exit: nil)
    staged.meta[MetaFile.started] = nil
    let run = try staged.write(in: tmp.path("runs"))
    #expect(run.status == .staged)
    let result = RunVerifier().verify(run)
    #expect(result.skipped != nil)
    #expect(result.problems.isEmpty && !result.ok)
  }
}
