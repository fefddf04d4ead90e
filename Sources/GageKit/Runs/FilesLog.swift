import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An event of `log/files`.
public enum FileEvent: String, Sendable {
  /// The file appeared.
  case added = "a"
  /// The file changed.
  case modified = "m"
  /// The file went away.
  case deleted = "d"
}

/// One line of `log/files`: `<a|m|d> <s|r|d|g> <mtime-µs|-> <relpath>`.
public struct FileLogEntry: Sendable, Equatable {
  /// What happened.
  public var event: FileEvent
  /// The file's type (the phase that changed it).
  public var type: RunFileType
  /// The file's modification time in epoch microseconds (nil for a deletion).
  public var modified: Int64?
  /// Path relative to the run dir.
  public var path: String

  /// The encoded line, with its newline.
  public var line: String {
    "\(event.rawValue) \(type.rawValue) \(modified.map(String.init) ?? "-") \(PathEncoding.encode(path))\n"
  }
}

/// `log/files`: the history of the run dir's files, phase by phase.
public struct FilesLog {
  /// The log file.
  public let path: String
  let runDir: String

  /// The files log of `run`.
  public init(run: Run) {
    path = run.metaPath(MetaFile.filesLog)
    runDir = run.runDir
  }

  /// Every entry in order.
  public func entries() throws -> [FileLogEntry] {
    guard let text = FileIO.readTextIfPresent(path) else { return [] }
    var result: [FileLogEntry] = []
    for (n, line) in text.split(separator: "\n").enumerated() {
      let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
      guard parts.count == 4, let event = FileEvent(rawValue: String(parts[0])),
        let type = RunFileType(rawValue: String(parts[1]))
      else {
        throw GageError.invalidData("\(path):\(n + 1): invalid line: \(line)")
      }
      let modified = parts[2] == "-" ? nil : Int64(parts[2])
      result.append(FileLogEntry(event: event, type: type, modified: modified, path: PathEncoding.decode(String(parts[3]))))
    }
    return result
  }

  /// The current files with the type of their first appearance (deleted files dropped).
  public func currentFiles() throws -> [String: RunFileType] {
    var files: [String: RunFileType] = [:]
    for e in try entries() {
      switch e.event {
      case .added: files[e.path] = e.type
      case .modified: if files[e.path] == nil { files[e.path] = e.type }
      case .deleted: files[e.path] = nil
      }
    }
    return files
  }

  /// Scans the run dir and logs every file added, modified or deleted since the last scan,
  /// as `type`. Returns the entries written.
  @discardableResult
  public func record(_ type: RunFileType, scanned: [String: Int64]? = nil) throws -> [FileLogEntry] {
    var known: [String: Int64?] = [:]
    for e in try entries() {
      if e.event == .deleted { known[e.path] = nil } else { known[e.path] = .some(e.modified) }
    }
    let now = try scanned ?? RunDirScanner.modificationTimes(runDir)
    var written: [FileLogEntry] = []
    for path in now.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
      guard let mtime = now[path] else { continue }
      if let before = known[path] {
        if before != mtime { written.append(FileLogEntry(event: .modified, type: type, modified: mtime, path: path)) }
      } else {
        written.append(FileLogEntry(event: .added, type: type, modified: mtime, path: path))
      }
    }
    for path in known.keys.sorted() where now[path] == nil {
      written.append(FileLogEntry(event: .deleted, type: type, modified: nil, path: path))
    }
    if !written.isEmpty {
      try FileIO.append(written.map(\.line).joined(), to: path)
    }
    return written
  }
}
