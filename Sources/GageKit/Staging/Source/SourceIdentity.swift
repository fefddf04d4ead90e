import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The git identity of a run's source (`source/git.json`, `source/diff.patch`): which
/// commit, branch and remote it came from, whether it differed from the commit, and the tree
/// id of exactly the staged files.
enum SourceIdentity {
  /// `{"vcs": null}`: the project is not in a git work tree.
  static let outsideGit = JSONValue.object(["vcs": .null])

  /// The identity of a git selection: `git.json`'s content and the patch (empty when the
  /// staged tracked files equal the commit).
  static func record(_ selector: GitSourceSelector, selection: SourceSelection) throws -> (json: JSONValue, patch: [UInt8]) {
    let repo = selector.repo
    let head = try repo.head()
    var untracked: [String] = []
    var changedTracked: [String] = []
    var treeEntries: [GitTreeHasher.Entry] = []
    let checkLFS = FileIO.exists(repo.workdir + "/.gitattributes") || selection.files.contains { $0.path.hasSuffix(".gitattributes") }
    var lfs: [String] = []

    for file in selection.files {
      guard let facts = selector.facts[file.path] else { continue }
      let full = repo.workdir + "/" + facts.repoPath
      if let entry = facts.indexEntry {
        if !facts.status.isDisjoint(with: .changed) { changedTracked.append(facts.repoPath) }
        if checkLFS, repo.attribute("filter", path: facts.repoPath) == "lfs" { lfs.append(file.path) }
        if facts.status.isEmpty {
          treeEntries.append(GitTreeHasher.Entry(path: file.path, mode: entry.mode, oid: entry.oid))
          continue
        }
      } else {
        untracked.append(file.path)
      }
      if file.isLink {
        let target = try FileDigest.linkTarget(full)
        treeEntries.append(GitTreeHasher.Entry(path: file.path, mode: 0o120000, oid: GitTreeHasher.blobID(Array(target.utf8))))
      } else {
        var st = stat()
        let executable = lstat(full, &st) == 0 && st.st_mode & 0o100 != 0
        treeEntries.append(
          GitTreeHasher.Entry(path: file.path, mode: executable ? 0o100755 : 0o100644, oid: try repo.hashWorktreeFile(facts.repoPath)))
      }
    }
    for (path, commit) in selector.nestedCommits {
      if let oid = GitOID(hex: commit) { treeEntries.append(GitTreeHasher.Entry(path: path, mode: 0o160000, oid: oid)) }
    }

    let patch = meaningfulSections(try repo.diffAgainstHead(paths: (changedTracked + selector.deletedTracked).sorted()))
    let dirty = !patch.isEmpty || !untracked.isEmpty || (head.unborn && !selection.files.isEmpty)
    let json = JSONValue.object([
      "vcs": .string("git"),
      "commit": head.commit.map(JSONValue.string) ?? .null,
      "branch": head.branch.map(JSONValue.string) ?? .null,
      "remote": repo.remoteURL(branch: head.branch).map(JSONValue.string) ?? .null,
      "path": .string(selector.prefix),
      "dirty": .bool(dirty),
      "tree": .string(GitTreeHasher.treeID(treeEntries).description),
      "diff_sha256": patch.isEmpty ? .null : .string(FileDigest.hex(patch)),
      "untracked": .array(untracked.map(JSONValue.string)),
      "submodules": .object(selector.nestedCommits.mapValues(JSONValue.string)),
      "lfs": .array(lfs.sorted().map(JSONValue.string)),
    ])
    return (json, patch)
  }
}

/// Drops the file sections of a patch that hold only their `diff --git` line: libgit2 lists
/// a file whose stat data changed but whose content (after filters) did not, and such a
/// section is no difference (`git apply` would reject it).
func meaningfulSections(_ patch: [UInt8]) -> [UInt8] {
  guard !patch.isEmpty else { return patch }
  let header = Array("diff --git ".utf8)
  var sections: [ArraySlice<UInt8>] = []
  var start = 0
  var i = 0
  while i < patch.count {
    if i > start, patch[i - 1] == 0x0A, patch[i...].starts(with: header) {
      sections.append(patch[start..<i])
      start = i
    }
    i += 1
  }
  sections.append(patch[start..<patch.count])
  return sections.filter { section in section.filter { $0 == 0x0A }.count > 1 }.flatMap { $0 }
}
