import Foundation
import GageKit

/// The git CLI for tests: the one way tests run `git`, isolated from the host's git
/// configuration (no system or global config, no `GIT_*` variable of the test process, no
/// prompt, the C locale) and with a fixed identity, so that what git does and prints is the
/// same on every machine.
public enum GitRepo {
  /// The git executable.
  public static let executable =
    FileManager.default.isExecutableFile(atPath: "/usr/bin/git") ? "/usr/bin/git" : (HostTools.findOnPath("git") ?? "git")

  /// `-c` options every command gets: the identity `t <t@t>`, `main` as the first branch, no
  /// signing, file submodules allowed, paths printed unquoted.
  static let options = [
    "-c", "user.name=t", "-c", "user.email=t@t", "-c", "protocol.file.allow=always",
    "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", "-c", "advice.detachedHead=false",
    "-c", "core.quotePath=false",
  ]

  /// The environment of every command (and of servers that run git, like `git daemon`):
  /// this process's without its `GIT_*` variables, isolated from the host's configuration,
  /// plus `extra`.
  public static func environment(_ extra: [String: String] = [:]) -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    for key in env.keys where key.hasPrefix("GIT_") { env[key] = nil }
    env["GIT_CONFIG_GLOBAL"] = "/dev/null"
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["LC_ALL"] = "C"
    return env.merging(extra) { _, new in new }
  }

  /// Runs `git args...` in `dir` (with `env` added, `stdin` as its input) and returns how it
  /// ended, whatever its exit code.
  public static func result(
    _ args: [String], in dir: String, env: [String: String] = [:], stdin: String? = nil
  ) throws -> CommandResult {
    try Command.run(executable, options + args, in: dir, environment: environment(env), stdin: stdin)
  }

  /// Runs `git args...` in `dir` and returns its stdout; a non-zero exit is an error
  /// carrying git's stderr.
  @discardableResult
  public static func run(
    _ args: [String], in dir: String, env: [String: String] = [:], stdin: String? = nil
  ) throws -> String {
    try succeeded(args, in: dir, env: env, stdin: stdin).stdout
  }

  /// `run`, its stdout trimmed of surrounding white space (an object id, a ref).
  @discardableResult
  public static func text(
    _ args: [String], in dir: String, env: [String: String] = [:], stdin: String? = nil
  ) throws -> String {
    try run(args, in: dir, env: env, stdin: stdin).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The NUL-separated names a `-z` command prints, as raw bytes (they may not be UTF-8).
  public static func names(_ args: [String], in dir: String, env: [String: String] = [:]) throws -> [[UInt8]] {
    try succeeded(args, in: dir, env: env, stdin: nil).stdoutBytes.split(separator: 0).map(Array.init)
  }

  /// `git init` of a repository on `main` at `dir` (made as needed) holding `files` (relative
  /// path → text); everything is committed when `commit` is true.
  public static func make(
    at dir: String, commit: Bool = false, message: String = "Initial commit", files: [String: String] = [:]
  ) throws {
    try FileIO.makeDirectories(dir)
    try run(["init", "-q", "-b", "main", dir], in: dir)
    for (path, text) in files { try writeFile(FileIO.join(dir, path), text) }
    if commit { try commitAll(dir, message) }
  }

  /// Adds everything (`git add -A`) in `dir` and commits it.
  public static func commitAll(_ dir: String, _ message: String = "commit") throws {
    try run(["add", "-A"], in: dir)
    try run(["commit", "-q", "--allow-empty", "-m", message], in: dir)
  }

  /// `git rev-parse HEAD` in `dir`.
  public static func head(_ dir: String) throws -> String {
    try text(["rev-parse", "HEAD"], in: dir)
  }

  private static func succeeded(
    _ args: [String], in dir: String, env: [String: String], stdin: String?
  ) throws -> CommandResult {
    let result = try result(args, in: dir, env: env, stdin: stdin)
    guard result.exitCode == 0 else {
      throw GageError.exec("git \(args.joined(separator: " ")) in \(dir) failed (exit \(result.exitCode)): \(result.stderr)")
    }
    return result
  }
}
