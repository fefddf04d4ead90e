import Foundation
import GageTestSupport
import Testing

@testable import GageKit

/// Runs dirs written by other Gage versions, built by hand from docs/run-layout.md: Python Gage 0.1.2
/// (meta dir, `1 ns op` opref, deletes renamed to `*.deleted`) and later Gage
/// (`<id>.meta.zip`, `2 ns op version` opref, `.move` markers).
@Suite("Runs from other Gage versions")
struct LegacyRunsTests {
  static let base = Int64(1_767_225_600_000_000)

  /// A runs dir with one run of each kind.
  static func mixed(
    _ tmp: TempDir
  ) throws -> (
    dir: String, old: HandMadeRun, deleted: HandMadeRun, zipped: HandMadeRun, moved: HandMadeRun
  ) {
    let dir = try tmp.makeDir("runs")
    var old = HandMadeRun(opref: "1 proj prepare", started: Self.base, config: #"{"rows": 100}"#)
    old.user["0190f3a1-0000-4000-8000-000000000001.json"] =
      #"{"author": "ana", "set": {"label": "from 0.1.2"}, "delete": []}"#
    try old.write(in: dir)
    var deleted = HandMadeRun(opref: "1 proj prepare", started: Self.base + 1_000_000, exit: "1")
    deleted.files["data.csv"] = "a,b\n"
    deleted.user["0190f3a1-0000-4000-8000-000000000002.json"] =
      #"{"author": "ana", "set": {"label": "gone"}, "delete": []}"#
    try deleted.writeRenamedDeleted(in: dir)
    var zipped = HandMadeRun(
      opref: "2 proj train 1.2", started: Self.base + 2_000_000, config: #"{"lr": 0.01}"#,
      summary: #"{"metrics": {"loss": 0.125}, "attributes": {"label": "from summary"}}"#)
    zipped.meta["output/40_run"] = "epoch 1\nloss 0.125\n"
    try zipped.writeZipped(in: dir)
    var moved = HandMadeRun(opref: "2 proj train", started: Self.base + 3_000_000)
    moved.moves = [
      "0190f3a1-0000-4000-8000-00000000000a-trash", "0190f3a2-0000-4000-8000-00000000000b-active",
      "0190f3a3-0000-4000-8000-00000000000c-trash",
    ]
    try moved.write(in: dir)
    return (dir, old, deleted, zipped, moved)
  }

  @Test("Every kind lists where it belongs, with its operation, status and label")
  func listing() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let (dir, old, deleted, zipped, moved) = try Self.mixed(tmp)
    let catalog = RunCatalog(runsDir: dir)
    let active = RunListing(catalog: catalog, container: RunMoves.active)
    let rows = active.records(0..<active.count)
    #expect(rows.map(\.id) == [zipped.id, old.id])
    #expect(rows.map(\.operation) == ["train", "prepare"])
    #expect(rows.map(\.status) == [.completed, .completed])
    #expect(rows.map(\.label) == ["from summary", "from 0.1.2"])
    #expect(rows[0].opref?.version == "1.2")
    #expect(rows[0].form == .zip)
    #expect(rows[0].metrics == ["loss": .double(0.125)])

    let trash = RunListing(catalog: catalog, container: RunMoves.trash)
    let trashed = trash.records(0..<trash.count)
    #expect(
      trashed.map(\.id) == [moved.id, deleted.id],
      "the newest marker wins; renamed runs are in the trash")
    #expect(trashed[1].form == .deletedDir)
    #expect(trashed[1].status == .error)
    #expect(trashed[1].label == "gone", "read from <id>.user.deleted")
    #expect(trashed[1].run.runDir == FileIO.join(dir, deleted.id + ".deleted"))
  }

  @Test("--where works on every kind")
  func filtering() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let (dir, old, _, zipped, _) = try Self.mixed(tmp)
    let catalog = RunCatalog(runsDir: dir)
    func ids(_ expression: String) throws -> [String] {
      let listing = RunListing(
        catalog: catalog, container: RunMoves.active, filter: try WhereFilter(expression))
      return listing.records(0..<listing.count).map(\.id)
    }
    #expect(try ids("config.lr < 0.1") == [zipped.id])
    #expect(try ids("metric.loss < 0.2 and op = train") == [zipped.id])
    #expect(try ids("config.rows >= 100") == [old.id])
    #expect(try ids("label ~ 0.1") == [old.id])
  }

  @Test("show reads a zipped meta: command, output, summary")
  func showZipped() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let (dir, _, _, zipped, _) = try Self.mixed(tmp)
    let record = try #require(RunCatalog(runsDir: dir).record(id: zipped.id))
    let info = RunInfo(record: record)
    #expect(info.command == .string("python train.py"))
    #expect(info.output() == "epoch 1\nloss 0.125\n")
    #expect(info.summary["metrics"]?["loss"] == .double(0.125))
    let meta = try RunMeta(run: record.run)
    #expect(try meta.files().contains("proc/exit"))
    #expect(meta.text(MetaFile.opref) == "2 proj train 1.2")
  }

  @Test("Restoring a renamed run renames it back; restoring a moved run writes a marker")
  func restore() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let (dir, _, deleted, _, moved) = try Self.mixed(tmp)
    var catalog = RunCatalog(runsDir: dir)
    try RunRemoval.restore(try #require(catalog.record(id: deleted.id)))
    try RunRemoval.restore(try #require(catalog.record(id: moved.id)))
    for suffix in ["", ".meta", ".user"] {
      #expect(FileIO.exists(FileIO.join(dir, deleted.id + suffix)), "\(suffix)")
      #expect(!FileIO.exists(FileIO.join(dir, deleted.id + suffix + ".deleted")), "\(suffix)")
    }
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: FileIO.join(dir, moved.id + ".move"))
        .count == 4)
    catalog = RunCatalog(runsDir: dir)
    let active = RunListing(catalog: catalog, container: RunMoves.active)
    #expect(active.count == 4)
    #expect(catalog.record(id: deleted.id)?.label == "gone")
  }

  @Test("A zip that is not one reads unknown, with the reason")
  func brokenZip() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    let id = RunID.make()
    try tmp.write("runs/\(id).meta.zip", "PK\u{3}\u{4} truncated")
    let record = try #require(RunCatalog(runsDir: dir).record(id: id))
    #expect(record.status == .unknown)
    #expect(
      record.reason?.hasPrefix("\(id).meta.zip cannot be read") == true, "\(record.reason ?? "-")")
  }

  @Test("The hand-written zip is a zip: CRC-32 known answer")
  func crc() {
    #expect(StoredZip.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(StoredZip.crc32([]) == 0)
  }
}
