/// The runs of a runs dir as one command sees them: records from the index, each checked
/// against its files (and read again when they changed) the first time it is asked for.
///
/// A listing of the 20 newest runs checks 20 records, not all of them: the order and the
/// containers come from the index, where they cannot be stale (the time a run is sorted
/// by is written once; a run without a `.move` dir is active; a `.move` dir is checked
/// when there is one). When the runs dir itself has not changed since the index was
/// written (its stamp), the dir is not even read. Index lines are decoded only for the
/// records asked for.
public final class RunCatalog {
  /// The runs dir.
  public let runsDir: String
  private let index: RunIndex
  private var slots: [RunKey: Slot] = [:]
  private var checked = Set<RunKey>()
  private var dirty = false
  private var dirStamp: UInt64 = FileStamp.absent
  private var changedSize = 0
  private var stored: [UInt8] = []
  private let now: Int64

  /// A run as the catalog holds it: still a line of the stored index, or a record.
  private enum Slot {
    case line(RunIndexFormat.Line)
    case record(RunRecord)

    var sortTime: Int64 {
      switch self {
      case .line(let l): return l.sortTime
      case .record(let r): return r.sortTime
      }
    }

    /// The container; a line is only left undecoded for a run without `.move` markers.
    var container: String {
      switch self {
      case .line(let l): return l.form.isRenamedDeleted ? RunMoves.trash : RunMoves.active
      case .record(let r): return r.container
      }
    }
  }

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
    dirStamp = FileStamp.of(runsDir, now: now)
    guard dirStamp != FileStamp.absent else { return }
    let loaded = index.load()
    let changed = index.changed()
    changedSize = changed.size
    if changed.size > 0 { dirty = true }
    stored = loaded?.bytes ?? []
    var lines: [RunKey: RunIndexFormat.Line] = [:]
    lines.reserveCapacity(loaded?.lines.count ?? 0)
    for line in loaded?.lines ?? [] { lines[line.key] = line }

    if let loaded, loaded.dirStamp == dirStamp, dirStamp != FileStamp.racy {
      slots.reserveCapacity(lines.count)
      for (key, line) in lines {
        if changed.keys.contains(key) {
          read(key, form: line.form, files: line.files)
        } else {
          slots[key] = .line(line)
        }
      }
    } else {
      if dirStamp != FileStamp.racy { dirty = true }
      let scanned = RunsDirScan.scan(runsDir)
      slots.reserveCapacity(scanned.count)
      for (key, files) in scanned {
        guard let form = files.metaForm else { continue }
        if let line = lines[key], line.form == form, line.files == files, !changed.keys.contains(key) {
          slots[key] = .line(line)
        } else {
          read(key, form: form, files: files)
        }
      }
      if lines.keys.contains(where: { slots[$0] == nil }) { dirty = true }
    }
    // Runs that were moved, unfinished runs and damaged ones are checked now: their
    // container or order may have changed.
    var toCheck: [RunKey] = []
    for (key, slot) in slots {
      if case .line(let line) = slot, line.files.contains(.move) || !line.settled { toCheck.append(key) }
    }
    for key in toCheck { check(key) }
  }

  private func decode(_ line: RunIndexFormat.Line) -> RunRecord? {
    guard var record = RunIndexFormat.record(line, in: stored, runsDir: runsDir) else { return nil }
    record.files = line.files
    if !line.files.contains(.move) { record.container = line.form.isRenamedDeleted ? RunMoves.trash : RunMoves.active }
    return record
  }

  private func read(_ key: RunKey, form: MetaForm, files: RunFiles) {
    let record = RunRecord.read(id: key.id, form: form, files: files, runsDir: runsDir, now: now)
    slots[key] = .record(record)
    checked.insert(key)
    dirty = true
  }

  /// Checks the record of `key` against its files, reading it again when they changed.
  private func check(_ key: RunKey) {
    guard !checked.contains(key), let slot = slots[key] else { return }
    let record: RunRecord
    switch slot {
    case .record(let r): record = r
    case .line(let line):
      guard let decoded = decode(line) else {
        read(key, form: line.form, files: line.files)
        return
      }
      record = decoded
      slots[key] = .record(decoded)
    }
    checked.insert(key)
    guard record.isSettled else {
      read(key, form: record.form, files: record.files)
      return
    }
    let run = record.run
    var stamps = RunRecord.Stamps()
    stamps.meta = FileStamp.of(run.metaDir, now: now)
    if record.form == .dir { stamps.exit = FileStamp.of(run.metaPath(MetaFile.exit), now: now) }
    if record.files.contains(.user) || record.files.contains(.userDeleted) {
      stamps.user = FileStamp.of(run.userDir, now: now)
    }
    if record.files.contains(.move) { stamps.move = FileStamp.of(run.moveDir, now: now) }
    if stamps != record.stamps || stamps.meta == FileStamp.racy {
      read(key, form: record.form, files: record.files)
    }
  }

  /// The record of `key`, checked.
  public func record(_ key: RunKey) -> RunRecord? {
    check(key)
    if case .record(let r) = slots[key] { return r }
    return nil
  }

  /// The record of the run with id `id`, checked.
  public func record(id: String) -> RunRecord? {
    RunKey(id).flatMap(record)
  }

  /// The keys of the runs in `container` (nil: every container), newest first. Records are
  /// not checked here (see the type's note); ask `record(_:)` for each one shown.
  public func keys(in container: String?) -> [RunKey] {
    var found: [(Int64, RunKey)] = []
    found.reserveCapacity(slots.count)
    for (key, slot) in slots where container == nil || slot.container == container {
      found.append((slot.sortTime, key))
    }
    found.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
    return found.map(\.1)
  }

  /// How many runs each container holds.
  public func counts() -> [String: Int] {
    var result: [String: Int] = [:]
    for slot in slots.values { result[slot.container, default: 0] += 1 }
    return result
  }

  /// Writes the index back when this catalog learned something (a new, changed or removed
  /// run). Lines of records that were not decoded are copied as they were.
  public func save() {
    guard dirty else { return }
    dirty = false
    var text = RunIndexFormat.header(dirStamp: dirStamp)
    text.reserveCapacity(stored.count + 4096)
    for key in slots.keys.sorted() {
      switch slots[key] {
      case .line(let line):
        text.append(contentsOf: stored[line.range])
        text.append(0x0A)
      case .record(let record):
        text.append(contentsOf: RunIndexFormat.line(record))
      case .none: continue
      }
    }
    index.save(text, changedSize: changedSize)
  }

  deinit {
    save()
  }
}
