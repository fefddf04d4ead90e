/// The runs of a runs dir as one command sees them: records from the index, each checked
/// against its files (and read again when they changed) the first time it is asked for.
///
/// A listing of the 20 newest runs checks 20 records, not all of them: the order and the
/// containers come from the index, where they cannot be stale (the time a run is sorted
/// by is written once; a run without a `.move` dir is active; a `.move` dir is checked
/// when there is one). When the runs dir itself has not changed since the index was
/// written (its stamp), the dir is not even read.
public final class RunCatalog {
  /// The runs dir.
  public let runsDir: String
  private let index: RunIndex
  private var records: [RunKey: RunRecord] = [:]
  private var checked = Set<RunKey>()
  private var dirty = false
  private var dirStamp: UInt64 = FileStamp.absent
  private var changedSize = 0
  private let now: Int64

  /// The catalog of `runsDir` (empty when it does not exist).
  public init(runsDir: String) {
    self.runsDir = runsDir
    index = RunIndex(runsDir: runsDir)
    now = FileStamp.now()
    dirStamp = FileStamp.of(runsDir, now: now)
    guard dirStamp != FileStamp.absent else { return }
    let loaded = index.load()
    let changed = index.changed()
    changedSize = changed.size
    if changed.size > 0 { dirty = true }

    let filesByKey: [RunKey: RunFiles]
    if let loaded, loaded.dirStamp == dirStamp, dirStamp != FileStamp.racy {
      filesByKey = loaded.records.mapValues(\.files)
    } else {
      filesByKey = RunsDirScan.scan(runsDir)
      if dirStamp != FileStamp.racy { dirty = true }
    }
    let stored = loaded?.records ?? [:]
    for (key, files) in filesByKey {
      guard let form = files.metaForm else { continue }
      if var record = stored[key], record.form == form, !changed.keys.contains(key) {
        record.files = files
        if !files.contains(.move) { record.container = form.isRenamedDeleted ? RunMoves.trash : RunMoves.active }
        records[key] = record
      } else {
        read(key, form: form, files: files)
      }
    }
    if stored.count != records.count || stored.keys.contains(where: { records[$0] == nil }) { dirty = true }
    // Unsettled records (running runs, damaged meta) and runs that were moved are checked
    // now: their order or container may have changed.
    for (key, record) in records where !record.isSettled || record.files.contains(.move) {
      check(key)
    }
  }

  private func read(_ key: RunKey, form: MetaForm, files: RunFiles) {
    let record = RunRecord.read(id: key.id, form: form, files: files, runsDir: runsDir)
    records[key] = record
    checked.insert(key)
    if record.isSettled || record.stamps.meta == FileStamp.racy { dirty = true }
  }

  /// Checks the record of `key` against its files, reading it again when they changed.
  private func check(_ key: RunKey) {
    guard !checked.contains(key), let record = records[key] else { return }
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
    found.reserveCapacity(records.count)
    for (key, record) in records where container == nil || record.container == container {
      found.append((record.sortTime, key))
    }
    found.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
    return found.map(\.1)
  }

  /// How many runs each container holds.
  public func counts() -> [String: Int] {
    var result: [String: Int] = [:]
    for record in records.values { result[record.container, default: 0] += 1 }
    return result
  }

  /// Writes the index back when this catalog learned something (a new, changed or removed
  /// run). Called once a command has what it needs.
  public func save() {
    guard dirty else { return }
    dirty = false
    index.save(Array(records.values), dirStamp: dirStamp, changedSize: changedSize)
  }

  deinit {
    save()
  }
}
