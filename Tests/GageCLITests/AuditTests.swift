import Foundation
import GageKit
import GageTestSupport
import Testing

/// `gage audit FILE...` with the built `gage`: which runs hold a file, how, from which
/// commit and config; the digest index it answers from follows every change to the runs.
@Suite("Audit", .serialized)
struct AuditTests {
  /// A git project whose `make` op writes `out.txt` from its config, `fixed.txt` (the same
  /// in every run) and a link; committed.
  static func project() throws -> TestProject {
    let project = try TestProject(files: [
      "gage.toml": """
      [make]
      exec = "(echo made from; cat params.json) > out.txt; echo fixed > fixed.txt; ln -s out.txt link"
      config = "params.json"
      """,
      "params.json": #"{"lr": 0.1}"#,
      "notes.txt": "first notes\n",
      ".gitignore": ".gage/\n",
    ])
    try GitRepo.make(at: project.dir, commit: true)
    return project
  }

  /// Runs `gage run -q make ARGS` and returns the new run (newest).
  @discardableResult
  static func make(_ project: TestProject, _ args: [String] = []) throws -> Run {
    let result = try project.gage(["run", "-q", "make"] + args)
    #expect(result.exitCode == 0, "\(result)")
    return try #require(project.runs().first)
  }

  /// The lines of stdout.
  static func lines(_ result: CommandResult) -> [String] {
    result.stdout.split(separator: "\n").map(String.init)
  }

  /// Copies a run file out of the run (audit looks at content, not at where a file is).
  static func copy(
    _ run: Run, _ path: String, to project: TestProject, as name: String
  ) throws
    -> String
  {
    let target = project.tmp.path(name)
    try FileIO.write(try FileIO.readBytes(FileIO.join(run.runDir, path)), to: target)
    return target
  }

  @Test("A generated file is found in the run that made it, with its commit and config")
  func generated() throws {
    let p = try Self.project()
    defer { p.remove() }
    let first = try Self.make(p)
    let second = try Self.make(p, ["lr=0.2"])
    let out = try Self.copy(first, "out.txt", to: p, as: "first-out.txt")
    let commit = try GitRepo.run(["rev-parse", "HEAD"], in: p.dir).prefix(12)

    let result = try p.gage(["audit", out])
    #expect(result.exitCode == 0, "\(result)")
    let lines = Self.lines(result)
    #expect(lines.count == 2, "\(result)")
    #expect(lines[0] == "\(out)  sha256:\(try FileDigest.ofFile(out))")
    #expect(lines[1].hasPrefix("  \(first.name)  make  "), "\(lines[1])")
    for part in ["completed", "generated  out.txt", "commit \(commit)", #"{"lr": 0.1}"#] {
      #expect(lines[1].contains(part), "\(part) in \(lines[1])")
    }
    #expect(!lines[1].contains("dirty"))
    #expect(!result.stdout.contains(second.name))

    // The same bytes made by both runs: both, newest first.
    let fixed = try Self.copy(first, "fixed.txt", to: p, as: "fixed.txt")
    let both = Self.lines(try p.gage(["audit", fixed]))
    #expect(both.count == 3)
    #expect(both[1].hasPrefix("  \(second.name)  "), "newest first: \(both)")
    #expect(both[2].hasPrefix("  \(first.name)  "))
  }

  @Test("A source file is found in every run that staged it, as source; a dirty tree says so")
  func source() throws {
    let p = try Self.project()
    defer { p.remove() }
    let first = try Self.make(p)
    let second = try Self.make(p, ["lr=0.3"])
    try FileIO.write("edited notes\n", to: FileIO.join(p.dir, "notes.txt"))
    let third = try Self.make(p)

    let staged = Self.lines(try p.gage(["audit", FileIO.join(first.runDir, "notes.txt")]))
    #expect(staged.count == 3, "\(staged)")
    #expect(staged[1].hasPrefix("  \(second.name)  ") && staged[2].hasPrefix("  \(first.name)  "))
    #expect(staged.dropFirst().allSatisfy { $0.contains("  source  notes.txt  commit ") })

    let edited = try p.gage(["audit", "notes.txt", "gage.toml"])
    #expect(edited.exitCode == 0, "\(edited)")
    let blocks = edited.stdout.components(separatedBy: "\n\n")
    #expect(blocks.count == 2, "one block per file: \(edited.stdout)")
    let notes = blocks[0].split(separator: "\n")
    #expect(notes.count == 2 && notes[1].hasPrefix("  \(third.name)  "), "\(blocks[0])")
    #expect(notes.count == 2 && notes[1].contains(" dirty"), "\(blocks[0])")
    #expect(blocks[1].split(separator: "\n").count == 4, "gage.toml is in all three runs")
  }

  @Test("A symlink is audited by its target text, as runs record links")
  func symlinkTarget() throws {
    let p = try Self.project()
    defer { p.remove() }
    let run = try Self.make(p)
    let link = p.tmp.path("a-link")
    #expect(symlink("out.txt", link) == 0)
    let result = try p.gage(["audit", link])
    #expect(result.exitCode == 0, "\(result)")
    #expect(Self.lines(result).last?.contains("\(run.name)") == true)
    #expect(Self.lines(result).last?.contains("generated  link") == true, "\(result)")
  }

  @Test("--json: one object per file with the run objects, how the file appears and the source")
  func json() throws {
    let p = try Self.project()
    defer { p.remove() }
    let run = try Self.make(p)
    let out = try Self.copy(run, "out.txt", to: p, as: "out.txt")
    let missing = p.tmp.path("unknown.txt")
    try FileIO.write("in no run", to: missing)
    let result = try p.gage(["audit", "--json", out, missing])
    #expect(result.exitCode == 3, "a file held by no run: \(result)")
    let items = try #require(try JSONValue.parse(result.stdout).arrayValue)
    #expect(items.count == 2)
    #expect(items[0]["file"] == .string(out))
    #expect(items[0]["sha256"] == .string(try FileDigest.ofFile(out)))
    let runs = try #require(items[0]["runs"]?.arrayValue)
    #expect(runs.count == 1)
    #expect(runs[0]["id"] == .string(run.id))
    #expect(runs[0]["name"] == .string(run.name))
    #expect(runs[0]["operation"] == .string("make"))
    #expect(runs[0]["status"] == .string("completed"))
    #expect(runs[0]["container"] == .string("active"))
    #expect(runs[0]["config"] == .object(["lr": .double(0.1)]))
    #expect(
      runs[0]["files"]
        == .array([.object(["path": .string("out.txt"), "type": .string("generated")])]))
    let head = try GitRepo.run(["rev-parse", "HEAD"], in: p.dir).trimmingCharacters(
      in: .whitespacesAndNewlines)
    #expect(runs[0]["source"]?["commit"] == .string(head))
    #expect(runs[0]["source"]?["dirty"] == .bool(false))
    #expect(items[1]["runs"] == .array([]))
  }

  @Test("Among 1,000 runs, a generated file is found in its run, a shared source in all")
  func thousandRuns() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    let base = Int64(1_767_225_600_000_000)
    let shared = FileDigest.hex(Array("print('train')\n".utf8))
    var ids: [String] = []
    for i in 0..<1000 {
      var run = HandMadeRun(started: base + Int64(i) * 1_000_000, config: #"{"i": \#(i)}"#)
      // Only the meta files an audit reads: fewer files to write on a busy disk.
      run.meta = run.meta.filter {
        [MetaFile.opref, MetaFile.started, MetaFile.exit, MetaFile.config].contains($0.key)
      }
      run.meta[MetaFile.manifest] =
        "g \(FileDigest.hex(Array("model \(i)".utf8))) model.bin\ns \(shared) train.py\n"
      try run.write(in: dir)
      ids.append(run.id)
    }
    let model = try tmp.write("model.bin", "model 517")
    let found = try GageCLI.run(["audit", "--runs", dir, model], in: tmp.path)
    #expect(found.exitCode == 0, "\(found)")
    let lines = Self.lines(found)
    #expect(lines.count == 2)
    #expect(lines.last?.hasPrefix("  \(RunID.name(for: ids[517]))  train  ") == true, "\(found)")
    #expect(lines.last?.hasSuffix(#"generated  model.bin  -  {"i": 517}"#) == true, "\(found)")

    let source = try tmp.write("train.py", "print('train')\n")
    let all = Self.lines(try GageCLI.run(["audit", "--runs", dir, source], in: tmp.path))
      .dropFirst()
    #expect(all.count == 1000)
    #expect(all.first?.hasPrefix("  \(RunID.name(for: ids[999]))  ") == true, "newest first")
    #expect(all.last?.hasPrefix("  \(RunID.name(for: ids[0]))  ") == true)
    #expect(all.allSatisfy { $0.contains("  source  train.py  ") })
    #expect(DigestIndex(runsDir: dir).runCount == 1000)
  }

  @Test("The index follows the runs: a new run, an import, delete, restore, purge")
  func indexFollowsRuns() throws {
    let p = try Self.project()
    defer { p.remove() }
    let first = try Self.make(p)
    let firstOut = try Self.copy(first, "out.txt", to: p, as: "first.txt")
    #expect(try p.gage(["audit", firstOut]).exitCode == 0)
    #expect(FileIO.exists(FileIO.join(p.runsDir, ".index/digests")))

    // A new run.
    let second = try Self.make(p, ["lr=0.2"])
    let secondOut = try Self.copy(second, "out.txt", to: p, as: "second.txt")
    #expect(
      Self.lines(try p.gage(["audit", secondOut])).last?.hasPrefix("  \(second.name)  ") == true)

    // A run imported from another project's archive.
    let other = try Self.project()
    defer { other.remove() }
    let foreign = try Self.make(other, ["lr=0.7"])
    let archive = other.tmp.path("foreign.tar")
    #expect(try other.gage(["archive", "export", "-o", archive, foreign.name]).exitCode == 0)
    let foreignOut = try Self.copy(foreign, "out.txt", to: p, as: "foreign.txt")
    #expect(try p.gage(["audit", foreignOut]).exitCode == 3, "not imported yet")
    #expect(try p.gage(["archive", "import", archive]).exitCode == 0)
    let imported = try p.gage(["audit", foreignOut])
    #expect(imported.exitCode == 0, "\(imported)")
    #expect(Self.lines(imported).last?.hasPrefix("  \(foreign.name)  ") == true)

    // Deleted: not among active runs, but said where it is.
    #expect(try p.gage(["delete", "-y", first.name]).exitCode == 0)
    let deleted = try p.gage(["audit", firstOut])
    #expect(deleted.exitCode == 3)
    #expect(
      Self.lines(deleted).last
        == "  no run holds this file (1 deleted run holds it: gage audit -d)",
      "\(deleted)")
    let inTrash = try p.gage(["audit", "-d", firstOut])
    #expect(inTrash.exitCode == 0)
    #expect(Self.lines(inTrash).last?.hasPrefix("  \(first.name)  ") == true)

    // Restored.
    #expect(try p.gage(["restore", "-y", first.name]).exitCode == 0)
    #expect(
      Self.lines(try p.gage(["audit", firstOut])).last?.hasPrefix("  \(first.name)  ") == true)
    #expect(try p.gage(["audit", "-d", firstOut]).exitCode == 3)

    // Purged: nowhere.
    #expect(try p.gage(["delete", "-y", first.name]).exitCode == 0)
    #expect(try p.gage(["purge", "-y", first.name]).exitCode == 0)
    let purged = try p.gage(["audit", firstOut])
    #expect(purged.exitCode == 3)
    #expect(Self.lines(purged).last == "  no run holds this file", "\(purged)")
    #expect(try p.gage(["audit", "-d", firstOut]).exitCode == 3)
    #expect(DigestIndex(runsDir: p.runsDir).runCount == 2)
  }

  @Test("A truncated or corrupt index is rebuilt, not trusted")
  func damagedIndex() throws {
    let p = try Self.project()
    defer { p.remove() }
    let run = try Self.make(p)
    let out = try Self.copy(run, "out.txt", to: p, as: "out.txt")
    #expect(try p.gage(["audit", out]).exitCode == 0)
    let path = FileIO.join(p.runsDir, ".index/digests")
    let good = try FileIO.readBytes(path)

    for damaged in [
      Array(good.prefix(good.count / 2)), Array(good.prefix(30)), Array("not an index".utf8), [],
    ] {
      try FileIO.write(damaged, to: path)
      let result = try p.gage(["audit", out])
      #expect(result.exitCode == 0, "\(result)")
      #expect(Self.lines(result).last?.hasPrefix("  \(run.name)  ") == true)
      #expect(try FileIO.readBytes(path).count == good.count, "rewritten whole")
    }
    var flipped = good
    flipped[flipped.count - 3] ^= 0xFF
    try FileIO.write(flipped, to: path)
    #expect(Self.lines(try p.gage(["audit", out])).last?.hasPrefix("  \(run.name)  ") == true)
    #expect(try FileIO.readBytes(path) != flipped, "a checksum mismatch is rebuilt")
  }

  @Test("Bad input: no FILE, a missing file, a directory; -w filters the runs")
  func badInput() throws {
    let p = try Self.project()
    defer { p.remove() }
    let run = try Self.make(p)
    let none = try p.gage(["audit"])
    #expect(none.exitCode == 64, "\(none)")
    #expect(none.stderr.contains("Missing expected argument '<FILE> ...'"), "\(none.stderr)")

    let missing = try p.gage(["audit", "gage.toml", "nope.txt"])
    #expect(missing.exitCode == 1)
    #expect(missing.stderr == "gage: nope.txt: no such file\n")
    #expect(missing.stdout.isEmpty, "nothing is printed before every file is read")

    let directory = try p.gage(["audit", "."])
    #expect(directory.exitCode == 1)
    #expect(directory.stderr.contains("is a directory"), "\(directory)")

    #expect(try p.gage(["audit", "gage.toml", "-w", "op = make"]).exitCode == 0)
    let filtered = try p.gage(["audit", "gage.toml", "-w", "op = other"])
    #expect(filtered.exitCode == 3)
    #expect(Self.lines(filtered).last == "  no run matching --where holds this file")
    #expect(!filtered.stdout.contains(run.name))
  }
}
