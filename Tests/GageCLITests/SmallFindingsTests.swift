import Foundation
import GageKit
import GageTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Smaller findings of a security review: tokens in a remote URL's query, NUL characters and
/// invalid UTF-8 in Gage files, staging that runs out of disk, and a runs dir that is a file.
@Suite("Small findings", .serialized)
struct SmallFindingsTests {
  @Test("A token in the query or fragment of the project's remote URL is not recorded in source/git.json")
  func remoteURLQueryTokens() throws {
    let p = try TestProject(operations: ["op": .object(["exec": .string("true")])])
    defer { p.remove() }
    try GitRepo.make(at: p.dir, commit: true)
    try GitRepo.run(
      ["remote", "add", "origin", "https://user:pw@example.com/o/r.git?access_token=SECRET1#SECRET2"], in: p.dir)
    let result = try p.gage(["run", "-y", "-q", "op"])
    #expect(result.exitCode == 0, "\(result)")
    let run = try #require(p.runs().first)
    let source = try JSONValue.read(path: run.metaPath(MetaFile.gitSource))
    #expect(source["remote"] == .string("https://example.com/o/r.git"))
    for path in try FileManager.default.subpathsOfDirectory(atPath: run.metaDir) {
      let text = FileIO.readTextIfPresent(FileIO.join(run.metaDir, path)) ?? ""
      #expect(!text.contains("SECRET"), "\(path)")
    }
    #expect(!(try p.gage(["show"]).stdout.contains("SECRET")))
  }

  /// A Gage file holding a NUL where a process would see the value cut short.
  static let nulFiles: [(name: String, text: String, location: String)] = [
    ("gage.toml", "[op]\nexec = \"touch made\\u0000; false\"\n", "gage.toml:2:19"),
    ("gage.toml", "[op]\nexec = \"true\"\n[op.env]\nA = \"1\\u0000\"\n", "gage.toml:4:7"),
    ("gage.json", "{\"op\": {\"exec\": [\"touch\", \"made\\u0000x\"]}}", "gage.json:1:27"),
    ("gage.yaml", "op:\n  exec:\n    run: \"touch made\\0; false\"\n", "gage.yaml:3:5"),
    ("gage.yaml", "op:\n  exec: \"true\"\n  env: {A: \"1\\0\"}\n", "gage.yaml:3:9"),
  ]

  @Test("A NUL in exec (a string, an argument, a phase) or in env is an error at its line and column; nothing runs", arguments: 0..<5)
  func nulInExec(_ index: Int) throws {
    let (name, text, location) = Self.nulFiles[index]
    let p = try TestProject(files: [name: text])
    defer { p.remove() }
    let run = try p.gage(["run", "-y", "-q", "op"])
    #expect(run.exitCode == 1, "\(run)")
    #expect(run.stderr.contains("\(location): "), "\(run)")
    #expect(run.stderr.contains("NUL character"), "\(run)")
    #expect(p.runs().isEmpty)
    let check = try p.gage(["check"])
    #expect(check.exitCode == 1 && check.stderr == run.stderr, "\(check)")
  }

  @Test(
    "Bytes that are not UTF-8 in a Gage file are an error at their line and column, not replaced",
    arguments: ["gage.toml", "gage.yaml", "gage.json"])
  func invalidUTF8(_ name: String) throws {
    let p = try TestProject(files: [:])
    defer { p.remove() }
    let text: [String: String] = [
      "gage.toml": "[op]\nexec = \"echo X\"\n", "gage.yaml": "op:\n  exec: \"echo X\"\n",
      "gage.json": "{\"op\":\n  {\"exec\": \"echo X\"}}\n",
    ]
    let source = try #require(text[name])
    let bytes = Array(source.utf8).map { $0 == UInt8(ascii: "X") ? 0xFF : $0 }
    try FileIO.write(bytes, to: FileIO.join(p.dir, name))
    let column = try #require(source.split(separator: "\n")[1].firstIndex(of: "X")).utf16Offset(in: source.split(separator: "\n")[1]) + 1
    let check = try p.gage(["check"])
    #expect(check.exitCode == 1, "\(check)")
    #expect(check.stderr.contains("\(name):2:\(column): invalid UTF-8: the byte 0xFF"), "\(check)")
    #expect(try p.gage(["run", "-y", "-q", "op"]).exitCode == 1)
    #expect(p.runs().isEmpty)
  }

  @Test(
    "Staging that runs out of disk (a 2 MB tmpfs as root, else a file size limit) leaves no partial copy: the run is an error with an empty run dir"
  )
  func stagingOutOfDisk() throws {
    let p = try TestProject(
      operations: ["op": .object(["exec": .string("true")])],
      files: ["big.bin": String(repeating: "x", count: 3 << 20), "small.txt": "small\n"])
    defer { p.remove() }
    try GitRepo.make(at: p.dir, commit: true)
    let disk = try p.tmp.makeDir("disk")
    var mounted = false
    if getuid() == 0 {
      let mount = try Command.run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", disk], in: p.tmp.path())
      mounted = mount.exitCode == 0
    }
    defer {
      if mounted { _ = try? Command.run("/bin/umount", [disk], in: p.tmp.path()) }
    }
    let runsDir = FileIO.join(disk, "runs")
    // Without root (or mount), a file size limit stands in for the full disk.
    let limit = mounted ? "" : "ulimit -f 1024; "
    let result = try Command.run(
      "/bin/sh", ["-c", limit + "exec \"$0\" run -y -q op --runs \"$1\"", GageCLI.binary, runsDir], in: p.dir,
      environment: GageCLI.environment(home: p.home))
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains(mounted ? "No space left on device" : "File too large"), "\(result)")
    let run = try #require(p.runs(in: runsDir).first)
    #expect(run.status == .error)
    #expect(try FileManager.default.contentsOfDirectory(atPath: run.runDir).isEmpty)
    #expect(try Manifest.read(path: run.metaPath(MetaFile.manifest)).entries.isEmpty)
    if mounted {
      var fs = statvfs()
      #expect(statvfs(disk, &fs) == 0)
      #expect(Int(fs.f_bavail) * Int(fs.f_bsize) > 1 << 20, "the partial copy's space is freed")
    }
    let verify = try p.gage(["verify", "--runs", runsDir])
    #expect(verify.exitCode == 0, "\(verify)")
  }

  @Test("--runs or $GAGE_RUNS naming a file is an error (exit 1) for every command, not an empty listing")
  func runsDirIsAFile() throws {
    let p = try TestProject(operations: ["op": .object(["exec": .string("true")])])
    defer { p.remove() }
    let file = try p.tmp.write("runs-file", "not a runs dir\n")
    let commands: [[String]] = [
      ["runs"], ["runs", "--deleted"], ["show"], ["select"], ["run", "-y", "op"], ["delete", "-a", "-y"],
      ["archive", "list"], ["audit", "gage.json"], ["verify"], ["comment", "1", "--list"], ["purge", "-a", "-y"],
    ]
    for command in commands {
      let result = try p.gage(command + ["--runs", file])
      #expect(result.exitCode == 1, "\(command): \(result)")
      #expect(result.stderr == "gage: the runs dir \(file) (from --runs) is not a directory\n", "\(command): \(result)")
    }
    let env = try p.gage(["runs"], env: ["GAGE_RUNS": file])
    #expect(env.exitCode == 1, "\(env)")
    #expect(env.stderr == "gage: the runs dir \(file) (from $GAGE_RUNS) is not a directory\n", "\(env)")
    #expect(FileIO.readTextIfPresent(file) == "not a runs dir\n")
  }
}
