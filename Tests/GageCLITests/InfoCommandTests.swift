import Foundation
import GageKit
import GageTestSupport
import Testing

/// `gage --version`, `--help`, `operations`, `check` and `show`, end to end.
@Suite("gage info commands", .serialized)
struct InfoCommandTests {
  static let twoOperations: [String: JSONValue] = [
    "train": .object(["exec": .string("echo training")]),
    "evaluate": .object(["exec": .array([.string("echo"), .string("evaluating")])]),
  ]

  @Test("gage --version prints the version")
  func version() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let result = try GageCLI.run(["--version"], in: tmp.path)
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.wholeMatch(of: try Regex(#"\d+\.\d+\.\d+\S*\n"#)) != nil, "\(result)")
  }

  @Test("gage --help names the commands and shows how to start")
  func help() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let result = try GageCLI.run(["--help"], in: tmp.path)
    #expect(result.exitCode == 0, "\(result)")
    for word in ["USAGE", "run", "show", "operations", "check", "gage.toml"] {
      #expect(result.stdout.contains(word), "--help mentions \(word)")
    }
  }

  @Test("gage run --help documents its options and KEY=VALUE")
  func runHelp() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let result = try GageCLI.run(["run", "--help"], in: tmp.path)
    #expect(result.exitCode == 0, "\(result)")
    for word in [
      "KEY=VALUE", "--stage", "--start", "--quiet", "--yes", "--label", "--runs", "--preview",
    ] {
      #expect(result.stdout.contains(word), "run --help mentions \(word)")
    }
  }

  @Test("--help is instant and needs no project")
  func helpNeedsNoProject() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    try tmp.write("gage.json", "{ not json")
    let result = try GageCLI.run(["run", "--help"], in: tmp.path)
    #expect(result.exitCode == 0, "a broken Gage file does not break --help: \(result)")
  }

  @Test("gage operations lists every operation by name")
  func operations() throws {
    let project = try TestProject(operations: Self.twoOperations)
    defer { project.remove() }
    let result = try project.gage(["operations"])
    #expect(result.exitCode == 0, "\(result)")
    let names = result.stdout.split(separator: "\n").compactMap {
      $0.split(separator: " ").first.map(String.init)
    }
    #expect(names.sorted() == ["evaluate", "train"], "\(result)")
    let alias = try project.gage(["ops"])
    #expect(alias.exitCode == 0, "\(alias)")
    #expect(
      Set(alias.stdout.split(separator: "\n")) == Set(result.stdout.split(separator: "\n")),
      "ops is operations")
  }

  @Test(
    "gage operations prints the same list every time")
  func operationsStableOrder() throws {
    let project = try TestProject(operations: [
      "train": .object(["exec": .string("echo 1")]),
      "evaluate": .object(["exec": .string("echo 2")]),
      "prepare": .object(["exec": .string("echo 3")]),
      "report": .object(["exec": .string("echo 4")]),
    ])
    defer { project.remove() }
    let first = try project.gage(["operations"]).stdout
    for _ in 0..<8 {
      #expect(try project.gage(["operations"]).stdout == first)
    }
  }

  @Test("gage operations --json: name, default and command of each")
  func operationsJSON() throws {
    let project = try TestProject(operations: Self.twoOperations)
    defer { project.remove() }
    let result = try project.gage(["operations", "--json"])
    #expect(result.exitCode == 0, "\(result)")
    let items = try #require(try JSONValue.parse(result.stdout).arrayValue)
    #expect(items.count == 2)
    let byName = Dictionary(
      uniqueKeysWithValues: items.compactMap { item in item["name"]?.stringValue.map { ($0, item) }
      })
    #expect(byName["train"]?["command"] == .string("echo training"))
    #expect(byName["evaluate"]?["command"] == .array([.string("echo"), .string("evaluating")]))
    #expect(byName["train"]?["default"] == .bool(false))
    #expect(items.allSatisfy { $0["description"] != nil })
  }

  @Test("The only operation is the default one")
  func onlyOperationIsDefault() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let items =
      try JSONValue.parse(try project.gage(["operations", "--json"]).stdout).arrayValue ?? []
    #expect(items.count == 1)
    #expect(items.first?["name"] == .string("test"))
    #expect(items.first?["default"] == .bool(true))
  }

  @Test("gage operations without a Gage file: a clear error")
  func operationsWithoutGageFile() throws {
    let project = try TestProject(files: [:])
    defer { project.remove() }
    let result = try project.gage(["operations"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("no Gage file"), "\(result)")
  }

  @Test("gage check on a valid file says it is valid")
  func checkValid() throws {
    let project = try TestProject(operations: Self.twoOperations)
    defer { project.remove() }
    let result = try project.gage(["check"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("is valid (2 operations)"), "\(result)")
    let explicit = try project.gage(["check", "gage.json"])
    #expect(explicit.exitCode == 0, "\(explicit)")
  }

  @Test("gage check on an invalid file names file, line and column")
  func checkInvalid() throws {
    let project = try TestProject(files: [
      "broken.json": "{\n  \"op\": {\"exec\": \"echo\"}\n  \"other\": {}\n}\n"
    ])
    defer { project.remove() }
    let result = try project.gage(["check", "broken.json"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("broken.json:3:"), "\(result)")
  }

  @Test("gage check on a missing file: not found")
  func checkMissing() throws {
    let project = try TestProject(files: [:])
    defer { project.remove() }
    let result = try project.gage(["check", "nope.json"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("nope.json"), "\(result)")
  }

  @Test("gage show --json carries id, name, operation, status, started and label (-l best)")
  func showJSON() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let ran = try project.gage(["run", "-y", "-q", "-l", "best"])
    #expect(ran.exitCode == 0, "\(ran)")
    let result = try project.gage(["show", "--json"])
    #expect(result.exitCode == 0, "\(result)")
    let json = try JSONValue.parse(result.stdout)
    let run = try #require(project.runs().first)

    #expect(json["id"] == .string(run.id))
    #expect(json["name"] == .string(run.name))
    #expect(json["name"]?.stringValue.map { RunID.name(for: run.id) == $0 } == true)
    #expect(json["operation"] == .string("test"))
    #expect(json["status"] == .string("completed"))
    #expect(json["label"] == .string("best"))
    let started = try #require(json["started"]?.stringValue, "started is an ISO 8601 time")
    #expect(
      started.wholeMatch(of: try Regex(#"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z"#)) != nil,
      "\(started)")
    let files = json["files"]?.arrayValue ?? []
    #expect(
      files.contains(
        .object([
          "path": .string("say.py"), "type": .string("source"), "sha256": .string(Seed.sayPyDigest),
        ])))
  }

  @Test("gage show prints name, status, files and output")
  func showText() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    #expect(try project.gage(["run", "-y", "-q"]).exitCode == 0)
    let run = try #require(project.runs().first)
    let result = try project.gage(["show", run.name])
    #expect(result.exitCode == 0, "\(result)")
    for text in [run.name, run.id, "completed", "say.py", "Hi there"] {
      #expect(result.stdout.contains(text), "show prints \(text): \(result)")
    }
    #expect(!result.stdout.contains("\u{1B}["), "no color when not a terminal")
  }

  @Test("gage show with no runs: not found, exit 1")
  func showWithoutRuns() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let result = try project.gage(["show"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(!result.stderr.isEmpty)
  }

  @Test("Runs dir resolution: --runs, then $GAGE_RUNS, then $RUNS_DIR, then <project>/.gage/runs")
  func runsDirResolution() throws {
    let project = try TestProject(operations: ["hello": .object(["exec": .string("echo hello")])])
    defer { project.remove() }
    let option = project.tmp.path("option-runs")
    let gageRuns = project.tmp.path("gage-runs")
    let runsDirVar = project.tmp.path("runs-dir-var")

    #expect(
      try project.gage(["run", "-y", "-q", "--runs", option], env: ["GAGE_RUNS": gageRuns]).exitCode
        == 0)
    #expect(project.runs(in: option).count == 1)
    #expect(
      try project.gage(["run", "-y", "-q"], env: ["GAGE_RUNS": gageRuns, "RUNS_DIR": runsDirVar])
        .exitCode == 0)
    #expect(project.runs(in: gageRuns).count == 1)
    #expect(try project.gage(["run", "-y", "-q"], env: ["RUNS_DIR": runsDirVar]).exitCode == 0)
    #expect(project.runs(in: runsDirVar).count == 1)
    #expect(try project.gage(["run", "-y", "-q"]).exitCode == 0)
    #expect(project.runs().count == 1)
  }
}
