import Foundation
import GageTestSupport
import Testing

@testable import GageKit

/// The listing index (`<runs>/.index/`): used when it holds, never believed when the files
/// say otherwise.
@Suite("Runs index")
struct RunCatalogTests {
  static let base = Int64(1_767_225_600_000_000)
  /// Ten seconds from now: files written by the test have settled (their stamps are not racy).
  static var later: Int64 { FileStamp.now() + 10_000_000_000 }

  static func ids(_ catalog: RunCatalog, _ container: String? = RunMoves.active) -> [String] {
    catalog.keys(in: container).map(\.id)
  }

  /// A catalog as a later command sees it, saved.
  static func settled(_ dir: String) -> RunCatalog {
    let catalog = RunCatalog(runsDir: dir, now: later)
    catalog.save()
    return catalog
  }

  @Test("A listing writes the index; the next one reads records from it, not from the meta")
  func usesIndex() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    let run = try HandMadeRun(started: Self.base).write(in: dir)
    _ = Self.settled(dir)
    #expect(FileIO.exists(FileIO.join(dir, ".index/runs")))
    // Rewriting a sealed file in place changes no stamp the index checks: the index answers
    // (sealed files never change; `gage verify` is what catches tampering).
    try FileIO.write("2 proj edited", to: run.metaPath(MetaFile.opref))
    #expect(RunCatalog(runsDir: dir, now: Self.later).record(id: run.id)?.operation == "train")
    // Without the index the files answer.
    try FileIO.removeTree(FileIO.join(dir, ".index"))
    #expect(RunCatalog(runsDir: dir, now: Self.later).record(id: run.id)?.operation == "edited")
  }

  @Test("A stale record is read again: exit written, label set, run moved, run removed, run added")
  func staleRecords() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    var running = HandMadeRun(started: Self.base, exit: nil)
    running.meta[MetaFile.runner] = RunnerIdentity.current().json.prettyPrinted()
    let run = try running.write(in: dir)
    let other = try HandMadeRun(started: Self.base + 1).write(in: dir)
    #expect(Self.settled(dir).record(id: run.id)?.status == .running)

    // The run finishes: its record was unsettled, so it is read again.
    try FileIO.write(String(Self.base + 9), to: run.metaPath(MetaFile.stopped))
    try FileIO.write("3", to: run.metaPath(MetaFile.exit))
    #expect(Self.settled(dir).record(id: run.id)?.status == .error)

    // A label (a new .user dir, then a second entry in it).
    usleep(20_000)
    try RunAnnotations(run: run).setLabel("first")
    #expect(Self.settled(dir).record(id: run.id)?.label == "first")
    usleep(20_000)
    try RunAnnotations(run: run).setLabel("second")
    try FileIO.removeFile(FileIO.join(dir, ".index/changed"))
    #expect(Self.settled(dir).record(id: run.id)?.label == "second", "the .user dir's stamp changed")

    // A move to the trash.
    usleep(20_000)
    guard let record = RunCatalog(runsDir: dir, now: Self.later).record(id: run.id) else {
      Issue.record("no record")
      return
    }
    try RunRemoval.trash(record)
    var catalog = Self.settled(dir)
    #expect(Self.ids(catalog) == [other.id])
    #expect(Self.ids(catalog, RunMoves.trash) == [run.id])

    // Removed for good, and a new run.
    try RunRemoval.purge(try #require(catalog.record(id: run.id)))
    let added = try HandMadeRun(started: Self.base + 2).write(in: dir)
    catalog = Self.settled(dir)
    #expect(Self.ids(catalog, nil) == [added.id, other.id])
  }

  @Test("Changes within the racy window are caught: a stamp that new is never trusted")
  func racy() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    let run = try HandMadeRun(started: Self.base).write(in: dir)
    try RunAnnotations(run: run).setLabel("a")
    let catalog = RunCatalog(runsDir: dir)
    #expect(catalog.record(id: run.id)?.label == "a")
    catalog.save()
    // Same clock tick as far as ctime can tell; the index must not answer "a".
    try RunAnnotations(run: run).setLabel("b")
    try? FileIO.removeFile(FileIO.join(dir, ".index/changed"))
    #expect(RunCatalog(runsDir: dir).record(id: run.id)?.label == "b")
  }

  @Test("Runs noted as changed are read again whatever their stamps say")
  func changedNotes() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    let run = try HandMadeRun(started: Self.base).write(in: dir)
    _ = Self.settled(dir)
    try FileIO.write("2 proj edited", to: run.metaPath(MetaFile.opref))
    RunIndex.noteChanged(run)
    let catalog = RunCatalog(runsDir: dir, now: Self.later)
    #expect(catalog.record(id: run.id)?.operation == "edited")
    catalog.save()
    #expect(!FileIO.exists(FileIO.join(dir, ".index/changed")), "a saved index consumes the notes")
  }

  @Test("A damaged index is ignored; a missing runs dir lists nothing")
  func damagedIndex() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    let run = try HandMadeRun(started: Self.base).write(in: dir)
    try tmp.write("runs/.index/runs", "gage-runs-index\t1\t5\nnot\ta\trecord\n\u{0}\u{1}")
    #expect(Self.ids(RunCatalog(runsDir: dir)) == [run.id])
    try tmp.write("runs/.index/runs", "something else entirely")
    #expect(Self.ids(RunCatalog(runsDir: dir)) == [run.id])
    #expect(Self.ids(RunCatalog(runsDir: tmp.path("missing"))) == [])
    #expect(!FileIO.exists(tmp.path("missing")), "listing makes no runs dir")
  }

  @Test("The index format keeps every field, tabs and newlines included")
  func roundTrip() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    var made = HandMadeRun(
      started: Self.base, exit: "-15", config: #"{"lr": 0.1, "note": "a\tb"}"#,
      summary: #"{"metrics": {"loss": {"value": 0.25}}}"#)
    made.user["0190f3a1-0000-4000-8000-000000000000.json"] =
      #"{"author": "ana", "set": {"label": "line\nbreak\tand \\ slash"}, "delete": []}"#
    let run = try made.write(in: dir)
    let first = try #require(Self.settled(dir).record(id: run.id))
    let again = try #require(RunCatalog(runsDir: dir, now: Self.later).record(id: run.id))
    #expect(first.label == "line\nbreak\tand \\ slash")
    #expect(again.label == first.label)
    #expect(again.status == .terminated)
    #expect(again.exitCode == -15)
    #expect(again.config == ["lr": .double(0.1), "note": .string("a\tb")])
    #expect(again.metrics == ["loss": .double(0.25)])
    #expect(again.started == Self.base)
    #expect(again.stamps == first.stamps)
  }

  @Test("The runs dir's own stamp spares reading it when nothing was added or removed")
  func dirStamp() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    let run = try HandMadeRun(started: Self.base).write(in: dir)
    _ = Self.settled(dir)
    _ = Self.settled(dir)
    let loaded = try #require(RunIndex(runsDir: dir).open())
    #expect(loaded.dirStamp == FileStamp.of(dir, now: Self.later))
    let key = try #require(RunKey(run.id))
    #expect(loaded.entries.first { $0.key == key }?.files == [.runDir, .meta])
    #expect(loaded.entries.first { $0.key == key }?.settled == true)
  }

  @Test("Containers come back from the index: active, trash, archive, renamed by Python Gage")
  func containers() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    let active = try HandMadeRun(started: Self.base).write(in: dir)
    let trashed = try HandMadeRun(started: Self.base + 1).write(in: dir)
    let archived = try HandMadeRun(started: Self.base + 2).write(in: dir)
    let renamed = HandMadeRun(started: Self.base + 3)
    try renamed.writeRenamedDeleted(in: dir)
    let archive = try LocalArchives(runsDir: dir).create("keep")
    let first = RunCatalog(runsDir: dir, now: Self.later)
    try RunRemoval.trash(try #require(first.record(id: trashed.id)))
    try RunMoves.move(archived, to: archive.id)
    first.save()
    for _ in 0..<2 {
      let catalog = Self.settled(dir)
      #expect(Self.ids(catalog) == [active.id])
      #expect(Self.ids(catalog, RunMoves.trash) == [renamed.id, trashed.id])
      #expect(Self.ids(catalog, archive.id) == [archived.id])
      #expect(catalog.counts() == [RunMoves.active: 1, RunMoves.trash: 2, archive.id: 1])
    }
  }
}
