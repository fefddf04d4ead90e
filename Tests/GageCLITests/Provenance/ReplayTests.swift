import Foundation
import GageKit
import GageTestSupport
import Testing

/// `gage replay` with the built binary: runs replayed from the runs dir and from archives on
/// a "second host" without the project, compared file by file with the original (docs/provenance.md).
@Suite("Replay", .serialized)
struct ReplayTests {
  /// Operations: `det` computes its output from its config and source; `clock` writes the
  /// time; `quiet` generates nothing; `prepared` has a stage-runtime hook.
  static let operations: [String: JSONValue] = [
    "det": .object([
      "exec": .string("sh -c 'mkdir -p out; cat params.json lib.txt > out/result.txt; echo RESULT-42 > out/answer.txt'"),
      "config": .string("params.json"),
    ]),
    "clock": .object(["exec": .string("sh -c 'date +%s%N > stamp.txt; echo same > same.txt'")]),
    "quiet": .object(["exec": .string("true")]),
    "rewrite": .object(["exec": .string("sh -c 'chmod u+w lib.txt; echo rewritten > lib.txt'")]),
    "prepared": .object([
      "exec": .object([
        "stage-runtime": .string("sh -c 'echo runtime > env.txt'"),
        "run": .string("sh -c 'cat env.txt > copy.txt'"),
      ])
    ]),
  ]

  /// A git project with those operations.
  static func project() throws -> TestProject {
    let p = try TestProject(
      operations: operations,
      files: [
        "params.json": "{\"seed\": 1}\n", "lib.txt": "library\n", ".gitignore": ".gage/\n",
      ])
    try GitRepo.make(at: p.dir, commit: true)
    return p
  }

  /// Runs `args` in the project; expects success.
  static func run(_ p: TestProject, _ args: [String]) throws {
    let result = try p.gage(["run", "-y", "-q"] + args)
    #expect(result.exitCode == 0, "\(result)")
  }

  @Test("a deterministic run, exported and replayed on a host without the project, reproduces identically")
  func fromArchiveElsewhere() throws {
    let p = try Self.project()
    defer { p.remove() }
    try Self.run(p, ["det", "seed=7"])
    let original = try #require(p.runs().first)
    let archive = p.tmp.path("det.tar.gz")
    #expect(try p.gage(["archive", "export", "1", "-o", archive]).exitCode == 0)
    try FileIO.removeTree(p.dir)

    // Another host: another HOME, another runs dir, no project, no Gage file.
    let elsewhere = try p.tmp.makeDir("elsewhere")
    let runsDir = FileIO.join(elsewhere, "runs")
    let result = try GageCLI.run(["replay", archive, "-q", "--runs", runsDir], in: elsewhere, home: elsewhere)
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("reproduced: 2 identical, 0 differ, 0 missing, 0 new"), "\(result)")
    let replays = runs(in: runsDir)
    #expect(replays.count == 1)
    let replay = try #require(replays.first)
    let record = try JSONValue.read(path: replay.metaPath(MetaFile.replay))
    #expect(record["of"] == .string(original.id))
    #expect(record["reproduced"] == .bool(true))
    #expect(record["archive"] == .string(archive))
    // Same config, same source identity, same source files; the replay verifies.
    #expect(try FileIO.readText(replay.metaPath(MetaFile.config)).contains("\"seed\": 7"))
    let replayGit = try FileIO.readText(FileIO.join(elsewhere, "runs", replay.id + ".meta", MetaFile.gitSource))
    #expect(replayGit.contains("\"commit\""))
    let verify = try GageCLI.run(["verify", "--runs", runsDir], in: elsewhere, home: elsewhere)
    #expect(verify.exitCode == 0, "\(verify)")
    let show = try GageCLI.run(["show", "--runs", runsDir], in: elsewhere, home: elsewhere)
    #expect(show.stdout.contains("replay of:  \(original.name) (\(original.id.prefix(8))), reproduced"), "\(show)")
    // Nothing of the extraction is left in the runs dir.
    #expect(try DirectoryListing.entries(runsDir).map(\.display).filter { $0.hasPrefix(".import") }.isEmpty)
  }

  @Test("a run that writes the time is reported as differing, with its path, exit 3")
  func nondeterministic() throws {
    let p = try Self.project()
    defer { p.remove() }
    try Self.run(p, ["clock"])
    let original = try #require(p.runs().first)
    let result = try p.gage(["replay", "1", "-q"])
    #expect(result.exitCode == 3, "\(result)")
    #expect(result.stdout.contains("reproduced: 1 identical, 1 differ, 0 missing, 0 new"), "\(result)")
    #expect(result.stdout.contains("differs  stamp.txt"), "\(result)")
    let json = try p.gage(["replay", original.id, "-q", "--json"])
    #expect(json.exitCode == 3)
    let object = try JSONValue.parse(json.stdout)
    #expect(object["differ"] == .array([.string("stamp.txt")]))
    #expect(object["identical"] == .array([.string("same.txt")]))
    #expect(object["reproduced"] == .bool(false))
    // Both replays are found by `replay-of`, by id and by name.
    for key in [original.id, original.name] {
      let listed = try p.gage(["runs", "--json", "-w", "replay-of = \(key)"])
      #expect(try JSONValue.parse(listed.stdout).arrayValue?.count == 2, "\(listed)")
    }
  }

  @Test("a run with no generated files compares the empty set and says so")
  func emptySet() throws {
    let p = try Self.project()
    defer { p.remove() }
    try Self.run(p, ["quiet"])
    let result = try p.gage(["replay", "1", "-q"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("reproduced: 0 identical, 0 differ, 0 missing, 0 new (neither run generated any file)"))
  }

  @Test("stage hooks run again: a stage-runtime file is made anew, not copied")
  func hooks() throws {
    let p = try Self.project()
    defer { p.remove() }
    try Self.run(p, ["prepared"])
    let result = try p.gage(["replay", "1", "-q"])
    #expect(result.exitCode == 0, "\(result)")
    let replay = try #require(p.runs().first { FileIO.exists($0.metaPath(MetaFile.replay)) })
    #expect(FileIO.exists(replay.metaPath("output/20_runtime")))
    let manifest = try Manifest.read(path: replay.metaPath(MetaFile.manifest))
    #expect(manifest.entries.first { $0.path == "env.txt" }?.type == .runtime)
    #expect(manifest.entries.first { $0.path == "copy.txt" }?.type == .generated)
  }

  @Test("a tampered archive is refused before anything runs; the runs dir gets nothing")
  func tamperedArchive() throws {
    let p = try Self.project()
    defer { p.remove() }
    try Self.run(p, ["det"])
    let archive = p.tmp.path("det.tar")
    #expect(try p.gage(["archive", "export", "1", "-o", archive]).exitCode == 0)
    var bytes = try FileIO.readBytes(archive)
    let needle = Array("RESULT-42".utf8)
    // The file body starts a 512-byte tar block; the command text in meta files does not.
    let at = try #require(
      stride(from: 0, to: bytes.count - needle.count, by: 512).first { Array(bytes[$0..<($0 + needle.count)]) == needle })
    bytes[at + 8] = UInt8(ascii: "3")
    let tampered = p.tmp.path("tampered.tar")
    try FileIO.write(bytes, to: tampered)
    let runsDir = p.tmp.path("target")
    let result = try p.gage(["replay", tampered, "--runs", runsDir])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("out/answer.txt"), "\(result)")
    #expect(result.stderr.contains("nothing was run"), "\(result)")
    #expect(runs(in: runsDir).isEmpty)
    #expect((try? DirectoryListing.entries(runsDir))?.isEmpty ?? true)
  }

  @Test("a run that no longer verifies is refused, naming the file; bad sources are clear errors")
  func refused() throws {
    let p = try Self.project()
    defer { p.remove() }
    try Self.run(p, ["det"])
    let original = try #require(p.runs().first)
    let answer = FileIO.join(original.runDir, "out/answer.txt")
    chmod(FileIO.join(original.runDir, "out"), 0o755)
    chmod(answer, 0o644)
    try writeFile(answer, "forged\n")
    var result = try p.gage(["replay", "1"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("no longer verifies (modified out/answer.txt)"), "\(result)")
    #expect(p.runs().count == 1)
    result = try p.gage(["replay", "nosuchrun"])
    #expect(result.exitCode == 1)
    #expect(result.stderr.contains("nosuchrun"), "\(result)")
    try Self.run(p, ["--stage", "det"])
    result = try p.gage(["replay", "1"])
    #expect(result.exitCode == 1)
    #expect(result.stderr.contains("cannot be replayed: it is staged"), "\(result)")
  }

  @Test("a run that changed its own source while it ran is refused: its staged bytes were not kept")
  func sourceChangedDuringRun() throws {
    let p = try Self.project()
    defer { p.remove() }
    try Self.run(p, ["rewrite"])
    let result = try p.gage(["replay", "1"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("its source file lib.txt was changed during the run and its staged bytes were not kept"), "\(result)")
    #expect(p.runs().count == 1)
  }

  @Test("an archive of several runs needs FILE#PREFIX; the prefix picks the run")
  func severalRuns() throws {
    let p = try Self.project()
    defer { p.remove() }
    try Self.run(p, ["quiet"])
    try Self.run(p, ["det"])
    let det = try #require(p.runs().first { (try? FileIO.readText($0.metaPath(MetaFile.opref)))?.hasSuffix("det") == true })
    let archive = p.tmp.path("two.tar")
    #expect(try p.gage(["archive", "export", "--all", "-o", archive]).exitCode == 0)
    let runsDir = p.tmp.path("elsewhere")
    var result = try p.gage(["replay", archive, "--runs", runsDir])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("holds 2 runs"), "\(result)")
    result = try p.gage(["replay", archive + "#" + det.name, "-q", "--runs", runsDir])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("reproduced: 2 identical"), "\(result)")
    let replay = try #require(runs(in: runsDir).first)
    #expect(try JSONValue.read(path: replay.metaPath(MetaFile.replay))["of"] == .string(det.id))
  }
}
