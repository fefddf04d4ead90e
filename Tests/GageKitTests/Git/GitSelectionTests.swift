import Foundation
import GageTestSupport
import Testing

@testable import GageKit

/// Which files a project inside a git work tree stages (docs/source.md): every tracked file present
/// in the work tree plus every untracked file git does not ignore, under the project dir;
/// never `.git`, the runs dir or an ignored file. Each test compares the scan with
/// `git ls-files -co --exclude-standard` (see `GitExpectation`).
@Suite("Git source selection: the staged set is git's view of the project")
struct GitSelectionTests {
  @Test func cleanRepositoryStagesEveryTrackedFileWhateverItsKind() throws {
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial",
      files: [
        "train.py": "lr = 0.1\n",
        "src/model.py": "x = 1\n",
        ".gitignore": "*.log\n",
        ".github/workflows/ci.yml": "on: push\n",
        "big.txt": String(repeating: "0123456789abcdef\n", count: 12_000),
      ])
    try GitTestFiles.write(repo.path, "weights.bin", GitTestFiles.randomBytes(300))
    try GitRepo.commitAll(repo.path, "binary")
    let (scan, expected) = try scanExpectingGitView(repo.path)
    // Inside git, Gage's outside-git defaults (no hidden, binary or large files) do not apply.
    #expect(scan.stagedPaths == [".github/workflows/ci.yml", ".gitignore", "big.txt", "src/model.py", "train.py", "weights.bin"])
    #expect(scan.selection.excluded.isEmpty)
    try expectTreeMatchesGit(scan, repoRoot: repo.path, expected: expected)
  }

  @Test func modifiedTrackedFileIsStagedWithItsWorkTreeBytes() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a = 1\n", "b.py": "b = 1\n"])
    try GitTestFiles.write(repo.path, "a.py", "a = 2\n")
    let (scan, expected) = try scanExpectingGitView(repo.path)
    #expect(scan.stagedPaths == ["a.py", "b.py"])
    try expectTreeMatchesGit(scan, repoRoot: repo.path, expected: expected)

    let runs = try TempDir(prefix: "gage-runs")
    let staged = try GitStagedRun.stage(projectDir: repo.path, runsDir: runs.path)
    #expect(try FileIO.readText(staged.run.runDir + "/a.py") == "a = 2\n")
    #expect(try staged.gitJSON()["dirty"] == .bool(true))
  }

  @Test func untrackedFilesAndDirsAreStaged() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n"])
    try GitTestFiles.write(repo.path, "new.py", "n\n")
    try GitTestFiles.write(repo.path, "extra/one.py", "1\n")
    try GitTestFiles.write(repo.path, "extra/deep/two.py", "2\n")
    let (scan, expected) = try scanExpectingGitView(repo.path)
    #expect(scan.stagedPaths == ["a.py", "extra/deep/two.py", "extra/one.py", "new.py"])
    try expectTreeMatchesGit(scan, repoRoot: repo.path, expected: expected)
  }

  @Test func ignoredFilesAreNeverStagedAndAnIgnoredFolderIsOneExcludedLine() throws {
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial",
      files: [
        ".gitignore": "*.log\n.env\ncache/\ndata/\n", "train.py": "t\n",
      ])
    try GitTestFiles.write(repo.path, ".env", "SECRET=1\n")
    try GitTestFiles.write(repo.path, "run.log", "log\n")
    try GitTestFiles.write(repo.path, "sub/deep.log", "log\n")
    try GitTestFiles.write(repo.path, "sub/kept.py", "k\n")
    for i in 0..<1000 { try GitTestFiles.write(repo.path, "cache/f\(i).txt", "\(i)\n") }
    // A tracked file in an ignored folder is staged (git tracks it); its ignored neighbour is not.
    try GitTestFiles.write(repo.path, "data/keep.txt", "keep\n")
    try GitTestFiles.write(repo.path, "data/other.txt", "other\n")
    try GitRepo.run(["add", "-f", "data/keep.txt"], in: repo.path)
    try GitRepo.run(["commit", "-q", "-m", "keep"], in: repo.path)

    let (scan, _) = try scanExpectingGitView(repo.path)
    #expect(scan.stagedPaths == [".gitignore", "data/keep.txt", "sub/kept.py", "train.py"])
    #expect(scan.reason(".env") == "ignored by git")
    #expect(scan.reason("run.log") == "ignored by git")
    #expect(scan.reason("sub/deep.log") == "ignored by git")
    #expect(scan.reason("cache/") == "ignored by git")

    let runs = try TempDir(prefix: "gage-runs")
    let staged = try GitStagedRun.stage(projectDir: repo.path, runsDir: runs.path)
    let lines = try staged.meta(MetaFile.excluded).split(separator: "\n").map(String.init)
    #expect(lines.filter { $0.hasPrefix("cache/") } == ["cache/\tignored by git"])
    #expect(lines.count < 10, "one line per ignored entry, not per file: \(lines.count) lines")
    expectSamePaths(try staged.runFiles(), scan.stagedPaths, "run dir files")
  }

  @Test
  func ignoredFileBesideATrackedFileInAnIgnoredFolderIsReported() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: [".gitignore": "data/\n", "a.py": "a\n"])
    try GitTestFiles.write(repo.path, "data/keep.txt", "keep\n")
    try GitTestFiles.write(repo.path, "data/other.txt", "other\n")
    try GitRepo.run(["add", "-f", "data/keep.txt"], in: repo.path)
    try GitRepo.run(["commit", "-q", "-m", "keep"], in: repo.path)
    let ignoredByGit = try GitRepo.text(["status", "--ignored", "--porcelain"], in: repo.path)
    #expect(ignoredByGit.contains("!! data/other.txt"))
    let (scan, _) = try scanExpectingGitView(repo.path)
    #expect(scan.stagedPaths == [".gitignore", "a.py", "data/keep.txt"])
    #expect(scan.reason("data/other.txt") == "ignored by git", "excluded: \(scan.selection.excluded)")
  }

  @Test func nestedGitignoreApplies() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["sub/.gitignore": "*.tmp\n!keep.tmp\n", "sub/a.py": "a\n"])
    try GitTestFiles.write(repo.path, "sub/x.tmp", "x")
    try GitTestFiles.write(repo.path, "sub/keep.tmp", "k")
    try GitTestFiles.write(repo.path, "top.tmp", "t")
    let (scan, _) = try scanExpectingGitView(repo.path)
    #expect(scan.stagedPaths == ["sub/.gitignore", "sub/a.py", "sub/keep.tmp", "top.tmp"])
    #expect(scan.reason("sub/x.tmp") == "ignored by git")
  }

  @Test func gitInfoExcludeApplies() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n"])
    try GitTestFiles.write(repo.path, ".git/info/exclude", "secret.txt\nprivate/\n")
    try GitTestFiles.write(repo.path, "secret.txt", "s")
    try GitTestFiles.write(repo.path, "private/key.pem", "k")
    try GitTestFiles.write(repo.path, "public.txt", "p")
    let (scan, _) = try scanExpectingGitView(repo.path)
    #expect(scan.stagedPaths == ["a.py", "public.txt"])
    #expect(scan.reason("secret.txt") == "ignored by git")
    #expect(scan.reason("private/") == "ignored by git")
  }

  @Test func submoduleFilesAreStagedAndItsCommitRecorded() throws {
    let lib = try TempDir(prefix: "gage-lib")
    try GitRepo.make(
      at: lib.path, commit: true, message: "initial",
      files: ["lib.py": "def f(): pass\n", "inner/data.txt": "d\n", ".gitignore": "*.bin\n"])
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["main.py": "import lib\n"])
    try GitRepo.run(["submodule", "add", "-q", lib.path, "vendor/lib"], in: repo.path)
    try GitRepo.run(["commit", "-q", "-m", "submodule"], in: repo.path)
    // Untracked and ignored files inside the submodule follow the submodule's own rules.
    try GitTestFiles.write(repo.path, "vendor/lib/new.py", "n\n")
    try GitTestFiles.write(repo.path, "vendor/lib/blob.bin", "b")

    let (scan, expected) = try scanExpectingGitView(repo.path)
    #expect(
      scan.stagedPaths == [
        ".gitmodules", "main.py", "vendor/lib/.gitignore", "vendor/lib/inner/data.txt",
        "vendor/lib/lib.py", "vendor/lib/new.py",
      ])
    let json = try scan.gitJSON()
    let subCommit = try GitRepo.head(repo.path("vendor/lib"))
    #expect(json["submodules"] == .object(["vendor/lib": .string(subCommit)]))
    #expect(expected.nestedRepos == ["vendor/lib": subCommit])
    try expectTreeMatchesGit(scan, repoRoot: repo.path, expected: expected)

    let runs = try TempDir(prefix: "gage-runs")
    let staged = try GitStagedRun.stage(projectDir: repo.path, runsDir: runs.path)
    expectSamePaths(try staged.runFiles(), scan.stagedPaths, "run dir files")
  }

  @Test func nestedRepositoryInsideAnUntrackedDirIsExpandedToItsFiles() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["main.py": "m\n"])
    try GitTestFiles.write(repo.path, "third_party/README.txt", "r\n")
    let nested = repo.path("third_party/tool")
    try GitRepo.make(at: nested, commit: true, message: "initial", files: ["tool.py": "t\n", ".gitignore": "*.o\n"])
    try GitTestFiles.write(nested, "build.o", "o")
    try GitTestFiles.write(nested, "scratch.py", "s\n")

    let (scan, expected) = try scanExpectingGitView(repo.path)
    #expect(
      scan.stagedPaths == [
        "main.py", "third_party/README.txt", "third_party/tool/.gitignore",
        "third_party/tool/scratch.py", "third_party/tool/tool.py",
      ])
    let json = try scan.gitJSON()
    #expect(json["submodules"] == .object(["third_party/tool": .string(try GitRepo.head(nested))]))
    try expectTreeMatchesGit(scan, repoRoot: repo.path, expected: expected)
  }

  @Test func linksInsideAreKeptAsLinksAndLinksThatLeaveAreSkippedAndReported() throws {
    let outside = try TempDir(prefix: "gage-outside")
    try GitTestFiles.write(outside.path, "secret.txt", "s")
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n", "src/b.py": "b\n"])
    try GitTestFiles.link(repo.path, "inside.py", to: "a.py")
    try GitTestFiles.link(repo.path, "src/up.py", to: "../a.py")
    try GitTestFiles.link(repo.path, "srclink", to: "src")
    try GitTestFiles.link(repo.path, "abs-out", to: outside.path("secret.txt"))
    try GitTestFiles.link(repo.path, "rel-out", to: "../" + (outside.path as NSString).lastPathComponent + "/secret.txt")
    try GitTestFiles.link(repo.path, "dangling-in", to: "missing.py")
    try GitRepo.run(["add", "inside.py", "abs-out"], in: repo.path)
    try GitRepo.run(["commit", "-q", "-m", "links"], in: repo.path)

    let (scan, expected) = try scanExpectingGitView(repo.path)
    #expect(scan.stagedPaths == ["a.py", "dangling-in", "inside.py", "src/b.py", "src/up.py", "srclink"])
    #expect(scan.selection.files.filter(\.isLink).map(\.path).sorted() == ["dangling-in", "inside.py", "src/up.py", "srclink"])
    #expect(scan.reason("abs-out")?.hasPrefix("link leaves the project") == true)
    #expect(scan.reason("rel-out")?.hasPrefix("link leaves the project") == true)
    try expectTreeMatchesGit(scan, repoRoot: repo.path, expected: expected)

    let runs = try TempDir(prefix: "gage-runs")
    let staged = try GitStagedRun.stage(projectDir: repo.path, runsDir: runs.path)
    expectSamePaths(try staged.runFiles(), scan.stagedPaths, "run dir files")
    #expect(GitTestFiles.isLink(staged.run.runDir + "/inside.py"))
    #expect(try FileDigest.linkTarget(staged.run.runDir + "/src/up.py") == "../a.py")
    #expect(try FileDigest.linkTarget(staged.run.runDir + "/srclink") == "src")
  }

  @Test func unbornBranchStagesEverythingAndHasNoCommit() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path)
    try GitTestFiles.write(repo.path, "added.py", "a\n")
    try GitTestFiles.write(repo.path, "loose.py", "l\n")
    try GitTestFiles.write(repo.path, ".gitignore", "*.log\n")
    try GitTestFiles.write(repo.path, "x.log", "x\n")
    try GitRepo.run(["add", "added.py"], in: repo.path)

    let (scan, expected) = try scanExpectingGitView(repo.path)
    #expect(scan.stagedPaths == [".gitignore", "added.py", "loose.py"])
    let json = try scan.gitJSON()
    #expect(json["commit"] == .null)
    #expect(json["branch"] == .string("main"))
    #expect(json["dirty"] == .bool(true))
    #expect(json.stringArray("untracked") == [".gitignore", "loose.py"])
    try expectTreeMatchesGit(scan, repoRoot: repo.path, expected: expected)
  }

  @Test func unbornBranchWithNothingAddedIsDirtyToo() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path)
    try GitTestFiles.write(repo.path, "a.py", "a\n")
    let (scan, _) = try scanExpectingGitView(repo.path)
    let json = try scan.gitJSON()
    #expect(json["commit"] == .null)
    #expect(json["dirty"] == .bool(true))
    #expect(json.stringArray("untracked") == ["a.py"])
  }

  @Test func detachedHeadHasNoBranch() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "1\n"])
    try GitTestFiles.write(repo.path, "a.py", "2\n")
    try GitRepo.commitAll(repo.path, "second")
    try GitRepo.run(["checkout", "-q", "--detach", "HEAD~1"], in: repo.path)

    let (scan, _) = try scanExpectingGitView(repo.path)
    let json = try scan.gitJSON()
    #expect(try GitRepo.text(["branch", "--show-current"], in: repo.path) == "")
    #expect(json["branch"] == .null)
    #expect(json["commit"]?.stringValue == (try GitRepo.head(repo.path)))
    #expect(json["dirty"] == .bool(false))
  }

  @Test func namesWithSpacesAndUnicodeAreStaged() throws {
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial",
      files: [
        "my file.txt": "a\n", "données/été.py": "b\n", "日本語 テスト.md": "c\n", "emoji 🎉/x y.txt": "d\n",
      ])
    try GitTestFiles.write(repo.path, "new folder/naïve café.txt", "e\n")
    try GitTestFiles.write(repo.path, "my file.txt", "changed\n")

    let (scan, expected) = try scanExpectingGitView(repo.path)
    #expect(scan.stagedPaths.count == 5)
    #expect(scan.stagedPaths.contains("new folder/naïve café.txt"))
    try expectTreeMatchesGit(scan, repoRoot: repo.path, expected: expected)

    let runs = try TempDir(prefix: "gage-runs")
    let staged = try GitStagedRun.stage(projectDir: repo.path, runsDir: runs.path)
    expectSamePaths(try staged.runFiles(), scan.stagedPaths, "run dir files")
    #expect(try FileIO.readText(staged.run.runDir + "/données/été.py") == "b\n")
  }

  @Test func projectInASubfolderStagesOnlyItsFilesWithPathsRelativeToIt() throws {
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial",
      files: [
        "top.txt": "top\n", "sub/other.txt": "o\n", "sub/proj/a.py": "a\n", "sub/proj/pkg/b.py": "b\n",
        "sub/proj/.gitignore": "*.log\n", ".gitignore": "*.secret\n",
      ])
    let proj = repo.path("sub/proj")
    try GitTestFiles.write(proj, "new.py", "n\n")
    try GitTestFiles.write(proj, "x.log", "x\n")
    try GitTestFiles.write(proj, "key.secret", "k\n")
    try GitTestFiles.write(repo.path, "sub/untracked-outside.py", "u\n")
    try GitTestFiles.link(proj, "link-in", to: "a.py")
    try GitTestFiles.link(proj, "link-out", to: "../../top.txt")

    let (scan, expected) = try scanExpectingGitView(proj)
    #expect(scan.stagedPaths == [".gitignore", "a.py", "link-in", "new.py", "pkg/b.py"])
    #expect(scan.reason("x.log") == "ignored by git")
    #expect(scan.reason("key.secret") == "ignored by git")
    #expect(scan.reason("link-out")?.hasPrefix("link leaves the project") == true)
    let json = try scan.gitJSON()
    #expect(json["path"] == .string("sub/proj"))
    #expect(json.stringArray("untracked") == ["link-in", "new.py"])
    try expectTreeMatchesGit(scan, repoRoot: repo.path, expected: expected)

    // Staged for real with the runs dir inside the project.
    let staged = try GitStagedRun.stage(projectDir: proj, runsDir: proj + "/.gage/runs")
    expectSamePaths(try staged.runFiles(), scan.stagedPaths, "run dir files")
    #expect(try staged.gitJSON()["path"] == .string("sub/proj"))
  }

  @Test func projectInAUnicodeSubfolderWithSpaces() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["données/proj é/a.py": "a\n", "données/other.py": "o\n"])
    let proj = repo.path("données/proj é")
    try GitTestFiles.write(proj, "ñew.py", "n\n")
    try GitTestFiles.write(proj, "a.py", "changed\n")
    let (scan, expected) = try scanExpectingGitView(proj)
    #expect(scan.stagedPaths == ["a.py", "ñew.py"])
    let json = try scan.gitJSON()
    #expect(json["path"] == .string("données/proj é"))
    #expect(json.stringArray("untracked") == ["ñew.py"])
    try expectTreeMatchesGit(scan, repoRoot: repo.path, expected: expected)
  }

  @Test
  func projectInASubfolderWhoseNameHasGlobCharacters() throws {
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial", files: ["exp[1]/a.py": "a\n", "exp[1]/b.py": "b\n", "exp1/other.py": "o\n"])
    let proj = repo.path("exp[1]")
    try GitTestFiles.write(proj, "a.py", "changed\n")
    try GitTestFiles.write(proj, "new.py", "n\n")
    let (scan, expected) = try scanExpectingGitView(proj)
    #expect(scan.stagedPaths == ["a.py", "b.py", "new.py"])
    let (json, patch) = try scan.identity()
    #expect(json["dirty"] == .bool(true))
    #expect(json.stringArray("untracked") == ["new.py"])
    #expect(String(decoding: patch, as: UTF8.self).contains("exp[1]/a.py"))
    try expectTreeMatchesGit(scan, repoRoot: repo.path, expected: expected)
  }

  @Test func projectReachedThroughASymlinkIsTheSameProject() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["sub/proj/a.py": "a\n"])
    let links = try TempDir(prefix: "gage-links")
    try GitTestFiles.link(links.path, "proj", to: repo.path("sub/proj"))
    let scan = try SourceScan.scan(projectDir: links.path("proj"), spec: .defaults, pruned: [])
    #expect(scan.stagedPaths == ["a.py"])
    #expect(try scan.gitJSON()["path"] == .string("sub/proj"))
  }

  @Test func trackedFileDeletedFromTheWorkTreeIsNotStagedAndThePatchRecordsTheDeletion() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["keep.py": "k\n", "gone.py": "g\n"])
    try FileIO.removeFile(repo.path("gone.py"))
    let (scan, _) = try scanExpectingGitView(repo.path)
    #expect(scan.stagedPaths == ["keep.py"])
    let (json, patch) = try scan.identity()
    let text = String(decoding: patch, as: UTF8.self)
    #expect(text.contains("diff --git a/gone.py b/gone.py"))
    #expect(text.contains("deleted file mode"))
    #expect(json["dirty"] == .bool(true))
  }

  @Test func runsDirInsideTheProjectIsNeverStaged() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n", ".gage/gage.toml": "[op]\nexec = \"true\"\n"])
    let id = "0f8fad5b-d9cb-469f-a165-70867728950e"
    try GitTestFiles.write(repo.path, ".gage/runs/\(id)/out.txt", "o\n")
    try GitTestFiles.write(repo.path, ".gage/runs/\(id).meta/opref", "2 x op")
    try GitTestFiles.write(repo.path, ".gage/runs/\(id).project", "file:/x")

    let (scan, _) = try scanExpectingGitView(repo.path, runsDirs: [".gage/runs"])
    #expect(scan.stagedPaths == [".gage/gage.toml", "a.py"])
    #expect(scan.reason(".gage/runs/") == "runs directory")

    let staged = try GitStagedRun.stage(projectDir: repo.path, runsDir: repo.path(".gage/runs"))
    expectSamePaths(try staged.runFiles(), [".gage/gage.toml", "a.py"], "run dir files")
  }

  @Test func runsDirWhoseFilesAreTrackedIsStillNeverStaged() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n", "runs/old/out.txt": "committed by mistake\n"])
    try GitTestFiles.write(repo.path, "runs/new/out.txt", "n\n")
    let (scan, _) = try scanExpectingGitView(repo.path, runsDirs: ["runs"])
    #expect(scan.stagedPaths == ["a.py"])
    #expect(scan.reason("runs/") == "runs directory")
  }

  @Test func excludePatternsFilterTheGitSet() throws {
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial",
      files: [
        "a.py": "a\n", "README.md": "r\n", "docs/guide.md": "g\n", "docs/conf.py": "c\n", "tests/t.py": "t\n",
      ])
    try GitTestFiles.write(repo.path, "notes.md", "n\n")
    let spec = SourceCodeSpec.patterns(["-*.md", "-tests"])
    let (scan, _) = try scanExpectingGitView(repo.path, spec: spec) { $0.hasSuffix(".md") || $0.hasPrefix("tests/") }
    #expect(scan.stagedPaths == ["a.py", "docs/conf.py"])
    #expect(scan.reason("notes.md") == "excluded by pattern \"-*.md\"")
    #expect(scan.reason("tests/t.py") == "excluded by pattern \"-tests\"")
    // An untracked file left out by a pattern is not staged, so not listed as untracked.
    #expect(try scan.gitJSON().stringArray("untracked") == [])
  }

  @Test func includePatternNamingAnIgnoredFileNeverStagesIt() throws {
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial", files: [".gitignore": ".env\ncache/\n", "a.py": "a\n", "b.txt": "b\n"])
    try GitTestFiles.write(repo.path, ".env", "SECRET=1\n")
    try GitTestFiles.write(repo.path, "cache/c.py", "c\n")
    let spec = SourceCodeSpec.patterns(["*.py", ".env", "cache/**"])
    let (scan, _) = try scanExpectingGitView(repo.path, spec: spec) { !$0.hasSuffix(".py") }
    #expect(scan.stagedPaths == ["a.py"])
    #expect(scan.reason(".env") == "ignored by git")
    #expect(scan.reason("cache/") == "ignored by git")
    #expect(scan.reason("b.txt") == "not selected by the sourcecode patterns")
  }

  @Test
  func dirPatternExcludesADirectoryInsideGit() throws {
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n", "build/out.py": "o\n", "build/sub/x.py": "x\n"])
    let spec = SourceCodeSpec.patterns(["-build dir"])
    let (scan, _) = try scanExpectingGitView(repo.path, spec: spec) { $0.hasPrefix("build/") }
    #expect(scan.stagedPaths == ["a.py"])
  }

  @Test func falseStagesNothingInsideGit() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n"])
    let scan = try SourceScan.scan(projectDir: repo.path, spec: .enabled(false), pruned: [])
    #expect(scan.stagedPaths.isEmpty)
    #expect(scan.reason("./") == "sourcecode is false")
  }

  @Test func crlfWorkTreeCopyOfAnLFCommitIsCleanWhenGitSaysSo() throws {
    let repo = try TempDir()
    try GitRepo.make(
      at: repo.path, commit: true, message: "initial", files: [".gitattributes": "* text=auto\n", "a.txt": "one\ntwo\n", "b.txt": "b\n"])
    try GitTestFiles.write(repo.path, "a.txt", "one\r\ntwo\r\n")
    // git calls the file modified until its index entry is refreshed (the size differs);
    // `git add` renormalizes it to the committed blob, and git then reports the tree clean.
    try GitRepo.run(["add", "a.txt"], in: repo.path)
    let gitSaysClean = try GitRepo.run(["status", "--porcelain", "-z", "--untracked-files=all"], in: repo.path).isEmpty
    #expect(gitSaysClean, "git status after git add")
    let (scan, expected) = try scanExpectingGitView(repo.path)
    let (json, patch) = try scan.identity()
    if gitSaysClean {
      #expect(json["dirty"] == .bool(false))
      #expect(patch.isEmpty)
      #expect(json["diff_sha256"] == .null)
      #expect(json["tree"]?.stringValue == (try GitRepo.text(["rev-parse", "HEAD^{tree}"], in: repo.path)))
    }
    try expectTreeMatchesGit(scan, repoRoot: repo.path, expected: expected)

    // The work-tree bytes (CRLF) are what is staged.
    let runs = try TempDir(prefix: "gage-runs")
    let staged = try GitStagedRun.stage(projectDir: repo.path, runsDir: runs.path)
    #expect(try FileIO.readBytes(staged.run.runDir + "/a.txt") == Array("one\r\ntwo\r\n".utf8))
    #expect(try staged.patch() == nil)
  }

  @Test
  func crlfCopyThatGitHasNotRefreshedHasNoPatch() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: [".gitattributes": "* text=auto\n", "a.txt": "one\ntwo\n"])
    try GitTestFiles.write(repo.path, "a.txt", "one\r\ntwo\r\n")
    // Content after git's filters equals the commit: git diff shows nothing.
    #expect(try GitRepo.run(["diff", "--binary", "HEAD"], in: repo.path).isEmpty)
    let (json, patch) = try SourceScan.scan(projectDir: repo.path, spec: .defaults, pruned: []).identity()
    #expect(patch.isEmpty, "patch: \(String(decoding: patch, as: UTF8.self).debugDescription)")
    #expect(json["dirty"] == .bool(false))
    #expect(json["tree"]?.stringValue == (try GitRepo.text(["rev-parse", "HEAD^{tree}"], in: repo.path)))
  }

  @Test func linkedWorktreeIsAProjectLikeAnyOther() throws {
    let repo = try TempDir()
    try GitRepo.make(at: repo.path, commit: true, message: "initial", files: ["a.py": "a\n", ".gitignore": "*.log\n"])
    let holder = try TempDir(prefix: "gage-wt")
    let wt = holder.path("feature")
    try GitRepo.run(["worktree", "add", "-q", "-b", "feature", wt], in: repo.path)
    try GitTestFiles.write(wt, "new.py", "n\n")
    try GitTestFiles.write(wt, "x.log", "x\n")
    let (scan, expected) = try scanExpectingGitView(wt)
    #expect(scan.stagedPaths == [".gitignore", "a.py", "new.py"])
    let json = try scan.gitJSON()
    #expect(json["branch"] == .string("feature"))
    #expect(json["commit"]?.stringValue == (try GitRepo.head(wt)))
    #expect(json["path"] == .string(""))
    try expectTreeMatchesGit(scan, repoRoot: wt, expected: expected)
  }
}
