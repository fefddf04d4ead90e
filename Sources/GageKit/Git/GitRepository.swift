internal import Clibgit2
import Foundation

/// What HEAD points at.
public struct GitHead: Sendable, Equatable {
  /// The commit id, nil on an unborn branch (no commit yet).
  public var commit: String?
  /// The branch's short name, nil when HEAD is detached.
  public var branch: String?
  /// Whether HEAD is detached.
  public var detached: Bool
  /// Whether the branch has no commit yet.
  public var unborn: Bool
}

/// One entry of the index (stage 0).
public struct GitIndexEntry: Sendable {
  /// Path relative to the work tree.
  public var path: String
  /// Git file mode (0o100644, 0o100755, 0o120000, 0o160000).
  public var mode: UInt32
  /// Blob (or gitlink commit) id.
  public var oid: GitOID
}

/// Git's status bits for one path (`git_status_t`), as an option set.
public struct GitStatus: OptionSet, Sendable, Hashable {
  public let rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  public static let indexNew = GitStatus(rawValue: 1 << 0)
  public static let indexModified = GitStatus(rawValue: 1 << 1)
  public static let indexDeleted = GitStatus(rawValue: 1 << 2)
  public static let indexRenamed = GitStatus(rawValue: 1 << 3)
  public static let indexTypeChange = GitStatus(rawValue: 1 << 4)
  public static let worktreeNew = GitStatus(rawValue: 1 << 7)
  public static let worktreeModified = GitStatus(rawValue: 1 << 8)
  public static let worktreeDeleted = GitStatus(rawValue: 1 << 9)
  public static let worktreeTypeChange = GitStatus(rawValue: 1 << 10)
  public static let worktreeRenamed = GitStatus(rawValue: 1 << 11)
  public static let worktreeUnreadable = GitStatus(rawValue: 1 << 12)
  public static let ignored = GitStatus(rawValue: 1 << 14)
  public static let conflicted = GitStatus(rawValue: 1 << 15)

  /// Any change of a tracked file against HEAD (index or work tree).
  public static let changed: GitStatus = [
    .indexNew, .indexModified, .indexDeleted, .indexRenamed, .indexTypeChange,
    .worktreeModified, .worktreeDeleted, .worktreeTypeChange, .worktreeRenamed, .conflicted,
  ]
}

/// A git repository opened through libgit2. Owns its handle and frees it.
public final class GitRepository {
  let handle: OpaquePointer
  /// The work tree, absolute, without a trailing `/`.
  public let workdir: String

  private init(handle: OpaquePointer, workdir: String) {
    self.handle = handle
    self.workdir = workdir
  }

  deinit {
    git_repository_free(handle)
  }

  /// The repository whose work tree holds `path` (searching parents), or nil when `path`
  /// is not inside a git work tree. A bare repository is an error: runs need a work tree.
  public static func discover(from path: String) throws -> GitRepository? {
    _ = Libgit2.ready
    var repo: OpaquePointer?
    let rc = git_repository_open_ext(&repo, path, 0, nil)
    if rc == GIT_ENOTFOUND.rawValue {
      // libgit2 reports an untrusted repository (owned by another user) as not found, with
      // a message about `safe.directory`: that is not "outside git".
      let error = Libgit2.error(rc, "git_repository_open_ext", path: path)
      if error.message.contains("belongs to another user") { throw error }
      return nil
    }
    try Libgit2.check(rc, "git_repository_open_ext", path: path)
    guard let repo else { return nil }
    guard git_repository_is_bare(repo) == 0, let wd = git_repository_workdir(repo) else {
      let gitDir = git_repository_path(repo).map { String(cString: $0) } ?? path
      git_repository_free(repo)
      throw GageError.git("\(gitDir) is a bare git repository; a run needs a work tree with the source")
    }
    return GitRepository(handle: repo, workdir: RealPath.resolve(String(cString: wd)))
  }

  /// Opens the repository at exactly `path` (a work tree).
  public static func open(_ path: String) throws -> GitRepository {
    _ = Libgit2.ready
    var repo: OpaquePointer?
    try Libgit2.check(
      git_repository_open_ext(&repo, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil),
      "git_repository_open_ext", path: path)
    guard let repo, let wd = git_repository_workdir(repo) else {
      throw GageError.git("\(path) is not a git work tree")
    }
    return GitRepository(handle: repo, workdir: RealPath.resolve(String(cString: wd)))
  }

  // MARK: HEAD and remotes

  /// HEAD: commit, branch, detached, unborn.
  public func head() throws -> GitHead {
    let unborn = git_repository_head_unborn(handle) == 1
    let detached = git_repository_head_detached(handle) == 1
    if unborn {
      var ref: OpaquePointer?
      var branch: String?
      if git_reference_lookup(&ref, handle, "HEAD") == 0, let ref {
        if let target = git_reference_symbolic_target(ref) {
          branch = GitRepository.shortBranch(String(cString: target))
        }
        git_reference_free(ref)
      }
      return GitHead(commit: nil, branch: branch, detached: false, unborn: true)
    }
    var ref: OpaquePointer?
    try Libgit2.check(git_repository_head(&ref, handle), "git_repository_head")
    guard let ref else { throw GageError.git("git_repository_head: no reference") }
    defer { git_reference_free(ref) }
    var commitObj: OpaquePointer?
    try Libgit2.check(git_reference_peel(&commitObj, ref, GIT_OBJECT_COMMIT), "git_reference_peel")
    guard let commitObj else { throw GageError.git("git_reference_peel: no commit") }
    defer { git_object_free(commitObj) }
    guard let oid = git_object_id(commitObj) else { throw GageError.git("git_object_id: no id") }
    var branch: String?
    if !detached, let name = git_reference_name(ref) {
      branch = GitRepository.shortBranch(String(cString: name))
    }
    return GitHead(commit: GitOID(oid.pointee).description, branch: branch, detached: detached, unborn: false)
  }

  private static func shortBranch(_ refName: String) -> String {
    refName.hasPrefix("refs/heads/") ? String(refName.dropFirst("refs/heads/".count)) : refName
  }

  /// The URL of `branch`'s upstream remote, else of `origin`; credentials stripped.
  public func remoteURL(branch: String?) -> String? {
    var remoteName = "origin"
    if let branch {
      var buf = git_buf()
      if git_branch_upstream_remote(&buf, handle, "refs/heads/" + branch) == 0, let ptr = buf.ptr {
        remoteName = String(cString: ptr)
      }
      git_buf_dispose(&buf)
    }
    var remote: OpaquePointer?
    guard git_remote_lookup(&remote, handle, remoteName) == 0, let remote else { return nil }
    defer { git_remote_free(remote) }
    guard let url = git_remote_url(remote) else { return nil }
    return RemoteURL.stripCredentials(String(cString: url))
  }

  /// The fetch and push URLs of the remote `name` as configured (credentials kept: they
  /// are used to connect, never recorded), nil when there is no such remote.
  public func remote(named name: String) -> (url: String, pushURL: String?)? {
    var remote: OpaquePointer?
    guard git_remote_lookup(&remote, handle, name) == 0, let remote else { return nil }
    defer { git_remote_free(remote) }
    guard let url = git_remote_url(remote) else { return nil }
    return (String(cString: url), git_remote_pushurl(remote).map { String(cString: $0) })
  }

  /// The names of the configured remotes.
  public func remoteNames() -> [String] {
    var list = git_strarray()
    guard git_remote_list(&list, handle) == 0 else { return [] }
    return takeStrings(&list)
  }

  // MARK: Index and status

  /// Every stage-0 entry of the index whose path is under `prefix` ("" for all).
  public func indexEntries(under prefix: String = "") throws -> [GitIndexEntry] {
    var index: OpaquePointer?
    try Libgit2.check(git_repository_index(&index, handle), "git_repository_index")
    guard let index else { return [] }
    defer { git_index_free(index) }
    var entries: [GitIndexEntry] = []
    let count = git_index_entrycount(index)
    entries.reserveCapacity(count)
    let dirPrefix = prefix.isEmpty ? "" : prefix + "/"
    var seen = Set<String>()
    for i in 0..<count {
      guard let e = git_index_get_byindex(index, i), let cpath = e.pointee.path else { continue }
      let path = gitPathString(cpath)
      guard dirPrefix.isEmpty || path.hasPrefix(dirPrefix) else { continue }
      guard seen.insert(path).inserted else { continue }
      entries.append(GitIndexEntry(path: path, mode: e.pointee.mode, oid: GitOID(e.pointee.id)))
    }
    return entries
  }

  /// Status of paths under `prefix`: changed tracked files, untracked files (an untracked
  /// dir is one `dir/` entry: callers walk it, so that a runs dir is never listed), and
  /// ignored entries (an ignored dir is one `dir/` entry). Submodules are left out.
  public func status(under prefix: String = "") throws -> [(path: String, status: GitStatus)] {
    var opts = git_status_options()
    try Libgit2.check(git_status_options_init(&opts, UInt32(GIT_STATUS_OPTIONS_VERSION)), "git_status_options_init")
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
    opts.flags =
      GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_INCLUDE_IGNORED.rawValue | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
      | GIT_STATUS_OPT_INCLUDE_UNREADABLE.rawValue
    var list: OpaquePointer?
    // libgit2 reads a pathspec as a pattern and has no literal form that still matches a
    // dir's contents: a prefix with glob characters is filtered here instead.
    let literal = !prefix.contains { "*?[]\\".contains($0) }
    let rc: Int32 = withStringArray(prefix.isEmpty || !literal ? [] : [prefix + "/"]) { array in
      opts.pathspec = array
      return git_status_list_new(&list, handle, &opts)
    }
    try Libgit2.check(rc, "git_status_list_new")
    guard let list else { return [] }
    defer { git_status_list_free(list) }
    var result: [(String, GitStatus)] = []
    let dirPrefix = prefix.isEmpty ? "" : prefix + "/"
    let n = git_status_list_entrycount(list)
    result.reserveCapacity(n)
    for i in 0..<n {
      guard let entry = git_status_byindex(list, i) else { continue }
      let delta = entry.pointee.index_to_workdir ?? entry.pointee.head_to_index
      guard let delta else { continue }
      let file = delta.pointee.new_file.path ?? delta.pointee.old_file.path
      guard let file else { continue }
      let path = gitPathString(file)
      guard dirPrefix.isEmpty || path.hasPrefix(dirPrefix) else { continue }
      result.append((path, GitStatus(rawValue: entry.pointee.status.rawValue)))
    }
    return result
  }

  /// Whether git ignores `path` (relative to the work tree; a dir ends with `/`).
  public func isIgnored(_ path: String) throws -> Bool {
    var ignored: Int32 = 0
    try Libgit2.check(git_ignore_path_is_ignored(&ignored, handle, path), "git_ignore_path_is_ignored")
    return ignored == 1
  }

  /// The blob id git would give the work-tree file at `path` (relative), its filters applied.
  public func hashWorktreeFile(_ path: String) throws -> GitOID {
    var oid = git_oid()
    try Libgit2.check(git_repository_hashfile(&oid, handle, path, GIT_OBJECT_BLOB, nil), "git_repository_hashfile")
    return GitOID(oid)
  }

  /// The value of a string attribute (e.g. `filter` → `lfs`) for `path`, if set.
  public func attribute(_ name: String, path: String) -> String? {
    var value: UnsafePointer<CChar>?
    guard git_attr_get(&value, handle, UInt32(GIT_ATTR_CHECK_FILE_THEN_INDEX), path, name) == 0, let value else {
      return nil
    }
    guard git_attr_value(value) == GIT_ATTR_VALUE_STRING else { return nil }
    return String(cString: value)
  }

  /// Submodules: path (relative to the work tree) → the commit checked out in it (or the
  /// one recorded in the index when it is not checked out).
  public func submodules() throws -> [String: String] {
    final class Box { var items: [String: String] = [:] }
    let box = Box()
    let payload = Unmanaged.passUnretained(box).toOpaque()
    let rc = git_submodule_foreach(
      handle,
      { sm, _, payload in
        guard let sm, let payload, let cpath = git_submodule_path(sm) else { return 0 }
        let box = Unmanaged<Box>.fromOpaque(payload).takeUnretainedValue()
        let id = git_submodule_wd_id(sm) ?? git_submodule_index_id(sm) ?? git_submodule_head_id(sm)
        if let id { box.items[String(cString: cpath)] = GitOID(id.pointee).description }
        return 0
      }, payload)
    try Libgit2.check(rc, "git_submodule_foreach")
    return box.items
  }

  // MARK: Diff

  /// A binary-safe patch (`git diff --binary` form) of `paths` in the work tree (through the
  /// index) against HEAD's tree; the empty tree on an unborn branch.
  public func diffAgainstHead(paths: [String]) throws -> [UInt8] {
    guard !paths.isEmpty else { return [] }
    var tree: OpaquePointer?
    if git_repository_head_unborn(handle) != 1 {
      var ref: OpaquePointer?
      try Libgit2.check(git_repository_head(&ref, handle), "git_repository_head")
      defer { git_reference_free(ref) }
      try Libgit2.check(git_reference_peel(&tree, ref, GIT_OBJECT_TREE), "git_reference_peel")
    }
    defer { if let tree { git_object_free(tree) } }
    var opts = git_diff_options()
    try Libgit2.check(git_diff_options_init(&opts, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
    opts.flags =
      GIT_DIFF_SHOW_BINARY.rawValue | GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
      | GIT_DIFF_IGNORE_SUBMODULES.rawValue
    var diff: OpaquePointer?
    let rc: Int32 = withStringArray(paths) { array in
      opts.pathspec = array
      return git_diff_tree_to_workdir_with_index(&diff, handle, tree, &opts)
    }
    try Libgit2.check(rc, "git_diff_tree_to_workdir_with_index")
    guard let diff else { return [] }
    defer { git_diff_free(diff) }
    var buf = git_buf()
    defer { git_buf_dispose(&buf) }
    try Libgit2.check(git_diff_to_buf(&buf, diff, GIT_DIFF_FORMAT_PATCH), "git_diff_to_buf")
    guard let ptr = buf.ptr else { return [] }
    return ptr.withMemoryRebound(to: UInt8.self, capacity: buf.size) { Array(UnsafeBufferPointer(start: $0, count: buf.size)) }
  }
}

/// A path from libgit2: its UTF-8 text, or, when the bytes are not valid UTF-8, a form with
/// each invalid byte shown as `\xNN` and a trailing NUL marker so callers can tell and
/// exclude it (such a name is never staged).
func gitPathString(_ cstr: UnsafePointer<CChar>) -> String {
  let bytes = UnsafeRawPointer(cstr).assumingMemoryBound(to: UInt8.self)
  let buffer = UnsafeBufferPointer(start: bytes, count: strlen(cstr))
  if let s = String(validating: buffer, as: UTF8.self) { return s }
  return RawPath.display(Array(buffer)) + GitPath.invalidMarker
}

/// Marks paths whose names are not valid UTF-8.
enum GitPath {
  static let invalidMarker = "\u{0}"
}
