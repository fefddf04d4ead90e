import Foundation
import GageKit
import GageTestSupport
import Testing

/// `manifest`: one line per run-dir file, `<type> <sha256-hex> <relpath>\n`.
@Suite("Manifest format")
struct ManifestTests {
  static let emptyDigest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

  @Test("SHA-256 known answers")
  func digestVectors() {
    #expect(FileDigest.hex([UInt8]()) == Self.emptyDigest)
    #expect(FileDigest.hex(Array(Seed.sayPy.utf8)) == Seed.sayPyDigest)
    #expect(
      FileDigest.hex(Array("abc".utf8))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  @Test("Seed 001's manifest line parses and formats back byte for byte")
  func seedLine() throws {
    let manifest = try Manifest.parse(Seed.manifestLine)
    #expect(
      manifest.entries == [ManifestEntry(type: .source, digest: Seed.sayPyDigest, path: "say.py")])
    #expect(manifest.text == Seed.manifestLine)
  }

  @Test("Entries are sorted by path bytes; every type letter round-trips; names are encoded")
  func formatAndParse() throws {
    let d = Self.emptyDigest
    let manifest = Manifest(entries: [
      ManifestEntry(type: .generated, digest: d, path: "z/out.txt"),
      ManifestEntry(type: .source, digest: d, path: "B.py"),
      ManifestEntry(type: .runtime, digest: d, path: "a b.txt"),
      ManifestEntry(type: .dependency, digest: d, path: "data/100%\n.csv"),
    ])
    #expect(manifest.entries.map(\.path) == ["B.py", "a b.txt", "data/100%\n.csv", "z/out.txt"])
    #expect(
      manifest.text == """
        s \(d) B.py
        r \(d) a b.txt
        d \(d) data/100%25%0A.csv
        g \(d) z/out.txt

        """)
    #expect(try Manifest.parse(manifest.text) == manifest)
    #expect(manifest.digestsByPath["a b.txt"] == d)
  }

  @Test(
    "Malformed lines are errors naming the line",
    arguments: [
      "x \(emptyDigest) file",
      "s abc file",
      "s \(emptyDigest)",
      "s \(emptyDigest) ",
      "s",
    ])
  func malformed(line: String) {
    let error = #expect(throws: GageError.self) {
      try Manifest.parse("s \(Self.emptyDigest) ok\n" + line + "\n")
    }
    #expect(error?.message.contains("manifest:2") == true, "\(String(describing: error))")
  }

  @Test("A missing manifest file reads as an empty manifest")
  func missingFile() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    #expect(try Manifest.read(path: tmp.path("nope")).entries == [])
  }

  @Test("A symlink's digest is the SHA-256 of its target text")
  func symlinkDigest() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let link = tmp.path("link")
    #expect(symlink("say.py", link) == 0)
    #expect(try FileDigest.ofFile(link) == FileDigest.hex(Array("say.py".utf8)))
  }
}
