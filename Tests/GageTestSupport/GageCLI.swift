import Foundation
import GageKit

#if canImport(Glibc)
  import Glibc
#endif

/// The built `gage` binary, run the way a user runs it.
public enum GageCLI {
  /// Variables that would point `gage` at a runs dir outside the test's control.
  public static let isolatedVariables = ["GAGE_RUNS", "RUNS_DIR", "NO_COLOR"]

  /// The `gage` executable: `$GAGE_BIN`, else the sibling of the test bundle's executable,
  /// else `.build/debug/gage` in the package.
  public static var binary: String {
    let env = ProcessInfo.processInfo.environment
    if let path = env["GAGE_BIN"], !path.isEmpty { return path }
    var candidates: [String] = []
    if let arg0 = CommandLine.arguments.first, !arg0.isEmpty {
      let dir = (FileIO.absolute(arg0) as NSString).deletingLastPathComponent
      candidates.append(FileIO.join(dir, "gage"))
      // On macOS the bundle's executable sits in `<bundle>.xctest/Contents/MacOS/`.
      candidates.append(FileIO.join(dir, "../../../gage"))
    }
    candidates.append(FileIO.join(packageRoot, ".build/debug/gage"))
    for candidate in candidates where access(candidate, X_OK) == 0 {
      return (candidate as NSString).standardizingPath
    }
    return FileIO.join(packageRoot, ".build/debug/gage")
  }

  /// The package's root directory, found from this file's path.
  public static var packageRoot: String {
    // <root>/Tests/GageTestSupport/GageCLI.swift
    var path = #filePath as NSString
    for _ in 0..<3 { path = path.deletingLastPathComponent as NSString }
    return path as String
  }

  /// The environment `gage` runs with: this process's, without variables that choose a runs
  /// dir, with `HOME` moved to `home` when given (so `~/.gage/runs` is the test's), plus `extra`.
  public static func environment(
    home: String? = nil, extra: [String: String] = [:]
  ) -> [String:
    String]
  {
    var env = ProcessInfo.processInfo.environment
    for name in isolatedVariables { env[name] = nil }
    if let home { env["HOME"] = home }
    env.merge(extra) { _, new in new }
    return env
  }

  /// Runs `gage args...` in `directory` to the end.
  @discardableResult
  public static func run(
    _ arguments: [String], in directory: String, home: String? = nil, env: [String: String] = [:],
    stdin: String? = nil, timeout: Double = 60
  ) throws -> CommandResult {
    try start(arguments, in: directory, home: home, env: env, stdin: stdin).wait(timeout: timeout)
  }

  /// Runs `gage args...` in `directory` under `ulimit -v kilobytes` (address space) and
  /// `ulimit -t seconds` (CPU time): a memory bomb ends with an allocation failure or
  /// SIGXCPU instead of taking the machine.
  @discardableResult
  public static func runLimited(
    _ arguments: [String], in directory: String, home: String, kilobytes: Int, seconds: Int = 20,
    env: [String: String] = [:], timeout: Double = 60
  ) throws -> CommandResult {
    let command = "ulimit -v \(kilobytes); ulimit -t \(seconds); exec \"$0\" \"$@\""
    return try Command.run(
      "/bin/sh", ["-c", command, binary] + arguments, in: directory,
      environment: environment(home: home, extra: env), timeout: timeout)
  }

  /// Starts `gage args...` in `directory` and returns at once.
  public static func start(
    _ arguments: [String], in directory: String, home: String? = nil, env: [String: String] = [:],
    stdin: String? = nil,
    blockedSignals: [Int32] = []
  ) throws -> RunningProcess {
    try RunningProcess(
      executable: binary, arguments: arguments, directory: directory,
      environment: environment(home: home ?? directory, extra: env), stdin: stdin,
      blockedSignals: blockedSignals)
  }
}

/// Programs the tests need from the host.
public enum HostTools {
  /// The Python interpreter to run seed scripts with: `python3`, else `python` (the seeds say
  /// `python`; Debian has only `python3`).
  public static let python: String = {
    if findOnPath("python3") != nil { return "python3" }
    return "python"
  }()

  /// The first executable named `name` on `PATH`.
  public static func findOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/\(name)"
      if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
  }
}

/// Polling with a deadline, instead of fixed sleeps.
public enum Poll {
  /// Checks `condition` every `interval` seconds until it holds or `timeout` passes; returns
  /// whether it held.
  @discardableResult
  public static func until(
    timeout: Double = 10, interval: Double = 0.02, _ condition: () throws -> Bool
  ) rethrows
    -> Bool
  {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      if try condition() { return true }
      if Date() >= deadline { return false }
      usleep(useconds_t(interval * 1_000_000))
    }
  }
}

/// Looks at live processes through `/proc`.
public enum ProcessTable {
  /// PIDs of the processes (zombies excluded) whose process group is `group`.
  public static func liveMembers(ofGroup group: pid_t) -> [pid_t] {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else {
      return []
    }
    var members: [pid_t] = []
    for entry in entries {
      guard let pid = pid_t(entry), let stat = FileIO.readTextIfPresent("/proc/\(pid)/stat"),
        let close = stat.lastIndex(of: ")")
      else { continue }
      // After "pid (comm)": state, ppid, pgrp, ...
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      guard fields.count > 2, fields[0] != "Z", pid_t(fields[2]) == group else { continue }
      members.append(pid)
    }
    return members
  }

  /// Whether a process with this PID exists (a zombie counts as gone).
  public static func isAlive(_ pid: pid_t) -> Bool {
    guard let stat = FileIO.readTextIfPresent("/proc/\(pid)/stat"),
      let close = stat.lastIndex(of: ")")
    else {
      return false
    }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return fields.first.map { $0 != "Z" } ?? false
  }
}
