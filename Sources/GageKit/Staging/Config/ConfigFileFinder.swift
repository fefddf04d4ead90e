import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Expands a config file glob in a directory, walking only the directories the pattern
/// can reach. Only regular files are found: links are never rewritten through. An
/// unreadable directory counts as empty.
enum ConfigFileFinder {
  /// The relative paths of the regular files under `root` matching `pattern`, sorted.
  static func find(_ pattern: String, in root: String) throws -> [String] {
    let parts = try normalizedParts(pattern)
    guard !parts.isEmpty else { return [] }
    var found: Set<String> = []
    expand(parts[...], root: root, dir: "", into: &found)
    return found.sorted()
  }

  /// The pattern's parts without empty and `.` parts; refuses paths leaving the directory.
  static func normalizedParts(_ pattern: String) throws -> [String] {
    let parts = pattern.split(separator: "/").map(String.init).filter { $0 != "." }
    if pattern.hasPrefix("/") || parts.contains("..") {
      throw GageError.invalidInput(
        "invalid config path \"\(pattern)\": paths are relative to the project and stay inside it")
    }
    return parts
  }

  private static func expand(_ parts: ArraySlice<String>, root: String, dir: String, into found: inout Set<String>) {
    guard let part = parts.first else { return }
    let rest = parts.dropFirst()
    if part == "**" {
      // `a/**` is every file under `a`.
      let tail = rest.isEmpty ? ["*"][...] : rest
      expand(tail, root: root, dir: dir, into: &found)
      for name in children(of: dir, root: root) where !name.hasPrefix(".") {
        let child = join(dir, name)
        if kind(root, child) == .directory { expand(parts, root: root, dir: child, into: &found) }
      }
      return
    }
    let names =
      ConfigGlob.isLiteral(part)
      ? [part]
      : children(of: dir, root: root).filter { ConfigGlob.matchesName(part, $0, hidesDotNames: true) }
    for name in names {
      let child = join(dir, name)
      switch (kind(root, child), rest.isEmpty) {
      case (.file, true): found.insert(child)
      case (.directory, false): expand(rest, root: root, dir: child, into: &found)
      default: break
      }
    }
  }

  private enum Kind { case file, directory, other }

  private static func kind(_ root: String, _ relative: String) -> Kind {
    var st = stat()
    guard lstat(root + "/" + relative, &st) == 0 else { return .other }
    switch st.st_mode & S_IFMT {
    case S_IFREG: return .file
    case S_IFDIR: return .directory
    default: return .other
    }
  }

  private static func children(of dir: String, root: String) -> [String] {
    let path = dir.isEmpty ? root : root + "/" + dir
    return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
  }

  private static func join(_ dir: String, _ name: String) -> String {
    dir.isEmpty ? name : dir + "/" + name
  }
}
