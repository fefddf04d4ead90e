import Foundation
import GageKit
import GageTestSupport
import Testing

/// Staging and finalizing, through `RunLifecycle`: modes, file events, changed source.
@Suite("Staging and finalizing")
struct StagingTests {
  let quiet = OutputOptions(echo: false)

  /// A run of `command` (shell) staged from `project`.
  static func stagedRun(runsDir: String, project: String, command: String) throws -> Run {
    let spec = CommandSpec.shell(command)
    let opdef = OpDef(
      name: "op", exec: ExecSpec(commands: [.run: spec]), raw: .object(["exec": spec.json]))
    let run = try RunLifecycle.makeRun(
      opref: OpRef(namespace: "project", name: "op"), runsDir: runsDir)
    try RunLifecycle.initRunMeta(run, opdef: opdef, config: [:], command: RunCommand(spec))
    try RunLifecycle.stageRun(run, projectDir: project, output: OutputOptions(echo: false))
    return run
  }

  @Test("Staged files become read-only at the end of staging; the execute bit is kept")
  func stagedModes() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let project = try tmp.makeDir("project")
    try tmp.write("project/say.py", Seed.sayPy)
    try tmp.write("project/run.sh", "#!/bin/sh\necho run\n", mode: 0o755)
    try tmp.write("project/lib/util.py", "X = 1\n")
    let run = try Self.stagedRun(runsDir: tmp.path("runs"), project: project, command: "./run.sh")

    let modes = Dictionary(
      uniqueKeysWithValues: try Listing.files(in: run.runDir).map { ($0.path, $0.mode) })
    #expect(modes == ["lib/util.py": 0o444, "run.sh": 0o555, "say.py": 0o444])
    #expect(try readFile(run.metaPath(MetaFile.manifest)).split(separator: "\n").count == 3)

    #expect(try RunLifecycle.execRun(run, output: quiet) == 0)
    #expect(try readFile(run.metaPath("output", "40_run")) == "run\n")
    try RunLifecycle.finalizeRun(run, exitCode: 0, output: quiet)
    #expect(try Listing.files(in: run.runDir).first { $0.path == "run.sh" }?.mode == 0o555)
  }

  @Test("Files the run makes are logged as generated and sealed read-only")
  func generatedFiles() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let project = try tmp.makeDir("project")
    try tmp.write("project/say.py", Seed.sayPy)
    let run = try Self.stagedRun(
      runsDir: tmp.path("runs"), project: project,
      command: "mkdir -p out && echo 0.25 > out/loss.txt")
    let code = try RunLifecycle.execRun(run, output: quiet)
    try RunLifecycle.finalizeRun(run, exitCode: code, output: quiet)

    let manifest = try Manifest.read(path: run.metaPath(MetaFile.manifest))
    #expect(manifest.entries.map(\.path) == ["out/loss.txt", "say.py"])
    let loss = try #require(manifest.entries.first)
    #expect(loss.type == .generated)
    #expect(loss.digest == FileDigest.hex(Array("0.25\n".utf8)))
    let events = try FilesLog(run: run).entries().map {
      "\($0.event.rawValue) \($0.type.rawValue) \($0.path)"
    }
    #expect(events == ["a s say.py", "a g out/loss.txt"])
    #expect(try Listing.files(in: run.runDir).allSatisfy { $0.mode == 0o444 })
  }

  @Test("A staged file changed during the run is logged as modified; its staging digest is kept")
  func sourceChangedDuringRun() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let project = try tmp.makeDir("project")
    try tmp.write("project/say.py", Seed.sayPy)
    let run = try Self.stagedRun(
      runsDir: tmp.path("runs"), project: project,
      command: "chmod u+w say.py && echo 'print(1)' >> say.py")
    let code = try RunLifecycle.execRun(run, output: quiet)
    #expect(code == 0)
    try RunLifecycle.finalizeRun(run, exitCode: code, output: quiet)

    let changed = Seed.sayPy + "print(1)\n"
    let manifest = try Manifest.read(path: run.metaPath(MetaFile.manifest))
    #expect(
      manifest.entries == [
        ManifestEntry(type: .source, digest: FileDigest.hex(Array(changed.utf8)), path: "say.py")
      ])
    #expect(
      try readFile(run.metaPath(MetaFile.stagedManifest)) == Seed.manifestLine,
      "the staging digest is kept")
    let events = try FilesLog(run: run).entries().map {
      "\($0.event.rawValue) \($0.type.rawValue) \($0.path)"
    }
    #expect(events == ["a s say.py", "m g say.py"])
    #expect(
      try readFile(run.metaPath(MetaFile.runnerLog)).contains(
        "File \"say.py\" was modified during the run"))
    #expect(try Listing.files(in: run.runDir).map(\.mode) == [0o444])
  }

  @Test(
    "Outside git, hidden files, binaries and large files are left out, and source/excluded says why"
  )
  func defaultSelectionOutsideGit() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let project = try tmp.makeDir("project")
    try tmp.write("project/say.py", Seed.sayPy)
    try tmp.write("project/.env", "SECRET=1\n")
    try tmp.write("project/big.txt", String(repeating: "x", count: 200 * 1024))
    try tmp.write("project/.cache/state", "cached\n")
    try FileIO.write([0, 1, 2, 3], to: tmp.path("project/model.bin"))
    let run = try Self.stagedRun(runsDir: tmp.path("runs"), project: project, command: "true")

    #expect(try Listing.paths(in: run.runDir) == ["say.py"])
    let excluded = try readFile(run.metaPath(MetaFile.excluded))
    for path in [".env", "big.txt", "model.bin", ".cache/"] {
      #expect(excluded.contains(path + "\t"), "source/excluded lists \(path):\n\(excluded)")
    }
  }

  @Test("Names with %, CR and LF are staged and encoded in manifest, log/files and seal")
  func encodedNames() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let project = try tmp.makeDir("project")
    let odd = "100%\nreport\r.txt"
    try tmp.write("project/" + odd, "odd\n")
    let run = try Self.stagedRun(runsDir: tmp.path("runs"), project: project, command: "true")
    let code = try RunLifecycle.execRun(run, output: quiet)
    try RunLifecycle.finalizeRun(run, exitCode: code, output: quiet)

    #expect(try readFile(FileIO.join(run.runDir, odd)) == "odd\n")
    let digest = FileDigest.hex(Array("odd\n".utf8))
    #expect(try readFile(run.metaPath(MetaFile.manifest)) == "s \(digest) 100%25%0Areport%0D.txt\n")
    #expect(try Manifest.read(path: run.metaPath(MetaFile.manifest)).entries.map(\.path) == [odd])
    #expect(try FilesLog(run: run).entries().map(\.path) == [odd])
    #expect(try readFile(run.metaPath(MetaFile.filesLog)).contains(" 100%25%0Areport%0D.txt\n"))
  }

  @Test("A file name that is not valid UTF-8 is not staged; source/excluded says why")
  func invalidUTF8Name() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let project = try tmp.makeDir("project")
    try tmp.write("project/say.py", Seed.sayPy)
    try makeNonUTF8File(in: project, prefix: "bad-")
    let run = try Self.stagedRun(runsDir: tmp.path("runs"), project: project, command: "true")
    #expect(try Listing.paths(in: run.runDir) == ["say.py"])
    let excluded = try readFile(run.metaPath(MetaFile.excluded))
    #expect(excluded.contains("not valid UTF-8"), "\(excluded)")
  }

  @Test(
    "A file the run makes with a name that is not valid UTF-8 is not silently left out of the sealed run")
  func generatedNonUTF8Name() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let project = try tmp.makeDir("project")
    let run = try Self.stagedRun(
      runsDir: tmp.path("runs"), project: project,
      command: #"printf x > "$(printf 'ma''de-\377.txt')"; echo ok > fine.txt"#)
    let code = try RunLifecycle.execRun(run, output: quiet)
    #expect(code == 0)
    try RunLifecycle.finalizeRun(run, exitCode: code, output: quiet)

    let entries = try DirectoryListing.entries(run.runDir)
    #expect(entries.count == 2, "the run made two files: \(entries.map(\.display))")
    for entry in entries {
      var st = stat()
      let path: [CChar] =
        Array(run.runDir.utf8CString.dropLast()) + [0x2F] + entry.raw.map { CChar(bitPattern: $0) }
        + [0]
      #expect(lstat(path, &st) == 0)
      #expect(st.st_mode & 0o222 == 0, "\(entry.display) is read-only once the run is sealed")
    }
    let recorded =
      try readFile(run.metaPath(MetaFile.manifest)) + readFile(run.metaPath(MetaFile.runnerLog))
      + readFile(run.metaPath(MetaFile.filesLog))
    // The command line (logged as written) spells the name `ma''de-`, so only a record of the
    // file itself holds `made-`.
    #expect(
      recorded.contains("made-"), "the file is in the manifest, or the run says why it is not")
  }

  @Test("Links inside the project are staged as links; links leaving it are reported and skipped")
  func symlinks() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let project = try tmp.makeDir("project")
    try tmp.write("project/say.py", Seed.sayPy)
    try tmp.write("outside.txt", "secret\n")
    #expect(symlink("say.py", project + "/alias.py") == 0)
    #expect(symlink("../outside.txt", project + "/leak.txt") == 0)
    let run = try Self.stagedRun(runsDir: tmp.path("runs"), project: project, command: "true")

    let files = try Listing.files(in: run.runDir)
    #expect(files.map(\.path) == ["alias.py", "say.py"])
    #expect(files.first?.isLink == true)
    #expect(try FileDigest.linkTarget(FileIO.join(run.runDir, "alias.py")) == "say.py")
    let manifest = try Manifest.read(path: run.metaPath(MetaFile.manifest))
    #expect(manifest.digestsByPath["alias.py"] == FileDigest.hex(Array("say.py".utf8)))
    #expect(try readFile(run.metaPath(MetaFile.excluded)).contains("leak.txt\t"))
  }

  @Test("A summary file written by the run becomes summary.json")
  func summaryFile() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let project = try tmp.makeDir("project")
    let run = try Self.stagedRun(
      runsDir: tmp.path("runs"), project: project,
      command: #"echo '{"metrics": {"loss": 0.25}, "attributes": {"note": "ok"}}' > summary.json"#)
    let code = try RunLifecycle.execRun(run, output: quiet)
    try RunLifecycle.finalizeRun(run, exitCode: code, output: quiet)
    let summary = try JSONValue.read(path: run.metaPath(MetaFile.summary))
    #expect(summary["metrics"]?["loss"] == .double(0.25))
    #expect(summary["attributes"]?["note"] == .string("ok"))
  }

  @Test("JSON found in the output becomes the summary when output-summary is on")
  func summaryFromOutput() {
    let output =
      "epoch 1\n{\"loss\": 0.5}\nnoise {not json}\n{\"metrics\": {\"acc\": 0.9}, \"attributes\": {\"seed\": 1}}\n"
    let summary = RunSummary.fromOutput(output, pattern: RunSummary.defaultOutputPattern)
    #expect(
      summary
        == .object([
          "metrics": .object(["loss": .double(0.5), "acc": .double(0.9)]),
          "attributes": .object(["seed": .int(1)]),
        ]))
  }
}
