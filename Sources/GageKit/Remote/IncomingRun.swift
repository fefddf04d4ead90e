import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A run fetched from a remote, written out of its commits into a temporary directory and
/// checked like an archive's run (names, modes, links, then every digest against its
/// `manifest` and `seal`) before anything of it reaches the runs dir. Nothing fetched is
/// ever executed.
struct IncomingRun {
  let repository: RunRepository
  /// The run id the ref names.
  let id: String
  /// The directory receiving `<id>`, `<id>.meta` and `<id>.user`.
  let destination: String

  /// Deepest directory nesting accepted, and most files per run.
  static let maxDepth = 256
  static let maxFiles = 1_000_000

  /// Writes and checks the sealed commit; throws a `BagProblem` naming the entry.
  func extractSealed(_ commit: GitOID) throws {
    let tree = try repository.commitTree(commit)
    let top = try repository.treeItems(tree)
    try Self.checkNames(top, shown: "")
    for item in top {
      guard item.mode == .tree, item.name == id || item.name == id + ".meta" else {
        throw BagProblem(entry: item.name, reason: "not part of a run: the commit of run \(id) holds only \(id)/ and \(id).meta/")
      }
    }
    guard top.contains(where: { $0.name == id + ".meta" }) else {
      throw BagProblem(entry: id + ".meta", reason: "missing: the commit holds no meta dir for run \(id)")
    }
    var runFiles: [String: String] = [:]
    var metaFiles: [String: String] = [:]
    for item in top {
      var budget = Self.maxFiles
      let dir = FileIO.join(destination, item.name)
      try FileIO.makeDirectories(dir)
      if item.name == id {
        try write(tree: item.oid, to: dir, rel: "", shown: item.name, depth: 0, budget: &budget, digests: &runFiles)
      } else {
        try write(tree: item.oid, to: dir, rel: "", shown: item.name, depth: 0, budget: &budget, digests: &metaFiles)
      }
    }
    if !FileIO.exists(FileIO.join(destination, id)) { try FileIO.makeDirectories(FileIO.join(destination, id)) }
    let metaDir = FileIO.join(destination, id + ".meta")
    func content(_ name: String) throws -> [UInt8]? {
      let path = FileIO.join(metaDir, name)
      return FileIO.exists(path) && !FileIO.isSymlink(path) ? try FileIO.readBytes(path) : nil
    }
    metaFiles[MetaFile.seal] = nil
    try ArrivingRunCheck(id: id, prefix: "").checkRecord(
      runFiles: runFiles, manifest: try content(MetaFile.manifest), metaFiles: metaFiles, seal: try content(MetaFile.seal))
    let lock = FileIO.join(metaDir, MetaFile.lock)
    try ArrivingRunCheck(id: id, prefix: "").checkMeta { name in
      name == MetaFile.lock && FileIO.isSymlink(lock) ? [] : try content(name)
    }
  }

  /// Writes the annotation entries of the commit (`<id>.user/*.json`); returns their names.
  @discardableResult
  func extractAnnotations(_ commit: GitOID) throws -> [String] {
    let entries = try AnnotationSync(repository: repository).entries(of: commit, id: id)
    let dir = FileIO.join(destination, id + ".user")
    try FileIO.makeDirectories(dir)
    for (name, oid) in entries {
      let bytes = try blob(oid, limit: ArrivingRunCheck.maxAnnotationBytes, entry: "\(id).user/\(name)")
      try ArrivingRunCheck(id: id, prefix: "").checkAnnotation(name: name, size: Int64(bytes.count)) { bytes }
      guard try FileIO.createExclusive(bytes, at: FileIO.join(dir, name), mode: FileIO.readOnlyMode) else {
        throw BagProblem(entry: "\(id).user/\(name)", reason: Self.collision)
      }
    }
    return entries.keys.sorted()
  }

  private func blob(_ oid: GitOID, limit: Int = .max, entry: String) throws -> [UInt8] {
    do {
      return try repository.blob(oid, limit: limit)
    } catch let error as GageError {
      throw BagProblem(entry: entry, reason: error.message)
    }
  }

  private func write(
    tree: GitOID, to dir: String, rel: String, shown: String, depth: Int, budget: inout Int,
    digests: inout [String: String]
  ) throws {
    guard depth < Self.maxDepth else { throw BagProblem(entry: shown, reason: "nested more than \(Self.maxDepth) directories deep") }
    let items: [GitTreeItem]
    do {
      items = try repository.treeItems(tree)
    } catch let error as GageError {
      throw BagProblem(entry: shown, reason: error.message)
    }
    try Self.checkNames(items, shown: shown + "/")
    for item in items {
      let entry = shown + "/" + item.name
      let path = FileIO.join(dir, item.name)
      let relative = rel.isEmpty ? item.name : rel + "/" + item.name
      budget -= 1
      guard budget >= 0 else { throw BagProblem(entry: entry, reason: "more than \(Self.maxFiles) entries in one run") }
      switch item.mode {
      case .tree:
        guard mkdir(path, 0o755) == 0 else {
          if errno == EEXIST { throw BagProblem(entry: entry, reason: Self.collision) }
          throw GageError.io(path: path, operation: "create", errno: errno)
        }
        try write(tree: item.oid, to: path, rel: relative, shown: entry, depth: depth + 1, budget: &budget, digests: &digests)
      case .file, .executable:
        // Exclusive and not following links: nothing is written through a link or over
        // another entry, whatever the tree holds. Written from libgit2's buffer, hashed
        // on the way: one copy of the blob in memory at most.
        let digest: String?
        do {
          digest = try repository.extractBlob(item.oid, to: path, mode: item.mode == .executable ? 0o555 : 0o444)
        } catch let error as GageError {
          if case .io = error { throw error }
          throw BagProblem(entry: entry, reason: error.message)
        }
        guard let digest else { throw BagProblem(entry: entry, reason: Self.collision) }
        digests[relative] = digest
      case .link:
        let bytes = try blob(item.oid, limit: 4096, entry: entry)
        guard !bytes.isEmpty, !bytes.contains(0), let target = String(validating: bytes, as: UTF8.self) else {
          throw BagProblem(entry: entry, reason: "not a valid link target")
        }
        if let problem = ArrivingRunCheck.linkProblem(target, depth: depth) { throw BagProblem(entry: entry, reason: problem) }
        guard symlink(target, path) == 0 else {
          if errno == EEXIST { throw BagProblem(entry: entry, reason: Self.collision) }
          throw GageError.io(path: path, operation: "create link", errno: errno)
        }
        digests[relative] = FileDigest.hex(bytes)
      default:
        throw BagProblem(
          entry: entry,
          reason: "git mode \(item.mode) is not a file (100644, 100755), link (120000) or directory (40000)"
            + (item.mode == .submodule ? "; submodules are not run files" : ""))
      }
    }
  }

  /// Why an entry cannot be created: its name is taken already.
  static let collision =
    "another entry of the same tree was written under this name (the file system folds case or Unicode forms)"

  /// Checks the names of one tree before anything of it is written: each a safe single
  /// path component, none twice (the second would land on, or through, the first).
  static func checkNames(_ items: [GitTreeItem], shown: String) throws {
    var seen: Set<String> = []
    for item in items {
      guard isSafeName(item.name) else {
        throw BagProblem(entry: shown + item.name, reason: "an unsafe name (empty, \".\", \"..\", \".git\", or holding \"/\" or NUL)")
      }
      guard seen.insert(item.name).inserted else {
        throw BagProblem(entry: shown + item.name, reason: "named twice in one tree")
      }
    }
  }

  /// A name that is one path component and not `.`, `..` or `.git`.
  static func isSafeName(_ name: String) -> Bool {
    !name.isEmpty && name != "." && name != ".." && !name.utf8.contains(UInt8(ascii: "/")) && !name.utf8.contains(0)
      && !isGitDirName(name)
  }

  /// `.git` as git itself refuses it in a checkout: in any case, with the trailing dots
  /// and spaces NTFS drops, the characters HFS+ ignores, or as NTFS's short name.
  static func isGitDirName(_ name: String) -> Bool {
    let ignored: [ClosedRange<UInt32>] = [0x200C...0x200F, 0x202A...0x202E, 0x206A...0x206F, 0xFEFF...0xFEFF]
    var scalars = String.UnicodeScalarView()
    for scalar in name.unicodeScalars where !ignored.contains(where: { $0.contains(scalar.value) }) {
      scalars.append(scalar)
    }
    var folded = String(scalars).lowercased()
    while folded.hasSuffix(".") || folded.hasSuffix(" ") { folded.removeLast() }
    return folded == ".git" || folded == "git~1"
  }
}

/// Annotations (`<id>.user/`) as git commits: a fast-forward chain per run whose tip holds
/// the union of entries. Entries are immutable files named by time-ordered ids, so the
/// union of two logs is the log of both sides' changes.
struct AnnotationSync {
  let repository: RunRepository

  /// The entries (name → blob) of an annotations commit; refuses anything else in it.
  func entries(of commit: GitOID, id: String) throws -> [String: GitOID] {
    let tree = try repository.commitTree(commit)
    var out: [String: GitOID] = [:]
    var seen = false
    for item in try repository.treeItems(tree) {
      guard item.name == id + ".user", item.mode == .tree, !seen else {
        throw BagProblem(entry: item.name, reason: "not part of run \(id)'s annotations (one \(id).user/)")
      }
      seen = true
      for entry in try repository.treeItems(item.oid) {
        guard AttributeLog.isEntryName(entry.name), entry.mode == .file else {
          throw BagProblem(entry: "\(id).user/\(entry.name)", reason: "not an annotation entry (<time-ordered id>.json)")
        }
        guard out[entry.name] == nil else {
          throw BagProblem(entry: "\(id).user/\(entry.name)", reason: "named twice in one tree")
        }
        out[entry.name] = entry.oid
      }
    }
    return out
  }

  /// The local entries of `run` (name → path).
  static func localEntries(_ run: Run) -> [String: String] {
    guard let listing = try? DirectoryListing.entries(run.userDir) else { return [:] }
    var out: [String: String] = [:]
    for entry in listing {
      guard let name = entry.name, AttributeLog.isEntryName(name) else { continue }
      out[name] = FileIO.join(run.userDir, name)
    }
    return out
  }

  /// The commit to push for `run`'s annotations on top of the remote's tip `base` (its
  /// objects fetched already): nil when the remote holds every local entry.
  func commit(for run: Run, base: GitOID?) throws -> GitOID? {
    let local = Self.localEntries(run)
    var union = try base.map { try entries(of: $0, id: run.id) } ?? [:]
    let before = union.count
    for (name, path) in local.sorted(by: { $0.key < $1.key }) where union[name] == nil {
      union[name] = try repository.writeBlob(try FileIO.readBytes(path))
    }
    guard union.count > before else { return nil }
    let dir = try repository.writeTree(union.map { GitTreeItem(name: $0.key, mode: .file, oid: $0.value) })
    let tree = try repository.writeTree([GitTreeItem(name: run.id + ".user", mode: .tree, oid: dir)])
    let now = Int64(Date().timeIntervalSince1970)
    return try repository.writeCommit(
      tree: tree, parents: base.map { [$0] } ?? [], authorTime: now, commitTime: now,
      message: "annotations of run \(run.id) (\(union.count) entr\(union.count == 1 ? "y" : "ies"))\n")
  }
}
