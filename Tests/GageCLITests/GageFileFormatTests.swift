import Foundation
import GageKit
import GageTestSupport
import Testing

/// Gage files in TOML and YAML, and the keys that only the real parser reads, end to end.
@Suite("Gage file formats", .serialized)
struct GageFileFormatTests {
  static var seedTOML: String {
    """
    # The seed's operation, in TOML.
    [test]
    description = "Say a message\\nSecond line of the description"
    exec = "\(HostTools.python) say.py"
    config = "say.py"  # msg is configurable
    """
  }

  @Test(
    "gage.toml with comments: gage run -y runs the seed operation")
  func tomlRun() throws {
    let project = try TestProject(files: ["say.py": Seed.sayPy, "gage.toml": Self.seedTOML])
    defer { project.remove() }
    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("Hi there\n"), "\(result)")
    let run = try #require(project.runs().first)
    #expect(run.status == .completed)
    #expect(
      try JSONValue.read(path: run.metaPath(MetaFile.opdef))["exec"]
        == .string("\(HostTools.python) say.py"))
  }

  @Test(
    "gage.toml: operations shows the first line of the description")
  func tomlOperations() throws {
    let project = try TestProject(files: ["say.py": Seed.sayPy, "gage.toml": Self.seedTOML])
    defer { project.remove() }
    let result = try project.gage(["operations"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("test"))
    #expect(result.stdout.contains("Say a message"))
    #expect(!result.stdout.contains("Second line"))
  }

  @Test(
    "Malformed gage.toml: file, line and column, and no run")
  func tomlMalformed() throws {
    let project = try TestProject(files: ["gage.toml": "[test]\nexec = \"echo hi\"\nconfig = [\n"])
    defer { project.remove() }
    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("gage.toml:"), "\(result)")
    #expect(result.stderr.firstMatch(of: try Regex(#"gage\.toml:\d+:\d+"#)) != nil, "\(result)")
    #expect(project.runsDirEntries().isEmpty)
  }

  @Test(
    "Unknown key in gage.toml: an error listing the known keys")
  func tomlUnknownKey() throws {
    let project = try TestProject(files: [
      "gage.toml": "[test]\nexec = \"echo hi\"\nexce = \"typo\"\n"
    ])
    defer { project.remove() }
    let result = try project.gage(["check"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("exce"), "\(result)")
    #expect(result.stderr.contains("exec") && result.stderr.contains("sourcecode"), "\(result)")
  }

  @Test("gage.yaml runs too")
  func yamlRun() throws {
    let yaml = """
      # The seed's operation, in YAML.
      test:
        exec: \(HostTools.python) say.py
        config: say.py
      """
    let project = try TestProject(files: ["say.py": Seed.sayPy, "gage.yaml": yaml])
    defer { project.remove() }
    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("Hi there\n"), "\(result)")
  }

  @Test("gage.json may hold whole-line // comments")
  func jsonComments() throws {
    let text = """
      {
        // The seed's operation.
        "test": {"exec": "echo commented"}
      }
      """
    let project = try TestProject(files: ["gage.json": text])
    defer { project.remove() }
    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("commented\n"), "\(result)")
  }

  @Test(
    "The Gage file is found from a subdirectory of the project")
  func foundFromSubdirectory() throws {
    let project = try TestProject(operations: ["hello": .object(["exec": .string("echo hello")])])
    defer { project.remove() }
    let sub = try project.tmp.makeDir("project/src/deep")
    let result = try project.gage(["run", "-y"], in: sub)
    #expect(result.exitCode == 0, "\(result)")
    #expect(project.runs().count == 1, "runs go to <project>/.gage/runs")
  }

  @Test(
    "description and default = true are read from gage.json")
  func descriptionAndDefault() throws {
    let project = try TestProject(operations: [
      "train": .object([
        "exec": .string("echo train"), "description": .string("Train it"), "default": .bool(true),
      ]),
      "evaluate": .object(["exec": .string("echo evaluate")]),
    ])
    defer { project.remove() }
    let ops = try project.gage(["operations"])
    #expect(ops.stdout.contains("Train it"), "\(ops)")
    #expect(ops.stdout.contains("(default)"), "\(ops)")
    let run = try project.gage(["run", "-y"])
    #expect(run.exitCode == 0, "\(run)")
    #expect(run.stdout.contains("train\n"))
  }
}

/// Seed 001 "Run with config", end to end: `KEY=VALUE` patches the staged copies.
@Suite("gage run with config", .serialized)
struct ConfigRunTests {
  @Test(
    "msg='Ho there' rewrites the staged say.py; log/patched holds the diff; config.json the value")
  func runWithConfig() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let result = try project.gage(["run", "-y", "msg=Ho there"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("Ho there\n"), "\(result)")
    let run = try #require(project.runs().first)
    #expect(try readFile(run.metaPath("output", "40_run")) == "Ho there\n")
    #expect(try readFile(FileIO.join(run.runDir, "say.py")).contains("msg = \"Ho there\""))
    #expect(try readFile(FileIO.join(project.dir, "say.py")) == Seed.sayPy)
    let patched = try readFile(run.metaPath(MetaFile.patched))
    #expect(
      patched.contains("-msg = \"Hi there\"") && patched.contains("+msg = \"Ho there\""),
      "\(patched)")
    #expect(
      try JSONValue.read(path: run.metaPath(MetaFile.config))
        == .object(["msg": .string("Ho there")]))
  }

  @Test(
    "An unknown config key is rejected before any run dir is made, listing the known keys")
  func unknownKey() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let result = try project.gage(["run", "-y", "nope=1"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("nope"), "\(result)")
    #expect(result.stderr.contains("msg"), "the known keys are listed: \(result)")
    #expect(project.runsDirEntries().isEmpty, "\(project.runsDirEntries())")
  }

  @Test(
    "A value of the wrong type is rejected before any run dir is made")
  func wrongType() throws {
    let project = try TestProject(files: [
      "say.py": "msg = \"Hi there\"\ncount = 3\nprint(msg * count)\n",
      "gage.json": gageJSON([
        "test": .object([
          "exec": .string("\(HostTools.python) say.py"), "config": .string("say.py"),
        ])
      ]),
    ])
    defer { project.remove() }
    let result = try project.gage(["run", "-y", "count=abc"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.signal == nil, "an error, not a crash")
    #expect(result.stderr.contains("count"), "\(result)")
    #expect(project.runsDirEntries().isEmpty, "\(project.runsDirEntries())")
  }
}
