import Foundation
import GageTestSupport
import Testing

@testable import GageKit

#if canImport(Glibc)
  import Glibc
#endif

/// Bad input around git-aware staging: bare and foreign-owned repositories, names that need
/// encoding or are not UTF-8, a file that disappears between scan and copy; and the CLI's
/// preview of a git project.
@Suite("Git staging: bad input and the CLI preview")
struct GitStagingEdgeTests {
  @Test func bareRepositoryIsAClearError() throws {
    let bare = try TempDir(prefix: "gage-bare")
    try GitRepo.run(["init", "-q", "--bare", bare.path], in: bare.path)
    let error = #expect(throws: GageError.self) {
      try SourceScan.scan(projectDir: bare.path, spec: .defaults, pruned: [])
    }
    #expect(error?.message.contains("bare") == true, "message: \(error?.message ?? "")")
  }

  @Test
  func repositoryOwnedByAnotherUserIsAClearError() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n"])
    guard getuid() == 0, try Command.run("/bin/chown", ["-R", "nobody", repo.path], in: "/").exitCode == 0 else {
      return  // not root: the repository cannot be handed to another user here
    }
    let error = #expect(throws: GageError.self) {
      try SourceScan.scan(projectDir: repo.path, spec: .defaults, pruned: [])
    }
    let message = error?.message ?? ""
    #expect(message.contains("belongs to another user"), "message: \(message)")
    #expect(
      !message.contains("not owned by current user") && !message.contains("safe.directory' was not found"),
      "libgit2's raw text leaked: \(message)")
  }

  @Test
  func previewByAUserWhoDoesNotOwnTheRepositoryFailsClearly() throws {
    guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
    guard let gage = GitTestGageBinary.path else {
      Issue.record("the gage binary was not found next to the tests or in .build/debug: build it first")
      return
    }
    // A root-owned repository, read by `nobody`.
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["gage.toml": "[train]\nexec = \"true\"\n", "a.py": "a\n"])
    let home = try TempDir(prefix: "gage-home")
    for dir in [repo.path, home.path] { chmod(dir, 0o755) }
    let env = ["PATH": "/usr/bin:/bin", "HOME": home.path, "GAGE_RUNS": home.path("runs")]
    let result = try Command.run(
      "/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", gage, "run", "train", "--preview", "--json"],
      in: repo.path, environment: env)
    #expect(result.exitCode != 0, "the preview must fail; it printed: \(result.stdout)")
    #expect(result.stderr.contains("belongs to another user"), "stderr: \(result.stderr)")
    #expect(
      !result.stderr.contains("not owned by current user") && !result.stderr.contains("safe.directory' was not found"),
      "libgit2's raw text leaked: \(result.stderr)")
  }

  @Test func namesWithPercentCRAndLFAreEncodedInManifestAndFilesLog() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n"])
    let names = ["100%.txt", "cr\rname.txt", "lf\nname.txt", "%0A-literal.txt", "dir\nx/in.txt"]
    for name in names {
      try FileIO.makeDirectories((repo.path(name) as NSString).deletingLastPathComponent)
      #expect(FileManager.default.createFile(atPath: repo.path(name), contents: Data(name.utf8)), "create \(name)")
    }
    try GitRepo.run(["add", "--", "100%.txt", "lf\nname.txt"], in: repo.path)  // some tracked, some untracked
    try GitRepo.run(["commit", "-q", "-m", "odd names"], in: repo.path)

    let (scan, _) = try scanExpectingGitView(repo.path)
    #expect(scan.stagedPaths == Set(names + ["a.py"]))

    let runs = try TempDir(prefix: "gage-runs")
    let staged = try GitStagedRun.stage(projectDir: repo.path, runsDir: runs.path)
    expectSamePaths(try staged.runFiles(), Set(names + ["a.py"]), "run dir files")
    let manifest = try staged.meta(MetaFile.manifest)
    let manifestPaths = manifest.split(separator: "\n").map { line in
      String(line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).last ?? "")
    }
    let encoded = ["100%25.txt", "cr%0Dname.txt", "lf%0Aname.txt", "%250A-literal.txt", "dir%0Ax/in.txt"]
    #expect(Set(manifestPaths) == Set(encoded + ["a.py"]))
    for name in names {
      let expectedLine = "s \(FileDigest.hex(Array(name.utf8))) \(PathEncoding.encode(name))"
      #expect(manifest.contains(expectedLine + "\n"), "manifest line for \(name.debugDescription)")
    }
    let filesLog = try staged.meta(MetaFile.filesLog)
    let logPaths = filesLog.split(separator: "\n").map { line in
      String(line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).last ?? "")
    }
    #expect(Set(logPaths) == Set(encoded + ["a.py"]))
    #expect(filesLog.split(separator: "\n").count == names.count + 1, "one line per file: no raw CR or LF")
    #expect(try staged.gitJSON().stringArray("untracked")?.sorted() == ["%0A-literal.txt", "cr\rname.txt", "dir\nx/in.txt"])
  }

  @Test func namesThatAreNotUTF8AreExcludedWithAReason() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n"])
    let invalid: [UInt8] = [0x62, 0x61, 0x64, 0xFF, 0xFE]  // "bad" + two bytes that are never UTF-8
    try GitTestFiles.createRawName(in: repo.path, name: Array("tracked-".utf8) + invalid)
    try GitRepo.run(["add", "-A"], in: repo.path)
    try GitRepo.run(["commit", "-q", "-m", "tracked invalid name"], in: repo.path)
    try GitTestFiles.createRawName(in: repo.path, name: Array("untracked-".utf8) + invalid)
    try FileIO.makeDirectories(repo.path("newdir"))
    try GitTestFiles.write(repo.path, "newdir/ok.py", "ok\n")
    try GitTestFiles.createRawName(in: repo.path("newdir"), name: invalid)
    try FileIO.makeDirectories(repo.path("tracked-dir"))
    try GitTestFiles.write(repo.path, "tracked-dir/t.py", "t\n")
    try GitRepo.run(["add", "tracked-dir/t.py"], in: repo.path)
    try GitRepo.run(["commit", "-q", "-m", "dir"], in: repo.path)
    try GitTestFiles.createRawName(in: repo.path("tracked-dir"), name: invalid)

    let (scan, expected) = try scanExpectingGitView(repo.path)
    #expect(expected.invalidNames == 4, "git lists the four names")
    #expect(scan.stagedPaths == ["a.py", "newdir/ok.py", "tracked-dir/t.py"])
    let reasons = scan.selection.excluded.filter { $0.reason == "name is not valid UTF-8" }
    #expect(reasons.count == 4, "excluded: \(scan.selection.excluded)")
    #expect(reasons.contains { $0.path.hasPrefix("tracked-") && !$0.path.hasPrefix("tracked-dir") })
    #expect(reasons.contains { $0.path.hasPrefix("untracked-") })
    #expect(reasons.contains { $0.path.hasPrefix("newdir/") })
    #expect(reasons.contains { $0.path.hasPrefix("tracked-dir/") })
    #expect(!reasons.contains { $0.path.contains("\u{0}") }, "no NUL marker leaks into the shown path")

    let runs = try TempDir(prefix: "gage-runs")
    let staged = try GitStagedRun.stage(projectDir: repo.path, runsDir: runs.path)
    expectSamePaths(try staged.runFiles(), scan.stagedPaths, "run dir files")
    let excluded = try staged.meta(MetaFile.excluded)
    #expect(excluded.split(separator: "\n").filter { $0.hasSuffix("\tname is not valid UTF-8") }.count == 4)
    #expect(try staged.gitJSON()["vcs"] == .string("git"))
  }

  @Test
  func namesThatAreNotUTF8AreExcludedWithAReasonInASubfolderProject() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["top.py": "t\n", "sub/proj/a.py": "a\n"])
    let proj = repo.path("sub/proj")
    let invalid: [UInt8] = [0x62, 0x61, 0x64, 0xFF, 0xFE]
    try GitTestFiles.createRawName(in: proj, name: Array("tracked-".utf8) + invalid)
    try GitRepo.run(["add", "-A"], in: repo.path)
    try GitRepo.run(["commit", "-q", "-m", "tracked invalid name"], in: repo.path)
    try GitTestFiles.createRawName(in: proj, name: Array("untracked-".utf8) + invalid)

    let (scan, expected) = try scanExpectingGitView(proj)
    #expect(expected.invalidNames == 2)
    #expect(scan.stagedPaths == ["a.py"])
    let reasons = scan.selection.excluded.filter { $0.reason == "name is not valid UTF-8" }
    #expect(reasons.contains { $0.path.hasPrefix("tracked-") }, "excluded: \(scan.selection.excluded)")
    #expect(reasons.contains { $0.path.hasPrefix("untracked-") }, "excluded: \(scan.selection.excluded)")
  }

  @Test func fileRemovedBetweenScanAndCopyFailsTheStageNamingIt() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n", "vanishing.py": "v\n"])
    let scan = try SourceScan.scan(projectDir: repo.path, spec: .defaults, pruned: [])
    #expect(scan.stagedPaths.contains("vanishing.py"))
    try FileIO.removeFile(repo.path("vanishing.py"))

    let runs = try TempDir(prefix: "gage-runs")
    let run = try GitStagedRun.make(runsDir: runs.path)
    let error = #expect(throws: (any Error).self) {
      try RunLifecycle.stageRun(run, projectDir: repo.path, scan: scan)
    }
    let message = (error as? GageError)?.message ?? error.map { "\($0)" } ?? ""
    #expect(message.contains("vanishing.py"), "the error names the file: \(message)")
    #expect(run.status != .staged)
    #expect(!FileIO.exists(run.metaPath(MetaFile.staged)))
  }

  @Test func fileMadeUnreadableBetweenScanAndCopyFailsTheStageNamingIt() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n"])
    try GitTestFiles.write(repo.path, "pipe-later", "p\n")
    let scan = try SourceScan.scan(projectDir: repo.path, spec: .defaults, pruned: [])
    // Replace the file with a dir: it cannot be opened as a file (even by root).
    try FileIO.removeFile(repo.path("pipe-later"))
    try FileIO.makeDirectories(repo.path("pipe-later"))

    let runs = try TempDir(prefix: "gage-runs")
    let run = try GitStagedRun.make(runsDir: runs.path)
    let error = #expect(throws: (any Error).self) {
      try RunLifecycle.stageRun(run, projectDir: repo.path, scan: scan)
    }
    let message = (error as? GageError)?.message ?? error.map { "\($0)" } ?? ""
    #expect(message.contains("pipe-later"), "the error names the file: \(message)")
    #expect(run.status != .staged)
  }

  @Test func previewJSONOfAGitProjectListsFilesAndExclusions() throws {
    guard let gage = GitTestGageBinary.path else {
      Issue.record("the gage binary was not found next to the tests or in .build/debug: build it first")
      return
    }
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial",
      files: [
        "gage.toml": "[train]\nexec = \"python train.py\"\n", "train.py": "lr = 0.1\n", ".gitignore": ".env\ncache/\n",
      ])
    try GitTestFiles.write(repo.path, ".env", "SECRET=1\n")
    try GitTestFiles.write(repo.path, "cache/a.txt", "a")
    try GitTestFiles.write(repo.path, "new.py", "n\n")
    try GitTestFiles.link(repo.path, "etc-passwd", to: "/etc/passwd")
    let runs = try TempDir(prefix: "gage-runs")
    var env = ProcessInfo.processInfo.environment
    env["GAGE_RUNS"] = runs.path
    env["NO_COLOR"] = "1"
    let result = try Command.run(gage, ["run", "train", "--preview", "--json"], in: repo.path, environment: env)
    #expect(result.exitCode == 0, "stderr: \(result.stderr)")
    let json = try JSONValue.parse(result.stdout).objectValue ?? [:]
    #expect(json["vcs"] == .string("git"))
    let files = Set(json["files"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? [])
    let expected = try GitExpectation(projectDir: repo.path)
    expectSamePaths(files, expected.files, "preview files")
    #expect(files == [".gitignore", "gage.toml", "new.py", "train.py"])
    var reasons: [String: String] = [:]
    for item in json["excluded"]?.arrayValue ?? [] {
      if let path = item["path"]?.stringValue, let reason = item["reason"]?.stringValue { reasons[path] = reason }
    }
    #expect(reasons[".env"] == "ignored by git")
    #expect(reasons["cache/"] == "ignored by git")
    #expect(reasons["etc-passwd"]?.hasPrefix("link leaves the project") == true)
    #expect(try GitTestFiles.tree(runs.path).isEmpty, "a preview makes no run")
  }
}

/// The `gage` executable the tests run: next to the test bundle, else `.build/debug/gage`.
enum GitTestGageBinary {
  static let path: String? = {
    var candidates: [String] = []
    candidates.append(Bundle.main.bundlePath + "/gage")
    if let exe = Bundle.main.executablePath { candidates.append((exe as NSString).deletingLastPathComponent + "/gage") }
    candidates.append(((CommandLine.arguments.first ?? "") as NSString).deletingLastPathComponent + "/gage")
    // <package>/Tests/GageKitTests/Git/<this file>
    var root = #filePath as NSString
    for _ in 0..<4 { root = root.deletingLastPathComponent as NSString }
    candidates.append((root as String) + "/.build/debug/gage")
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) && !FileIO.isDirectory($0) }
  }()
}
