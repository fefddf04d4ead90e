import Foundation
import GageTestSupport
import Testing

@testable import GageKit

#if canImport(Glibc)
  import Glibc
#endif

// Helpers for the git-aware staging tests: files, what git itself says a project holds, and
// real staging. Temporary dirs are `TempDir`s, git runs through `GitRepo`.

// MARK: Files

enum GitTestFiles {
  /// Writes `bytes` to `dir/relative`, creating parent dirs.
  static func write(_ dir: String, _ relative: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws {
    let full = dir + "/" + relative
    try FileIO.makeDirectories((full as NSString).deletingLastPathComponent)
    if FileIO.exists(full) { try FileIO.makeWritable(full) }
    try FileIO.write(bytes, to: full, mode: mode)
    chmod(full, mode)
  }

  /// Writes `text` (UTF-8) to `dir/relative`, creating parent dirs.
  static func write(_ dir: String, _ relative: String, _ text: String, mode: mode_t = 0o644) throws {
    try write(dir, relative, Array(text.utf8), mode: mode)
  }

  /// Makes a symlink `dir/relative` → `target`.
  static func link(_ dir: String, _ relative: String, to target: String) throws {
    let full = dir + "/" + relative
    try FileIO.makeDirectories((full as NSString).deletingLastPathComponent)
    guard symlink(target, full) == 0 else {
      throw GageError.exec("cannot link \(full): \(String(cString: strerror(errno)))")
    }
  }

  /// Creates an empty file whose name is the raw bytes `name` (may be invalid UTF-8) in `dir`.
  static func createRawName(in dir: String, name: [UInt8], content: [UInt8] = Array("x\n".utf8)) throws {
    let bytes = Array(dir.utf8) + [0x2F] + name + [0]
    let fd = bytes.withUnsafeBufferPointer { buf -> Int32 in
      guard let base = buf.baseAddress else { return -1 }
      return base.withMemoryRebound(to: CChar.self, capacity: buf.count) { open($0, O_CREAT | O_WRONLY | O_TRUNC, 0o644) }
    }
    guard fd >= 0 else { throw GageError.exec("cannot create a raw-named file: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    _ = content.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
  }

  /// Random bytes (with NULs, so that git sees a binary file).
  static func randomBytes(_ count: Int) -> [UInt8] {
    var g = SystemRandomNumberGenerator()
    var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &g) }
    if !bytes.isEmpty { bytes[0] = 0 }
    return bytes
  }

  /// Every file and link under `dir` (relative paths; links not followed; dirs not listed).
  static func tree(_ dir: String) throws -> Set<String> {
    var result = Set<String>()
    func walk(_ rel: String) throws {
      let full = rel.isEmpty ? dir : dir + "/" + rel
      for name in try FileManager.default.contentsOfDirectory(atPath: full) {
        let path = rel.isEmpty ? name : rel + "/" + name
        if FileIO.isDirectoryNoFollow(dir + "/" + path) {
          try walk(path)
        } else {
          result.insert(path)
        }
      }
    }
    try walk("")
    return result
  }

  /// Whether `dir/relative` is a symlink.
  static func isLink(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
  }
}

// MARK: What git says the project holds

/// The set the staging must select, computed with the git CLI: `git ls-files -co
/// --exclude-standard` run in the project dir (paths relative to it), nested repositories
/// (submodules and embedded repos) expanded to their files, minus tracked files missing from
/// the work tree, the runs dir, links that leave the project, and names that are not UTF-8.
struct GitExpectation {
  /// Paths the scan must stage (before `sourcecode` patterns).
  var files: Set<String>
  /// Nested repositories (project-relative path → their HEAD commit).
  var nestedRepos: [String: String]
  /// Names git lists that are not valid UTF-8 (never staged).
  var invalidNames: Int

  /// Computes the expectation for `projectDir`; `runsDirs` are project-relative dirs.
  init(projectDir: String, runsDirs: [String] = []) throws {
    files = []
    nestedRepos = [:]
    invalidNames = 0
    try collect(dir: projectDir, prefix: "", projectDir: projectDir, runsDirs: runsDirs)
  }

  private mutating func collect(dir: String, prefix: String, projectDir: String, runsDirs: [String]) throws {
    var args = ["ls-files", "-z", "-co", "--exclude-standard"]
    if let excludes = Self.userExcludesFile { args = ["-c", "core.excludesFile=" + excludes] + args }
    for raw in try GitRepo.names(args, in: dir) {
      guard let name = String(validating: raw, as: UTF8.self) else {
        invalidNames += 1
        continue
      }
      let local = name.hasSuffix("/") ? String(name.dropLast()) : name
      let path = prefix.isEmpty ? local : prefix + "/" + local
      if runsDirs.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) { continue }
      let full = projectDir + "/" + path
      if FileIO.isDirectoryNoFollow(full) {
        // A gitlink (submodule) or an embedded repository git shows as `dir/`.
        if FileIO.exists(full + "/.git") {
          nestedRepos[path] = try? GitRepo.head(full)
          try collect(dir: full, prefix: path, projectDir: projectDir, runsDirs: runsDirs)
        }
        continue
      }
      var st = stat()
      guard lstat(full, &st) == 0 else { continue }  // tracked, deleted from the work tree
      if (st.st_mode & S_IFMT) == S_IFLNK, !GitExpectation.linkStaysInside(full, root: projectDir) { continue }
      files.insert(path)
    }
  }

  /// The global excludes file libgit2 reads in this process (the user's `core.excludesFile`,
  /// else `$XDG_CONFIG_HOME/git/ignore`), so that the expected set honours the same global
  /// excludes the scan does (docs/source.md lists global excludes). Read with the user's own git
  /// configuration, which `GitRepo` leaves out.
  static let userExcludesFile: String? = {
    let home = ProcessInfo.processInfo.environment["HOME"] ?? "/"
    var env = ProcessInfo.processInfo.environment
    for key in env.keys where key.hasPrefix("GIT_") { env[key] = nil }
    if let result = try? Command.run(
      GitRepo.executable, ["config", "--global", "--get", "core.excludesFile"], in: "/", environment: env),
      result.exitCode == 0
    {
      let value = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      if !value.isEmpty { return value.hasPrefix("~/") ? home + value.dropFirst(1) : value }
    }
    let xdg = ProcessInfo.processInfo.environment["XDG_CONFIG_HOME"] ?? home + "/.config"
    return FileIO.exists(xdg + "/git/ignore") ? xdg + "/git/ignore" : nil
  }()

  /// Whether the link at `linkPath` points (lexically) inside `root`.
  static func linkStaysInside(_ linkPath: String, root: String) -> Bool {
    guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: linkPath) else { return false }
    let base = target.hasPrefix("/") ? target : (linkPath as NSString).deletingLastPathComponent + "/" + target
    let resolved = (base as NSString).standardizingPath
    return resolved == root || resolved.hasPrefix(root + "/")
  }
}

/// Expects two sets of paths to be equal, naming what differs.
func expectSamePaths(
  _ actual: Set<String>, _ expected: Set<String>, _ what: String = "staged files",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let extra = actual.subtracting(expected).sorted()
  let missing = expected.subtracting(actual).sorted()
  #expect(extra.isEmpty, "\(what): not expected: \(extra)", sourceLocation: sourceLocation)
  #expect(missing.isEmpty, "\(what): missing: \(missing)", sourceLocation: sourceLocation)
}

extension SourceScan {
  /// The staged paths.
  var stagedPaths: Set<String> { Set(selection.files.map(\.path)) }

  /// The reason an excluded path was left out, if it was.
  func reason(_ path: String) -> String? {
    selection.excluded.first { $0.path == path }?.reason
  }

  /// `source/git.json` as an object.
  func gitJSON() throws -> [String: JSONValue] {
    try identity().json.objectValue ?? [:]
  }
}

// MARK: Git-computed ids

enum GitIds {
  /// The tree id git computes for exactly `staged` (project-relative paths of `projectDir`,
  /// inside `repoRoot`), with `gitlinks` (project-relative path → commit) for nested
  /// repositories: a temporary index, `git add -f`, `git update-index --cacheinfo`,
  /// `git write-tree --prefix=<path>/`.
  static func tree(
    repoRoot: String, projectDir: String, staged: Set<String>, gitlinks: [String: String] = [:]
  ) throws
    -> String
  {
    let scratch = try TempDir(prefix: "gage-index")
    let env = ["GIT_INDEX_FILE": scratch.path("index"), "GIT_LITERAL_PATHSPECS": "1"]
    let prefix = projectDir == repoRoot ? "" : String(projectDir.dropFirst(repoRoot.count + 1))
    let files = staged.filter { path in !gitlinks.keys.contains { path.hasPrefix($0 + "/") } }.sorted()
    if !files.isEmpty {
      var list: [UInt8] = []
      for file in files { list += Array(file.utf8) + [0] }
      try FileIO.write(list, to: scratch.path("paths"))
      try GitRepo.run(["add", "-f", "--pathspec-from-file=" + scratch.path("paths"), "--pathspec-file-nul"], in: projectDir, env: env)
    }
    for (path, commit) in gitlinks.sorted(by: { $0.key < $1.key }) {
      let repoPath = prefix.isEmpty ? path : prefix + "/" + path
      try GitRepo.run(["update-index", "--add", "--cacheinfo", "160000,\(commit),\(repoPath)"], in: repoRoot, env: env)
    }
    if files.isEmpty && gitlinks.isEmpty {
      return try GitRepo.text(["mktree"], in: repoRoot)  // the empty tree
    }
    return try GitRepo.text(["write-tree"] + (prefix.isEmpty ? [] : ["--prefix=" + prefix + "/"]), in: repoRoot, env: env)
  }

  /// A fresh clone of `repo` at `commit`, with `patch` applied by `git apply --binary` at its
  /// root. Returns the clone's dir.
  static func applyToClone(_ patch: [UInt8], repo: String, commit: String) throws -> TempDir {
    let clone = try TempDir(prefix: "gage-clone")
    try GitRepo.run(["clone", "-q", "--no-checkout", repo, clone.path], in: clone.path)
    try GitRepo.run(["checkout", "-q", "--detach", commit], in: clone.path)
    let patchFile = try TempDir(prefix: "gage-patch")
    try FileIO.write(patch, to: patchFile.path("diff.patch"))
    try GitRepo.run(["apply", "--binary", patchFile.path("diff.patch")], in: clone.path)
    return clone
  }
}

// MARK: Real staging

/// A run staged for real by `RunLifecycle` from a project dir, and what it wrote.
struct GitStagedRun {
  let run: Run
  let runsDir: String

  /// Makes, initializes and stages a run of an op with `sourcecode` = `spec` under `runsDir`.
  static func stage(projectDir: String, runsDir: String, spec: SourceCodeSpec = .defaults) throws -> GitStagedRun {
    let run = try make(runsDir: runsDir, spec: spec)
    try RunLifecycle.stageRun(run, projectDir: projectDir)
    return GitStagedRun(run: run, runsDir: runsDir)
  }

  /// Makes and initializes a run (not staged).
  static func make(runsDir: String, spec: SourceCodeSpec = .defaults) throws -> Run {
    let opdef = OpDef(name: "op", exec: ExecSpec(commands: [.run: .shell("true")]), sourcecode: spec)
    let run = try RunLifecycle.makeRun(opref: OpRef(namespace: "test", name: "op"), runsDir: runsDir)
    try RunLifecycle.initRunMeta(run, opdef: opdef, config: [:], command: RunCommand(.shell("true")))
    return run
  }

  /// Files and links in the run dir.
  func runFiles() throws -> Set<String> { try GitTestFiles.tree(run.runDir) }

  /// `source/git.json`.
  func gitJSON() throws -> [String: JSONValue] {
    try JSONValue.read(path: run.metaPath(MetaFile.gitSource)).objectValue ?? [:]
  }

  /// The text of a meta file.
  func meta(_ name: String) throws -> String { try FileIO.readText(run.metaPath(name)) }

  /// `source/diff.patch`, nil when absent.
  func patch() throws -> [UInt8]? {
    let path = run.metaPath(MetaFile.gitPatch)
    return FileIO.exists(path) ? try FileIO.readBytes(path) : nil
  }
}

extension [String: JSONValue] {
  /// The strings of an array value.
  func stringArray(_ key: String) -> [String]? {
    self[key]?.arrayValue?.compactMap(\.stringValue)
  }
}

extension JSONValue {
  /// The strings of an array value of an object.
  func stringArray(_ key: String) -> [String]? {
    self[key]?.arrayValue?.compactMap(\.stringValue)
  }
}

// MARK: Scan assertions

/// Scans `projectDir` (runs dirs `runsDirs`, project-relative, pruned) and expects the staged
/// set to be git's view of the project minus what `patternExcludes` says the patterns drop.
@discardableResult
func scanExpectingGitView(
  _ projectDir: String, spec: SourceCodeSpec = .defaults, runsDirs: [String] = [],
  patternExcludes: (String) -> Bool = { _ in false }, sourceLocation: SourceLocation = #_sourceLocation
) throws -> (scan: SourceScan, expected: GitExpectation) {
  let scan = try SourceScan.scan(projectDir: projectDir, spec: spec, pruned: runsDirs.map { projectDir + "/" + $0 })
  let expected = try GitExpectation(projectDir: projectDir, runsDirs: runsDirs)
  #expect(scan.isGit, "the project is in a git work tree", sourceLocation: sourceLocation)
  expectSamePaths(scan.stagedPaths, expected.files.filter { !patternExcludes($0) }, sourceLocation: sourceLocation)
  #expect(
    !scan.stagedPaths.contains { $0 == ".git" || $0.hasPrefix(".git/") || $0.contains("/.git/") },
    "nothing of .git is staged", sourceLocation: sourceLocation)
  return (scan, expected)
}

/// Expects `tree` of `git.json` to be the tree git writes for exactly the staged files.
func expectTreeMatchesGit(
  _ scan: SourceScan, repoRoot: String, expected: GitExpectation, sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let json = try scan.gitJSON()
  let gitTree = try GitIds.tree(
    repoRoot: repoRoot, projectDir: scan.projectDir, staged: scan.stagedPaths, gitlinks: expected.nestedRepos)
  #expect(json["tree"]?.stringValue == gitTree, "tree id of the staged files", sourceLocation: sourceLocation)
}
