import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The command of a run (`proc/cmd.json` and `proc/env.json`).
public struct RunCommand: Sendable, Equatable {
  /// The run phase's command.
  public var command: CommandSpec
  /// Variables the operation adds to the environment.
  public var env: [String: String]

  /// A run command.
  public init(_ command: CommandSpec, env: [String: String] = [:]) {
    self.command = command
    self.env = env
  }
}

/// A phase exited with a non-zero code (or was ended by a signal).
public struct PhaseFailure: Error, Sendable, Equatable {
  /// The phase.
  public var phase: Phase
  /// Its exit code (negative for a signal).
  public var exitCode: Int32
}

/// The run lifecycle, one step at a time (`docs/lifecycle.md`): make the run, init its meta, stage
/// (`RunStaging.swift`), exec, finalize. Each step reads what it needs from the meta dir, so
/// a staged run can be started later without its project. `RunDriver` strings them together.
public enum RunLifecycle {
  // MARK: Make and init

  /// Makes a new run under `runsDir`: the meta dir with `opref`, and an empty run dir.
  public static func makeRun(opref: OpRef, runsDir: String, id: String = RunID.make()) throws -> Run {
    try makeRun(opref: opref, run: Run(id: id, runDir: FileIO.join(runsDir, id)))
  }

  /// Makes a new run with an explicit run dir (its meta dir is `<runDir>.meta`).
  public static func makeRun(opref: OpRef, runDir: String, id: String = RunID.make()) throws -> Run {
    try makeRun(opref: opref, run: Run(id: id, runDir: runDir))
  }

  private static func makeRun(opref: OpRef, run: Run) throws -> Run {
    let parent = (run.runDir as NSString).deletingLastPathComponent
    try FileIO.makeDirectories(parent)
    guard access(parent, W_OK) == 0 else {
      throw GageError.io(path: parent, operation: "write runs to", errno: EACCES)
    }
    // The meta dir appears whole, with its opref and who is making the run: should this
    // process die before staging ends, the run reads terminated rather than pending forever,
    // and never without its opref. A killed process's working dir is removed later.
    let temp = try StaleTemporaryFiles.makeDirectory(in: parent, kind: "new")
    do {
      guard chmod(temp, 0o755) == 0 else { throw GageError.io(path: temp, operation: "chmod", errno: errno) }
      try FileIO.makeDirectories(FileIO.join(temp, "proc"))
      try FileIO.write(RunnerIdentity.current().json.prettyPrinted(), to: FileIO.join(temp, MetaFile.runner))
      try FileIO.write(opref.encoded, to: FileIO.join(temp, MetaFile.opref), mode: FileIO.readOnlyMode)
      // rename(2) would replace an empty directory: an existing meta dir is a collision.
      if FileIO.exists(run.metaDir) { throw GageError.io(path: run.metaDir, operation: "create", errno: EEXIST) }
      if rename(temp, run.metaDir) != 0 { throw GageError.io(path: run.metaDir, operation: "create", errno: errno) }
    } catch {
      try? FileIO.removeTree(temp)
      throw error
    }
    try FileIO.makeDirectories(run.runDir)
    RunIndex.noteChanged(run)
    return run
  }

  /// Writes the run's meta: schema, id, opdef, config, command, environment, platform,
  /// then `initialized`.
  public static func initRunMeta(_ run: Run, opdef: OpDef, config: [String: JSONValue], command: RunCommand) throws {
    let ro = FileIO.readOnlyMode
    try FileIO.write(MetaFile.schemaVersion, to: run.metaPath(MetaFile.schema), mode: ro)
    let log = RunnerLog(run: run)
    try FileIO.makeDirectories(run.metaPath("log"))
    try log.log("Writing meta id")
    try FileIO.write(run.id, to: run.metaPath(MetaFile.id), mode: ro)
    try log.log("Writing meta opdef")
    try FileIO.write(opdef.json.prettyPrinted(), to: run.metaPath(MetaFile.opdef), mode: ro)
    try log.log("Writing meta config")
    try FileIO.writeAtomically(JSONValue.object(config).prettyPrinted(), to: run.metaPath(MetaFile.config), mode: ro)
    try FileIO.makeDirectories(run.metaPath("proc"))
    try log.log("Writing meta proc cmd")
    try FileIO.write(command.command.json.prettyPrinted(), to: run.metaPath(MetaFile.cmd), mode: ro)
    try log.log("Writing meta proc env")
    try FileIO.write(
      JSONValue.object(command.env.mapValues(JSONValue.string)).prettyPrinted(), to: run.metaPath(MetaFile.env), mode: ro)
    try FileIO.makeDirectories(run.metaPath("sys"))
    try FileIO.write(JSONValue.string(platformString()).prettyPrinted(), to: run.metaPath(MetaFile.platform), mode: ro)
    try writeTimestamp(MetaFile.initialized, run: run)
  }

  /// Records the project a run came from (`<id>.project`, `file:<path>`).
  public static func associateProject(_ run: Run, projectDir: String) throws {
    try FileIO.write("file:" + projectDir, to: run.projectRefPath)
  }

  /// The project dir a run came from, if recorded.
  public static func projectDir(of run: Run) -> String? {
    guard let text = FileIO.readTextIfPresent(run.projectRefPath), text.hasPrefix("file:") else { return nil }
    return String(text.dropFirst(5))
  }

  // MARK: Exec

  /// Starts a staged run: claims it (`started`, written once and only once), then runs the
  /// `run` phase. Returns the exit code. A run that has started can never start again.
  public static func execRun(
    _ run: Run, output: OutputOptions = OutputOptions(), lineObserver: ((String) -> Void)? = nil
  )
    throws -> Int32
  {
    let log = RunnerLog(run: run)
    let m = try meta(run)
    guard FileIO.exists(run.metaPath(MetaFile.staged)) else {
      throw GageError.conflict("run \(run.id) is not staged; only a staged run can start")
    }
    let stamp = String(RunClock.nowMicros())
    // Whole or not at all: a kill while it is written must not leave an empty `started`.
    guard try FileIO.createExclusiveWhole(stamp, at: run.metaPath(MetaFile.started)) else {
      throw GageError.conflict("run \(run.id) has already started; a run starts only once")
    }
    try log.log("Writing meta started")
    RunIndex.noteChanged(run)
    try writeRunner(run)
    let env = try phaseEnvironment(run).merging(m.command.env) { _, op in op }
    return try PhaseRunner.run(
      run, phase: .run, command: m.command.command, environment: env,
      output: OutputOptions(echo: output.echo, stripProgress: output.stripProgress || m.opdef.progress == "tqdm"),
      lineObserver: lineObserver)
  }

  // MARK: Finalize

  /// Finalizes a run (`docs/lifecycle.md`): summary, `stopped`, the finalize hook, generated files,
  /// the manifest, the seal, then `proc/exit` last (the commit point); everything read-only.
  /// `beforeSeal` may add meta files once the final manifest is known; the seal covers them.
  public static func finalizeRun(
    _ run: Run, exitCode: Int32, output: OutputOptions = OutputOptions(), beforeSeal: ((Manifest) throws -> Void)? = nil
  ) throws {
    let log = RunnerLog(run: run)
    let opdef = (try? meta(run).opdef) ?? OpDef(name: "")
    try FileIO.makeDirectories(run.runDir)
    try writeRunner(run)

    try log.log("Writing meta summary")
    let summary = RunSummary.read(run: run, opdef: opdef)
    try FileIO.writeAtomically(summary.prettyPrinted(), to: run.metaPath(MetaFile.summary), mode: FileIO.readOnlyMode)
    try writeTimestamp(MetaFile.stopped, run: run)

    var code = exitCode
    if opdef.exec.commands[.finalize] != nil {
      let env = try phaseEnvironment(run)
      do {
        try runHook(run, opdef: opdef, phase: .finalize, env: env, output: output)
      } catch let failure as PhaseFailure {
        if code == 0 { code = failure.exitCode }
      } catch let error as GageError {
        try log.log("Finalize phase failed: \(error.message)")
        if code == 0 { code = 1 }
      }
    }
    try FilesLog(run: run).record(.generated)
    try sealUnnamable(run, log: log)

    try log.log("Finalizing run files (see manifest)")
    let staged = try Manifest.read(path: run.metaPath(MetaFile.manifest))
    let manifest = try buildManifest(run, known: [:], scanned: try RunDirScanner.modificationTimes(run.runDir))
    let final = manifest.digestsByPath
    var changed: [String] = []
    for entry in staged.entries where final[entry.path] != nil && final[entry.path] != entry.digest {
      changed.append(entry.path)
    }
    if !changed.isEmpty {
      for path in changed { try log.log("File \"\(path)\" was modified during the run") }
      try FileIO.write(staged.text, to: run.metaPath(MetaFile.stagedManifest), mode: FileIO.readOnlyMode)
    }
    let manifestPath = run.metaPath(MetaFile.manifest)
    if FileIO.exists(manifestPath) { try FileIO.makeWritable(manifestPath) }
    try FileIO.write(manifest.text, to: manifestPath, mode: FileIO.readOnlyMode)
    try makeRunFilesReadOnly(run, manifest: manifest)
    try beforeSeal?(manifest)

    try log.log("Writing meta proc/exit (exit code \(code))")
    try FileIO.removeFile(run.metaPath(MetaFile.lock))
    log.close()
    try Seal.write(run: run, exitCode: code)
    // The commit point: written whole or not at all.
    try FileIO.writeAtomically(Array(String(code).utf8), to: run.metaPath(MetaFile.exit), mode: FileIO.readOnlyMode)
    try makeMetaReadOnly(run)
    RunIndex.noteChanged(run)
  }

  // MARK: Helpers

  /// What the meta dir says about a run's operation.
  public struct Meta: Sendable {
    /// The operation.
    public var opdef: OpDef
    /// The configuration.
    public var config: [String: JSONValue]
    /// The command.
    public var command: RunCommand
  }

  /// Reads opdef, config and command from the meta dir.
  public static func meta(_ run: Run) throws -> Meta {
    let opref = try OpRef.decode(try FileIO.readText(run.metaPath(MetaFile.opref)))
    let opdef = try OpDef(name: opref.name, json: try JSONValue.read(path: run.metaPath(MetaFile.opdef)))
    let config = try JSONValue.read(path: run.metaPath(MetaFile.config)).objectValue ?? [:]
    let cmdJSON = try JSONValue.read(path: run.metaPath(MetaFile.cmd))
    guard let command = CommandSpec(json: cmdJSON) else {
      throw GageError.invalidData("\(run.metaPath(MetaFile.cmd)): not a command string or argument list")
    }
    var env: [String: String] = [:]
    for (k, v) in try JSONValue.read(path: run.metaPath(MetaFile.env)).objectValue ?? [:] {
      env[k] = v.stringValue ?? v.compact()
    }
    return Meta(opdef: opdef, config: config, command: RunCommand(command, env: env))
  }

  /// The environment of a phase: this process's, plus `RUN_ID`, `RUN_DIR`, `PROJECT_DIR`.
  static func phaseEnvironment(_ run: Run) throws -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    env["RUN_ID"] = run.id
    env["RUN_DIR"] = run.runDir
    if let project = projectDir(of: run) { env["PROJECT_DIR"] = project }
    return env
  }

  /// Runs a staging or finalize hook; returns whether the op has one (it ran).
  @discardableResult
  static func runHook(
    _ run: Run, opdef: OpDef, phase: Phase, env: [String: String], output: OutputOptions
  )
    throws -> Bool
  {
    guard let command = opdef.exec.commands[phase] else { return false }
    let code = try PhaseRunner.run(
      run, phase: phase, command: command, environment: env.merging(opdef.env) { _, op in op }, output: output)
    if code != 0 { throw PhaseFailure(phase: phase, exitCode: code) }
    return true
  }

  /// The manifest of the run dir's files (`scanned`: path → mtime); digests of `known`
  /// files whose mtime is unchanged are reused, every other file is hashed.
  static func buildManifest(
    _ run: Run, known: [String: FileCopier.Copied], scanned: [String: Int64]
  ) throws
    -> Manifest
  {
    let types = try FilesLog(run: run).currentFiles()
    var entries: [ManifestEntry] = []
    for (path, mtime) in scanned {
      let type = types[path] ?? .generated
      let digest: String
      if let k = known[path], k.mtime == mtime {
        digest = k.digest
      } else {
        digest = try FileDigest.ofFile(FileIO.join(run.runDir, path))
      }
      entries.append(ManifestEntry(type: type, digest: digest, path: path))
    }
    return Manifest(entries: entries)
  }

  /// Files the run made whose names are not valid UTF-8 cannot be named in the manifest:
  /// they are made read-only like every run file, and the runner log says so.
  private static func sealUnnamable(_ run: Run, log: RunnerLog) throws {
    try RunDirScanner.walk(
      run.runDir, prefix: "",
      invalid: { shown, raw in
        try log.log("File \"\(shown)\" is not in the manifest: its name is not valid UTF-8")
        var st = stat()
        if RawPath.lstat(raw, &st) == 0, (st.st_mode & S_IFMT) != S_IFLNK {
          _ = RawPath.call(raw) { chmod($0, st.st_mode & 0o7555) }
        }
      }
    ) { _, _ in }
  }

  static func makeRunFilesReadOnly(_ run: Run, manifest: Manifest) throws {
    for entry in manifest.entries {
      try FileIO.makeReadOnly(FileIO.join(run.runDir, entry.path))
    }
  }

  private static func makeMetaReadOnly(_ run: Run) throws {
    try RunDirScanner.walk(run.metaDir, prefix: "") { rel, _ in
      try FileIO.makeReadOnly(FileIO.join(run.metaDir, rel))
    }
  }

  static func writeTimestamp(_ name: String, run: Run) throws {
    try RunnerLog(run: run).log("Writing meta \(name)")
    try FileIO.writeAtomically(String(RunClock.nowMicros()), to: run.metaPath(name), mode: FileIO.readOnlyMode)
  }

  static func writeRunner(_ run: Run) throws {
    let path = run.metaPath(MetaFile.runner)
    try FileIO.makeDirectories(run.metaPath("proc"))
    if FileIO.exists(path) { try FileIO.makeWritable(path) }
    try FileIO.writeAtomically(RunnerIdentity.current().json.prettyPrinted(), to: path)
  }

  /// A platform string like `Linux-6.1.0-x86_64`.
  static func platformString() -> String {
    var u = utsname()
    uname(&u)
    func field<T>(_ value: T) -> String {
      withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
    return "\(field(u.sysname))-\(field(u.release))-\(field(u.machine))"
  }
}
