import Foundation
import GageKit
import GageTestSupport
import Testing

/// `gage diff A B` with the built binary (docs/provenance.md): two runs of a project, a run against
/// an archive of itself, archive against archive, a tampered archive, bad arguments.
@Suite("gage diff", .serialized)
struct DiffTests {
  /// `train.py` is the operation's config file: `x` is set per run, and the run writes
  /// `result.txt` (which depends on `x`) and `notes.txt` (which does not).
  static let trainPy = #"""
    x = 1
    name = "demo"

    with open("result.txt", "w") as f:
        f.write(f"x = {x}\n")
    with open("notes.txt", "w") as f:
        f.write("notes-constant\n")
    """#

  /// A project with operations `train` and `other`, in a git repository when `git`.
  static func project(git: Bool = false) throws -> TestProject {
    let project = try TestProject(
      operations: [
        "train": .object([
          "exec": .string("\(HostTools.python) train.py"), "config": .string("train.py"),
        ]),
        "other": .object([
          "exec": .string("sh -c 'echo other > result.txt'"),
          "env": .object(["MODE": .string("fast")]),
        ]),
      ],
      files: ["train.py": trainPy])
    if git { try GitRepo.make(at: project.dir, commit: true) }
    return project
  }

  /// Runs `gage run -y -q args...` and expects it to succeed.
  static func run(_ project: TestProject, _ args: [String]) throws {
    let result = try project.gage(["run", "-y", "-q"] + args)
    guard result.exitCode == 0 else { throw GageError.exec("gage run failed: \(result)") }
  }

  /// Exports runs to `file` and expects it to succeed.
  static func export(_ project: TestProject, _ runs: [String], to file: String) throws {
    let result = try project.gage(["archive", "export"] + runs + ["-o", file])
    guard result.exitCode == 0 else { throw GageError.exec("export failed: \(result)") }
  }

  /// A project with two runs of `train`: x=1 (run 2), then x=2 (run 1, the latest).
  static func twoRuns() throws -> TestProject {
    let project = try Self.project()
    try run(project, ["train", "x=1"])
    try run(project, ["train", "x=2"])
    return project
  }

  /// The names of leftover temporary dirs in `dir`.
  static func leftovers(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter {
      $0.hasPrefix(".import-")
    }
  }

  @Test(
    "Two runs with different config: the config key, the source file and the output that changed are named"
  )
  func configChange() throws {
    let p = try Self.twoRuns()
    defer { p.remove() }
    let result = try p.gage(["diff", "2", "1"])
    #expect(result.exitCode == 0, "\(result)")
    let out = result.stdout
    #expect(out.contains("Run: same operation, status and exit code"), "\(out)")
    #expect(out.contains("Config: 1 changed, 1 identical"), "\(out)")
    #expect(out.contains("  x  1 → 2\n"), "\(out)")
    #expect(out.contains("Command: identical"), "\(out)")
    #expect(out.contains("Source files: 1 changed"), "\(out)")
    #expect(out.contains("  changed  train.py\n"), "\(out)")
    #expect(out.contains("Outputs: 1 changed, 1 identical"), "\(out)")
    #expect(out.contains("  changed    result.txt\n"), "\(out)")
    #expect(out.contains("  identical  notes.txt\n"), "\(out)")
    #expect(!out.contains("@@"), "no patch without --patch: \(out)")
    let runs = p.runs()
    #expect(out.contains(runs[1].id) && out.contains(runs[0].id), "both ids shown: \(out)")
    // Like `git diff`: exit 0 unless --exit-code, then 3 when the runs differ.
    let strict = try p.gage(["diff", "2", "1", "--exit-code"])
    #expect(strict.exitCode == 3, "\(strict)")
    let same = try p.gage(["diff", "1", "1", "--exit-code"])
    #expect(same.exitCode == 0, "\(same)")
  }

  @Test("--patch shows unified diffs of the changed source file and output")
  func patch() throws {
    let p = try Self.twoRuns()
    defer { p.remove() }
    let result = try p.gage(["diff", "2", "1", "--patch"])
    #expect(result.exitCode == 0, "\(result)")
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    for expected in [
      "--- a/train.py", "+++ b/train.py", "-x = 1", "+x = 2", "--- a/result.txt",
      "+++ b/result.txt",
    ] {
      #expect(lines.contains(expected), "\(expected) not in: \(result.stdout)")
    }
    #expect(lines.contains(" name = \"demo\""), "context lines: \(result.stdout)")
    #expect(!lines.contains("--- a/notes.txt"), "identical files have no patch")
  }

  @Test("--json: one object with run, config, command, source, source_files and outputs")
  func json() throws {
    let p = try Self.twoRuns()
    defer { p.remove() }
    let result = try p.gage(["diff", "2", "1", "--json"])
    #expect(result.exitCode == 0, "\(result)")
    let diff = try JSONValue.parse(result.stdout)
    let keys = Set(diff.objectValue?.keys.map { $0 } ?? [])
    #expect(
      keys == ["differs", "run", "config", "command", "source", "source_files", "outputs"],
      "\(keys)")
    #expect(diff["differs"] == .bool(true))
    let runs = p.runs()
    #expect(diff["run"]?["a"]?["id"]?.stringValue == runs[1].id)
    #expect(diff["run"]?["b"]?["id"]?.stringValue == runs[0].id)
    #expect(diff["run"]?["a"]?["status"] == .string("completed"))
    #expect(diff["run"]?["a"]?["archive"] == .null)
    #expect(diff["run"]?["differs"] == .bool(false))
    #expect(
      diff["config"]?["changed"]
        == .array([.object(["key": .string("x"), "a": .int(1), "b": .int(2)])]))
    #expect(diff["config"]?["only_a"] == .array([]))
    #expect(diff["config"]?["identical"] == .int(1))
    #expect(diff["command"]?["differs"] == .bool(false))
    #expect(diff["command"]?["a"]?.stringValue?.hasSuffix("train.py") == true)
    #expect(diff["source"]?["differs"] == .bool(false))
    let sourceChanged = diff["source_files"]?["changed"]?.arrayValue ?? []
    #expect(sourceChanged.map { $0["path"] } == [.string("train.py")])
    #expect(sourceChanged.first?["a"]?["sha256"]?.stringValue?.count == 64)
    #expect(sourceChanged.first?["a"]?["type"] == .string("source"))
    #expect(sourceChanged.first?["patch"] == nil, "patches only with --patch")
    #expect(diff["outputs"]?["changed"]?.arrayValue?.map { $0["path"] } == [.string("result.txt")])
    #expect(diff["outputs"]?["identical"]?.arrayValue?.map { $0["path"] } == [.string("notes.txt")])
    #expect(diff["outputs"]?["only_b"] == .array([]))

    let patched = try JSONValue.parse(try p.gage(["diff", "2", "1", "--json", "--patch"]).stdout)
    let patch = patched["source_files"]?["changed"]?.arrayValue?.first?["patch"]?.stringValue ?? ""
    #expect(patch.contains("\n-x = 1\n+x = 2\n"), "\(patch)")
  }

  @Test("Different operations: the run, the command and its environment differ")
  func operations() throws {
    let p = try Self.project()
    defer { p.remove() }
    try Self.run(p, ["train"])
    try Self.run(p, ["other"])
    let result = try p.gage(["diff", "2", "1"])
    #expect(result.exitCode == 0, "\(result)")
    let out = result.stdout
    #expect(out.contains("Run: operation differs"), "\(out)")
    #expect(out.contains("Command: differs"), "\(out)")
    #expect(out.contains("train.py → sh -c 'echo other > result.txt'"), "\(out)")
    #expect(out.contains("env MODE  fast (only in B)"), "\(out)")
    #expect(out.contains("Config: 2 only in A"), "\(out)")
    #expect(out.contains("Source files: identical (2 files)"), "both stage the project: \(out)")
    #expect(out.contains("  only in A  notes.txt\n"), "\(out)")
  }

  @Test("Source identity: a dirty work tree and an untracked file show as such")
  func sourceIdentity() throws {
    let p = try Self.project(git: true)
    defer { p.remove() }
    try Self.run(p, ["train"])
    try writeFile(FileIO.join(p.dir, "extra.py"), "print('new')\n")
    try Self.run(p, ["train"])
    let result = try p.gage(["diff", "2", "1", "--patch"])
    #expect(result.exitCode == 0, "\(result)")
    let out = result.stdout
    #expect(out.contains("Source identity: "), "\(out)")
    #expect(out.contains("dirty"), "\(out)")
    #expect(out.contains("false → true"), "\(out)")
    #expect(out.contains("Source files: 1 added, 2 identical\n  added  extra.py\n"), "\(out)")
    #expect(out.contains("--- /dev/null\n+++ b/extra.py\n@@ -0,0 +1 @@\n+print('new')\n"), "\(out)")
    let json = try JSONValue.parse(try p.gage(["diff", "2", "1", "--json"]).stdout)
    #expect(json["source"]?["differs"] == .bool(true))
    #expect(json["source"]?["a"]?["commit"] == json["source"]?["b"]?["commit"])
    #expect(
      json["source"]?["changed"]?.arrayValue?.contains { $0["key"] == .string("dirty") } == true)
  }

  @Test(
    "A run against an exported archive of itself: every section identical; no temporary dir is left"
  )
  func runVersusOwnArchive() throws {
    let p = try Self.twoRuns()
    defer { p.remove() }
    for ext in ["tar", "tar.gz", "tar.zst"] {
      let file = p.tmp.path("latest.\(ext)")
      try Self.export(p, ["1"], to: file)
      let result = try p.gage(["diff", "1", file, "--exit-code"])
      #expect(result.exitCode == 0, "\(result)")
      let out = result.stdout
      for section in ["Config", "Command", "Source identity"] {
        #expect(out.contains("\(section): identical\n"), "\(section): \(out)")
      }
      #expect(out.contains("Source files: identical (2 files)"), "\(out)")
      #expect(out.contains("Outputs: identical (2 files)"), "\(out)")
      #expect(out.contains("  archive    -"), "\(out)")
      #expect(out.contains(file), "\(out)")
      #expect(Self.leftovers(p.runsDir).isEmpty, "\(Self.leftovers(p.runsDir))")
      let json = try JSONValue.parse(try p.gage(["diff", file, "1", "--json"]).stdout)
      #expect(json["differs"] == .bool(false))
      #expect(json["run"]?["a"]?["archive"] == .string(file))
      #expect(json["run"]?["a"]?["id"] == json["run"]?["b"]?["id"])
    }
  }

  @Test("Archive against archive; a multi-run archive needs FILE#PREFIX")
  func archiveVersusArchive() throws {
    let p = try Self.twoRuns()
    defer { p.remove() }
    let runs = p.runs()
    let first = p.tmp.path("first.tar")
    let second = p.tmp.path("second.tar.gz")
    let both = p.tmp.path("both.tar.zst")
    try Self.export(p, ["2"], to: first)
    try Self.export(p, ["1"], to: second)
    try Self.export(p, ["1", "2"], to: both)
    // Without a runs dir to extract into, archives go to $TMPDIR and no runs dir is made.
    let elsewhere = p.tmp.path("no-runs-here")
    let tmp = try p.tmp.makeDir("tmp")
    let result = try p.gage(["diff", first, second, "--runs", elsewhere], env: ["TMPDIR": tmp])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("  x  1 → 2\n"), "\(result.stdout)")
    #expect(result.stdout.contains("  changed    result.txt\n"), "\(result.stdout)")
    #expect(!FileIO.exists(elsewhere))
    #expect(Self.leftovers(tmp).isEmpty)

    let ambiguous = try p.gage(["diff", first, both])
    #expect(ambiguous.exitCode == 1, "\(ambiguous)")
    #expect(ambiguous.stderr.contains("holds 2 runs"), "\(ambiguous)")
    #expect(
      ambiguous.stderr.contains(runs[0].name) && ambiguous.stderr.contains(runs[1].name),
      "\(ambiguous)")
    #expect(ambiguous.stderr.contains("\(both)#<id or name prefix>"), "\(ambiguous)")

    let byID = try p.gage(["diff", first, "\(both)#\(runs[1].id.prefix(6))", "--exit-code"])
    #expect(byID.exitCode == 0, "the same run: \(byID)")
    let byName = try p.gage([
      "diff", "\(both)#\(runs[1].name)", "\(both)#\(runs[0].name)", "--exit-code",
    ])
    #expect(byName.exitCode == 3, "\(byName)")
    #expect(byName.stdout.contains("  x  1 → 2\n"), "\(byName.stdout)")
    // A reader that stops early does not leave the extracted archives behind.
    let piped = try Command.run(
      "/bin/sh",
      ["-c", "\"$0\" diff \"$1\" \"$2\" --patch | head -n 1", GageCLI.binary, first, second],
      in: p.dir,
      environment: GageCLI.environment(home: p.home))
    #expect(piped.stdout == "Run: same operation, status and exit code\n", "\(piped)")
    #expect(Self.leftovers(p.runsDir).isEmpty, "\(Self.leftovers(p.runsDir))")
    let unknown = try p.gage(["diff", first, "\(both)#zzzz"])
    #expect(unknown.exitCode == 1, "\(unknown)")
    #expect(unknown.stderr.contains("has no run matching \"zzzz\""), "\(unknown)")
    #expect(Self.leftovers(p.runsDir).isEmpty, "\(Self.leftovers(p.runsDir))")
  }

  @Test(
    "A tampered archive is refused with the archive error; no temporary dir is left in the runs dir"
  )
  func tampered() throws {
    let p = try Self.twoRuns()
    defer { p.remove() }
    let good = p.tmp.path("good.tar")
    try Self.export(p, ["1"], to: good)
    var bytes = try FileIO.readBytes(good)
    let needle = Array("notes-constant\n".utf8)
    let at = try #require(
      (0...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle })
    bytes[at] ^= 0x20
    let bad = p.tmp.path("bad.tar")
    try FileIO.write(bytes, to: bad)
    let before = try Listing.snapshot(p.runsDir)
    for args in [["1", bad], [good, bad], [bad, good]] {
      let result = try p.gage(["diff"] + args)
      #expect(result.exitCode == 1, "\(result)")
      #expect(result.stdout.isEmpty, "\(result)")
      #expect(result.stderr.contains("bad.tar"), "\(result)")
      #expect(result.stderr.contains("notes.txt"), "\(result)")
      #expect(result.stderr.contains("digest mismatch"), "\(result)")
      #expect(result.stderr.contains("refused"), "\(result)")
      #expect(Self.leftovers(p.runsDir).isEmpty, "\(Self.leftovers(p.runsDir))")
    }
    #expect(
      try Listing.snapshot(p.runsDir).filter { !$0.contains(" .index") }
        == before.filter { !$0.contains(" .index") })
  }

  @Test("Bad arguments: an unknown run, a missing file, a directory, a missing argument")
  func badArguments() throws {
    let p = try Self.twoRuns()
    defer { p.remove() }
    let unknown = try p.gage(["diff", "1", "zzzz"])
    #expect(unknown.exitCode == 1, "\(unknown)")
    #expect(unknown.stderr.contains("no run matches \"zzzz\""), "\(unknown)")
    let missing = try p.gage(["diff", "1", "missing.tar"])
    #expect(missing.exitCode == 1, "\(missing)")
    #expect(missing.stderr.contains("missing.tar: no such archive file"), "\(missing)")
    let dir = try p.gage(["diff", "1", p.tmp.path])
    #expect(dir.exitCode == 1, "\(dir)")
    #expect(dir.stderr.contains("is a directory, not an archive file"), "\(dir)")
    let one = try p.gage(["diff", "1"])
    #expect(one.exitCode == 64, "\(one)")
    let help = try p.gage(["diff", "--help"])
    #expect(help.stdout.contains("FILE#PREFIX") && help.stdout.contains("--exit-code"), "\(help)")
    #expect(Self.leftovers(p.runsDir).isEmpty)
  }
}
