import Foundation
import GageKit
import Testing

/// The BagIt pieces: names, manifests, bag-info, compression by file name.
@Suite("BagIt layout")
struct BagTests {
  @Test("The bag's directory is named from the sorted run ids, whatever their order")
  func directoryName() {
    let a = "60a825b1-0000-4000-8000-000000000001"
    let b = "70a825b1-0000-4000-8000-000000000002"
    let name = Bag.directoryName(ids: [b, a])
    #expect(name == Bag.directoryName(ids: [a, b]))
    #expect(name == "gage-" + String(FileDigest.hex("\(a)\n\(b)".utf8).prefix(8)))
  }

  @Test("Manifest lines: sorted, two spaces, %, CR and LF encoded; parsed back")
  func manifestRoundTrip() throws {
    let digests = [
      "data/x/b.txt": String(repeating: "b", count: 64),
      "data/x/100%.txt": String(repeating: "a", count: 64),
      "data/x/two\nlines": String(repeating: "c", count: 64),
    ]
    let text = Bag.manifestText(digests)
    #expect(
      text == "\(String(repeating: "a", count: 64))  data/x/100%25.txt\n\(String(repeating: "b", count: 64))  data/x/b.txt\n"
        + "\(String(repeating: "c", count: 64))  data/x/two%0Alines\n")
    #expect(try Bag.parseManifest(text, name: "m") == digests)
  }

  @Test("A manifest listing a path twice, or a malformed line, is a problem naming the file")
  func manifestProblems() {
    let d = String(repeating: "a", count: 64)
    #expect(throws: BagProblem.self) { try Bag.parseManifest("\(d)  data/a\n\(d)  data/a\n", name: "m") }
    #expect(throws: BagProblem(entry: "m", reason: "line 1 is not `<sha256>  <path>`")) {
      try Bag.parseManifest("nothex  data/a\n", name: "m")
    }
  }

  @Test("bag-info.txt round trip; Payload-Oxum is required")
  func bagInfo() throws {
    let info = BagInfo(
      baggingDate: "2026-01-02", payloadBytes: 1234, payloadFiles: 5, agent: "gage 0.1.0", archiveVersion: "1",
      runIDs: ["a", "b"], sourceCommits: ["abc", "none"])
    #expect(info.text.contains("Payload-Oxum: 1234.5\n"))
    #expect(try BagInfo.parse(info.text) == info)
    #expect(throws: BagProblem.self) { try BagInfo.parse("Bagging-Date: 2026-01-02\n") }
  }

  @Test("Bagging-Date is the UTC date of the stop time")
  func baggingDate() {
    // 2026-01-01T23:30:00Z; in Tokyo it is already Jan 2.
    #expect(Bag.baggingDate(micros: 1_767_310_200_000_000) == "2026-01-01")
  }

  @Test("The compression follows the file name; other names are refused")
  func compression() throws {
    #expect(try ArchiveCompression.forFile("a.tar") == ArchiveCompression.none)
    #expect(try ArchiveCompression.forFile("a.TGZ") == .gzip)
    #expect(try ArchiveCompression.forFile("a.tar.gz") == .gzip)
    #expect(try ArchiveCompression.forFile("a.tar.zst") == .zstd)
    #expect(throws: GageError.self) { try ArchiveCompression.forFile("a.zip") }
  }
}
