import Foundation
import GageKit
import GageTestSupport
import Testing

/// Bad inputs to `gage run`: each gets a clear error and a non-zero exit, and leaves no run
/// that reads as anything but pending or error.
@Suite("gage run with bad input", .serialized)
struct BadInputTests {
  /// Every run in `runsDir` reads as pending or error (none completed, running, staged...).
  static func onlyPendingOrErrorRuns(_ project: TestProject, runsDir: String? = nil) -> Bool {
    project.runs(in: runsDir).allSatisfy { $0.status == .pending || $0.status == .error }
  }

  @Test("No Gage file: the message says so and how to make one; nothing is made")
  func noGageFile() throws {
    let project = try TestProject(files: ["train.py": "print('hi')\n"])
    defer { project.remove() }
    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("no Gage file"), "\(result)")
    #expect(result.stderr.contains("gage.toml"), "it says how to make one: \(result)")
    #expect(!FileIO.exists(FileIO.join(project.dir, ".gage")))
    #expect(!FileIO.exists(FileIO.join(project.home, ".gage")))
  }

  @Test("Malformed gage.json: the message names the file, line and column; nothing is made")
  func malformedGageFile() throws {
    let text = """
      {
        "test": {
          "exec": "echo hi",
        }
      }
      """
    let project = try TestProject(files: ["gage.json": text])
    defer { project.remove() }
    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 1, "\(result)")
    let location = try Regex(#"gage\.json:(\d+):(\d+)"#)
    let match = result.stderr.firstMatch(of: location)
    #expect(match != nil, "file:line:col in \(result)")
    if let match {
      #expect(match.output[1].substring == "4", "the error is on line 4: \(result.stderr)")
    }
    #expect(!FileIO.exists(FileIO.join(project.dir, ".gage")))
  }

  @Test("Unknown operation: the message lists the known ones; nothing is made")
  func unknownOperation() throws {
    let project = try TestProject(operations: [
      "train": .object(["exec": .string("echo train")]),
      "evaluate": .object(["exec": .string("echo evaluate")]),
    ])
    defer { project.remove() }
    let result = try project.gage(["run", "-y", "tarin"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("unknown operation \"tarin\""), "\(result)")
    #expect(result.stderr.contains("train") && result.stderr.contains("evaluate"), "\(result)")
    #expect(project.runsDirEntries().isEmpty)
  }

  @Test("Two operations and none named: the message lists them")
  func noDefaultOperation() throws {
    let project = try TestProject(operations: [
      "train": .object(["exec": .string("echo train")]),
      "evaluate": .object(["exec": .string("echo evaluate")]),
    ])
    defer { project.remove() }
    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("train") && result.stderr.contains("evaluate"), "\(result)")
    #expect(project.runsDirEntries().isEmpty)
  }

  @Test("An operation without exec: the message says to add one; nothing is made")
  func operationWithoutExec() throws {
    let project = try TestProject(operations: [
      "empty": .object(["description": .string("nothing to run")])
    ])
    defer { project.remove() }
    let result = try project.gage(["run", "-y", "empty"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("no run command"), "\(result)")
    #expect(project.runsDirEntries().isEmpty)
  }

  @Test(
    "KEY=VALUE syntax error (=1): a clear error, nothing is made",
    arguments: [["=1"], ["="], ["=x=1"], ["test", "=1"], ["test", "msg"]])
  func assignmentSyntax(arguments: [String]) throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let result = try project.gage(["run", "-y"] + arguments)
    #expect(result.exitCode != 0, "\(result)")
    #expect(result.stderr.contains("KEY=VALUE"), "\(result)")
    #expect(project.runsDirEntries().isEmpty, "\(project.runsDirEntries())")
  }

  @Test("Command not found (argv form): gage exits non-zero, the run is error and says why")
  func commandNotFound() throws {
    let project = try TestProject(operations: [
      "missing": .object(["exec": .array([.string("no-such-cmd-xyz")])])
    ])
    defer { project.remove() }
    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode != 0, "\(result)")
    #expect(result.signal == nil, "gage does not crash: \(result)")
    #expect(result.stderr.contains("no-such-cmd-xyz"), "\(result)")
    let run = try #require(project.runs().first)
    #expect(run.status == .error)
    #expect((run.exitCode ?? 0) > 0)
    #expect(try readFile(run.metaPath("output", "40_run")).contains("no-such-cmd-xyz"))
    #expect(FileIO.exists(run.metaPath(MetaFile.seal)))
    #expect(Self.onlyPendingOrErrorRuns(project))
  }

  @Test("Command not found (shell form): the shell's 127 is the run's exit code")
  func shellCommandNotFound() throws {
    let project = try TestProject(operations: [
      "missing": .object(["exec": .string("no-such-cmd-xyz --flag")])
    ])
    defer { project.remove() }
    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 127, "\(result)")
    #expect(project.runs().first?.status == .error)
  }

  @Test("Runs dir that cannot be made (under /proc): a clear error naming it, nothing left behind")
  func runsDirUnderProc() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let result = try project.gage(["run", "-y", "--runs", "/proc/nope/runs"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.signal == nil)
    #expect(result.stderr.contains("/proc/nope"), "\(result)")
    #expect(!result.stdout.contains("Hi there"), "nothing ran")
  }

  @Test("Runs dir whose parent is a regular file: a clear error naming it, nothing left behind")
  func runsDirUnderFile() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let file = try project.tmp.write("a-file", "not a directory\n")
    let result = try project.gage(["run", "-y", "--runs", file + "/runs"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains(file), "\(result)")
    #expect(try readFile(file) == "not a directory\n")
    #expect(!result.stdout.contains("Hi there"), "nothing ran")
  }

  @Test(
    "Usage errors exit 64 with the usage",
    arguments: [["run", "--stage", "--preview"], ["run", "--no-such-flag"]])
  func usageErrors(arguments: [String]) throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let result = try project.gage(arguments)
    #expect(result.exitCode == 64, "\(result)")
    #expect(result.stderr.contains("Usage") || result.stderr.contains("USAGE"), "\(result)")
    #expect(project.runsDirEntries().isEmpty)
  }

  @Test("--start of a run that does not exist: not found, exit 1")
  func startUnknownRun() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let result = try project.gage(["run", "--start", "zzzzz"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("zzzzz"), "\(result)")
  }

  @Test("A stage limit too large for a byte count is a clear error, not a trap", arguments: ["1e300G", "9.3e18", "10000000T"])
  func hugeStageLimit(limit: String) throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let result = try project.gage(["run", "-y", "-q", "--stage-limit", limit])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("invalid size \"\(limit)\""), "\(result)")
    #expect(project.runs().isEmpty)
  }
}
