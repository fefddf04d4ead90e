import Foundation
import GageKit

#if canImport(Glibc)
  import Glibc
#endif

/// One file of a recursive listing, as the seeds' `ls(dir, permissions=True)` shows it.
public struct ListedFile: Sendable, Equatable, CustomStringConvertible {
  /// Path relative to the listed directory.
  public var path: String
  /// The real permission bits (`0o644`, `0o444`, ...).
  public var mode: mode_t
  /// Whether it is a symlink.
  public var isLink: Bool

  /// Whether the owner may write it.
  public var isWritable: Bool { mode & 0o200 != 0 }

  /// The seed's form: the owner's write bit copied to group and other, e.g.
  /// `-rw-rw-rw- log/files` or `-r--r--r-- id`.
  public var lsLine: String {
    "\(isWritable ? "-rw-rw-rw-" : "-r--r--r--") \(path)"
  }

  /// The mode in octal, e.g. `644`.
  public var octal: String { String(mode, radix: 8) }

  public var description: String { "\(octal) \(path)" }
}

/// Recursive listings of directories.
public enum Listing {
  /// Every regular file and symlink under `dir` (directories are walked, not listed),
  /// sorted by path; links are not followed.
  public static func files(in dir: String) throws -> [ListedFile] {
    var result: [ListedFile] = []
    try RunDirScanner.walk(dir, prefix: "") { rel, st in
      result.append(
        ListedFile(path: rel, mode: st.st_mode & 0o7777, isLink: (st.st_mode & S_IFMT) == S_IFLNK))
    }
    return result.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
  }

  /// The relative paths under `dir`, sorted (the seeds' `ls(dir)`).
  public static func paths(in dir: String) throws -> [String] {
    try files(in: dir).map(\.path)
  }

  /// The seed-style lines (`-r--r--r-- path`) of every file under `dir`.
  public static func lsLines(in dir: String) throws -> [String] {
    try files(in: dir).map(\.lsLine)
  }

  /// Parses a seed listing block (`-rw-rw-rw- log/files` per line) into path → writable.
  public static func parseSeedListing(_ text: String) -> [(path: String, writable: Bool)] {
    text.split(separator: "\n").compactMap { raw in
      let line = raw.trimmingCharacters(in: .whitespaces)
      guard let space = line.firstIndex(of: " ") else { return nil }
      let perms = line[..<space]
      let path = line[line.index(after: space)...].trimmingCharacters(in: .whitespaces)
      return (path, perms.dropFirst().hasPrefix("rw"))
    }
  }

  /// Compares a directory against a seed listing as docs/run-layout.md defines "match": every listed
  /// file exists with the writable/read-only state shown, and its real mode is 0644 when
  /// writable and 0444 when read-only. Extra files are allowed. Returns the differences,
  /// one line each (empty when it matches).
  public static func mismatches(in dir: String, seed: String) throws -> [String] {
    let actual = Dictionary(
      try files(in: dir).map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    var problems: [String] = []
    for (path, writable) in parseSeedListing(seed) {
      guard let file = actual[path] else {
        problems.append("missing: \(path)")
        continue
      }
      let expectedMode: mode_t = writable ? 0o644 : 0o444
      if file.mode != expectedMode {
        problems.append(
          "\(path): mode \(file.octal), expected \(String(expectedMode, radix: 8)) (\(file.lsLine))"
        )
      }
    }
    return problems
  }

  /// Every entry under `dir` (hidden ones too): path, type, mode and the SHA-256 of files
  /// (the target of links): a runs dir's full state.
  public static func snapshot(_ dir: String) throws -> [String] {
    var lines: [String] = []
    func visit(_ path: String, _ rel: String) throws {
      for entry in try DirectoryListing.entries(path) {
        let full = path + "/" + entry.display
        let relative = rel.isEmpty ? entry.display : rel + "/" + entry.display
        var st = stat()
        guard lstat(full, &st) == 0 else { continue }
        let mode = String(st.st_mode & 0o7777, radix: 8)
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
          lines.append("d \(mode) \(relative)")
          try visit(full, relative)
        case S_IFLNK: lines.append("l \(try FileDigest.linkTarget(full)) \(relative)")
        default: lines.append("f \(mode) \(try FileDigest.ofFile(full)) \(relative)")
        }
      }
    }
    if FileIO.exists(dir) { try visit(dir, "") }
    return lines
  }
}
