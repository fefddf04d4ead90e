import Foundation
import GageKit
import GageTestSupport
import Testing

/// Seeds 001 and 002, step by step through GageKit: make the run, init its meta, stage it,
/// exec it, finalize it, and look at what is on disk after each step.
@Suite("Starting a staged run (seeds 001 and 002)")
struct StartingAStagedRunTests {
  let quiet = OutputOptions(echo: false)

  /// Seed 001's opdef: `stage-sourcecode` prints, `run` runs say.py; say.py is configurable.
  static var seedOpDef: OpDef {
    let stage = CommandSpec.shell(Seed.stageSourceCommand)
    let run = CommandSpec.shell(Seed.runCommand)
    return OpDef(
      name: "test",
      exec: ExecSpec(commands: [.stageSourcecode: stage, .run: run]),
      config: [ConfigSpec(keys: ["say.py"])],
      raw: .object([
        "exec": .object(["stage-sourcecode": stage.json, "run": run.json]),
        "config": .string("say.py"),
      ]))
  }

  /// Seed 001's command: `OpCmd(["python", "say.py"], {})`.
  static var seedCommand: RunCommand { RunCommand(.argv([HostTools.python, "say.py"])) }

  /// A temp dir holding `project/say.py` and an empty `runs/`.
  static func sampleProject() throws -> (tmp: TempDir, project: String, runsDir: String) {
    let tmp = try TempDir()
    let project = try tmp.makeDir("project")
    try tmp.write("project/say.py", Seed.sayPy)
    let runsDir = try tmp.makeDir("runs")
    return (tmp, project, runsDir)
  }

  @Test("Basic run: make, init meta, stage, exec, finalize, with the seed's layout at each step")
  func basicRun() throws {
    let (tmp, project, runsDir) = try Self.sampleProject()
    defer { tmp.remove() }

    // Create a new run.
    let run = try RunLifecycle.makeRun(
      opref: OpRef(namespace: "test", name: "test"), runsDir: runsDir)
    #expect(RunID.isValid(run.id))
    #expect(run.runDir == FileIO.join(runsDir, run.id))
    #expect(run.metaDir == FileIO.join(runsDir, run.id + ".meta"))
    #expect(run.status == .pending)

    // Initialize run meta.
    try RunLifecycle.initRunMeta(run, opdef: Self.seedOpDef, config: [:], command: Self.seedCommand)
    #expect(run.status == .pending)

    // Stage the run.
    try RunLifecycle.stageRun(run, projectDir: project, output: quiet)
    #expect(try Listing.paths(in: run.runDir) == ["say.py"])
    #expect(run.status == .staged)

    // Execute the run. `execRun` blocks until the run process exits.
    let code = try RunLifecycle.execRun(run, output: quiet)
    #expect(code == 0)

    // List meta dir contents: log/files, log/runner and manifest are still writable.
    #expect(try Listing.mismatches(in: run.metaDir, seed: Seed.metaAfterExec) == [])
    #expect(!FileIO.exists(run.metaPath(MetaFile.exit)))
    #expect(!FileIO.exists(run.metaPath(MetaFile.lock)))

    // Show run output.
    #expect(try readFile(run.metaPath("output", "10_sourcecode")) == "Stage source\n")
    #expect(try readFile(run.metaPath("output", "40_run")) == "Hi there\n")

    // Finalize the run.
    try RunLifecycle.finalizeRun(run, exitCode: code, output: quiet)

    // Show the meta files. All files are read only.
    #expect(try Listing.mismatches(in: run.metaDir, seed: Seed.metaAfterFinalize) == [])
    let writable = try Listing.files(in: run.metaDir).filter(\.isWritable).map(\.path)
    #expect(writable == [], "every meta file is read-only after finalize")
    #expect(try Listing.files(in: run.metaDir).allSatisfy { $0.mode == 0o444 })

    // Show the run files.
    #expect(try Listing.lsLines(in: run.runDir) == ["-r--r--r-- say.py"])
    #expect(try Listing.files(in: run.runDir).map(\.mode) == [0o444])

    // Show the finalized run manifest.
    #expect(try readFile(run.metaPath(MetaFile.manifest)) == Seed.manifestLine)

    #expect(try readFile(run.metaPath(MetaFile.exit)) == "0")
    #expect(run.status == .completed)
  }

  @Test("Meta files hold the seed's values: schema, id, opref, opdef, command, timestamps, logs")
  func metaFileContents() throws {
    let (tmp, project, runsDir) = try Self.sampleProject()
    defer { tmp.remove() }
    let run = try RunLifecycle.makeRun(
      opref: OpRef(namespace: "test", name: "test"), runsDir: runsDir)
    try RunLifecycle.initRunMeta(run, opdef: Self.seedOpDef, config: [:], command: Self.seedCommand)
    try RunLifecycle.stageRun(run, projectDir: project, output: quiet)
    let code = try RunLifecycle.execRun(run, output: quiet)
    try RunLifecycle.finalizeRun(run, exitCode: code, output: quiet)

    // Single-value files have no trailing newline.
    #expect(try readFile(run.metaPath(MetaFile.schema)) == "1")
    #expect(try readFile(run.metaPath(MetaFile.id)) == run.id)
    #expect(try readFile(run.metaPath(MetaFile.opref)) == "2 test test")
    var stamps: [Int64] = []
    for name in [MetaFile.initialized, MetaFile.staged, MetaFile.started, MetaFile.stopped] {
      let text = try readFile(run.metaPath(name))
      #expect(text.allSatisfy { $0.isNumber }, "\(name) is decimal epoch microseconds: \(text)")
      stamps.append(Int64(text) ?? 0)
    }
    #expect(stamps == stamps.sorted(), "initialized <= staged <= started <= stopped")
    let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
    #expect(stamps.allSatisfy { now - $0 < 120_000_000 && $0 <= now })

    // JSON meta.
    #expect(try JSONValue.read(path: run.metaPath(MetaFile.opdef)) == Self.seedOpDef.raw)
    // docs/config.md: config.json holds every configurable key (`config = "say.py"`) with its value.
    #expect(try JSONValue.read(path: run.metaPath(MetaFile.config)) == .object(["msg": .string("Hi there")]))
    #expect(
      try JSONValue.read(path: run.metaPath(MetaFile.cmd))
        == .array([.string(HostTools.python), .string("say.py")]))
    #expect(try JSONValue.read(path: run.metaPath(MetaFile.env)) == .object([:]))
    #expect(try JSONValue.read(path: run.metaPath(MetaFile.summary)) == .object([:]))

    // Line-oriented logs end every line with a newline.
    let runnerLog = try readFile(run.metaPath(MetaFile.runnerLog))
    #expect(runnerLog.hasSuffix("\n"))
    let logLine = try Regex(#"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} \S.*$"#)
    for line in runnerLog.split(separator: "\n") {
      #expect(line.wholeMatch(of: logLine) != nil, "log/runner line: \(line)")
    }
    let filesLog = try readFile(run.metaPath(MetaFile.filesLog))
    #expect(filesLog.hasSuffix("\n"))
    let lines = filesLog.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(
      lines.first?.wholeMatch(of: try Regex(#"a s \d+ say\.py"#)) != nil, "log/files: \(filesLog)")
  }

  @Test(
    "Run with config: msg='Ho there' patches the staged say.py")
  func runWithConfig() throws {
    let (tmp, project, runsDir) = try Self.sampleProject()
    defer { tmp.remove() }
    let run = try RunLifecycle.makeRun(
      opref: OpRef(namespace: "test", name: "test"), runsDir: runsDir)
    try RunLifecycle.initRunMeta(
      run, opdef: Self.seedOpDef, config: ["msg": .string("Ho there")], command: Self.seedCommand)
    try RunLifecycle.stageRun(run, projectDir: project, output: quiet)

    let staged = try readFile(FileIO.join(run.runDir, "say.py"))
    #expect(staged.contains("msg = \"Ho there\""), "staged say.py:\n\(staged)")
    #expect(!staged.contains("Hi there"))
    #expect(
      try readFile(FileIO.join(project, "say.py")) == Seed.sayPy,
      "the project's copy is never patched")

    let code = try RunLifecycle.execRun(run, output: quiet)
    #expect(code == 0)
    #expect(try readFile(run.metaPath("output", "40_run")) == "Ho there\n")

    let patched = try readFile(run.metaPath(MetaFile.patched))
    #expect(patched.contains("-msg = \"Hi there\""), "log/patched:\n\(patched)")
    #expect(patched.contains("+msg = \"Ho there\""), "log/patched:\n\(patched)")
    #expect(try JSONValue.read(path: run.metaPath(MetaFile.config))["msg"] == .string("Ho there"))

    try RunLifecycle.finalizeRun(run, exitCode: code, output: quiet)
    let manifest = try Manifest.read(path: run.metaPath(MetaFile.manifest))
    #expect(manifest.entries.map(\.path) == ["say.py"])
    #expect(
      manifest.entries.first?.digest != Seed.sayPyDigest, "the manifest holds the patched bytes")
  }

  @Test(
    "Run without config records every configurable key with its value")
  func configJSONListsConfigurableKeys() throws {
    let (tmp, project, runsDir) = try Self.sampleProject()
    defer { tmp.remove() }
    let run = try RunLifecycle.makeRun(
      opref: OpRef(namespace: "test", name: "test"), runsDir: runsDir)
    try RunLifecycle.initRunMeta(run, opdef: Self.seedOpDef, config: [:], command: Self.seedCommand)
    try RunLifecycle.stageRun(run, projectDir: project, output: quiet)
    #expect(
      try JSONValue.read(path: run.metaPath(MetaFile.config))
        == .object(["msg": .string("Hi there")]))
    let patched = FileIO.readTextIfPresent(run.metaPath(MetaFile.patched)) ?? ""
    #expect(patched.isEmpty, "nothing changed, nothing patched: \(patched)")
  }

  @Test("Seed 002: exec as a plain string; a staged run no longer needs its project")
  func plainStringExec() throws {
    let (tmp, project, runsDir) = try Self.sampleProject()
    defer { tmp.remove() }
    let run = CommandSpec.shell(Seed.runCommand)
    let opdef = OpDef(
      name: "test", exec: ExecSpec(commands: [.run: run]), config: [ConfigSpec(keys: ["say.py"])],
      raw: .object(["exec": run.json, "config": .string("say.py")]))

    let made = try RunLifecycle.makeRun(
      opref: OpRef(namespace: "test", name: "test"), runsDir: runsDir)
    try RunLifecycle.initRunMeta(made, opdef: opdef, config: [:], command: RunCommand(run))
    try RunLifecycle.stageRun(made, projectDir: project, output: quiet)
    #expect(try Listing.paths(in: made.runDir) == ["say.py"])

    // Once a run is staged, it's independent of the originating project.
    try FileIO.removeTree(project)

    let code = try RunLifecycle.execRun(made, output: quiet)
    #expect(code == 0)
    #expect(try readFile(made.metaPath("output", "40_run")) == "Hi there\n")
    #expect(try JSONValue.read(path: made.metaPath(MetaFile.cmd)) == .string(Seed.runCommand))

    // Seed 002's listing, with seed 001's names (proc/cmd.json, proc/env.json); log/patched
    // is written only when config changed a file.
    let listing = """
      -r--r--r-- __schema__
      -r--r--r-- config.json
      -r--r--r-- id
      -r--r--r-- initialized
      -rw-rw-rw- log/files
      -rw-rw-rw- log/runner
      -rw-rw-rw- manifest
      -r--r--r-- opdef.json
      -r--r--r-- opref
      -r--r--r-- output/40_run
      -r--r--r-- output/40_run.index
      -r--r--r-- proc/cmd.json
      -r--r--r-- proc/env.json
      -r--r--r-- staged
      """
    #expect(try Listing.mismatches(in: made.metaDir, seed: listing) == [])
    #expect(
      !FileIO.exists(made.metaPath("output", "10_sourcecode")),
      "no stage-sourcecode phase, no output for it")

    try RunLifecycle.finalizeRun(made, exitCode: code, output: quiet)
    #expect(made.status == .completed)
    #expect(try readFile(made.metaPath(MetaFile.manifest)) == Seed.manifestLine)
  }

  @Test("Seed 002 with config: msg='Ho there' prints Ho there")
  func plainStringExecWithConfig() throws {
    let (tmp, project, runsDir) = try Self.sampleProject()
    defer { tmp.remove() }
    let run = CommandSpec.shell(Seed.runCommand)
    let opdef = OpDef(
      name: "test", exec: ExecSpec(commands: [.run: run]), config: [ConfigSpec(keys: ["say.py"])],
      raw: .object(["exec": run.json, "config": .string("say.py")]))
    let made = try RunLifecycle.makeRun(
      opref: OpRef(namespace: "test", name: "test"), runsDir: runsDir)
    try RunLifecycle.initRunMeta(
      made, opdef: opdef, config: ["msg": .string("Ho there")], command: RunCommand(run))
    try RunLifecycle.stageRun(made, projectDir: project, output: quiet)
    #expect(try RunLifecycle.execRun(made, output: quiet) == 0)
    #expect(try readFile(made.metaPath("output", "40_run")) == "Ho there\n")
  }
}

/// Records what callbacks saw, from whatever thread calls them.
final class CallbackRecorder: @unchecked Sendable {
  private let lock = NSLock()
  private var entries: [String] = []

  func record(_ entry: String) {
    lock.lock()
    entries.append(entry)
    lock.unlock()
  }

  var all: [String] {
    lock.lock()
    defer { lock.unlock() }
    return entries
  }
}

/// Seed 000 (Guild's `op` module), through `Runner`: an operation with command args and a
/// run dir, run or staged, with lifecycle callbacks.
@Suite("Operations (seed 000)")
struct OperationsSeedTests {
  /// `op.cmd_args = [sys.executable, "-m", "guild.pass"]`: a command that does nothing.
  static let passCommand = CommandSpec.argv([HostTools.python, "-c", "pass"])

  @Test("A successful run has an exit code of 0 and is generated in the run dir given")
  func successfulRun() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let op = Operation(command: Self.passCommand, runDir: tmp.path("run"), echo: false)
    let (run, exitCode) = try Runner.run(op)

    #expect(exitCode == 0)
    #expect(run.runDir == op.runDir)
    #expect(run.metaDir == tmp.path("run.meta"))
    #expect(run.status == .completed)

    // Guild's .guild/attrs/{cmd,env,exit_status,id,initialized,started,stopped} and opref.
    let files = Set(try Listing.paths(in: run.metaDir))
    for name in [
      MetaFile.cmd, MetaFile.env, MetaFile.exit, MetaFile.id, MetaFile.initialized, MetaFile.staged,
      MetaFile.started, MetaFile.stopped, MetaFile.opref, MetaFile.manifest, MetaFile.seal,
    ] {
      #expect(files.contains(name), "meta file \(name) in \(files.sorted())")
    }
    #expect(try readFile(run.metaPath(MetaFile.exit)) == "0")
    #expect(try JSONValue.read(path: run.metaPath(MetaFile.cmd)) == Self.passCommand.json)
  }

  @Test("A staged run is denoted by `staged` and has not started")
  func stagedRun() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let op = Operation(command: Self.passCommand, runDir: tmp.path("run"), echo: false)
    let run = try Runner.stage(op)

    #expect(run.runDir == op.runDir)
    #expect(FileIO.exists(run.metaPath(MetaFile.staged)))
    #expect(!FileIO.exists(run.metaPath(MetaFile.started)))
    #expect(!FileIO.exists(run.metaPath(MetaFile.exit)))
    #expect(run.status == .staged)

    // It starts later, and only once.
    #expect(try Runner.start(run, echo: false) == 0)
    #expect(run.status == .completed)
    let error = #expect(throws: GageError.self) { try Runner.start(run, echo: false) }
    if case .conflict = error {
    } else {
      Issue.record("expected a conflict, got \(String(describing: error))")
    }
  }

  @Test("Callbacks during stage: runInitialized writes an attribute that reads back")
  func callbacksDuringStage() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let recorder = CallbackRecorder()
    let callbacks = OperationCallbacks(
      runInitialized: { _, run in
        recorder.record("<run initialized>")
        try run.writeAttribute("msg", .string("hello!"))
      },
      initOutputSummary: { _, _ in
        recorder.record("<initializing output summaries>")
        return nil
      })
    let op = Operation(
      command: Self.passCommand, runDir: tmp.path("run"), callbacks: callbacks, echo: false)
    let run = try Runner.stage(op)

    #expect(recorder.all == ["<run initialized>"], "initOutputSummary is not called while staging")
    #expect(try run.attribute("msg") == .string("hello!"))
    #expect(FileIO.isDirectory(run.userDir), "attributes live in the run's .user log")
  }

  @Test("Callbacks during run: both are called, and the output summary sees each output line")
  func callbacksDuringRun() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let recorder = CallbackRecorder()
    let callbacks = OperationCallbacks(
      runInitialized: { _, run in
        recorder.record("<run initialized>")
        try run.writeAttribute("msg", .string("hello!"))
      },
      initOutputSummary: { _, _ in
        recorder.record("<initializing output summaries>")
        return { line in recorder.record("line: \(line)") }
      })
    let op = Operation(
      command: .argv(["/bin/sh", "-c", "echo loss: 0.5; echo acc: 0.9 >&2"]),
      runDir: tmp.path("run"),
      callbacks: callbacks, echo: false)
    let (run, exitCode) = try Runner.run(op)

    #expect(exitCode == 0)
    #expect(
      recorder.all == [
        "<run initialized>", "<initializing output summaries>", "line: loss: 0.5", "line: acc: 0.9",
      ])
    #expect(try run.attribute("msg") == .string("hello!"))
  }
}
