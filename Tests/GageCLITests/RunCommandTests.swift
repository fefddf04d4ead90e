import Foundation
import GageKit
import GageTestSupport
import Testing

/// `gage run`, end to end: the built binary against temp projects with a `gage.json`.
@Suite("gage run", .serialized)
struct RunCommandTests {
  @Test(
    "gage run -y in the seed project: exit 0, phase output echoed, the run sealed in <project>/.gage/runs"
  )
  func seedProjectRun() throws {
    let project = try TestProject.seed()
    defer { project.remove() }

    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("Stage source\nHi there\n"), "\(result)")

    let run = try #require(project.runs().first)
    #expect(project.runs().count == 1)
    #expect(run.status == .completed)
    #expect(try readFile(run.metaPath("output", "10_sourcecode")) == "Stage source\n")
    #expect(try readFile(run.metaPath("output", "40_run")) == "Hi there\n")
    #expect(try readFile(run.metaPath(MetaFile.opref)) == "2 project test")
    #expect(try readFile(run.projectRefPath) == "file:" + project.dir)
    #expect(try Listing.mismatches(in: run.metaDir, seed: Seed.metaAfterFinalize) == [])
    #expect(try Listing.files(in: run.metaDir).allSatisfy { $0.mode == 0o444 })
    #expect(try Listing.files(in: run.runDir).allSatisfy { !$0.isWritable })

    let manifest = try readFile(run.metaPath(MetaFile.manifest))
    #expect(manifest.contains(Seed.manifestLine), "\(manifest)")
    #expect(!manifest.contains(".gage/"), "the runs dir is never staged")
  }

  @Test("Without a terminal gage run proceeds without asking, even without -y")
  func noTerminalNoQuestion() throws {
    let project = try TestProject(operations: ["hello": .object(["exec": .string("echo hello")])])
    defer { project.remove() }
    let result = try project.gage(["run"], stdin: "")
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("hello\n"))
    #expect(project.runs().first?.status == .completed)
  }

  @Test("-q silences the run's output; it is still captured")
  func quiet() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let result = try project.gage(["run", "-y", "-q"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(!result.stdout.contains("Hi there"), "\(result)")
    #expect(!result.stdout.contains("Stage source"), "\(result)")
    #expect(!result.stderr.contains("Hi there"), "\(result)")
    let run = try #require(project.runs().first)
    #expect(try readFile(run.metaPath("output", "40_run")) == "Hi there\n")
  }

  @Test("gage run exits with the run's exit code, and gage show says error")
  func exitCodeIsTheRunsExitCode() throws {
    let project = try TestProject(operations: [
      "fail": .object(["exec": .string("echo about to fail; exit 3")])
    ])
    defer { project.remove() }

    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 3, "\(result)")
    #expect(result.stdout.contains("about to fail"))
    let run = try #require(project.runs().first)
    #expect(run.status == .error)
    #expect(try readFile(run.metaPath(MetaFile.exit)) == "3")

    let show = try project.gage(["show"])
    #expect(show.exitCode == 0, "\(show)")
    #expect(show.stdout.contains("error"), "\(show)")
    let json = try JSONValue.parse(try project.gage(["show", "--json"]).stdout)
    #expect(json["status"] == .string("error"))
    #expect(json["exit_code"] == .int(3))
  }

  @Test(
    "A failing stage-sourcecode phase: the run is error, the run phase never ran, the run is still finalized"
  )
  func failingStagePhase() throws {
    let project = try TestProject(operations: [
      "test": .object([
        "exec": .object([
          "stage-sourcecode": .string("echo staging fails; exit 4"),
          "run": .string("echo ran > ran.txt"),
        ])
      ])
    ])
    defer { project.remove() }

    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 4, "\(result)")
    let run = try #require(project.runs().first)
    #expect(run.status == .error)
    #expect(try readFile(run.metaPath("output", "10_sourcecode")) == "staging fails\n")
    #expect(!FileIO.exists(run.metaPath("output", "40_run")), "the run phase never ran")
    #expect(!FileIO.exists(FileIO.join(run.runDir, "ran.txt")))
    #expect(!FileIO.exists(run.metaPath(MetaFile.started)))
    #expect(try readFile(run.metaPath(MetaFile.exit)) == "4")
    #expect(FileIO.exists(run.metaPath(MetaFile.seal)))
    #expect(FileIO.exists(run.metaPath(MetaFile.stopped)))
    #expect(try Listing.files(in: run.metaDir).allSatisfy { !$0.isWritable })
  }

  @Test(
    "--stage, then --start from the meta alone after the project is gone; a second --start is refused"
  )
  func stageThenStart() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let runsDir = try project.tmp.makeDir("runs")

    let staged = try project.gage(["run", "-y", "--stage", "--runs", runsDir])
    #expect(staged.exitCode == 0, "\(staged)")
    #expect(staged.stdout.contains("Stage source\n"), "stage-sourcecode runs while staging")
    let run = try #require(project.runs(in: runsDir).first)
    #expect(staged.stdout.contains(run.name), "\(staged)")
    #expect(run.status == .staged)
    #expect(!FileIO.exists(run.metaPath(MetaFile.started)))
    #expect(!FileIO.exists(run.metaPath("output", "40_run")))

    // The project moves away: starting needs only the meta dir.
    try FileManager.default.moveItem(atPath: project.dir, toPath: project.tmp.path("moved-away"))
    let elsewhere = try project.tmp.makeDir("elsewhere")

    let started = try project.gage(["run", "--start", run.name, "--runs", runsDir], in: elsewhere)
    #expect(started.exitCode == 0, "\(started)")
    #expect(started.stdout.contains("Hi there\n"), "\(started)")
    #expect(run.status == .completed)
    #expect(try readFile(run.metaPath("output", "40_run")) == "Hi there\n")
    #expect(try readFile(run.metaPath(MetaFile.manifest)).contains(Seed.manifestLine))

    let again = try project.gage(["run", "--start", run.id, "--runs", runsDir], in: elsewhere)
    #expect(again.exitCode == 1, "\(again)")
    #expect(again.stderr.contains("not staged"), "\(again)")
    #expect(try readFile(run.metaPath("output", "40_run")) == "Hi there\n")
    #expect(run.status == .completed)
  }

  @Test("RUN_ID, RUN_DIR, PROJECT_DIR and the caller's environment are visible to the command")
  func runEnvironment() throws {
    let script = """
      echo "RUN_ID=$RUN_ID"
      echo "RUN_DIR=$RUN_DIR"
      echo "PROJECT_DIR=$PROJECT_DIR"
      echo "PWD=$(pwd)"
      echo "CALLER=$CALLER_VAR"
      """
    let project = try TestProject(operations: ["env": .object(["exec": .string(script)])])
    defer { project.remove() }

    let result = try project.gage(["run", "-y", "-q"], env: ["CALLER_VAR": "from the caller"])
    #expect(result.exitCode == 0, "\(result)")
    let run = try #require(project.runs().first)
    let lines = try readFile(run.metaPath("output", "40_run")).split(separator: "\n").map(
      String.init)
    #expect(
      lines == [
        "RUN_ID=\(run.id)",
        "RUN_DIR=\(run.runDir)",
        "PROJECT_DIR=\(project.dir)",
        "PWD=\(run.runDir)",
        "CALLER=from the caller",
      ])
  }

  @Test(
    "The operation's env is added to the run's environment and recorded in proc/env.json")
  func operationEnv() throws {
    let project = try TestProject(operations: [
      "env": .object([
        "exec": .string("echo \"GREETING=$GREETING\"; echo \"RUN_ID=$RUN_ID\""),
        "env": .object(["GREETING": .string("hello from env")]),
      ])
    ])
    defer { project.remove() }
    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("GREETING=hello from env\n"), "\(result)")
    let run = try #require(project.runs().first)
    #expect(
      try JSONValue.read(path: run.metaPath(MetaFile.env))["GREETING"] == .string("hello from env"))
  }

  @Test("argv exec form: arguments go to the program as they are, with no shell in between")
  func argvExec() throws {
    let project = try TestProject(operations: [
      "argv": .object([
        "exec": .array([
          .string("printf"), .string("%s|%s\\n"), .string("two words"), .string("$HOME"),
        ])
      ])
    ])
    defer { project.remove() }
    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("two words|$HOME\n"), "\(result)")
    let run = try #require(project.runs().first)
    #expect(
      try JSONValue.read(path: run.metaPath(MetaFile.cmd))
        == .array([.string("printf"), .string("%s|%s\\n"), .string("two words"), .string("$HOME")]))
  }

  @Test("#!/bin/bash exec form: the rest runs with bash -c, newlines kept")
  func shebangExec() throws {
    let script =
      "#!/bin/bash\necho first\nif [[ -n \"$BASH_VERSION\" ]]; then echo bash; fi\necho last"
    let project = try TestProject(operations: ["bash": .object(["exec": .string(script)])])
    defer { project.remove() }
    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 0, "\(result)")
    let run = try #require(project.runs().first)
    #expect(try readFile(run.metaPath("output", "40_run")) == "first\nbash\nlast\n")
    #expect(try JSONValue.read(path: run.metaPath(MetaFile.cmd)) == .string(script))
  }

  @Test(
    "All five phases run in order, each with its output file; files are typed by the phase that made them"
  )
  func fivePhases() throws {
    let project = try TestProject(operations: [
      "all": .object([
        "exec": .object([
          "stage-sourcecode": .string("echo sourcecode"),
          "stage-runtime": .string("echo runtime; echo r > runtime.txt"),
          "stage-dependencies": .string("echo dependencies; echo d > deps.txt"),
          "run": .string("echo run; echo g > generated.txt"),
          "finalize": .string("echo finalize; test -f generated.txt"),
        ])
      ])
    ])
    defer { project.remove() }

    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 0, "\(result)")
    #expect(
      result.stdout.contains("sourcecode\nruntime\ndependencies\nrun\nfinalize\n"), "\(result)")
    let run = try #require(project.runs().first)
    let expected = [
      ("10_sourcecode", "sourcecode\n"), ("20_runtime", "runtime\n"),
      ("30_dependencies", "dependencies\n"),
      ("40_run", "run\n"), ("50_finalize", "finalize\n"),
    ]
    var times: [UInt64] = []
    for (name, text) in expected {
      #expect(try readFile(run.metaPath("output", name)) == text, "output/\(name)")
      let index = try FileIO.readBytes(run.metaPath("output", name + ".index"))
      #expect(index.count == 9, "output/\(name).index")
      times.append(index.prefix(8).reduce(UInt64(0)) { ($0 << 8) | UInt64($1) })
    }
    #expect(times == times.sorted(), "phases ran in order")

    let types = Dictionary(
      uniqueKeysWithValues: try Manifest.read(path: run.metaPath(MetaFile.manifest)).entries.map {
        ($0.path, $0.type)
      })
    #expect(types["gage.json"] == .source)
    #expect(types["runtime.txt"] == .runtime)
    #expect(types["deps.txt"] == .dependency)
    #expect(types["generated.txt"] == .generated)
  }

  @Test("A failing finalize phase makes a completed run an error")
  func failingFinalize() throws {
    let project = try TestProject(operations: [
      "op": .object([
        "exec": .object([
          "run": .string("echo ok"), "finalize": .string("echo cleanup failed; exit 5"),
        ])
      ])
    ])
    defer { project.remove() }
    let result = try project.gage(["run", "-y"])
    #expect(result.exitCode == 5, "\(result)")
    let run = try #require(project.runs().first)
    #expect(run.status == .error)
    #expect(try readFile(run.metaPath("output", "50_finalize")) == "cleanup failed\n")
  }

  @Test("proc/lock holds the PID of the running phase while it runs, and is gone after")
  func lockWhileRunning() throws {
    let project = try TestProject(files: [:])
    defer { project.remove() }
    let go = project.tmp.path("go")
    try writeFile(
      FileIO.join(project.dir, "gage.json"),
      gageJSON([
        "wait": .object([
          "exec": .string("while [ ! -e '\(go)' ]; do sleep 0.02; done; echo released")
        ])
      ]))

    let process = try project.startGage(["run", "-y"])
    var lockPath: String? = nil
    let appeared = Poll.until(timeout: 15) {
      lockPath = project.runs().map { $0.metaPath(MetaFile.lock) }.first(where: FileIO.exists)
      return lockPath != nil
    }
    #expect(appeared, "proc/lock appears while the run phase runs")
    if let lockPath {
      let text = try readFile(lockPath)
      let pid = try #require(Int32(text), "proc/lock holds a decimal PID without newline: \(text)")
      #expect(ProcessTable.isAlive(pid), "the PID in proc/lock is the live phase process")
      #expect(pid != process.pid, "it is the phase's process, not gage itself")
      let run = try #require(project.runs().first)
      #expect(run.status == .running)
    }
    try writeFile(go, "")
    let result = process.wait(timeout: 30)
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("released"))
    let run = try #require(project.runs().first)
    #expect(!FileIO.exists(run.metaPath(MetaFile.lock)))
    #expect(run.status == .completed)
  }

  /// Starts `gage run -y` of `sleep 30` and waits until the sleep runs; returns gage and the
  /// phase's process group.
  static func startSleepingRun(
    _ project: TestProject, blockedSignals: [Int32] = [], env: [String: String] = [:]
  ) throws -> (RunningProcess, pid_t) {
    let process = try project.startGage(["run", "-y"], env: env, blockedSignals: blockedSignals)
    var group: pid_t = 0
    let running = Poll.until(timeout: 15) {
      guard let lock = project.runs().first.map({ $0.metaPath(MetaFile.lock) }),
        let text = FileIO.readTextIfPresent(lock), let pid = pid_t(text)
      else { return false }
      group = pid
      return !ProcessTable.liveMembers(ofGroup: pid).isEmpty
    }
    if !running {
      process.send(SIGKILL)
      if group > 0 { kill(-group, SIGKILL) }
      throw GageError.invalidData("the run phase did not start: \(process.outputSoFar)")
    }
    return (process, group)
  }

  /// Sends `signal` to gage and checks docs/lifecycle.md: gage exits promptly with 128+N, the run is
  /// finalized as terminated with proc/exit -N, and the phase's process group is gone.
  static func expectSignalEndsRun(
    _ project: TestProject, process: RunningProcess, group: pid_t, signal: Int32
  ) throws {
    defer {
      kill(-group, SIGKILL)
      if process.isRunning { process.send(SIGKILL) }
    }
    let sent = Date()
    process.send(signal)
    let exited = Poll.until(timeout: 10) { !ProcessTable.isAlive(process.pid) }
    let elapsed = Date().timeIntervalSince(sent)
    if !exited {
      // Leave no sleeping process behind (it would also hold gage's pipes open).
      kill(-group, SIGKILL)
      process.send(SIGKILL)
    }
    let result = process.wait(timeout: 10)
    #expect(exited, "gage ignored signal \(signal)")
    #expect(result.exitCode == 128 + signal, "\(result)")
    #expect(elapsed < 5, "gage exited \(elapsed)s after the signal")

    let run = try #require(project.runs().first)
    #expect(run.status == .terminated)
    #expect(FileIO.readTextIfPresent(run.metaPath(MetaFile.exit)) == String(-signal))
    #expect(FileIO.exists(run.metaPath(MetaFile.seal)))
    #expect(!FileIO.exists(run.metaPath(MetaFile.lock)))
    let gone = Poll.until(timeout: 5) { ProcessTable.liveMembers(ofGroup: group).isEmpty }
    #expect(
      gone, "the run's process group \(group) is gone: \(ProcessTable.liveMembers(ofGroup: group))")
  }

  @Test(
    "SIGTERM or SIGINT to gage while the run sleeps: gage exits with 128+N, the run is terminated, the sleep is gone",
    arguments: [SIGTERM, SIGINT])
  func signalTerminatesRun(signal: Int32) throws {
    let project = try TestProject(operations: ["sleep": .object(["exec": .string("sleep 30")])])
    defer { project.remove() }
    let (process, group) = try Self.startSleepingRun(project)
    try Self.expectSignalEndsRun(project, process: process, group: group, signal: signal)
  }

  @Test(
    "SIGTERM while a staging phase runs: the run is terminated, never started, and its later phases never run"
  )
  func signalWhileStaging() throws {
    let project = try TestProject(operations: [
      "op": .object([
        "exec": .object([
          "stage-runtime": .string("sleep 30"), "run": .string("echo ran > ran.txt"),
        ])
      ])
    ])
    defer { project.remove() }
    let (process, group) = try Self.startSleepingRun(project)
    try Self.expectSignalEndsRun(project, process: process, group: group, signal: SIGTERM)
    let run = try #require(project.runs().first)
    #expect(!FileIO.exists(run.metaPath(MetaFile.started)))
    #expect(!FileIO.exists(run.metaPath("output", "40_run")))
    #expect(!FileIO.exists(FileIO.join(run.runDir, "ran.txt")))
  }

  @Test(
    "A signal ends the run even when gage was started with it blocked (as from a thread that blocks signals)",
    arguments: [SIGTERM, SIGINT])
  func signalWithInheritedBlockedMask(signal: Int32) throws {
    let project = try TestProject(operations: ["sleep": .object(["exec": .string("sleep 30")])])
    defer { project.remove() }
    let (process, group) = try Self.startSleepingRun(
      project, blockedSignals: [SIGINT, SIGTERM, SIGHUP])
    try Self.expectSignalEndsRun(project, process: process, group: group, signal: signal)
  }

  @Test("Each run gets its own id and run dir; gage show lists the newest first")
  func twoRuns() throws {
    let project = try TestProject(operations: ["hello": .object(["exec": .string("echo $RUN_ID")])])
    defer { project.remove() }
    #expect(try project.gage(["run", "-y", "-q"]).exitCode == 0)
    #expect(try project.gage(["run", "-y", "-q"]).exitCode == 0)
    let all = project.runs()
    #expect(all.count == 2)
    #expect(Set(all.map(\.id)).count == 2)
    let latest = try JSONValue.parse(try project.gage(["show", "--json"]).stdout)
    #expect(latest["id"] == .string(all[0].id))
    let older = try JSONValue.parse(try project.gage(["show", "2", "--json"]).stdout)
    #expect(older["id"] == .string(all[1].id))
  }

  @Test("A phase that ignores SIGTERM is killed after the grace period (GAGE_KILL_GRACE); the run ends terminated with its output")
  func ignoredSignalIsEscalated() throws {
    let project = try TestProject(operations: [
      "stubborn": .object([
        "exec": .array([
          .string(HostTools.python), .string("-c"),
          .string("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('holding on', flush=True); time.sleep(30)"),
        ])
      ])
    ])
    defer { project.remove() }
    let (process, group) = try Self.startSleepingRun(project, env: ["GAGE_KILL_GRACE": "1"])
    // The signal must come once the phase ignores it.
    let holding = Poll.until(timeout: 15) {
      project.runs().first.flatMap { FileIO.readTextIfPresent($0.metaPath("output", "40_run")) }?.contains("holding on") == true
    }
    #expect(holding)
    try Self.expectSignalEndsRun(project, process: process, group: group, signal: SIGTERM)
    let run = try #require(project.runs().first)
    #expect(try FileIO.readText(run.metaPath("output", "40_run")).contains("holding on"))
    #expect(try FileIO.readText(run.metaPath(MetaFile.runnerLog)).contains("outlived the signal by 1 s; killed"))
  }

  @Test("What a phase printed before going quiet is in its output file while it runs (not held in a buffer)")
  func quietPhaseOutputIsOnDisk() throws {
    let project = try TestProject(operations: [
      "quiet": .object(["exec": .string("sh -c 'echo early line; sleep 30'")])
    ])
    defer { project.remove() }
    let (process, group) = try Self.startSleepingRun(project)
    defer {
      kill(-group, SIGKILL)
      process.send(SIGKILL)
      _ = process.wait(timeout: 10)
    }
    let seen = Poll.until(timeout: 5) {
      project.runs().first.flatMap { FileIO.readTextIfPresent($0.metaPath("output", "40_run")) } == "early line\n"
    }
    #expect(seen, "the line reached the output file while the phase sleeps")
  }
}
