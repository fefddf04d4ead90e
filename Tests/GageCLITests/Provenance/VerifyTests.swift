import Foundation
import GageKit
import GageTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `gage verify` against real runs: run files against the manifest, meta against the seal,
/// and with `--source`, staged files against the git commit and diff (docs/provenance.md).
@Suite("Verify", .serialized)
struct VerifyTests {
  /// A git project whose operation reads a config file and writes an output; committed,
  /// then made dirty (a tracked change and an untracked file), then run once with `x=2`.
  static func project() throws -> (TestProject, Run) {
    let p = try TestProject(files: [
      "gage.toml": """
      [make]
      exec = "sh -c 'cat params.json > out.txt; echo done >> out.txt'"
      config = "params.json"
      """,
      "params.json": "{\n  \"x\": 1,\n  \"y\": \"a\"\n}\n",
      "lib.txt": "one\n",
      ".gitignore": ".gage/\n",
    ])
    try GitRepo.make(at: p.dir, commit: true)
    try writeFile(FileIO.join(p.dir, "lib.txt"), "one\ntwo\n")
    try writeFile(FileIO.join(p.dir, "notes.txt"), "untracked\n")
    let result = try p.gage(["run", "-y", "-q", "make", "x=2"])
    #expect(result.exitCode == 0, "\(result)")
    let run = try #require(p.runs().first)
    return (p, run)
  }

  /// Makes `path` (in a read-only run) writable, with its dir, so a test can tamper with it.
  static func unlock(_ path: String) {
    chmod((path as NSString).deletingLastPathComponent, 0o755)
    chmod(path, 0o644)
  }

  @Test("a fresh run verifies: files and meta, and its source against the commit and diff")
  func fresh() throws {
    let (p, run) = try Self.project()
    defer { p.remove() }
    let result = try p.gage(["verify", "--source"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("\(run.name) (\(run.id.prefix(8))): ok"))
    #expect(result.stdout.contains("source: ok"))
    #expect(result.stdout.contains("+ diff.patch + config"))
    let json = try JSONValue.parse(try p.gage(["verify", "--json", "--source"]).stdout)
    let first = try #require(json.arrayValue?.first)
    #expect(first["ok"] == .bool(true))
    #expect(first["source"]?["ok"] == .bool(true))
    #expect(first["source"]?["checked"] == .int(4))
  }

  @Test("a changed, a removed and an added run file are each named, exit 3")
  func runFiles() throws {
    let (p, run) = try Self.project()
    defer { p.remove() }
    let out = FileIO.join(run.runDir, "out.txt")
    Self.unlock(out)
    try writeFile(out, "forged\n")
    try FileIO.removeFile(FileIO.join(run.runDir, "lib.txt"))
    try writeFile(FileIO.join(run.runDir, "extra.bin"), "x")
    let result = try p.gage(["verify", run.id])
    #expect(result.exitCode == 3, "\(result)")
    #expect(result.stdout.contains("FAILED (3 differences)"))
    #expect(result.stdout.contains("modified    out.txt"))
    #expect(result.stdout.contains("missing     lib.txt"))
    #expect(result.stdout.contains("unexpected  extra.bin"))
    let json = try JSONValue.parse(try p.gage(["verify", "--json", run.id]).stdout)
    let problems = try #require(json.arrayValue?.first?["problems"]?.arrayValue)
    let modified = try #require(problems.first { $0["kind"] == .string("modified") })
    #expect(modified["path"] == .string("out.txt"))
    #expect(modified["expected"]?.stringValue?.count == 64)
    #expect(modified["actual"] == .string(FileDigest.hex("forged\n".utf8)))
  }

  @Test("changed meta (config.json, proc/exit) and a removed seal are caught like run files")
  func meta() throws {
    let (p, run) = try Self.project()
    defer { p.remove() }
    let config = run.metaPath(MetaFile.config)
    Self.unlock(config)
    try writeFile(config, "{\"x\": 3}")
    let exit = run.metaPath(MetaFile.exit)
    Self.unlock(exit)
    try writeFile(exit, "0 ")
    var result = try p.gage(["verify"])
    #expect(result.exitCode == 3, "\(result)")
    #expect(result.stdout.contains("modified    .meta/config.json"))
    #expect(result.stdout.contains("modified    .meta/proc/exit"))
    let seal = run.metaPath(MetaFile.seal)
    Self.unlock(seal)
    try FileIO.removeFile(seal)
    result = try p.gage(["verify"])
    #expect(result.exitCode == 3, "\(result)")
    #expect(result.stdout.contains("missing     .meta/seal"))
  }

  @Test("--source names a staged file that is not the commit plus diff.patch")
  func source() throws {
    let (p, run) = try Self.project()
    defer { p.remove() }
    let lib = FileIO.join(run.runDir, "lib.txt")
    Self.unlock(lib)
    try writeFile(lib, "one\nTWO\n")
    let result = try p.gage(["verify", "--source", "--json"])
    #expect(result.exitCode == 3, "\(result)")
    let first = try #require(try JSONValue.parse(result.stdout).arrayValue?.first)
    let problems = try #require(first["source"]?["problems"]?.arrayValue)
    #expect(problems.map { $0["path"] } == [.string("lib.txt")])
    // gage.toml, params.json, lib.txt, .gitignore: the untracked notes.txt is not in any commit.
    #expect(first["source"]?["checked"] == .int(4))
  }

  @Test("--source reads the commit from --repo when the project is gone; a missing commit is a clear error")
  func sourceElsewhere() throws {
    let (p, _) = try Self.project()
    defer { p.remove() }
    let clone = FileIO.join(p.tmp.path, "clone")
    try GitRepo.run(["clone", "-q", p.dir, clone], in: p.tmp.path)
    let moved = FileIO.join(p.tmp.path, "moved")
    guard rename(p.dir, moved) == 0 else { throw GageError.io(path: moved, operation: "rename", errno: errno) }
    let runs = FileIO.join(moved, ".gage/runs")
    var result = try GageCLI.run(["verify", "--source", "--runs", runs], in: p.tmp.path, home: p.home)
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("--repo"), "\(result)")
    result = try GageCLI.run(["verify", "--source", "--runs", runs, "--repo", clone], in: p.tmp.path, home: p.home)
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("source: ok"))
    let empty = FileIO.join(p.tmp.path, "empty")
    try GitRepo.make(at: empty, commit: true)
    result = try GageCLI.run(["verify", "--source", "--runs", runs, "--repo", empty], in: p.tmp.path, home: p.home)
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("is not in the repository"), "\(result)")
  }

  @Test("--all checks every run; unfinished runs are skipped, not failed")
  func all() throws {
    let (p, _) = try Self.project()
    defer { p.remove() }
    #expect(try p.gage(["run", "-y", "-q", "make", "x=3"]).exitCode == 0)
    #expect(try p.gage(["run", "-y", "-q", "--stage", "make", "x=4"]).exitCode == 0)
    let result = try p.gage(["verify", "--all"])
    #expect(result.exitCode == 0, "\(result)")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.filter { $0.contains(": ok (") }.count == 2, "\(result)")
    #expect(lines.filter { $0.contains("skipped: it is staged") }.count == 1, "\(result)")
    let none = try p.gage(["verify", "-w", "op = nothing"])
    #expect(none.exitCode == 1)
    #expect(none.stderr.contains("no runs match"))
  }
}
