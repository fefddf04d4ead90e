internal import Clibgit2
import Foundation

extension GitRepository {
  /// A blob as a tree holds it.
  public struct TreeBlob: Sendable, Equatable {
    /// Git file mode.
    public var mode: UInt32
    /// Blob id.
    public var oid: GitOID
  }

  /// Whether `commit` (40 hex digits) names a commit of this repository.
  public func hasCommit(_ commit: String) -> Bool {
    (try? withCommit(commit) { _ in () }) != nil
  }

  /// Every blob of `commit`'s tree with `patch` (a `git diff --binary` patch, may be empty)
  /// applied, by path relative to the work tree.
  public func blobs(commit: String, applying patch: [UInt8]) throws -> [String: TreeBlob] {
    try withCommit(commit) { commitHandle in
      var tree: OpaquePointer?
      try Libgit2.check(git_commit_tree(&tree, commitHandle), "git_commit_tree")
      defer { git_tree_free(tree) }
      var index: OpaquePointer?
      if patch.isEmpty {
        try Libgit2.check(git_index_new(&index), "git_index_new")
        try Libgit2.check(git_index_read_tree(index, tree), "git_index_read_tree")
      } else {
        var diff: OpaquePointer?
        let rc = patch.withUnsafeBufferPointer { buf -> Int32 in
          guard let base = buf.baseAddress else { return -1 }
          return base.withMemoryRebound(to: CChar.self, capacity: buf.count) { git_diff_from_buffer(&diff, $0, buf.count) }
        }
        try Libgit2.check(rc, "git_diff_from_buffer")
        defer { git_diff_free(diff) }
        try Libgit2.check(git_apply_to_tree(&index, handle, tree, diff, nil), "git_apply_to_tree")
      }
      defer { git_index_free(index) }
      var result: [String: TreeBlob] = [:]
      let count = git_index_entrycount(index)
      for i in 0..<count {
        guard let entry = git_index_get_byindex(index, i), let path = entry.pointee.path else { continue }
        result[gitPathString(path)] = TreeBlob(mode: entry.pointee.mode, oid: GitOID(entry.pointee.id))
      }
      return result
    }
  }

  /// The blob id git would give the file at `path` (absolute, anywhere) if it were the
  /// work-tree file `asPath`: the filters of `asPath` (line endings, ...) apply.
  public func hashFile(_ path: String, asPath: String) throws -> GitOID {
    var oid = git_oid()
    try Libgit2.check(git_repository_hashfile(&oid, handle, path, GIT_OBJECT_BLOB, asPath), "git_repository_hashfile")
    return GitOID(oid)
  }

  /// Calls `body` with the commit `hex`; a malformed id or a commit not in the repository
  /// is a clear error.
  private func withCommit<T>(_ hex: String, _ body: (OpaquePointer) throws -> T) throws -> T {
    var oid = git_oid()
    guard hex.utf8.count == 40, git_oid_fromstr(&oid, hex) == 0 else {
      throw GageError.invalidData("\(hex) is not a git commit id")
    }
    var commit: OpaquePointer?
    let rc = git_commit_lookup(&commit, handle, &oid)
    if rc == GIT_ENOTFOUND.rawValue {
      throw GageError.notFound("commit \(hex) is not in the repository at \(workdir) (fetch it first)")
    }
    try Libgit2.check(rc, "git_commit_lookup")
    guard let commit else { throw GageError.git("git_commit_lookup gave no commit") }
    defer { git_commit_free(commit) }
    return try body(commit)
  }
}
