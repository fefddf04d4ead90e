import Foundation
import GageKit
import GageTestSupport
import Testing

/// Every field a user or another host can set is printed escaped: an escape sequence, a
/// newline or a bidirectional override in an operation name, a config key or value, a
/// metric, a comment, a label, a status host, an archive name or a remote's summary never
/// reaches the terminal raw; `--json` keeps the values as they are.
@Suite("Display escaping", .serialized)
struct DisplayEscapingTests {
  /// An escape sequence (red), a newline and a right-to-left override.
  static let hostile = "a\u{1B}[31m\nb\u{202E}c"
  /// How printers show `hostile`.
  static let shown = "a\\u{1B}[31m\\nb\\u{202E}c"
  /// An operation name: `opref` cannot hold a newline, so the escape and the override only.
  static let opName = "op\u{1B}[31m\u{202E}x"
  /// How printers show `opName`.
  static let opShown = "op\\u{1B}[31m\\u{202E}x"

  /// Expects `result` to have succeeded (or exited `code`), to hold no raw escape or
  /// bidirectional control on stdout or stderr, and to show each of `texts` on stdout.
  static func expectEscaped(
    _ result: CommandResult, code: Int32 = 0, shows texts: [String],
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(result.exitCode == code, "\(result)", sourceLocation: sourceLocation)
    for raw in ["\u{1B}", "\u{202E}", "\u{9B}"] {
      #expect(!result.stdout.contains(raw), "raw \(raw.debugDescription) in \(result)", sourceLocation: sourceLocation)
      #expect(!result.stderr.contains(raw), "raw \(raw.debugDescription) in \(result)", sourceLocation: sourceLocation)
    }
    for text in texts {
      #expect(result.stdout.contains(text), "\(text) not in \(result)", sourceLocation: sourceLocation)
    }
  }

  /// A project whose operation name, config value, metrics (key and value, written by the
  /// run to summary.json), output and one source file name are hostile, with one run of it. (Config
  /// keys read from a file are names; hostile ones come from other hosts, below.)
  static func project() throws -> TestProject {
    let project = try TestProject(
      operations: [
        opName: .object([
          "exec": .string("cp metrics.txt summary.json && printf 'out\\033[31m\\tend\\n'"),
          "config": .string("params.json"),
        ])
      ],
      files: [
        "params.json": JSONValue.object(["msg": .string(hostile)]).prettyPrinted(),
        "metrics.txt": JSONValue.object(["metrics": .object([hostile: .string(hostile), "loss": .double(0.5)])])
          .prettyPrinted(),
        hostile: "data\n",
      ])
    let run = try project.gage(["run", "-y", "-q", opName])
    #expect(run.exitCode == 0, "\(run)")
    return project
  }

  @Test("runs and show escape the operation, config, metrics, file names and output of a run (output keeps its tabs)")
  func runFields() throws {
    let p = try Self.project()
    defer { p.remove() }
    Self.expectEscaped(try p.gage(["runs"]), shows: [Self.opShown])
    Self.expectEscaped(
      try p.gage(["show"]),
      shows: [
        "operation:  \(Self.opShown)", "  msg = \(Self.shown)", "  \(Self.shown) = \(Self.shown)", " \(Self.shown)\n",
        "  out\\u{1B}[31m\tend\n",
      ])

    // JSON keeps the values as they were recorded.
    let json = try JSONValue.parse(try p.gage(["runs", "--json"]).stdout)
    let first = try #require(json.arrayValue?.first)
    #expect(first["operation"] == .string(Self.opName))
    #expect(first["config"]?["msg"] == .string(Self.hostile))
    #expect(first["metrics"]?[Self.hostile] == .string(Self.hostile))
  }

  @Test("comment --list and show escape a comment's author (from $USER) and text; select --label escapes the label")
  func comments() throws {
    let p = try Self.project()
    defer { p.remove() }
    #expect(try p.gage(["comment", "1", "-m", Self.hostile], env: ["USER": Self.hostile]).exitCode == 0)
    #expect(try p.gage(["label", "1", "--set", Self.hostile]).exitCode == 0)
    let list = try p.gage(["comment", "1", "--list"])
    // The text's lines stay lines; each is escaped.
    Self.expectEscaped(list, shows: ["  \(Self.shown)  ", "    a\\u{1B}[31m\n", "    b\\u{202E}c\n"])
    Self.expectEscaped(try p.gage(["show"]), shows: [Self.shown, "    b\\u{202E}c\n"])
    Self.expectEscaped(try p.gage(["select", "--label"]), shows: [Self.shown + "\n"])
    let json = try JSONValue.parse(try p.gage(["comment", "1", "--list", "--json"]).stdout)
    #expect(json.arrayValue?.first?["comments"]?.arrayValue?.first?["author"] == .string(Self.hostile))
  }

  @Test("archive list, runs --archive, show and the notes of archive move escape a local archive's name")
  func archiveNames() throws {
    let p = try Self.project()
    defer { p.remove() }
    // An archive name holds no newline.
    let (name, shown) = (Self.opName, Self.opShown)
    let move = try p.gage(["archive", "move", "1", "-n", name, "-y"])
    Self.expectEscaped(move, shows: [])
    #expect(move.stderr.contains("to archive \"\(shown)\""), "\(move)")
    Self.expectEscaped(try p.gage(["archive", "list"]), shows: [shown + "  "])
    Self.expectEscaped(try p.gage(["runs", "-A", name]), shows: ["[\(shown)]"])
    Self.expectEscaped(try p.gage(["show", "-A", name]), shows: ["location:   archive \(shown)"])
  }

  @Test("diff, audit, verify, archive export and contents escape operation names, config and paths")
  func provenanceCommands() throws {
    let p = try Self.project()
    defer { p.remove() }
    try FileIO.makeWritable(FileIO.join(p.dir, "params.json"))
    try writeFile(FileIO.join(p.dir, "params.json"), JSONValue.object(["msg": .string("other")]).prettyPrinted())
    #expect(try p.gage(["run", "-y", "-q", Self.opName]).exitCode == 0)
    Self.expectEscaped(try p.gage(["diff", "2", "1"]), shows: [Self.opShown, Self.shown])
    Self.expectEscaped(try p.gage(["audit", Self.hostile]), shows: [Self.shown, Self.opShown])
    // A modified file is named escaped.
    let run = try #require(p.runs().first)
    let file = FileIO.join(run.runDir, Self.hostile)
    try FileIO.makeWritable(file)
    try writeFile(file, "changed\n")
    Self.expectEscaped(try p.gage(["verify"]), code: 3, shows: ["modified    \(Self.shown)"])
    let archive = p.tmp.path("runs.tar")
    Self.expectEscaped(try p.gage(["archive", "export", "2", "-o", archive]), shows: [])
    Self.expectEscaped(try p.gage(["archive", "contents", archive]), shows: [Self.opShown])
  }

  @Test("Fields only another host writes: an operation in opref, config keys, a status host in proc/runner.json, a damaged proc/exit")
  func handMadeRuns() throws {
    let p = try TestProject(files: [:])
    defer { p.remove() }
    let runsDir = p.tmp.path("runs")
    let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
    let config = JSONValue.object([Self.hostile: .string(Self.hostile)]).compact()
    let op = HandMadeRun(opref: "2 proj \(Self.opName)", started: now - 3_000_000, config: config)
    var elsewhere = HandMadeRun(started: now - 2_000_000, exit: nil)
    elsewhere.meta[MetaFile.runner] = JSONValue.object(["host": .string(Self.hostile), "pid": .int(1)]).compact()
    elsewhere.meta[MetaFile.lock] = "1"
    var damaged = HandMadeRun(started: now - 1_000_000)
    damaged.meta[MetaFile.exit] = Self.hostile
    for run in [op, elsewhere, damaged] { try run.write(in: runsDir) }

    let runs = try p.gage(["runs", "--runs", runsDir])
    Self.expectEscaped(runs, shows: [Self.opShown, "running on \(Self.shown)", "unknown (proc/exit holds \"\(Self.shown)\""])
    Self.expectEscaped(try p.gage(["show", elsewhere.name, "--runs", runsDir]), shows: ["status:     running on \(Self.shown)"])
    Self.expectEscaped(try p.gage(["show", damaged.name, "--runs", runsDir]), shows: [Self.shown])
    Self.expectEscaped(
      try p.gage(["show", op.name, "--runs", runsDir]),
      shows: ["operation:  \(Self.opShown)", "  \(Self.shown) = \(Self.shown)"])
    // An error quoting the host is escaped too.
    let stop = try p.gage(["stop", elsewhere.name, "-y", "--timeout", "0", "--runs", runsDir])
    Self.expectEscaped(stop, code: 1, shows: [])
    #expect(stop.stderr.contains("runs on \(Self.shown)"), "\(stop)")
  }

  @Test("runs --remote escapes the operation, status and label of a remote's summaries")
  func remoteListing() throws {
    let p = try Self.project()
    defer { p.remove() }
    #expect(try p.gage(["label", "1", "--set", Self.hostile]).exitCode == 0)
    let remote = p.tmp.path("remote.git")
    try GitRepo.run(["init", "-q", "--bare", remote], in: p.tmp.path())
    let push = try p.gage(["push", remote])
    #expect(push.exitCode == 0, "\(push)")
    // The remote's summary of the run, rewritten as another host could: a hostile status.
    let run = try #require(p.runs().first)
    let summary = JSONValue.object([
      "id": .string(run.id), "name": .string(run.name), "operation": .string(Self.opName),
      "status": .string("completed \(Self.hostile)"), "started": .string("2026-01-02T03:04:05Z"),
    ])
    let blob = try GitRepo.text(["hash-object", "-w", "--stdin"], in: remote, stdin: summary.compact())
    let tree = try GitRepo.text(["mktree"], in: remote, stdin: "100644 blob \(blob)\trun.json\n")
    let commit = try GitRepo.text(["commit-tree", tree, "-m", "summary"], in: remote)
    try GitRepo.run(["update-ref", "refs/gage/meta/\(run.id)", commit], in: remote)

    let listed = try p.gage(["runs", "--remote", remote])
    Self.expectEscaped(listed, shows: [Self.opShown, "completed \(Self.shown)", Self.shown])
    let json = try JSONValue.parse(try p.gage(["runs", "--remote", remote, "--json"]).stdout)
    #expect(json.arrayValue?.first?["status"] == .string("completed \(Self.hostile)"))
  }
}
