import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The listing index of a runs dir, `<runs>/.index/`: `runs` holds one record per run (see
/// `RunIndexFormat`), `changed` the ids of runs changed since (one per line).
///
/// The index is a cache, never the truth: every record carries stamps of the files it was
/// read from and is checked against them before it is shown (`RunCatalog`), so a stale or
/// lost index costs time, never a wrong answer. Lifecycle steps, annotations and moves
/// append the run's id to `changed` (`noteChanged`), and the next listing reads those runs
/// again and rewrites `runs` (written under a temporary name and renamed, so readers never
/// see half of it). Python Gage ignores the dir.
public struct RunIndex: Sendable {
  /// The runs dir.
  public let runsDir: String

  /// The index of `runsDir`.
  public init(runsDir: String) {
    self.runsDir = runsDir
  }

  /// `<runs>/.index`.
  public var dir: String { FileIO.join(runsDir, ".index") }
  var recordsPath: String { FileIO.join(dir, "runs") }
  var changedPath: String { FileIO.join(dir, "changed") }

  /// Notes that `run` changed (it started, finished, was annotated or moved), when its runs
  /// dir has an index. Never fails: the index checks its records anyway.
  public static func noteChanged(_ run: Run) {
    var parent = (run.runDir as NSString).deletingLastPathComponent
    if parent.isEmpty { parent = "." }
    let index = RunIndex(runsDir: parent)
    guard FileIO.isDirectoryNoFollow(index.dir) else { return }
    try? FileIO.append(run.id + "\n", to: index.changedPath)
  }

  /// The stored index: its bytes, the runs dir stamp it was written with, and its lines.
  func load() -> (bytes: [UInt8], dirStamp: UInt64, lines: [RunIndexFormat.Line])? {
    guard let bytes = try? FileIO.readBytes(recordsPath), let parsed = RunIndexFormat.lines(bytes) else { return nil }
    return (bytes, parsed.dirStamp, parsed.lines)
  }

  /// The ids noted as changed, and the size of the file they were read from.
  func changed() -> (keys: Set<RunKey>, size: Int) {
    guard let bytes = try? FileIO.readBytes(changedPath) else { return ([], 0) }
    var keys = Set<RunKey>()
    for line in bytes.split(separator: UInt8(ascii: "\n")) where line.count == 36 {
      line.withUnsafeBufferPointer { buf in
        if let base = buf.baseAddress, let key = RunKey(utf8: base, count: 36) { keys.insert(key) }
      }
    }
    return (keys, bytes.count)
  }

  /// Writes the index `text`; then drops the changed-ids file when it is still the one
  /// read (`changedSize` bytes). Failures are ignored: a runs dir may be read-only.
  func save(_ text: [UInt8], changedSize: Int) {
    do {
      try FileIO.makeDirectories(dir)
      let temp = FileIO.join(dir, ".runs.\(getpid()).\(RunClock.nowMicros()).tmp")
      try FileIO.write(text, to: temp)
      if rename(temp, recordsPath) != 0 {
        try? FileIO.removeFile(temp)
        return
      }
      if changedSize > 0 {
        var st = stat()
        if stat(changedPath, &st) == 0, Int(st.st_size) == changedSize { unlink(changedPath) }
      }
    } catch {
      return
    }
  }
}
