import Foundation
import GageTestSupport
import Testing

@testable import GageKit

/// The digest index (`<runs>/.index/digests`): answers from one file, follows the runs,
/// and is never believed over a manifest.
@Suite("Digest index")
struct DigestIndexTests {
  static let base = Int64(1_767_225_600_000_000)
  /// Ten seconds from now: files written by the test have settled (their stamps are not racy).
  static var later: Int64 { FileStamp.now() + 10_000_000_000 }

  static func sha(_ text: String) -> String { FileDigest.hex(Array(text.utf8)) }

  /// A finished run whose manifest holds `lines` (type, content, path).
  static func run(
    _ lines: [(String, String, String)], started: Int64 = base, exit: String? = "0"
  )
    -> HandMadeRun
  {
    var run = HandMadeRun(started: started, exit: exit)
    run.meta[MetaFile.manifest] = lines.map { "\($0.0) \(sha($0.1)) \($0.2)\n" }.joined()
    return run
  }

  /// An index as a later command sees it, saved.
  static func settled(_ dir: String) -> DigestIndex {
    let index = DigestIndex(runsDir: dir, now: later)
    index.save()
    return index
  }

  static func ids(_ index: DigestIndex, _ content: String) -> Set<String> {
    Set(index.runs(holding: sha(content)).map(\.run.id))
  }

  @Test("Answers with the manifest's entries; the next command reads no manifest")
  func answers() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    let a = try Self.run([("g", "model a", "out/model.bin"), ("s", "src", "train.py")]).write(
      in: dir)
    let b = try Self.run([
      ("g", "model b", "model.bin"), ("s", "src", "train.py"), ("g", "model b", "copy.bin"),
    ])
    .write(in: dir)
    let first = Self.settled(dir)
    #expect(first.runsRead == 2)
    #expect(first.runCount == 2 && first.recordCount == 4)
    let found = first.runs(holding: Self.sha("model a"))
    #expect(found.map(\.run) == [a])
    #expect(
      found.first?.entries == [
        ManifestEntry(type: .generated, digest: Self.sha("model a"), path: "out/model.bin")
      ])
    #expect(
      first.runs(holding: Self.sha("model b")).first?.entries.map(\.path) == [
        "model.bin", "copy.bin",
      ])
    #expect(Self.ids(first, "src") == [a.id, b.id])
    #expect(Self.ids(first, "in no run").isEmpty)
    #expect(FileIO.exists(FileIO.join(dir, ".index/digests")))

    let again = Self.settled(dir)
    #expect(again.runsRead == 0, "stamps hold: nothing read again")
    #expect(Self.ids(again, "src") == [a.id, b.id])
    let stamp = FileStamp.of(FileIO.join(dir, ".index/digests"), now: Self.later)
    #expect(Self.settled(dir).runsRead == 0)
    #expect(
      FileStamp.of(FileIO.join(dir, ".index/digests"), now: Self.later) == stamp, "not rewritten")
  }

  @Test("A stale entry is read again: run added, run finished, run removed, meta renamed or zipped")
  func staleEntries() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    let running = try Self.run([("s", "src", "train.py")], exit: nil).write(in: dir)
    let kept = try Self.run([("g", "kept", "k.bin")], started: Self.base + 1).write(in: dir)
    #expect(Self.ids(Self.settled(dir), "src") == [running.id])

    // The running run finishes: its manifest gains the generated files, then proc/exit.
    usleep(20_000)
    try FileIO.write(
      "g \(Self.sha("made")) made.bin\ns \(Self.sha("src")) train.py\n",
      to: running.metaPath(MetaFile.manifest))
    try FileIO.write("0", to: running.metaPath(MetaFile.exit))
    var index = Self.settled(dir)
    #expect(index.runsRead == 1)
    #expect(Self.ids(index, "made") == [running.id])

    // A new run, in Python Gage's renamed-deleted form, and one with a zipped meta.
    let renamed = Self.run([("g", "renamed", "r.bin")], started: Self.base + 2)
    try renamed.writeRenamedDeleted(in: dir)
    let zipped = Self.run([("d", "zipped", "data.csv")], started: Self.base + 3)
    try zipped.writeZipped(in: dir)
    index = Self.settled(dir)
    #expect(index.runsRead == 2)
    #expect(Self.ids(index, "renamed") == [renamed.id])
    #expect(index.runs(holding: Self.sha("zipped")).first?.entries.first?.type == .dependency)
    #expect(
      index.runs(holding: Self.sha("zipped")).first?.run.metaDir.hasSuffix(".meta.zip") == true)

    // Renamed back (restored) and removed for good.
    try RunRemoval.restore(
      try #require(RunCatalog(runsDir: dir, now: Self.later).record(id: renamed.id)))
    try RunRemoval.purge(
      try #require(RunCatalog(runsDir: dir, now: Self.later).record(id: kept.id)))
    index = Self.settled(dir)
    #expect(index.runs(holding: Self.sha("renamed")).first?.run.metaDir.hasSuffix(".meta") == true)
    #expect(Self.ids(index, "kept").isEmpty)
    #expect(index.runCount == 3)
    #expect(index.candidates(Self.sha("kept")).isEmpty, "the purged run's records are gone")
  }

  @Test("A run seen before proc/exit is marked finished when it appears; finished runs are trusted")
  func finishing() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    // Finalize wrote the manifest; proc/exit is not there yet.
    let run = try Self.run([("g", "final", "out.bin")], exit: nil).write(in: dir)
    _ = Self.settled(dir)
    let path = FileIO.join(dir, ".index/digests")
    #expect(DigestIndexFormat.Stored(try FileIO.readBytes(path))?.runs.first?.settled == false)
    try FileIO.write("0", to: run.metaPath(MetaFile.exit))
    let index = Self.settled(dir)
    #expect(index.runsRead == 0, "the manifest did not change: it is not read again")
    #expect(DigestIndexFormat.Stored(try FileIO.readBytes(path))?.runs.first?.settled == true)
    _ = Self.settled(dir)

    // The runs dir has not changed since: a finished run's sealed manifest is not even
    // stamped (as in the listing index, `gage verify` is what finds tampering) ...
    try FileIO.write(
      "g \(Self.sha("tampered")) out.bin\n", to: run.metaPath(MetaFile.manifest))
    #expect(Self.ids(DigestIndex(runsDir: dir, now: Self.later), "tampered").isEmpty)
    // ... but what the index answers is confirmed: the old content is no longer claimed.
    #expect(Self.ids(DigestIndex(runsDir: dir, now: Self.later), "final").isEmpty)
    // Without the index the manifests answer.
    try FileIO.removeFile(path)
    #expect(Self.ids(DigestIndex(runsDir: dir, now: Self.later), "tampered") == [run.id])
  }

  @Test("Changes within the racy window are caught")
  func racy() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    let run = try Self.run([("s", "src", "train.py")], exit: nil).write(in: dir)
    let index = DigestIndex(runsDir: dir)
    #expect(Self.ids(index, "src") == [run.id])
    index.save()
    // Same clock tick as far as ctime can tell: the stamp was racy, so it is not trusted.
    try FileIO.write("g \(Self.sha("new")) new.bin\n", to: run.metaPath(MetaFile.manifest))
    #expect(Self.ids(DigestIndex(runsDir: dir), "new") == [run.id])
  }

  @Test("A damaged index is rebuilt: truncated, flipped, garbage, empty, another version")
  func damaged() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    let runs = try (0..<5).map { i in
      try Self.run(
        [("g", "out \(i)", "o.bin"), ("s", "src", "s.py")], started: Self.base + Int64(i)
      ).write(in: dir)
    }
    _ = Self.settled(dir)
    let path = FileIO.join(dir, ".index/digests")
    let good = try FileIO.readBytes(path)
    #expect(DigestIndexFormat.Stored(good) != nil)
    var flipped = good
    flipped[DigestIndexFormat.headerSize + 3] ^= 0x01
    var otherVersion = good
    otherVersion[DigestIndexFormat.magic.count - 2] = UInt8(ascii: "9")
    for bytes in [
      Array(good.dropLast(12)), Array(good.dropLast()), flipped, otherVersion,
      Array("garbage".utf8), [],
    ] {
      try FileIO.write(bytes, to: path)
      let index = Self.settled(dir)
      #expect(index.runsRead == 5, "rebuilt from the manifests")
      #expect(Self.ids(index, "out 3") == [runs[3].id])
      #expect(Self.ids(index, "src").count == 5)
      #expect(DigestIndexFormat.Stored(try FileIO.readBytes(path)) != nil, "written whole again")
    }
  }

  @Test(
    "An index naming the wrong run is not believed: the manifest decides, the run is read again")
  func wrongIndex() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    let run = try Self.run([("g", "real", "out.bin")]).write(in: dir)
    _ = Self.settled(dir)
    let later = Self.later
    let key = try #require(RunKey(run.id))
    let prefix = try #require(DigestIndexFormat.prefix(hex: Self.sha("forged")))
    let real = try #require(DigestIndexFormat.prefix(hex: Self.sha("real")))
    let stored = try #require(
      DigestIndexFormat.Stored(try FileIO.readBytes(FileIO.join(dir, ".index/digests"))))
    let forged = DigestIndexFormat.encode(
      dirStamp: stored.dirStamp,
      runs: [.init(key: key, stamp: stored.runs[0].stamp, count: 2, form: .dir, settled: true)],
      records: [.init(prefix: min(prefix, real), run: 0), .init(prefix: max(prefix, real), run: 0)])
    try FileIO.write(forged, to: FileIO.join(dir, ".index/digests"))

    let index = DigestIndex(runsDir: dir, now: later)
    #expect(index.runsRead == 0, "a well-formed index whose stamps hold is used")
    #expect(index.candidates(Self.sha("forged")) == [key])
    #expect(index.runs(holding: Self.sha("forged")).isEmpty, "the manifest says no")
    #expect(index.runsRead == 1)
    #expect(index.candidates(Self.sha("forged")).isEmpty, "the run's entry was read again")
    #expect(Self.ids(index, "real") == [run.id])
  }

  @Test("The format: sorted records found by binary search, prefixes of manifest lines")
  func format() throws {
    let manifest = Array(
      """
      s \(Self.sha("a")) a.py
      not a manifest line
      g \(Self.sha("b")) b.bin
      g \(Self.sha("a")) copy of a.py
      s \(String(repeating: "z", count: 64)) bad-hex

      """.utf8)
    let prefixes = DigestIndexFormat.prefixes(manifest: manifest)
    #expect(prefixes.count == 2, "distinct, valid lines only")
    #expect(prefixes == prefixes.sorted())
    #expect(
      DigestIndexFormat.prefix(hex: "00000000000000ff" + String(repeating: "0", count: 48)) == 0xFF)
    #expect(DigestIndexFormat.prefix(hex: "XYZ") == nil)

    var generator = SystemRandomNumberGenerator()
    var many: [DigestIndexFormat.Record] = []
    for n in 0..<5000 {
      // Every seventh record shares one of three prefixes: ties are ordered by run.
      let prefix: UInt64 = n % 7 == 0 ? UInt64(n % 3) << 48 : generator.next()
      many.append(DigestIndexFormat.Record(prefix: prefix, run: UInt32(n % 11)))
    }
    #expect(DigestIndexFormat.sorted(many) == many.sorted(), "the linear sort sorts")

    let keys = (1...3).map { RunKey(high: UInt64($0), low: 0) }
    let runs = keys.map {
      DigestIndexFormat.RunEntry(key: $0, stamp: 7, count: 0, form: .dir, settled: true)
    }
    var records: [DigestIndexFormat.Record] = []
    for p in [UInt64(5), 9, 9, 9, 12, UInt64.max] {
      records.append(.init(prefix: p, run: UInt32(records.count % 3)))
    }
    records.sort()
    var counted = runs
    for r in records { counted[Int(r.run)].count += 1 }
    let bytes = DigestIndexFormat.encode(dirStamp: 42, runs: counted, records: records)
    #expect(bytes.count == DigestIndexFormat.headerSize + 3 * 32 + 6 * 12)
    let stored = try #require(DigestIndexFormat.Stored(bytes))
    #expect(stored.dirStamp == 42 && stored.runs == counted && stored.records() == records)
    #expect(Set(stored.runs(prefix: 9)) == [0, 1, 2])
    #expect(stored.runs(prefix: UInt64.max) == [2])
    #expect(stored.runs(prefix: 10).isEmpty && stored.runs(prefix: 0).isEmpty)
    // Counts that disagree with the records, or records out of order, are not an index.
    #expect(
      DigestIndexFormat.Stored(DigestIndexFormat.encode(dirStamp: 42, runs: runs, records: records))
        == nil)
    #expect(
      DigestIndexFormat.Stored(
        DigestIndexFormat.encode(dirStamp: 42, runs: counted, records: records.reversed()))
        == nil)
  }
}
