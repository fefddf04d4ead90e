import Foundation
import GageKit
import GageTestSupport
import Testing

/// Leftovers of writers killed before their rename are removed; files of live writers and
/// other files are kept.
@Suite("Stale temporary files")
struct StaleTemporaryFilesTests {
  @Test("a dead writer's temporary file goes; a live writer's and ordinary files stay")
  func removesOnlyDeadWriters() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    let dead = process.processIdentifier
    let names = [
      ".runs.\(dead).17.tmp", ".exit.\(dead).tmp", ".runs.\(getpid()).18.tmp", "records", ".hidden", "x.tmp",
    ]
    for name in names { try writeFile(tmp.path(name), "x") }
    StaleTemporaryFiles.remove(in: tmp.path)
    let left = Set(try DirectoryListing.entries(tmp.path).map(\.display))
    #expect(left == [".runs.\(getpid()).18.tmp", "records", ".hidden", "x.tmp"])
  }
}
