import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A file chosen for staging.
public struct SelectedFile: Sendable, Equatable {
  /// Path relative to the project dir.
  public var path: String
  /// Size in bytes (of the link text for a link).
  public var size: Int
  /// Whether it is a symlink (copied as a link).
  public var isLink: Bool
}

/// Something staging left out on purpose, and why.
public struct ExcludedPath: Sendable, Equatable {
  /// Path relative to the project dir (a directory ends with `/`).
  public var path: String
  /// Why it was left out.
  public var reason: String
}

/// The outcome of source selection.
public struct SourceSelection: Sendable {
  /// Files to stage, sorted by path.
  public var files: [SelectedFile]
  /// What was left out.
  public var excluded: [ExcludedPath]

  /// Total bytes of the selected files.
  public var totalBytes: Int { files.reduce(0) { $0 + $1.size } }

  /// The text of `source/excluded`: `<path>\t<reason>` per line.
  public var excludedText: String {
    excluded.map { "\(PathEncoding.encode($0.path))\t\($0.reason)\n" }.joined()
  }
}

/// Chooses the project files a run stages (outside git: Gage's defaults, filtered by the
/// operation's `sourcecode` patterns). Links that stay inside the project are kept as links.
public struct SourceSelector {
  /// Largest file the defaults stage.
  public static let defaultMaxSize = 100 * 1024
  let projectDir: String
  let prunedDirs: Set<String>
  let rules: SourceRules

  /// A selector for `projectDir`; `pruned` are absolute dirs never entered (the runs dir).
  public init(projectDir: String, spec: SourceCodeSpec, pruned: [String] = []) throws {
    self.projectDir = projectDir
    prunedDirs = Set(pruned.map { ($0 as NSString).standardizingPath })
    rules = try SourceRules(spec)
  }

  /// Walks the project and selects files.
  public func select() throws -> SourceSelection {
    var selection = SourceSelection(files: [], excluded: [])
    guard rules.enabled else {
      selection.excluded.append(ExcludedPath(path: "./", reason: "sourcecode is false"))
      return selection
    }
    try walk(dir: projectDir, rel: "", into: &selection)
    selection.files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    return selection
  }

  private func walk(dir: String, rel: String, into selection: inout SourceSelection) throws {
    let entries: [DirectoryListing.Entry]
    do {
      entries = try DirectoryListing.entries(dir)
    } catch {
      selection.excluded.append(ExcludedPath(path: rel + "/", reason: "cannot be read"))
      return
    }
    if !rel.isEmpty, RunStore.looksLikeRunsDir(entries) {
      selection.excluded.append(ExcludedPath(path: rel + "/", reason: "runs directory"))
      return
    }
    for entry in entries {
      guard let name = entry.name else {
        let shown = rel.isEmpty ? entry.display : rel + "/" + entry.display
        selection.excluded.append(ExcludedPath(path: shown, reason: "name is not valid UTF-8"))
        continue
      }
      let full = dir + "/" + name
      let path = rel.isEmpty ? name : rel + "/" + name
      var st = stat()
      guard lstat(full, &st) == 0 else { continue }
      let kind = st.st_mode & S_IFMT
      if kind == S_IFDIR {
        if let reason = dirExclusion(name: name, full: full, path: path) {
          selection.excluded.append(ExcludedPath(path: path + "/", reason: reason))
        } else {
          try walk(dir: full, rel: path, into: &selection)
        }
        continue
      }
      guard kind == S_IFREG || kind == S_IFLNK else {
        selection.excluded.append(ExcludedPath(path: path, reason: "not a regular file"))
        continue
      }
      if kind == S_IFLNK {
        let target = (try? FileDigest.linkTarget(full)) ?? ""
        if !SourceSelector.linkStaysInside(target: target, linkDir: dir, root: projectDir) {
          selection.excluded.append(ExcludedPath(path: path, reason: "link leaves the project (\(target))"))
          continue
        }
        if let reason = fileExclusion(path: path, name: name, full: full, size: target.utf8.count, isLink: true) {
          selection.excluded.append(ExcludedPath(path: path, reason: reason))
        } else {
          selection.files.append(SelectedFile(path: path, size: target.utf8.count, isLink: true))
        }
        continue
      }
      let size = Int(st.st_size)
      if let reason = fileExclusion(path: path, name: name, full: full, size: size, isLink: false) {
        selection.excluded.append(ExcludedPath(path: path, reason: reason))
      } else {
        selection.files.append(SelectedFile(path: path, size: size, isLink: false))
      }
    }
  }

  private func dirExclusion(name: String, full: String, path: String) -> String? {
    if name == ".git" { return "git metadata" }
    if prunedDirs.contains((full as NSString).standardizingPath) { return "runs directory" }
    if let reason = rules.excludesDirectory(path) { return reason }
    if rules.replaceDefaults { return nil }
    if name.hasPrefix(".") { return "hidden directory" }
    if FileIO.exists(full + "/pyvenv.cfg") || FileIO.exists(full + "/bin/activate") {
      return "virtual environment"
    }
    if name == "__pycache__" { return "Python cache" }
    return nil
  }

  private func fileExclusion(path: String, name: String, full: String, size: Int, isLink: Bool) -> String? {
    var textCache: Bool?
    let isText = { () -> Bool in
      if let t = textCache { return t }
      let t = isLink || SourceSelector.looksLikeText(full)
      textCache = t
      return t
    }
    if let decision = rules.decide(path: path, size: size, isText: isText) {
      return decision.include ? nil : decision.reason
    }
    if rules.replaceDefaults { return "not selected by the sourcecode patterns" }
    if name.hasPrefix(".") { return "hidden file" }
    if size >= SourceSelector.defaultMaxSize { return "larger than 100 KB (use sourcecode patterns or depends)" }
    if !isText() { return "binary file" }
    return nil
  }

  /// Whether a link in `linkDir` pointing at `target` resolves to a path under `root`
  /// (lexically: links are never followed).
  static func linkStaysInside(target: String, linkDir: String, root: String) -> Bool {
    let resolved = target.hasPrefix("/") ? target : linkDir + "/" + target
    let normalized = (resolved as NSString).standardizingPath
    let root = (root as NSString).standardizingPath
    return normalized == root || normalized.hasPrefix(root + "/")
  }

  /// Whether a file's first KiB holds no NUL byte.
  public static func looksLikeText(_ path: String) -> Bool {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var buf = [UInt8](repeating: 0, count: 1024)
    let n = read(fd, &buf, buf.count)
    guard n >= 0 else { return false }
    return !buf[0..<n].contains(0)
  }
}
