#if canImport(Glibc)
  import Glibc
#endif

/// The runs of a runs dir as one command sees them: records from the index, each checked
/// against its files (and read again when they changed) the first time it is asked for.
///
/// A listing of the 20 newest runs checks 20 records, not all of them: the order and the
/// containers come from the index's table, where they cannot be stale (the time a run is
/// sorted by is written once; a run without a `.move` dir is active, and a `.move` dir's
/// stamp is checked when there is one). When the runs dir itself has not changed since the
/// index was written (its stamp), the dir is not even read. Lines of the index are read
/// only for the records asked for.
public final class RunCatalog {
  /// The runs dir.
  public let runsDir: String
  private let index: RunIndex
  private var stored: StoredIndex?
  /// Every run: its stored entry, or one made from its record.
  private var entries: [RunIndexFormat.Entry] = []
  /// Runs read from files or decoded from their line.
  private var records: [RunKey: RunRecord] = [:]
  private var checked = Set<RunKey>()
  private var dirty = false
  private var dirStamp: UInt64 = FileStamp.absent
  private var changedSize = 0
  private let now: Int64
  /// The runs dir, open: files of runs are stamped relative to it (no path walk per file).
  private let dir: FileDescriptor?
  private var dirFD: Int32 { dir?.raw ?? -1 }

  /// The catalog of `runsDir` (empty when it does not exist).
  public convenience init(runsDir: String) {
    self.init(runsDir: runsDir, now: FileStamp.now())
  }

  /// The catalog of `runsDir`, judging stamps racy against `now` (epoch ns; tests pass a
  /// later time to see the index used as it is once files have settled).
  init(runsDir: String, now: Int64) {
    self.runsDir = runsDir
    index = RunIndex(runsDir: runsDir)
    self.now = now
    dir = FileDescriptor.openDirectory(runsDir)
    dirStamp = FileStamp.of(runsDir, now: now)
    guard dirStamp != FileStamp.absent, dir != nil else {
      loading = false
      return
    }
    stored = index.open()
    let changed = index.changed()
    changedSize = changed.size
    if changed.size > 0 { dirty = true }
    let storedEntries = stored?.entries ?? []
    entries.reserveCapacity(storedEntries.count)

    if let stored, stored.dirStamp == dirStamp, dirStamp != FileStamp.racy {
      for entry in storedEntries {
        if changed.keys.contains(entry.key) {
          read(entry.key, form: entry.form, files: entry.files)
        } else {
          admit(entry)
        }
      }
    } else {
      if dirStamp != FileStamp.racy { dirty = true }
      var byKey: [RunKey: RunIndexFormat.Entry] = [:]
      byKey.reserveCapacity(storedEntries.count)
      for entry in storedEntries { byKey[entry.key] = entry }
      var kept = 0
      for (key, files) in RunsDirScan.scan(runsDir) {
        guard let form = files.metaForm else { continue }
        if byKey[key] != nil { kept += 1 }
        if let entry = byKey[key], entry.form == form, entry.files == files,
          !changed.keys.contains(key)
        {
          admit(entry)
        } else {
          read(key, form: form, files: files)
        }
      }
      if kept != byKey.count { dirty = true }
    }
    loading = false
  }

  /// Takes a stored entry: unfinished runs are read again at once (their order may have
  /// changed); a moved run keeps its container while its `.move` stamp holds; an archived
  /// one is decoded (its line names the archive).
  private func admit(_ entry: RunIndexFormat.Entry) {
    guard entry.settled else {
      read(entry.key, form: entry.form, files: entry.files)
      return
    }
    var entry = entry
    if entry.files.contains(.move) {
      let stamp = stampOf(entry.key.id + ".move")
      if stamp != entry.moveStamp || stamp == FileStamp.racy {
        read(entry.key, form: entry.form, files: entry.files)
        return
      }
    } else {
      entry.container = entry.form.isRenamedDeleted ? .trash : .active
    }
    if entry.container == .archive {
      guard let record = decode(entry) else {
        read(entry.key, form: entry.form, files: entry.files)
        return
      }
      records[entry.key] = record
    }
    entries.append(entry)
  }

  /// The stored lines, once many records were asked for (one read instead of one each).
  private var storedLines: [UInt8]?
  private var linesRead = 0

  private func line(_ entry: RunIndexFormat.Entry) -> [UInt8]? {
    linesRead += 1
    if storedLines == nil && linesRead > 64 { storedLines = stored?.allLines() }
    if let storedLines {
      let end = entry.lineOffset + entry.lineLength
      return end <= storedLines.count ? Array(storedLines[entry.lineOffset..<end]) : nil
    }
    return stored?.line(entry)
  }

  private func decode(_ entry: RunIndexFormat.Entry) -> RunRecord? {
    guard let line = line(entry),
      var record = RunIndexFormat.record(line: line, runsDir: runsDir),
      record.id == entry.key.id
    else { return nil }
    record.files = entry.files
    return record
  }

  /// Reads a run from its files. While loading, every run read is new to `entries`; after,
  /// a run read again keeps its entry (its record takes precedence).
  private func read(_ key: RunKey, form: MetaForm, files: RunFiles) {
    let record = RunRecord.read(id: key.id, form: form, files: files, runsDir: runsDir, now: now)
    if loading { entries.append(RunIndexFormat.entry(record, key: key)) }
    records[key] = record
    checked.insert(key)
    dirty = true
  }

  private var loading = true
  private var positionsBuilt = false
  private var positionTable: [RunKey: Int] = [:]

  /// Where `key`'s entry is in `entries`.
  private func position(_ key: RunKey) -> Int? {
    if !positionsBuilt {
      positionTable.reserveCapacity(entries.count)
      for (n, e) in entries.enumerated() { positionTable[e.key] = n }
      positionsBuilt = true
    }
    return positionTable[key]
  }

  /// Checks the record of `key` against its files, reading it again when they changed.
  private func check(_ key: RunKey) {
    guard !checked.contains(key) else { return }
    let record: RunRecord
    if let r = records[key] {
      record = r
    } else {
      guard let n = position(key) else { return }
      let entry = entries[n]
      guard let decoded = decode(entry) else {
        read(key, form: entry.form, files: entry.files)
        return
      }
      record = decoded
      records[key] = decoded
    }
    checked.insert(key)
    guard record.isSettled else {
      read(key, form: record.form, files: record.files)
      return
    }
    var stamps = RunRecord.Stamps()
    let meta = record.id + record.form.metaSuffix
    stamps.meta = stampOf(meta)
    if record.form == .dir { stamps.exit = stampOf(meta + "/" + MetaFile.exit) }
    if record.files.contains(record.form.userFile) {
      stamps.user = stampOf(record.id + (record.form.isRenamedDeleted ? ".user.deleted" : ".user"))
    }
    if record.files.contains(.move) { stamps.move = stampOf(record.id + ".move") }
    if stamps != record.stamps || stamps.meta == FileStamp.racy {
      read(key, form: record.form, files: record.files)
    }
  }

  /// The stamp of `name` in the runs dir.
  private func stampOf(_ name: String) -> UInt64 {
    FileStamp.of(dirfd: dirFD, name, now: now)
  }

  /// The record of `key`, checked.
  public func record(_ key: RunKey) -> RunRecord? {
    check(key)
    return records[key]
  }

  /// The record of the run with id `id`, checked.
  public func record(id: String) -> RunRecord? {
    RunKey(id).flatMap(record)
  }

  /// The keys of the runs in `container` (nil: every container), newest first. Records are
  /// not checked here (see the type's note); ask `record(_:)` for each one shown.
  public func keys(in container: String?) -> [RunKey] {
    var found: [(Int64, RunKey)] = []
    found.reserveCapacity(entries.count)
    for entry in entries {
      if let record = records[entry.key] {
        if container == nil || record.container == container {
          found.append((record.sortTime, entry.key))
        }
      } else if container == nil || Self.name(entry.container) == container {
        found.append((entry.sortTime, entry.key))
      }
    }
    let ordered = { (a: (Int64, RunKey), b: (Int64, RunKey)) in a.0 != b.0 ? a.0 > b.0 : a.1 < b.1 }
    if zip(found, found.dropFirst()).contains(where: { !ordered($0, $1) }) {
      found.sort(by: ordered)
    }
    return found.map(\.1)
  }

  /// The container name of an undecoded entry (archived entries are always decoded).
  private static func name(_ code: RunIndexFormat.ContainerCode) -> String {
    code == .trash ? RunMoves.trash : RunMoves.active
  }

  /// How many runs each container holds.
  public func counts() -> [String: Int] {
    var result: [String: Int] = [:]
    for entry in entries {
      let container = records[entry.key]?.container ?? Self.name(entry.container)
      result[container, default: 0] += 1
    }
    return result
  }

  /// Writes the index back when this catalog learned something (a new, changed or removed
  /// run). Lines of records that were not decoded are copied as they were.
  public func save() {
    guard dirty else { return }
    dirty = false
    let text = storedLines ?? stored?.allLines() ?? []
    var runs: [(entry: RunIndexFormat.Entry, line: [UInt8])] = []
    runs.reserveCapacity(entries.count)
    for key in keys(in: nil) {
      if let record = records[key] {
        runs.append((RunIndexFormat.entry(record, key: key), RunIndexFormat.line(record)))
      } else if let n = position(key) {
        let entry = entries[n]
        let end = entry.lineOffset + entry.lineLength
        guard end <= text.count else { continue }
        runs.append((entry, Array(text[entry.lineOffset..<end]) + [0x0A]))
      }
    }
    index.save(RunIndexFormat.encode(dirStamp: dirStamp, runs), changedSize: changedSize)
  }

  deinit {
    save()
  }
}
