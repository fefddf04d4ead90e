import Foundation
import GageKit
import GageTestSupport
import Testing

/// Hostile input cannot drive memory without bound: archives of large tag files, imports
/// of large payloads (asked first, as staging asks), and pulls and pushes of large files.
/// The bombs run the real `gage` under `ulimit -v` (and `ulimit -t`), where holding what
/// they used to hold ends in an allocation failure, never in a clear error.
@Suite("bounded memory on hostile input", .serialized)
struct BoundedMemoryTests {
  /// Address space for `gage`: about 150 MB of it is mapped before any work.
  static let memoryLimit = 450 << 10

  /// Writes a gzip tar holding `bagit.txt` and `count` tag files of 64 MB of zeros (a few
  /// MB once compressed): `tagbomb.py DST COUNT`.
  static let tagBombScript = #"""
    import io, sys, tarfile

    dst, count = sys.argv[1], int(sys.argv[2])

    class Zeros(io.RawIOBase):
        def __init__(self, n):
            self.left = n
        def readable(self):
            return True
        def readinto(self, b):
            k = min(len(b), self.left)
            b[:k] = bytes(k)
            self.left -= k
            return k

    def add(t, name, data=None, size=0):
        ti = tarfile.TarInfo(name)
        ti.mode = 0o444
        ti.size = len(data) if data is not None else size
        t.addfile(ti, io.BytesIO(data) if data is not None else Zeros(size))

    with tarfile.open(dst, "w:gz", compresslevel=1) as t:
        top = tarfile.TarInfo("gage-bomb")
        top.type = tarfile.DIRTYPE
        top.mode = 0o755
        t.addfile(top)
        add(t, "gage-bomb/bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        for i in range(count):
            add(t, f"gage-bomb/extra-{i:02}.txt", size=64 << 20)
    """#

  /// Nothing imported into `runsDir`: no run and no `.import-*` directory.
  static func expectNothingLeft(_ project: TestProject, _ runsDir: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let entries = project.runsDirEntries(runsDir)
    #expect(project.runs(in: runsDir).isEmpty, "\(entries)", sourceLocation: sourceLocation)
    #expect(entries.allSatisfy { !$0.hasPrefix(".import-") }, "\(entries)", sourceLocation: sourceLocation)
  }

  @Test("tag files past 128 MB in all are refused, naming the entry, in bounded memory (verify and import)")
  func tagFileBomb() throws {
    let project = try TestProject(files: [:])
    defer { project.remove() }
    let bomb = project.tmp.path("tags.tar.gz")
    // 8 tag files of 64 MB: 512 MB held in memory before; refused at the third now.
    try ArchiveFixture.python(Self.tagBombScript, [bomb, "8"], in: project.tmp.path)
    let verify = try GageCLI.runLimited(["archive", "verify", bomb], in: project.dir, home: project.home, kilobytes: Self.memoryLimit)
    #expect(verify.exitCode == 3, "\(verify)")
    #expect(verify.stdout.contains("FAILED"), "\(verify)")
    #expect(verify.stderr.contains("gage-bomb/extra-01.txt"), "\(verify)")
    #expect(verify.stderr.contains("more than the 128 MB allowed in all"), "\(verify)")

    let runsDir = project.tmp.path("runs")
    let imported = try GageCLI.runLimited(
      ["archive", "import", bomb, "--runs", runsDir], in: project.dir, home: project.home, kilobytes: Self.memoryLimit)
    #expect(imported.exitCode == 1, "\(imported)")
    #expect(imported.stderr.contains("gage-bomb/extra-01.txt"), "\(imported)")
    #expect(imported.stderr.contains("more than the 128 MB allowed in all; nothing was imported"), "\(imported)")
    Self.expectNothingLeft(project, runsDir)
  }

  @Test("an import above the size limit needs -y without a terminal and leaves nothing when refused")
  func importAboveLimit() throws {
    let project = try TestProject(operations: ["big": .object(["exec": .string("sh -c 'head -c 2097152 /dev/zero > big.bin'")])])
    defer { project.remove() }
    #expect(try project.gage(["run", "-y", "-q", "big"]).exitCode == 0)
    let archive = project.tmp.path("big.tar")
    #expect(try project.gage(["archive", "export", "1", "-o", archive]).exitCode == 0)
    let runsDir = project.tmp.path("runs")

    let refused = try project.gage(["archive", "import", archive, "--runs", runsDir], env: ["GAGE_STAGE_LIMIT": "1M"])
    #expect(refused.exitCode == 1, "\(refused)")
    #expect(refused.stderr.contains("holds a payload of 2.1 MB, above the limit of 1.0 MB"), "\(refused)")
    #expect(refused.stderr.contains("pass -y (or --size-limit) to import it; nothing was imported"), "\(refused)")
    Self.expectNothingLeft(project, runsDir)

    let option = try project.gage(["archive", "import", archive, "--runs", runsDir, "--size-limit", "1M"])
    #expect(option.exitCode == 1, "\(option)")
    Self.expectNothingLeft(project, runsDir)

    let yes = try project.gage(["archive", "import", "-y", archive, "--runs", runsDir], env: ["GAGE_STAGE_LIMIT": "1M"])
    #expect(yes.exitCode == 0, "\(yes)")
    #expect(project.runs(in: runsDir).count == 1)

    let other = project.tmp.path("runs2")
    let below = try project.gage(["archive", "import", archive, "--runs", other, "--size-limit", "3M"])
    #expect(below.exitCode == 0, "\(below)")
    #expect(project.runs(in: other).count == 1)
  }

  /// Address space for a push or pull of `BigRun`'s file: two copies of it (600 MB) pass
  /// it alone; one copy, libgit2's, fits (measured peaks: push 426 MB, pull 499 MB).
  static let transferLimit = 570 << 10

  /// A project with one finished run holding a 300 MB file (zeros: quick to compress), and
  /// an empty bare remote.
  final class BigRun {
    let project: TestProject
    let remote: String

    init() throws {
      project = try TestProject(operations: ["big": .object(["exec": .string("sh -c 'head -c 300000000 /dev/zero > big.bin'")])])
      #expect(try project.gage(["run", "-y", "-q", "big"]).exitCode == 0)
      remote = try RemoteCommandTests.bare(project)
    }

    /// Pushes the run to `remote` under `transferLimit`.
    func push(_ remote: String) throws -> CommandResult {
      try GageCLI.runLimited(["push", remote], in: project.dir, home: project.home, kilobytes: BoundedMemoryTests.transferLimit)
    }
  }

  @Test("a push of a 300 MB file streams it into git: it succeeds, and in bounded memory")
  func pushBounded() throws {
    let big = try BigRun()
    defer { big.project.remove() }
    let limited = try big.push(big.remote)
    #expect(limited.exitCode == 0, "\(limited)")
    #expect(limited.stdout.contains("pushed"), "\(limited)")
    // Again from scratch, without a limit. Objects held in memory used to be stored as a
    // pack once they passed 256 MB, by `git_mempack_dump`, which keeps only what commits
    // reach: the file was lost before its commit was made, and the push failed. (Under
    // the limit, libgit2 fell back to a loose object when its copy could not be made.)
    try FileIO.removeTree(FileIO.join(big.project.runsDir, ".gage.git"))
    let other = try RemoteCommandTests.bare(big.project, "other.git")
    let push = try big.project.gage(["push", other])
    #expect(push.exitCode == 0, "\(push)")
    #expect(push.stdout.contains("pushed"), "\(push)")
  }

  @Test("a pull writes a 300 MB blob without copying it: it never holds two copies")
  func pullBounded() throws {
    let big = try BigRun()
    defer { big.project.remove() }
    let push = try big.push(big.remote)
    #expect(push.exitCode == 0, "\(push)")
    let runsDir = big.project.tmp.path("pulled")
    let pull = try GageCLI.runLimited(
      ["pull", big.remote, "--runs", runsDir], in: big.project.dir, home: big.project.home, kilobytes: Self.transferLimit)
    #expect(pull.exitCode == 0, "\(pull)")
    let runs = big.project.runs(in: runsDir)
    #expect(runs.count == 1)
    if let run = runs.first {
      #expect(
        try FileDigest.ofFile(FileIO.join(run.runDir, "big.bin")) == FileDigest.ofFile(FileIO.join(big.project.runs()[0].runDir, "big.bin"))
      )
    }
  }
}
