import Foundation
import GageKit
import GageTestSupport
import Testing

/// An export writes its archive under a temporary name beside it, named like every
/// temporary of gage: a killed export's leftover is removed by the next export there.
@Suite("export leftovers", .serialized)
struct ExportLeftoverTests {
  @Test("The next export removes a killed export's temporary file, and no file of the user's")
  func killedExportLeftover() throws {
    let project = try ArchiveFixture.project()
    defer { project.remove() }
    let out = try project.tmp.makeDir("out")
    let ended = try RunningProcess(executable: "/bin/true", arguments: [], directory: "/", environment: [:])
    _ = ended.wait()
    let leftover = ".runs.tar.\(ended.pid)-\(HostIdentity.current.tag).1.tmp"
    let mine = [".notes.tmp", ".runs.tar.\(ended.pid).tmp"]
    for name in [leftover] + mine { try writeFile(FileIO.join(out, name), "half\n") }
    let export = try project.gage(["archive", "export", "1", "-o", FileIO.join(out, "runs.tar")])
    #expect(export.exitCode == 0, "\(export)")
    let entries = Set(try DirectoryListing.entries(out).map(\.display))
    #expect(entries == Set(mine + ["runs.tar"]), "\(entries)")
  }
}
