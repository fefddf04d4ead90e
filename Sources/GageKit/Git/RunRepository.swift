internal import Clibgit2
import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A git file mode as a tree entry holds it.
struct GitFileMode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  let rawValue: UInt32

  init(rawValue: UInt32) { self.rawValue = rawValue }

  /// A directory (tree).
  static let tree = GitFileMode(rawValue: 0o040000)
  /// A regular file.
  static let file = GitFileMode(rawValue: 0o100644)
  /// An executable file.
  static let executable = GitFileMode(rawValue: 0o100755)
  /// A symbolic link (its blob holds the target).
  static let link = GitFileMode(rawValue: 0o120000)
  /// A submodule (a commit of another repository).
  static let submodule = GitFileMode(rawValue: 0o160000)

  /// Octal, as git shows it (`100644`, `40000`).
  var description: String { String(rawValue, radix: 8) }
}

/// One entry of a git tree, written or read back.
struct GitTreeItem: Hashable, Sendable {
  /// The entry's name (one path component).
  var name: String
  /// Its git file mode as the tree holds it (one of `GitFileMode`'s when git wrote it;
  /// anything when someone else did).
  var mode: GitFileMode
  /// Its object id.
  var oid: GitOID

  init(name: String, mode: GitFileMode, oid: GitOID) {
    self.name = name
    self.mode = mode
    self.oid = oid
  }
}

/// The bare git repository a runs dir keeps its pushed and pulled runs in
/// (`<runs>/.gage.git`, `docs/remotes.md`): never the project's own repository.
///
/// Small objects are written to memory first (libgit2's mempack backend) and stored as one
/// pack by `flush()`, so that committing a thousand runs writes a few pack files rather than
/// tens of thousands of loose objects. Files larger than `streamedBlobSize` are streamed
/// into loose objects instead, a chunk at a time: never held in memory whole.
final class RunRepository {
  /// The repository's directory name inside the runs dir.
  static let directoryName = ".gage.git"
  /// Files larger than this are streamed into loose objects rather than read into memory.
  static let streamedBlobSize = 1 << 20
  /// Bytes of objects held in memory before they are stored as a pack.
  static let pendingLimit = 256 << 20

  let handle: OpaquePointer
  /// The repository's path.
  let path: String
  /// The repository's object database (memory first, then loose objects and packs).
  let odb: OpaquePointer
  private let mempack: UnsafeMutablePointer<git_odb_backend>
  /// An object database of loose objects only (the repository's own writes to memory).
  private var looseODB: OpaquePointer?
  /// Objects written to memory since the last flush.
  private var pending: [git_oid] = []
  private var pendingBytes = 0

  /// Opens the runs dir's repository, creating it (and the runs dir) when missing.
  init(runsDir: String) throws {
    _ = Libgit2.ready
    let path = FileIO.join(runsDir, Self.directoryName)
    var repo: OpaquePointer?
    if FileIO.exists(FileIO.join(path, "HEAD")) {
      try Libgit2.check(git_repository_open_bare(&repo, path), "git_repository_open_bare", path: path)
    } else {
      try FileIO.makeDirectories(runsDir)
      try Libgit2.check(git_repository_init(&repo, path, 1), "git_repository_init", path: path)
    }
    guard let repo else { throw GageError.git("cannot open \(path)") }
    var odb: OpaquePointer?
    var backend: UnsafeMutablePointer<git_odb_backend>?
    do {
      try Libgit2.check(git_repository_odb(&odb, repo), "git_repository_odb", path: path)
      try Libgit2.check(git_mempack_new(&backend), "git_mempack_new")
      guard let odb, let backend else { throw GageError.git("cannot open the object database of \(path)") }
      // The object database owns the backend from here on.
      try Libgit2.check(git_odb_add_backend(odb, backend, 999), "git_odb_add_backend")
      self.odb = odb
      self.mempack = backend
    } catch {
      if let odb { git_odb_free(odb) }
      git_repository_free(repo)
      throw error
    }
    self.handle = repo
    self.path = path
  }

  deinit {
    if let looseODB { git_odb_free(looseODB) }
    git_odb_free(odb)
    git_repository_free(handle)
  }

  // MARK: Writing objects

  /// Stores a blob; returns its id.
  func writeBlob(_ bytes: [UInt8]) throws -> GitOID {
    GitOID(try write(bytes, type: GIT_OBJECT_BLOB))
  }

  /// Stores a tree of `entries` (sorted the way git sorts them); returns its id.
  func writeTree(_ entries: [GitTreeItem]) throws -> GitOID {
    var builder: OpaquePointer?
    try Libgit2.check(git_treebuilder_new(&builder, handle, nil), "git_treebuilder_new")
    defer { git_treebuilder_free(builder) }
    for entry in entries {
      var oid = entry.oid.raw
      let rc = git_treebuilder_insert(nil, builder, entry.name, &oid, git_filemode_t(entry.mode.rawValue))
      if rc < 0 {
        throw GageError.invalidData("\"\(entry.name)\" cannot be stored in git: \(Libgit2.error(rc, "git_treebuilder_insert").message)")
      }
    }
    var oid = git_oid()
    try Libgit2.check(git_treebuilder_write(&oid, builder), "git_treebuilder_write")
    pending.append(oid)
    pendingBytes += entries.count * 64
    return GitOID(oid)
  }

  /// Stores a commit of `tree` with fixed identities and the given times (epoch seconds,
  /// UTC); the same arguments always give the same commit id.
  func writeCommit(tree: GitOID, parents: [GitOID], authorTime: Int64, commitTime: Int64, message: String) throws -> GitOID {
    var text = "tree \(tree)\n"
    for parent in parents { text += "parent \(parent)\n" }
    text += "author \(Self.identity) \(authorTime) +0000\n"
    text += "committer \(Self.identity) \(commitTime) +0000\n\n"
    text += message
    return GitOID(try write(Array(text.utf8), type: GIT_OBJECT_COMMIT))
  }

  /// The name and address every run commit carries.
  static let identity = "Gage <gage@localhost>"

  private func write(_ bytes: [UInt8], type: git_object_t) throws -> git_oid {
    var oid = git_oid()
    let rc = bytes.withUnsafeBytes { raw in git_odb_write(&oid, odb, raw.baseAddress, raw.count, type) }
    try Libgit2.check(rc, "git_odb_write", path: path)
    pending.append(oid)
    pendingBytes += bytes.count
    if pendingBytes > Self.pendingLimit { try flush() }
    return oid
  }

  /// Stores the objects written to memory since the last flush as one pack file, written
  /// to disk as it is built. Every object written is stored, referenced yet or not (libgit2's
  /// `git_mempack_dump` keeps only what commits reach, so a flush between a blob and its
  /// commit lost the blob).
  func flush() throws {
    guard !pending.isEmpty else { return }
    var builder: OpaquePointer?
    try Libgit2.check(git_packbuilder_new(&builder, handle), "git_packbuilder_new", path: path)
    defer { git_packbuilder_free(builder) }
    for var oid in pending {
      try Libgit2.check(git_packbuilder_insert(builder, &oid, nil), "git_packbuilder_insert", path: path)
    }
    try Libgit2.check(git_packbuilder_write(builder, nil, 0, nil, nil), "git_packbuilder_write", path: path)
    try Libgit2.check(git_mempack_reset(mempack), "git_mempack_reset")
    pending = []
    pendingBytes = 0
  }

  /// The object database of loose objects only, made on first use: streamed writes land
  /// there (through the repository's database, they would be buffered whole for mempack).
  func looseDatabase() throws -> OpaquePointer {
    if let looseODB { return looseODB }
    var db: OpaquePointer?
    try Libgit2.check(git_odb_new(&db), "git_odb_new")
    guard let db else { throw GageError.git("cannot open the object database of \(path)") }
    var backend: UnsafeMutablePointer<git_odb_backend>?
    var rc = git_odb_backend_loose(&backend, FileIO.join(path, "objects"), -1, 0, 0, 0)
    if rc >= 0, let backend {
      rc = git_odb_add_backend(db, backend, 1)
      if rc < 0 { backend.pointee.free?(backend) }
    }
    guard rc >= 0 else {
      let error = Libgit2.error(rc, "git_odb_backend_loose", path: path)
      git_odb_free(db)
      throw error
    }
    looseODB = db
    return db
  }

  // MARK: References

  /// The id a reference points at, nil when it does not exist.
  func reference(_ name: String) throws -> GitOID? {
    var oid = git_oid()
    let rc = git_reference_name_to_id(&oid, handle, name)
    if rc == GIT_ENOTFOUND.rawValue { return nil }
    try Libgit2.check(rc, "git_reference_name_to_id", path: path)
    return GitOID(oid)
  }

  /// Points `name` at `oid` (created or moved).
  func setReference(_ name: String, to oid: GitOID) throws {
    var oid = oid.raw
    var ref: OpaquePointer?
    try Libgit2.check(git_reference_create(&ref, handle, name, &oid, 1, nil), "git_reference_create", path: path)
    git_reference_free(ref)
  }

  /// Removes a reference if it exists.
  func removeReference(_ name: String) {
    _ = git_reference_remove(handle, name)
  }

  /// Whether the object `oid` is stored here.
  func contains(_ oid: GitOID) -> Bool {
    var oid = oid.raw
    return git_odb_exists(odb, &oid) == 1
  }

  // MARK: Reading objects

  /// The tree of commit `oid`.
  func commitTree(_ id: GitOID) throws -> GitOID {
    var oid = id.raw
    var commit: OpaquePointer?
    try Libgit2.check(git_commit_lookup(&commit, handle, &oid), "git_commit_lookup", path: path)
    defer { git_commit_free(commit) }
    guard let tree = git_commit_tree_id(commit) else { throw GageError.invalidData("commit \(id) has no tree") }
    return GitOID(tree.pointee)
  }

  /// The entries of tree `oid`, in the order the tree holds them, with their modes as
  /// written. Names must be UTF-8.
  func treeItems(_ id: GitOID) throws -> [GitTreeItem] {
    var oid = id.raw
    var tree: OpaquePointer?
    try Libgit2.check(git_tree_lookup(&tree, handle, &oid), "git_tree_lookup", path: path)
    defer { git_tree_free(tree) }
    var items: [GitTreeItem] = []
    let count = git_tree_entrycount(tree)
    items.reserveCapacity(count)
    for i in 0..<count {
      guard let entry = git_tree_entry_byindex(tree, i), let cName = git_tree_entry_name(entry),
        let entryID = git_tree_entry_id(entry)
      else { continue }
      let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(cName).assumingMemoryBound(to: UInt8.self), count: strlen(cName)))
      guard let name = String(validating: bytes, as: UTF8.self) else {
        throw GageError.invalidData("tree \(id) holds a name that is not UTF-8")
      }
      // The mode as written: libgit2's normalized one would pass 100664 off as 100644.
      items.append(
        GitTreeItem(name: name, mode: GitFileMode(rawValue: git_tree_entry_filemode_raw(entry).rawValue), oid: GitOID(entryID.pointee)))
    }
    return items
  }

  /// The bytes of blob `oid`; refuses blobs larger than `limit`.
  func blob(_ id: GitOID, limit: Int = .max) throws -> [UInt8] {
    var oid = id.raw
    var blob: OpaquePointer?
    try Libgit2.check(git_blob_lookup(&blob, handle, &oid), "git_blob_lookup", path: path)
    defer { git_blob_free(blob) }
    let size = Int(git_blob_rawsize(blob))
    guard size <= limit else { throw GageError.invalidData("blob \(id) holds \(size) bytes, more than \(limit)") }
    guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
    return Array(UnsafeRawBufferPointer(start: raw, count: size))
  }
}
