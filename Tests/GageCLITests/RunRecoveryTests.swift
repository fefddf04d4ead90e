import Foundation
import GageKit
import GageTestSupport
import Testing

/// Runs whose runner died, previews that make nothing, and projects inside git.
@Suite("gage run: recovery, preview, git projects", .serialized)
struct RunRecoveryTests {
  /// Starts `gage run -y` of `sleep 30`, waits for the phase, and kills gage with SIGKILL:
  /// no finalize runs. Returns gage, the phase's process group and the run.
  static func killRunnerMidRun(_ project: TestProject) throws -> (RunningProcess, pid_t, Run) {
    let process = try project.startGage(["run", "-y"])
    var group: pid_t = 0
    let running = Poll.until(timeout: 15) {
      guard let lock = project.runs().first.map({ $0.metaPath(MetaFile.lock) }),
        let text = FileIO.readTextIfPresent(lock), let pid = pid_t(text)
      else { return false }
      group = pid
      return true
    }
    guard running, let run = project.runs().first else {
      process.send(SIGKILL)
      throw GageError.invalidData("the run phase did not start: \(process.outputSoFar)")
    }
    #expect(run.status == .running)
    process.send(SIGKILL)
    #expect(
      Poll.until(timeout: 10) { !ProcessTable.isAlive(process.pid) }, "gage is dead (or a zombie)")
    return (process, group, run)
  }

  @Test(
    "gage killed with SIGKILL mid-run: the run reads terminated, never running, and never starts again"
  )
  func runnerKilled() throws {
    let project = try TestProject(operations: ["sleep": .object(["exec": .string("sleep 30")])])
    defer { project.remove() }
    let (process, group, run) = try Self.killRunnerMidRun(project)
    kill(-group, SIGKILL)
    _ = process.wait(timeout: 10)

    #expect(!FileIO.exists(run.metaPath(MetaFile.exit)), "nothing finalized the run")
    #expect(run.status == .terminated)
    let show = try project.gage(["show", "--json"])
    #expect(try JSONValue.parse(show.stdout)["status"] == .string("terminated"), "\(show)")
    let again = try project.gage(["run", "--start", run.id])
    #expect(again.exitCode == 1, "\(again)")
  }

  @Test(
    "A runner that died but is not yet reaped (a zombie) does not make its run look running")
  func zombieRunner() throws {
    let project = try TestProject(operations: ["sleep": .object(["exec": .string("sleep 30")])])
    defer { project.remove() }
    let (process, group, run) = try Self.killRunnerMidRun(project)
    defer {
      kill(-group, SIGKILL)
      _ = process.wait(timeout: 10)
    }
    let stat = FileIO.readTextIfPresent("/proc/\(process.pid)/stat") ?? ""
    try #require(stat.contains(") Z "), "gage is a zombie until the test reaps it: \(stat)")
    #expect(run.status == .terminated)
  }

  @Test("gage run --preview shows what would be staged and run, and makes nothing")
  func preview() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let result = try project.gage(["run", "--preview"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("say.py"), "\(result)")
    #expect(result.stdout.contains(Seed.runCommand), "\(result)")
    #expect(!result.stdout.split(separator: "\n").contains("Hi there"), "nothing ran")
    #expect(result.stdout.contains("msg = Hi there"), "the config that would be applied: \(result)")
    #expect(project.runsDirEntries().isEmpty)

    let json = try project.gage(["run", "--preview", "--json"])
    #expect(json.exitCode == 0, "\(json)")
    #expect((try? JSONValue.parse(json.stdout)) != nil, "--preview --json prints JSON: \(json)")
    #expect(project.runsDirEntries().isEmpty)
  }

  @Test("A project in a git repository: .git is never staged")
  func gitMetadataNotStaged() throws {
    let project = try TestProject(
      operations: ["hello": .object(["exec": .string("ls -a")])], files: ["say.py": Seed.sayPy])
    defer { project.remove() }
    try GitRepo.make(at: project.dir, commit: true)
    let result = try project.gage(["run", "-y", "-q"])
    #expect(result.exitCode == 0, "\(result)")
    let run = try #require(project.runs().first)
    let paths = try Listing.paths(in: run.runDir)
    #expect(paths.contains("say.py"))
    #expect(!paths.contains { $0.hasPrefix(".git/") || $0 == ".git" }, "\(paths)")
    #expect(!(try readFile(run.metaPath("output", "40_run"))).contains(".git\n"))
  }

  @Test(
    "A project in a git repository: files git ignores are never staged")
  func gitIgnoredNotStaged() throws {
    let project = try TestProject(
      operations: ["hello": .object(["exec": .string("true")])],
      files: [
        "say.py": Seed.sayPy, "secrets.txt": "token=abc\n", ".gitignore": "secrets.txt\n",
        "notes.txt": "untracked\n",
      ])
    defer { project.remove() }
    try GitRepo.make(at: project.dir)
    try GitRepo.run(["add", "say.py", ".gitignore", "gage.json"], in: project.dir)
    try GitRepo.run(["commit", "-q", "-m", "Initial commit"], in: project.dir)
    let result = try project.gage(["run", "-y", "-q"])
    #expect(result.exitCode == 0, "\(result)")
    let run = try #require(project.runs().first)
    let paths = try Listing.paths(in: run.runDir)
    #expect(
      paths.contains("say.py") && paths.contains("notes.txt"),
      "tracked and untracked-not-ignored: \(paths)")
    #expect(!paths.contains("secrets.txt"), "\(paths)")
    let git = try JSONValue.read(path: run.metaPath(MetaFile.gitSource))
    #expect(git["commit"]?.stringValue?.count == 40)
  }
}
