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

  /// The stored index, open for reading its lines, or nil when there is none (or it is
  /// not one this version reads).
  func open() -> StoredIndex? {
    StoredIndex(path: recordsPath)
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

  /// Writes the index `text` (see `RunIndexFormat.encode`); then drops the changed-ids file when it is still the one
  /// read (`changedSize` bytes). Failures are ignored: a runs dir may be read-only.
  func save(_ text: [UInt8], changedSize: Int) {
    do {
      try FileIO.makeDirectories(dir)
      StaleTemporaryFiles.remove(in: dir)
      try FileIO.writeAtomically(text, to: recordsPath)
      if changedSize > 0 {
        var st = stat()
        if stat(changedPath, &st) == 0, Int(st.st_size) == changedSize { unlink(changedPath) }
      }
    } catch {
      return
    }
  }
}

/// An index file as it was when opened: header and table read, lines read on demand
/// (the file stays open, so a newer index renamed over it changes nothing here).
final class StoredIndex {
  private let file: FileDescriptor
  private var fd: Int32 { file.raw }
  /// The runs dir stamp it was written with.
  let dirStamp: UInt64
  /// Its table, newest run first.
  let entries: [RunIndexFormat.Entry]
  private let textOffset: Int

  init?(path: String) {
    guard let file = FileDescriptor.open(path, O_RDONLY) else { return nil }
    let prefix = StoredIndex.read(file.raw, offset: 0, count: 64 * 1024) ?? []
    guard
      let table = RunIndexFormat.table(
        prefix, readMore: { offset, count in StoredIndex.read(file.raw, offset: offset, count: count) })
    else { return nil }
    self.file = file
    dirStamp = table.dirStamp
    entries = table.entries
    textOffset = table.textOffset
  }

  /// The line of `entry`, without its newline.
  func line(_ entry: RunIndexFormat.Entry) -> [UInt8]? {
    guard
      let bytes = StoredIndex.read(
        fd, offset: textOffset + entry.lineOffset, count: entry.lineLength),
      bytes.count == entry.lineLength
    else { return nil }
    return bytes
  }

  /// The lines of every entry, one read.
  func allLines() -> [UInt8]? {
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    return StoredIndex.read(fd, offset: textOffset, count: max(0, Int(st.st_size) - textOffset))
  }

  /// Up to `count` bytes at `offset`.
  static func read(_ fd: Int32, offset: Int, count: Int) -> [UInt8]? {
    FileIO.read(fd: fd, count: count, offset: offset)
  }
}
