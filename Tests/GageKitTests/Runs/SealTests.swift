import Foundation
import GageKit
import GageTestSupport
import Testing

/// `seal`: `<sha256> <path>` for every other meta file, `proc/exit` included.
@Suite("Seal")
struct SealTests {
  /// Parses seal text into path → digest.
  static func parse(_ text: String) -> [String: String] {
    var result: [String: String] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: " ", maxSplits: 1)
      if parts.count == 2 { result[PathEncoding.decode(String(parts[1]))] = String(parts[0]) }
    }
    return result
  }

  static func finishedRun(in tmp: TempDir, script: String) throws -> (Run, Int32) {
    let op = Operation(
      command: .argv(["/bin/sh", "-c", script]), runDir: tmp.path("run"), echo: false)
    return try Runner.run(op)
  }

  @Test("The seal covers every meta file; each digest matches the file")
  func coversEveryMetaFile() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let (run, code) = try Self.finishedRun(in: tmp, script: "echo sealed > out.txt; echo done")
    #expect(code == 0)
    let text = try readFile(run.metaPath(MetaFile.seal))
    #expect(text.hasSuffix("\n"))
    let seal = Self.parse(text)
    #expect(text.split(separator: "\n").count == seal.count, "one line per file, no duplicates")

    let metaFiles = Set(try Listing.paths(in: run.metaDir)).subtracting([MetaFile.seal])
    #expect(Set(seal.keys) == metaFiles)
    for path in metaFiles.sorted() {
      #expect(seal[path] == (try FileDigest.ofFile(run.metaPath(path))), "digest of \(path)")
    }
    let paths = text.split(separator: "\n").map {
      String($0.split(separator: " ", maxSplits: 1)[1])
    }
    #expect(
      paths == paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, "lines sorted by path")
  }

  @Test(
    "proc/exit's digest is the SHA-256 of its content",
    arguments: [("exit 0", "0"), ("exit 3", "3")])
  func exitDigest(script: String, exit: String) throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let (run, _) = try Self.finishedRun(in: tmp, script: script)
    let content = try readFile(run.metaPath(MetaFile.exit))
    #expect(content == exit)
    let seal = Self.parse(try readFile(run.metaPath(MetaFile.seal)))
    #expect(seal[MetaFile.exit] == FileDigest.hex(Array(content.utf8)))
    let known = [
      "0": "5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9",
      "3": "4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce",
    ]
    #expect(seal[MetaFile.exit] == known[exit])
  }

  @Test("The seal is read-only and the lock is never sealed")
  func sealIsReadOnly() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let (run, _) = try Self.finishedRun(in: tmp, script: "true")
    let files = try Listing.files(in: run.metaDir)
    #expect(files.first { $0.path == MetaFile.seal }?.mode == 0o444)
    #expect(Self.parse(try readFile(run.metaPath(MetaFile.seal)))[MetaFile.lock] == nil)
    #expect(!FileIO.exists(run.metaPath(MetaFile.lock)))
  }
}
