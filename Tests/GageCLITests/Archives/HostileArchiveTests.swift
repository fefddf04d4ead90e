import Foundation
import GageKit
import GageTestSupport
import Testing

/// Hostile and damaged archives: each is rejected by `gage archive import` with a message
/// naming the entry, exit non-zero, and the runs dir left byte for byte as it was;
/// `gage archive verify` says FAILED and exits 3.
@Suite("hostile archives", .serialized)
struct HostileArchiveTests {
  /// A hostile archive made from a good one, and what the error must say.
  struct Case: Sendable, CustomTestStringConvertible {
    var kind: String
    var expected: [String]
    var testDescription: String { kind }
  }

  static let cases: [Case] = [
    Case(kind: "absolute", expected: ["/tmp/gage-evil", "absolute"]),
    Case(kind: "dotdot", expected: ["data/../../gage-evil", "`..`"]),
    Case(kind: "symlink-escape", expected: ["/link", "leaves its run"]),
    Case(kind: "symlink-through-name", expected: ["/link", "with \"..\" after a name"]),
    Case(kind: "symlink-entry", expected: ["/evil", "symbolic link"]),
    Case(kind: "hardlink", expected: ["/evil", "hard link"]),
    Case(kind: "device", expected: ["/evil", "device"]),
    Case(kind: "fifo", expected: ["/evil", "fifo"]),
    Case(kind: "duplicate", expected: ["/out.txt", "twice"]),
    Case(kind: "not-in-manifest", expected: ["/extra.txt", "not listed in manifest-sha256.txt"]),
    Case(kind: "missing-file", expected: ["/out.txt", "not in the archive"]),
    Case(kind: "digest", expected: ["/out.txt", "digest mismatch"]),
    Case(kind: "tag-altered", expected: ["bag-info.txt", "tag file altered"]),
    Case(kind: "no-bagit", expected: ["bagit.txt", "missing"]),
    Case(kind: "oxum", expected: ["Payload-Oxum"]),
    Case(kind: "run-manifest", expected: ["/out.txt", "own manifest disagrees"]),
    Case(kind: "not-utf8", expected: ["data/\\xff\\xfe", "not valid UTF-8"]),
  ]

  /// A project with one run exported to `good.tar`, and a runs dir (holding one run of its
  /// own) to import into.
  final class Setup {
    let project: TestProject
    let good: String
    let target: String

    init(extension ext: String = "tar") throws {
      project = try ArchiveFixture.project()
      good = project.tmp.path("good.\(ext)")
      let export = try project.gage(["archive", "export", "1", "-o", good])
      guard export.exitCode == 0 else { throw GageError.exec("export failed: \(export)") }
      target = project.tmp.path("target-runs")
      let other = try project.gage(["run", "-y", "-q", "make", "--runs", target])
      guard other.exitCode == 0 else { throw GageError.exec("run failed: \(other)") }
    }

    /// Imports and verifies `archive`; checks the rejection and that nothing changed.
    func expectRejected(_ archive: String, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
      let before = try Listing.snapshot(target)
      let result = try project.gage(["archive", "import", archive, "--runs", target])
      #expect(result.exitCode == 1, "\(result)", sourceLocation: sourceLocation)
      for text in expected {
        #expect(result.stderr.contains(text), "\(text) not in: \(result)", sourceLocation: sourceLocation)
      }
      #expect(
        result.stderr.contains("nothing was imported") || result.stderr.contains("corrupt"), "\(result)", sourceLocation: sourceLocation)
      #expect(try Listing.snapshot(target) == before, "the runs dir changed", sourceLocation: sourceLocation)
      let verify = try project.gage(["archive", "verify", archive])
      #expect(verify.exitCode == 3, "\(verify)", sourceLocation: sourceLocation)
      #expect(verify.stdout.contains("FAILED"), "\(verify)", sourceLocation: sourceLocation)
    }
  }

  @Test("A hostile or damaged archive is rejected, naming the entry; the runs dir is unchanged", arguments: cases)
  func rejected(_ c: Case) throws {
    let setup = try Setup()
    defer { setup.project.remove() }
    let hostile = setup.project.tmp.path("hostile-\(c.kind).tar")
    try ArchiveFixture.python(ArchiveFixture.hostileScript, [setup.good, hostile, c.kind], in: setup.project.tmp.path)
    try setup.expectRejected(hostile, c.expected)
  }

  @Test("A truncated tar is rejected")
  func truncated() throws {
    let setup = try Setup()
    defer { setup.project.remove() }
    let bytes = try FileIO.readBytes(setup.good)
    let cut = setup.project.tmp.path("cut.tar")
    try FileIO.write(bytes.prefix(bytes.count / 2 + 100), to: cut)
    try setup.expectRejected(cut, ["cut.tar"])
  }

  @Test("A corrupt compressed stream is rejected", arguments: ["tar.gz", "tar.zst"])
  func corruptCompression(_ ext: String) throws {
    let setup = try Setup(extension: ext)
    defer { setup.project.remove() }
    var bytes = try FileIO.readBytes(setup.good)
    for i in stride(from: bytes.count / 3, to: min(bytes.count / 3 + 64, bytes.count), by: 1) { bytes[i] ^= 0x5A }
    let bad = setup.project.tmp.path("bad.\(ext)")
    try FileIO.write(bytes, to: bad)
    try setup.expectRejected(bad, ["bad.\(ext)"])
  }

  @Test("The good archive itself imports (the cases above differ from it only by their defect)")
  func goodImports() throws {
    let setup = try Setup()
    defer { setup.project.remove() }
    let result = try setup.project.gage(["archive", "import", setup.good, "--runs", setup.target])
    #expect(result.exitCode == 0, "\(result)")
    #expect(runs(in: setup.target).count == 2)
  }

  @Test("A run, import or pull killed halfway leaves its working directory; a later command removes it, never a live one's")
  func abandonedWorkingDirectories() throws {
    let setup = try Setup()
    defer { setup.project.remove() }
    // A process that has ended: its pid names the abandoned directories.
    let ended = try RunningProcess(executable: "/bin/true", arguments: [], directory: "/", environment: [:])
    let deadPID = ended.pid
    _ = ended.wait()
    // Names carry their maker's PID and host tag (this host, boot and PID namespace).
    let tag = HostIdentity.current.tag
    let abandoned = [".import-\(deadPID)-\(tag)-a1b2c3", ".pull-\(deadPID)-\(tag)-d4e5f6"]
    let live = ".import-\(getpid())-\(tag)-g7h8i9"  // this test process is alive
    for name in abandoned + [live] {
      try writeFile(FileIO.join(try setup.project.tmp.makeDir("target-runs/\(name)/run"), "half.txt"), "half\n", mode: 0o444)
    }
    let result = try setup.project.gage(["archive", "import", setup.good, "--runs", setup.target])
    #expect(result.exitCode == 0, "\(result)")
    let entries = setup.project.runsDirEntries(setup.target)
    for name in abandoned { #expect(!entries.contains(name), "\(entries)") }
    #expect(entries.contains(live), "\(entries)")
    // A run's meta dir being made by a killed `gage run`: listing the runs removes it.
    let newMeta = ".new-\(deadPID)-\(tag)-j1k2l3"
    try writeFile(FileIO.join(try setup.project.tmp.makeDir("target-runs/\(newMeta)/proc"), "runner.json"), "{}")
    #expect(try setup.project.gage(["runs", "--runs", setup.target]).exitCode == 0)
    #expect(!setup.project.runsDirEntries(setup.target).contains(newMeta))
  }
}
