import Foundation
import GageTestSupport
import Testing

@testable import GageKit

#if canImport(Glibc)
  import Glibc
#endif

/// `source/git.json` and `source/diff.patch` (docs/run-layout.md): commit, branch, remote, path, dirty,
/// tree, diff_sha256, untracked, submodules, lfs — each checked against what git says.
@Suite("Git source identity: git.json and diff.patch")
struct GitIdentityTests {
  @Test func cleanRepositoryRecordsCommitBranchAndNoPatch() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n", "src/b.py": "b\n"])
    let runs = try TempDir(prefix: "gage-runs")
    let staged = try GitStagedRun.stage(projectDir: repo.path, runsDir: runs.path)
    let json = try staged.gitJSON()
    #expect(json["vcs"] == .string("git"))
    #expect(json["commit"]?.stringValue == (try GitRepo.head(repo.path)))
    #expect(json["branch"]?.stringValue == (try GitRepo.text(["branch", "--show-current"], in: repo.path)))
    #expect(json["remote"] == .null)
    #expect(json["path"] == .string(""))
    #expect(json["dirty"] == .bool(false))
    #expect(json["diff_sha256"] == .null)
    #expect(json.stringArray("untracked") == [])
    #expect(json["submodules"] == .object([:]))
    #expect(json.stringArray("lfs") == [])
    #expect(try staged.patch() == nil, "no diff.patch for a clean source")
    // A clean source's tree is the commit's tree.
    #expect(json["tree"]?.stringValue == (try GitRepo.text(["rev-parse", "HEAD^{tree}"], in: repo.path)))
    expectSamePaths(try staged.runFiles(), ["a.py", "src/b.py"], "run dir files")
  }

  @Test func remoteCredentialsAreStripped() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n"])
    try GitRepo.run(["remote", "add", "origin", "https://user:tok@host.example/x.git"], in: repo.path)
    let scan = try SourceScan.scan(projectDir: repo.path, spec: .defaults, pruned: [])
    #expect(try scan.gitJSON()["remote"] == .string("https://host.example/x.git"))
  }

  @Test func upstreamRemoteOtherThanOriginIsRecorded() throws {
    let other = try TempDir(prefix: "gage-other")
    try GitRepo.make(at: other.path, commit: true, message: "initial", files: ["o.txt": "o\n"])
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n"])
    try GitRepo.run(["remote", "add", "origin", "https://host.example/origin.git"], in: repo.path)
    try GitRepo.run(["remote", "add", "other", other.path], in: repo.path)
    try GitRepo.run(["fetch", "-q", "other"], in: repo.path)
    try GitRepo.run(["branch", "-u", "other/main"], in: repo.path)
    let scan = try SourceScan.scan(projectDir: repo.path, spec: .defaults, pruned: [])
    #expect(try scan.gitJSON()["remote"] == .string(other.path))

    // Without an upstream: origin.
    try GitRepo.run(["branch", "--unset-upstream"], in: repo.path)
    let again = try SourceScan.scan(projectDir: repo.path, spec: .defaults, pruned: [])
    #expect(try again.gitJSON()["remote"] == .string("https://host.example/origin.git"))
  }

  @Test func detachedHeadFallsBackToOrigin() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n"])
    try GitRepo.run(["remote", "add", "origin", "https://u:p@host.example/o.git"], in: repo.path)
    try GitRepo.run(["checkout", "-q", "--detach"], in: repo.path)
    let json = try SourceScan.scan(projectDir: repo.path, spec: .defaults, pruned: []).gitJSON()
    #expect(json["branch"] == .null)
    #expect(json["remote"] == .string("https://host.example/o.git"))
  }

  @Test func treeIsWhatGitWritesForExactlyTheStagedFiles() throws {
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial",
      files: [
        ".gitignore": "*.log\n", "a.py": "a\n", "mod.py": "m\n", "gone.py": "g\n", "dir/x.txt": "x\n",
        "excluded.md": "e\n",
      ])
    try GitTestFiles.write(repo.path, "run.sh", "#!/bin/sh\n", mode: 0o755)
    try GitTestFiles.link(repo.path, "link.py", to: "a.py")
    try GitRepo.commitAll(repo.path, "more")
    try GitTestFiles.write(repo.path, "mod.py", "changed\n")
    chmod(repo.path("a.py"), 0o755)  // mode change only
    try FileIO.removeFile(repo.path("gone.py"))
    try GitTestFiles.write(repo.path, "dir/new.txt", "n\n")
    try GitTestFiles.write(repo.path, "new-exec.sh", "#!/bin/sh\n", mode: 0o755)
    try GitTestFiles.link(repo.path, "new-link", to: "dir/x.txt")
    try GitTestFiles.write(repo.path, "x.log", "ignored\n")
    try GitTestFiles.write(repo.path, "staged-only.py", "s\n")
    try GitRepo.run(["add", "staged-only.py"], in: repo.path)

    let (scan, expected) = try scanExpectingGitView(repo.path, spec: .patterns(["-excluded.md"])) { $0 == "excluded.md" }
    try expectTreeMatchesGit(scan, repoRoot: repo.path, expected: expected)
    #expect(try scan.gitJSON()["dirty"] == .bool(true))
  }

  @Test func patchAppliedToTheCommitGivesExactlyTheStagedTrackedFiles() throws {
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial",
      files: [
        "a.py": "line 1\nline 2\nline 3\n", "gone.py": "bye\n", "my file ü.txt": "old\n", "same.txt": "s\n",
        "no-newline.txt": "x",
      ])
    try GitTestFiles.write(repo.path, "model.bin", GitTestFiles.randomBytes(4096))
    try GitTestFiles.write(repo.path, "tool.sh", "#!/bin/sh\n")
    try GitRepo.commitAll(repo.path, "binary")
    let commit = try GitRepo.head(repo.path)

    try GitTestFiles.write(repo.path, "a.py", "line 1\nline two\nline 3\nline 4\n")
    try GitTestFiles.write(repo.path, "model.bin", GitTestFiles.randomBytes(5000))
    try GitTestFiles.write(repo.path, "my file ü.txt", "new\n")
    try GitTestFiles.write(repo.path, "no-newline.txt", "y")
    chmod(repo.path("tool.sh"), 0o755)
    try FileIO.removeFile(repo.path("gone.py"))
    try GitTestFiles.write(repo.path, "untracked.py", "u\n")
    try GitTestFiles.write(repo.path, "added.bin", GitTestFiles.randomBytes(100))
    try GitRepo.run(["add", "added.bin"], in: repo.path)

    let runs = try TempDir(prefix: "gage-runs")
    let staged = try GitStagedRun.stage(projectDir: repo.path, runsDir: runs.path)
    let json = try staged.gitJSON()
    #expect(json["dirty"] == .bool(true))
    #expect(json.stringArray("untracked") == ["untracked.py"])
    guard let patch = try staged.patch() else {
      Issue.record("no source/diff.patch for a dirty source")
      return
    }
    #expect(json["diff_sha256"] == .string(FileDigest.hex(patch)))
    #expect(String(decoding: patch, as: UTF8.self).contains("GIT binary patch"))

    let clone = try GitIds.applyToClone(patch, repo: repo.path, commit: commit)
    let tracked = Set(try GitRepo.names(["ls-files", "-z"], in: repo.path).map { String(decoding: $0, as: UTF8.self) })
    let stagedTracked = try staged.runFiles().filter { tracked.contains($0) }
    #expect(stagedTracked == ["a.py", "added.bin", "model.bin", "my file ü.txt", "no-newline.txt", "same.txt", "tool.sh"])
    for path in stagedTracked.sorted() {
      #expect(try FileIO.readBytes(clone.path(path)) == FileIO.readBytes(staged.run.runDir + "/" + path), "bytes of \(path)")
    }
    #expect(!FileIO.exists(clone.path("gone.py")), "the deletion is in the patch")
    #expect(!FileIO.exists(clone.path("untracked.py")), "untracked files are not in the patch")
    var st = stat()
    let statted = stat(clone.path("tool.sh"), &st) == 0
    #expect(statted && st.st_mode & 0o100 != 0, "the mode change is in the patch")
  }

  @Test func patchOfASubfolderProjectHoldsOnlyItsFilesAndAppliesAtTheRoot() throws {
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial", files: ["outside.txt": "o\n", "sub/proj/a.py": "a\n", "sub/proj/b.bin": "b\n"])
    let commit = try GitRepo.head(repo.path)
    let proj = repo.path("sub/proj")
    try GitTestFiles.write(repo.path, "outside.txt", "changed outside\n")
    try GitTestFiles.write(proj, "a.py", "changed\n")
    try GitTestFiles.write(proj, "b.bin", GitTestFiles.randomBytes(256))

    let runs = try TempDir(prefix: "gage-runs")
    let staged = try GitStagedRun.stage(projectDir: proj, runsDir: runs.path)
    guard let patch = try staged.patch() else {
      Issue.record("no source/diff.patch for a dirty source")
      return
    }
    #expect(!String(decoding: patch, as: UTF8.self).contains("outside.txt"))
    let clone = try GitIds.applyToClone(patch, repo: repo.path, commit: commit)
    for path in ["a.py", "b.bin"] {
      #expect(try FileIO.readBytes(clone.path("sub/proj/" + path)) == FileIO.readBytes(staged.run.runDir + "/" + path))
    }
    #expect(try FileIO.readText(clone.path("outside.txt")) == "o\n")
  }

  @Test func patchLeavesOutTrackedFilesThePatternsExclude() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n", "notes.md": "n\n"])
    try GitTestFiles.write(repo.path, "notes.md", "changed notes\n")
    let scan = try SourceScan.scan(projectDir: repo.path, spec: .patterns(["-*.md"]), pruned: [])
    let (json, patch) = try scan.identity()
    #expect(patch.isEmpty, "notes.md is not staged, so its change is not part of the source")
    #expect(json["dirty"] == .bool(false))
    #expect(json["tree"]?.stringValue == (try GitIds.tree(repoRoot: repo.path, projectDir: repo.path, staged: ["a.py"])))
  }

  @Test func untrackedListsExactlyTheStagedUntrackedPaths() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: [".gitignore": "*.log\n", "a.py": "a\n"])
    try GitTestFiles.write(repo.path, "n1.py", "1\n")
    try GitTestFiles.write(repo.path, "d/n2.py", "2\n")
    try GitTestFiles.write(repo.path, "x.log", "ignored\n")
    let json = try SourceScan.scan(projectDir: repo.path, spec: .defaults, pruned: []).gitJSON()
    #expect(json.stringArray("untracked") == ["d/n2.py", "n1.py"])
    #expect(json["dirty"] == .bool(true))
    #expect(json["diff_sha256"] == .null, "only untracked files differ: no patch")
  }

  @Test func lfsTrackedFilesAreListed() throws {
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial",
      files: [
        ".gitattributes": "*.bin filter=lfs diff=lfs merge=lfs -text\n", "a.py": "a\n",
        "model.bin": "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n",
      ])
    let json = try SourceScan.scan(projectDir: repo.path, spec: .defaults, pruned: []).gitJSON()
    #expect(json.stringArray("lfs") == ["model.bin"])
  }

  @Test func outsideGitTheSourceIdentityIsVcsNull() throws {
    let project = try TempDir(prefix: "gage-plain")
    #expect(try GitRepository.discover(from: project.path) == nil, "the temp dir is not inside a git work tree")
    try GitTestFiles.write(project.path, "a.py", "a\n")
    let runs = try TempDir(prefix: "gage-runs")
    let staged = try GitStagedRun.stage(projectDir: project.path, runsDir: runs.path)
    #expect(try JSONValue.read(path: staged.run.metaPath(MetaFile.gitSource)) == .object(["vcs": .null]))
    #expect(try staged.patch() == nil)
    #expect(try staged.runFiles() == ["a.py"])
  }
}
