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
    let dead = "\(try Command.exitedPID())-\(HostIdentity.current.tag)"
    let live = "\(getpid())-\(HostIdentity.current.tag)"
    let names = [
      ".runs.17.\(dead).tmp", ".exit.\(dead).tmp", ".config.json.\(dead).tmp", ".runs.18.\(live).tmp", "records",
      ".hidden", "x.tmp",
    ]
    for name in names { try writeFile(tmp.path(name), "x") }
    StaleTemporaryFiles.remove(in: tmp.path)
    let left = Set(try DirectoryListing.entries(tmp.path).map(\.display))
    #expect(left == [".runs.18.\(live).tmp", "records", ".hidden", "x.tmp"])
  }

  @Test("a leftover of another host, boot or PID namespace stays while it is young, whatever its PID; old ones go")
  func otherHostsLeftovers() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    var elsewhere = HostIdentity.current
    elsewhere.name += "-other"
    var rebooted = HostIdentity.current
    rebooted.bootID = "00000000-0000-4000-8000-000000000000"
    // PID 999999 is above any pid_max here: dead on this host, maybe alive on the other.
    let young = [
      ".exit.999999-\(elsewhere.tag).tmp", ".exit.999998-\(rebooted.tag).tmp", ".exit.999997.tmp",
      ".import-999999-\(elsewhere.tag)-a1b2c3", ".import-999997-d4e5f6",
    ]
    let old = [".label.999999-\(elsewhere.tag).tmp", ".pull-999997-g7h8i9", ".new-999999-\(elsewhere.tag)-j1k2l3"]
    for name in young + old { try writeFile(tmp.path(name), "x") }
    let twoDaysAgo = timespec(tv_sec: time(nil) - 2 * 24 * 3600, tv_nsec: 0)
    for name in old {
      let times = [twoDaysAgo, twoDaysAgo]
      #expect(utimensat(AT_FDCWD, tmp.path(name), times, AT_SYMLINK_NOFOLLOW) == 0)
    }
    StaleTemporaryFiles.remove(in: tmp.path)
    StaleTemporaryFiles.removeAbandonedDirectories(in: tmp.path)
    let left = Set(try DirectoryListing.entries(tmp.path).map(\.display))
    #expect(left == Set(young))
  }
}
