import Foundation
import GageKit

/// A project in a temp dir for end-to-end tests: `<tmp>/project` with a Gage file, `HOME`
/// at `<tmp>/home` (so `~/.gage/runs` is the test's own), runs in `<project>/.gage/runs`
/// unless a test says otherwise.
public final class TestProject: @unchecked Sendable {
  /// The temp dir holding everything.
  public let tmp: TempDir
  /// The project dir.
  public let dir: String
  /// `HOME` for `gage`.
  public let home: String

  /// A project with `files` (relative path → text), e.g. `["gage.json": ..., "say.py": ...]`.
  public init(files: [String: String]) throws {
    tmp = try TempDir()
    dir = try tmp.makeDir("project")
    home = try tmp.makeDir("home")
    for (path, text) in files {
      try writeFile(FileIO.join(dir, path), text)
    }
  }

  /// The seed project: `say.py` and a `gage.json` with seed 001's operation `test`.
  public static func seed() throws -> TestProject {
    try TestProject(files: ["say.py": Seed.sayPy, "gage.json": Seed.gageJSON])
  }

  /// A project whose `gage.json` holds `operations`, plus `files`.
  public convenience init(operations: [String: JSONValue], files: [String: String] = [:]) throws {
    var all = files
    all["gage.json"] = gageJSON(operations)
    try self.init(files: all)
  }

  /// The default runs dir of the project.
  public var runsDir: String { FileIO.join(dir, ".gage/runs") }

  /// Removes everything.
  public func remove() {
    tmp.remove()
  }

  /// Runs `gage args...` in the project dir (or `directory`).
  @discardableResult
  public func gage(
    _ arguments: [String], in directory: String? = nil, env: [String: String] = [:],
    stdin: String? = nil,
    timeout: Double = 60
  ) throws -> CommandResult {
    try GageCLI.run(
      arguments, in: directory ?? dir, home: home, env: env, stdin: stdin, timeout: timeout)
  }

  /// Runs operation `name` (nil: the default one) with `assignments` (`KEY=VALUE`) in this
  /// process, through the library as `gage run` does (`RunPlanner`, then `Runner`), into
  /// `runsDir` (default: the project's); returns the finished run. A run that cannot be made
  /// is an error; a command that fails is not (the run says how it ended).
  @discardableResult
  public func runInProcess(_ name: String? = nil, _ assignments: [String] = [], runsDir: String? = nil) throws -> Run {
    guard let file = GageFile.find(from: dir) else { throw GageError.notFound("no Gage file in \(dir)") }
    var plan = try RunPlanner.plan(
      gageFile: try GageFile.load(path: file), opName: name, assignments: assignments, runsDir: runsDir ?? self.runsDir)
    plan.operation.echo = false
    return try Runner.run(plan.operation).run
  }

  /// Starts `gage args...` in the project dir and returns at once.
  public func startGage(
    _ arguments: [String], env: [String: String] = [:], blockedSignals: [Int32] = []
  ) throws -> RunningProcess {
    try GageCLI.start(arguments, in: dir, home: home, env: env, blockedSignals: blockedSignals)
  }

  /// The runs in `runsDir` (default: the project's), newest first.
  public func runs(in runsDir: String? = nil) -> [Run] {
    RunStore(path: runsDir ?? self.runsDir).runs()
  }

  /// Every entry of a runs dir (run dirs, meta dirs, anything), or [] when it does not exist.
  public func runsDirEntries(_ runsDir: String? = nil) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: runsDir ?? self.runsDir)) ?? []).sorted()
  }
}
