import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What git knows about one staged file.
struct GitFileFacts {
  /// Path relative to the repository's work tree.
  var repoPath: String
  /// The index entry, when git tracks the file.
  var indexEntry: GitIndexEntry?
  /// Status bits against HEAD (empty: clean).
  var status: GitStatus
}

/// The source selection of a project inside a git work tree (`docs/source.md`): every tracked file
/// present in the work tree plus every untracked file git does not ignore, under the project
/// dir; submodules and nested repositories expanded to their files; filtered by the op's
/// `sourcecode` patterns, which never add an ignored file.
final class GitSourceSelector {
  let repo: GitRepository
  /// The project dir (real path).
  let projectDir: String
  /// The project dir relative to the work tree ("" at the root).
  let prefix: String
  let rules: SourceRules
  let pruned: [String]

  /// Facts by project-relative path of every selected file of the top repository.
  private(set) var facts: [String: GitFileFacts] = [:]
  /// Tracked files under the project missing from the work tree (repository-relative).
  private(set) var deletedTracked: [String] = []
  /// Submodules and nested repositories (project-relative path → commit).
  private(set) var nestedCommits: [String: String] = [:]

  init(repo: GitRepository, projectDir: String, spec: SourceCodeSpec, pruned: [String]) throws {
    self.repo = repo
    self.projectDir = projectDir
    let root = repo.workdir
    prefix = projectDir == root ? "" : String(projectDir.dropFirst(root.count + 1))
    rules = try SourceRules(spec)
    self.pruned = pruned.map { RealPath.resolve($0) }
  }

  /// Selects the files.
  func select() throws -> SourceSelection {
    var selection = SourceSelection(files: [], excluded: [])
    guard rules.enabled else {
      selection.excluded.append(ExcludedPath(path: "./", reason: "sourcecode is false"))
      return selection
    }
    try collect(repo: repo, repoPrefix: prefix, runPrefix: "", top: true, into: &selection)
    selection.files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    selection.excluded.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    return selection
  }

  private var excludedDirs = Set<String>()

  /// The nearest parent dir of `path` that a `dir` rule excludes, with the reason.
  private func excludedAncestor(_ path: String) -> (String, String)? {
    guard rules.rules.contains(where: \.isDirRule) else { return nil }
    var parts = path.split(separator: "/").map(String.init)
    parts.removeLast()
    var dir = ""
    for part in parts {
      dir = dir.isEmpty ? part : dir + "/" + part
      if let reason = rules.excludesDirectory(dir) { return (dir, reason) }
    }
    return nil
  }

  /// Git's status does not list the other files of an ignored dir that holds a tracked
  /// (force-added) file; they are reported here, so nothing is left out silently.
  private func reportIgnoredBesideTracked(
    repo: GitRepository, candidates: [(run: String, repo: String, entry: GitIndexEntry?)],
    runPath: (String) -> String, selection: inout SourceSelection
  ) throws {
    var trackedDirs = Set<String>()
    var tracked = Set<String>()
    for c in candidates where c.entry != nil {
      tracked.insert(c.repo)
      var dir = (c.repo as NSString).deletingLastPathComponent
      while !dir.isEmpty && trackedDirs.insert(dir).inserted {
        dir = (dir as NSString).deletingLastPathComponent
      }
    }
    for dir in trackedDirs.sorted() where try repo.isIgnored(dir + "/") {
      guard let entries = try? DirectoryListing.entries(repo.workdir + "/" + dir) else { continue }
      for entry in entries {
        guard let name = entry.name else { continue }
        let path = dir + "/" + name
        if tracked.contains(path) || trackedDirs.contains(path) || name == ".git" { continue }
        let isDir = FileIO.isDirectoryNoFollow(repo.workdir + "/" + path)
        selection.excluded.append(ExcludedPath(path: runPath(path) + (isDir ? "/" : ""), reason: "ignored by git"))
      }
    }
  }

  /// Walks an untracked dir (git lists it as one entry): its files not ignored become
  /// candidates, nested repositories are expanded later, the runs dir is never entered.
  private func walkUntracked(
    repo: GitRepository, dir: String, runPath: (String) -> String,
    candidates: inout [(run: String, repo: String, entry: GitIndexEntry?)],
    nested: inout [(run: String, repo: String)], selection: inout SourceSelection
  ) throws {
    let full = repo.workdir + "/" + dir
    if FileIO.exists(full + "/.git") {
      nested.append((runPath(dir), dir))
      return
    }
    if pruned.contains(full) {
      selection.excluded.append(ExcludedPath(path: runPath(dir) + "/", reason: "runs directory"))
      return
    }
    let entries = try DirectoryListing.entries(full)
    if RunStore.looksLikeRunsDir(entries) {
      selection.excluded.append(ExcludedPath(path: runPath(dir) + "/", reason: "runs directory"))
      return
    }
    for entry in entries {
      guard let name = entry.name else {
        selection.excluded.append(ExcludedPath(path: runPath(dir) + "/" + entry.display, reason: "name is not valid UTF-8"))
        continue
      }
      let path = dir + "/" + name
      let isDir = FileIO.isDirectoryNoFollow(repo.workdir + "/" + path)
      if try repo.isIgnored(isDir ? path + "/" : path) {
        selection.excluded.append(ExcludedPath(path: runPath(path) + (isDir ? "/" : ""), reason: "ignored by git"))
      } else if isDir {
        try walkUntracked(
          repo: repo, dir: path, runPath: runPath, candidates: &candidates, nested: &nested,
          selection: &selection)
      } else {
        candidates.append((runPath(path), path, nil))
      }
    }
  }

  /// Collects the files of `repo` under `repoPrefix`, naming them `runPrefix/...` in the run.
  private func collect(
    repo: GitRepository, repoPrefix: String, runPrefix: String, top: Bool, into selection: inout SourceSelection
  ) throws {
    let cut = repoPrefix.isEmpty ? 0 : repoPrefix.count + 1
    func runPath(_ repoPath: String) -> String {
      let rel = String(repoPath.dropFirst(cut))
      return runPrefix.isEmpty ? rel : runPrefix + "/" + rel
    }
    var candidates: [(run: String, repo: String, entry: GitIndexEntry?)] = []
    var nestedRepos: [(run: String, repo: String)] = []

    for entry in try repo.indexEntries(under: repoPrefix) {
      if entry.mode == 0o160000 {
        nestedRepos.append((runPath(entry.path), entry.path))
        if top { nestedCommits[runPath(entry.path)] = entry.oid.description }
        continue
      }
      candidates.append((runPath(entry.path), entry.path, entry))
    }
    var statusByPath: [String: GitStatus] = [:]
    for (path, status) in try repo.status(under: repoPrefix) {
      if status.contains(.ignored) {
        selection.excluded.append(ExcludedPath(path: runPath(path), reason: "ignored by git"))
      } else if status.contains(.worktreeNew) {
        if path.hasSuffix("/") {
          try walkUntracked(
            repo: repo, dir: String(path.dropLast()), runPath: runPath, candidates: &candidates,
            nested: &nestedRepos, selection: &selection)
        } else {
          candidates.append((runPath(path), path, nil))
        }
      }
      statusByPath[path] = status
    }
    try reportIgnoredBesideTracked(repo: repo, candidates: candidates, runPath: runPath, selection: &selection)
    if top {
      for (path, commit) in try repo.submodules() where repoPrefix.isEmpty || path.hasPrefix(repoPrefix + "/") {
        nestedCommits[runPath(path)] = commit
      }
    }

    for c in candidates {
      if c.run.hasSuffix(GitPath.invalidMarker) {
        selection.excluded.append(ExcludedPath(path: String(c.run.dropLast()), reason: "name is not valid UTF-8"))
        continue
      }
      if let (dir, reason) = excludedAncestor(c.run) {
        if excludedDirs.insert(dir).inserted {
          selection.excluded.append(ExcludedPath(path: dir + "/", reason: reason))
        }
        continue
      }
      let full = repo.workdir + "/" + c.repo
      if let dir = pruned.first(where: { full.hasPrefix($0 + "/") }) {
        let shown = String(dir.dropFirst(projectDir.count + 1)) + "/"
        if !selection.excluded.contains(where: { $0.path == shown }) {
          selection.excluded.append(ExcludedPath(path: shown, reason: "runs directory"))
        }
        continue
      }
      var st = stat()
      guard lstat(full, &st) == 0 else {
        if c.entry != nil, top { deletedTracked.append(c.repo) }
        continue
      }
      let isLink = (st.st_mode & S_IFMT) == S_IFLNK
      var size = Int(st.st_size)
      if isLink {
        let target = (try? FileDigest.linkTarget(full)) ?? ""
        let linkDir = (full as NSString).deletingLastPathComponent
        if !SourceSelector.linkStaysInside(target: target, linkDir: linkDir, root: projectDir) {
          selection.excluded.append(ExcludedPath(path: c.run, reason: "link leaves the project (\(target))"))
          continue
        }
        size = target.utf8.count
      } else if (st.st_mode & S_IFMT) != S_IFREG {
        selection.excluded.append(ExcludedPath(path: c.run, reason: "not a regular file"))
        continue
      }
      if let decision = rules.decide(path: c.run, size: size, isText: { isLink || SourceSelector.looksLikeText(full) }) {
        if !decision.include {
          selection.excluded.append(ExcludedPath(path: c.run, reason: decision.reason))
          continue
        }
      } else if rules.replaceDefaults {
        selection.excluded.append(ExcludedPath(path: c.run, reason: "not selected by the sourcecode patterns"))
        continue
      }
      selection.files.append(SelectedFile(path: c.run, size: size, isLink: isLink))
      if top {
        facts[c.run] = GitFileFacts(repoPath: c.repo, indexEntry: c.entry, status: statusByPath[c.repo] ?? [])
      }
    }

    for nested in nestedRepos {
      let dir = repo.workdir + "/" + nested.repo
      guard FileIO.exists(dir + "/.git") else {
        if FileIO.isDirectory(dir), (try? DirectoryListing.entries(dir).isEmpty) == false {
          selection.excluded.append(ExcludedPath(path: nested.run + "/", reason: "submodule without a .git"))
        }
        continue
      }
      let inner = try GitRepository.open(dir)
      if top, nestedCommits[nested.run] == nil, let commit = try? inner.head().commit {
        nestedCommits[nested.run] = commit
      }
      try collect(repo: inner, repoPrefix: "", runPrefix: nested.run, top: false, into: &selection)
    }
  }
}
