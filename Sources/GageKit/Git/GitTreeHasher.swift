import Crypto

/// Computes git object ids without writing anything to a repository: blob ids of bytes,
/// and the tree id of a set of files (what `git write-tree` would give for them).
public enum GitTreeHasher {
  /// One file of a tree.
  public struct Entry: Sendable {
    /// Path with `/` separators.
    public var path: String
    /// Git mode: 0o100644, 0o100755, 0o120000 (link) or 0o160000 (submodule commit).
    public var mode: UInt32
    /// Blob (or commit) id.
    public var oid: GitOID

    /// A tree entry.
    public init(path: String, mode: UInt32, oid: GitOID) {
      self.path = path
      self.mode = mode
      self.oid = oid
    }
  }

  /// The blob id of `bytes`: SHA-1 of `blob <size>\0<bytes>`.
  public static func blobID(_ bytes: [UInt8]) -> GitOID {
    var hasher = Insecure.SHA1()
    hasher.update(data: Array("blob \(bytes.count)\0".utf8))
    hasher.update(data: bytes)
    return GitOID(bytes: Array(hasher.finalize()))
  }

  /// The id of the tree holding exactly `entries`.
  public static func treeID(_ entries: [Entry]) -> GitOID {
    let root = Node()
    for e in entries {
      var node = root
      let parts = e.path.split(separator: "/").map(String.init)
      for part in parts.dropLast() {
        if let child = node.dirs[part] {
          node = child
        } else {
          let child = Node()
          node.dirs[part] = child
          node = child
        }
      }
      if let name = parts.last { node.files[name] = (e.mode, e.oid) }
    }
    return hash(root)
  }

  private final class Node {
    var dirs: [String: Node] = [:]
    var files: [String: (UInt32, GitOID)] = [:]
  }

  private static func hash(_ node: Node) -> GitOID {
    var items: [(sortKey: [UInt8], name: String, mode: String, oid: GitOID)] = []
    for (name, (mode, oid)) in node.files {
      items.append((Array(name.utf8), name, String(mode, radix: 8), oid))
    }
    for (name, child) in node.dirs {
      items.append((Array(name.utf8) + [0x2F], name, "40000", hash(child)))
    }
    items.sort { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
    var body: [UInt8] = []
    for item in items {
      body += Array("\(item.mode) \(item.name)".utf8)
      body.append(0)
      body += item.oid.bytes
    }
    var hasher = Insecure.SHA1()
    hasher.update(data: Array("tree \(body.count)\0".utf8))
    hasher.update(data: body)
    return GitOID(bytes: Array(hasher.finalize()))
  }
}
