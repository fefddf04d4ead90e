#if canImport(Glibc)
  import Glibc
#endif

/// The digest index of a runs dir, `<runs>/.index/digests`: which runs' manifests hold a
/// file's SHA-256, so that `gage audit` answers without reading every manifest.
///
/// Like the listing index it is a cache, never the truth. Each run's entry carries the
/// stamp (`FileStamp`) of the manifest it was read from and whether the run had finished
/// then. Opening the index brings it up to date: when the runs dir's own stamp is the one
/// the index was written with, no run was added or removed, and only unfinished runs are
/// checked; otherwise the dir is listed, runs that are new or whose manifest stamp changed
/// are read, and runs that are gone are dropped. An index that is missing, damaged or of
/// another version is rebuilt from the manifests. The index holds 8-byte digest prefixes;
/// every answer is confirmed against the run's manifest, which gives the type and path,
/// and a run whose manifest does not confirm is read again.
///
/// Changes are written back (under a temporary name, then renamed) by `save()`, only when
/// there are any; a runs dir that cannot be written is answered from memory.
public final class DigestIndex {
  /// The runs dir.
  public let runsDir: String
  private let now: Int64
  /// The runs dir, open (manifests are stamped relative to it); nil when it is missing.
  private let dir: FileDescriptor?
  private var dirFD: Int32 { dir?.raw ?? -1 }
  private var dirStamp: UInt64
  /// The runs, sorted by key.
  private var runs: [DigestIndexFormat.RunEntry] = []
  /// The stored index, while its records are the ones in use.
  private var stored: DigestIndexFormat.Stored?
  /// The records, once they differ from the stored ones.
  private var records: [DigestIndexFormat.Record]?
  private var dirty = false

  /// How many runs were read from their manifests while opening (for tests and docs).
  public private(set) var runsRead = 0

  /// The index of `runsDir`, brought up to date (empty when the dir does not exist).
  public convenience init(runsDir: String) {
    self.init(runsDir: runsDir, now: FileStamp.now())
  }

  /// The index of `runsDir`, judging stamps racy against `now` (epoch ns; tests pass a
  /// later time to see the index used as it is once files have settled).
  init(runsDir: String, now: Int64) {
    self.runsDir = runsDir
    self.now = now
    dir = FileDescriptor.openDirectory(runsDir)
    dirStamp = FileStamp.of(runsDir, now: now)
    guard dir != nil, dirStamp != FileStamp.absent else { return }
    let path = Self.path(runsDir)
    if let bytes = try? FileIO.readBytes(path) {
      stored = DigestIndexFormat.Stored(bytes)
      if stored == nil { dirty = true }
    }
    runs = stored?.runs ?? []
    refresh()
  }

  deinit {
    save()
  }

  /// `<runs>/.index/digests`.
  static func path(_ runsDir: String) -> String {
    FileIO.join(RunIndex(runsDir: runsDir).dir, "digests")
  }

  /// How many runs the index covers.
  public var runCount: Int { runs.count }

  /// How many records (run, digest prefix) it holds.
  public var recordCount: Int { records?.count ?? stored?.recordCount ?? 0 }

  // MARK: Bringing the index up to date

  /// Checks the entries against the runs dir and reads the runs that changed.
  private func refresh() {
    var next: [DigestIndexFormat.RunEntry] = []
    var toRead: [(RunKey, MetaForm)] = []
    if let stored, stored.dirStamp == dirStamp, dirStamp != FileStamp.racy {
      // No run was added or removed: finished runs' manifests are final.
      next.reserveCapacity(runs.count)
      for entry in runs {
        if entry.settled && entry.stamp != FileStamp.racy {
          next.append(entry)
        } else {
          check(entry, into: &next, toRead: &toRead)
        }
      }
    } else {
      // Record the new runs dir stamp, so that the next command need not list the dir.
      if stored != nil, dirStamp != FileStamp.racy { dirty = true }
      let present = RunsDirScan.scan(runsDir).compactMap { key, files in
        files.metaForm.map { (key: key, form: $0) }
      }.sorted { $0.key < $1.key }
      next.reserveCapacity(present.count)
      var old = 0
      for (key, form) in present {
        while old < runs.count && runs[old].key < key { old += 1 }
        if old < runs.count, runs[old].key == key, runs[old].form == form {
          check(runs[old], into: &next, toRead: &toRead)
        } else {
          toRead.append((key, form))
          next.append(
            DigestIndexFormat.RunEntry(key: key, stamp: 0, count: 0, form: form, settled: false))
        }
      }
    }
    let fresh = read(toRead)
    replace(with: next, fresh: fresh)
  }

  /// Keeps `entry` when its manifest's stamp holds (marking it finished when it now is);
  /// otherwise schedules it to be read.
  private func check(
    _ entry: DigestIndexFormat.RunEntry, into next: inout [DigestIndexFormat.RunEntry],
    toRead: inout [(RunKey, MetaForm)]
  ) {
    let stamp = FileStamp.of(dirfd: dirFD, Self.manifestName(entry.key, entry.form), now: now)
    if stamp != entry.stamp || stamp == FileStamp.racy {
      toRead.append((entry.key, entry.form))
      next.append(entry)
      return
    }
    var entry = entry
    if !entry.settled, entry.form == .dir || entry.form == .deletedDir,
      FileStamp.of(
        dirfd: dirFD, entry.key.id + entry.form.metaSuffix + "/" + MetaFile.exit, now: now)
        != FileStamp.absent
    {
      // The manifest has not changed since it was read, and the run has finished since:
      // finalize writes `proc/exit` after the manifest, so what was read is final.
      entry.settled = true
      dirty = true
    }
    next.append(entry)
  }

  /// The name, relative to the runs dir, of the file a run's manifest stamp is taken from.
  static func manifestName(_ key: RunKey, _ form: MetaForm) -> String {
    switch form {
    case .dir, .deletedDir: return key.id + form.metaSuffix + "/" + MetaFile.manifest
    case .zip, .deletedZip: return key.id + form.metaSuffix
    }
  }

  /// Reads the manifests of `runs` (in parallel when there are many).
  private func read(
    _ runs: [(RunKey, MetaForm)]
  ) -> [RunKey: (
    DigestIndexFormat.RunEntry, [UInt64]
  )] {
    guard !runs.isEmpty else { return [:] }
    runsRead += runs.count
    let runsDir = runsDir
    let dirFD = dirFD
    let now = now
    let results = Parallel.map(runs.map { RunToRead(key: $0.0, form: $0.1) }) { run in
      Self.read(run.key, run.form, runsDir: runsDir, dirFD: dirFD, now: now)
    }
    var fresh: [RunKey: (DigestIndexFormat.RunEntry, [UInt64])] = [:]
    fresh.reserveCapacity(runs.count)
    for result in results {
      if case .success(let read) = result { fresh[read.entry.key] = (read.entry, read.prefixes) }
    }
    return fresh
  }

  /// A run to read, as one value for `Parallel.map`.
  private struct RunToRead: Sendable {
    let key: RunKey
    let form: MetaForm
  }

  /// What one run's manifest holds, and its entry: whether the run had finished is looked
  /// at first, and the stamp is taken before the manifest is read, so that a change made
  /// while reading makes the entry stale rather than wrong.
  static func read(
    _ key: RunKey, _ form: MetaForm, runsDir: String, dirFD: Int32, now: Int64
  )
    -> (entry: DigestIndexFormat.RunEntry, prefixes: [UInt64])
  {
    var entry = DigestIndexFormat.RunEntry(
      key: key, stamp: FileStamp.absent, count: 0, form: form, settled: false)
    guard
      let manifest = manifestBytes(
        key, form, runsDir: runsDir, dirFD: dirFD, now: now, entry: &entry)
    else {
      return (entry, [])
    }
    let prefixes = DigestIndexFormat.prefixes(manifest: manifest)
    entry.count = UInt32(truncatingIfNeeded: prefixes.count)
    return (entry, prefixes)
  }

  /// The bytes of a run's manifest (nil when it has none, or it cannot be read), setting
  /// `entry`'s stamp and finished flag.
  private static func manifestBytes(
    _ key: RunKey, _ form: MetaForm, runsDir: String, dirFD: Int32, now: Int64,
    entry: inout DigestIndexFormat.RunEntry
  ) -> [UInt8]? {
    let name = manifestName(key, form)
    switch form {
    case .dir, .deletedDir:
      entry.settled =
        FileStamp.of(dirfd: dirFD, key.id + form.metaSuffix + "/" + MetaFile.exit, now: now)
        != FileStamp.absent
      let fd = openat(dirFD, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
      guard fd >= 0 else {
        // No manifest yet (a run being made): its stamp is "absent" until one appears.
        // Any other failure (a link, no permission) is tried again next time.
        entry.stamp = errno == ENOENT ? FileStamp.of(dirfd: dirFD, name, now: now) : FileStamp.racy
        return nil
      }
      defer { close(fd) }
      var st = stat()
      guard fstat(fd, &st) == 0 else { return nil }
      entry.stamp = FileStamp.stamp(st, now: now)
      guard let bytes = readStamped(fd, size: Int(st.st_size)) else {
        entry.stamp = FileStamp.racy  // unread: try again next time
        return nil
      }
      return bytes
    case .zip, .deletedZip:
      entry.stamp = FileStamp.of(dirfd: dirFD, name, now: now)
      guard let meta = try? RunMeta(run: form.run(id: key.id, runsDir: runsDir)) else {
        entry.stamp = FileStamp.racy  // unread: try again next time
        return nil
      }
      entry.settled = meta.exists(MetaFile.exit)
      return meta.bytes(MetaFile.manifest)
    }
  }

  /// The `size` bytes of the open file `fd` (fewer if it ends sooner): what its stamp,
  /// taken by the same `fstat`, describes. Bytes written since changed its stamp, so the
  /// entry is read again the next time; no extra read to find the end is needed.
  private static func readStamped(_ fd: Int32, size: Int) -> [UInt8]? {
    FileIO.read(fd: fd, count: size)
  }

  /// Makes `next` (sorted by key) the runs of the index: a run in `fresh` takes the
  /// records read for it; any other keeps its records.
  private func replace(
    with next: [DigestIndexFormat.RunEntry], fresh: [RunKey: (DigestIndexFormat.RunEntry, [UInt64])]
  ) {
    let sameRuns =
      fresh.isEmpty && next.count == runs.count
      && zip(next, runs).allSatisfy { $0.key == $1.key }
    if sameRuns {
      runs = next
      return
    }
    dirty = true
    // Old position -> new position (-1: dropped, or read again).
    var moved = [Int](repeating: -1, count: runs.count)
    var j = 0
    for (i, entry) in runs.enumerated() {
      while j < next.count && next[j].key < entry.key { j += 1 }
      if j < next.count, next[j].key == entry.key, fresh[entry.key] == nil { moved[i] = j }
    }
    let current = records ?? stored?.records() ?? []
    var kept: [DigestIndexFormat.Record] = []
    kept.reserveCapacity(current.count)
    for record in current where Int(record.run) < moved.count {
      let to = moved[Int(record.run)]
      if to >= 0 { kept.append(DigestIndexFormat.Record(prefix: record.prefix, run: UInt32(to))) }
    }
    var added: [DigestIndexFormat.Record] = []
    var updated = next
    for (n, entry) in next.enumerated() {
      guard let (read, prefixes) = fresh[entry.key] else { continue }
      updated[n] = read
      for p in prefixes { added.append(DigestIndexFormat.Record(prefix: p, run: UInt32(n))) }
    }
    let merged = Self.merge(kept, DigestIndexFormat.sorted(added))
    var counts = [UInt32](repeating: 0, count: updated.count)
    for record in merged { counts[Int(record.run)] += 1 }
    for n in updated.indices { updated[n].count = counts[n] }
    runs = updated
    records = merged
    stored = nil
  }

  /// Two sorted record lists as one.
  static func merge(
    _ a: [DigestIndexFormat.Record], _ b: [DigestIndexFormat.Record]
  )
    -> [DigestIndexFormat.Record]
  {
    if b.isEmpty { return a }
    if a.isEmpty { return b }
    var out: [DigestIndexFormat.Record] = []
    out.reserveCapacity(a.count + b.count)
    var i = 0
    var j = 0
    while i < a.count && j < b.count {
      if b[j] < a[i] {
        out.append(b[j])
        j += 1
      } else {
        out.append(a[i])
        i += 1
      }
    }
    out.append(contentsOf: a[i...])
    out.append(contentsOf: b[j...])
    return out
  }

  // MARK: Answers

  /// The runs the index says may hold a file with hex SHA-256 `digest` (unconfirmed).
  func candidates(_ digest: String) -> [RunKey] {
    guard let prefix = DigestIndexFormat.prefix(hex: digest) else { return [] }
    var positions: [Int] = []
    if let records {
      var low = 0
      var high = records.count
      while low < high {
        let mid = (low + high) / 2
        if records[mid].prefix < prefix { low = mid + 1 } else { high = mid }
      }
      while low < records.count && records[low].prefix == prefix {
        positions.append(Int(records[low].run))
        low += 1
      }
    } else if let stored {
      positions = stored.runs(prefix: prefix)
    }
    return positions.compactMap { $0 < runs.count ? runs[$0].key : nil }
  }

  /// Every run whose manifest holds a file with hex SHA-256 `digest` (lowercase), with the
  /// manifest's entries for it, in id order. Each answer is read from the run's manifest;
  /// a run the index named wrongly is read into the index again.
  public func runs(holding digest: String) -> [(run: Run, entries: [ManifestEntry])] {
    let digest = digest.lowercased()
    var found: [(run: Run, entries: [ManifestEntry])] = []
    var stale: [(RunKey, MetaForm)] = []
    for key in candidates(digest) {
      guard let n = position(key) else { continue }
      let form = runs[n].form
      let run = form.run(id: key.id, runsDir: runsDir)
      let manifest = Self.manifest(of: run, form: form)
      let entries = Self.entries(manifest, digest: digest)
      if !entries.isEmpty {
        found.append((run, entries))
      } else if !Self.holdsPrefix(manifest, digest: digest) {
        stale.append((key, form))
      }
    }
    if !stale.isEmpty {
      let fresh = read(stale)
      replace(with: runs, fresh: fresh)
    }
    return found
  }

  /// The position of `key` in `runs`.
  private func position(_ key: RunKey) -> Int? {
    var low = 0
    var high = runs.count
    while low < high {
      let mid = (low + high) / 2
      if runs[mid].key < key { low = mid + 1 } else { high = mid }
    }
    return low < runs.count && runs[low].key == key ? low : nil
  }

  /// The manifest text of `run` as it is now (empty when it cannot be read).
  static func manifest(of run: Run, form: MetaForm) -> [UInt8] {
    switch form {
    case .dir, .deletedDir:
      let path = run.metaPath(MetaFile.manifest)
      let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
      guard fd >= 0 else { return [] }
      defer { close(fd) }
      return (try? FileIO.readAll(fd: fd, path: path)) ?? []
    case .zip, .deletedZip:
      return (try? RunMeta(run: run))?.bytes(MetaFile.manifest) ?? []
    }
  }

  /// The entries of manifest text whose digest is `digest`.
  static func entries(_ manifest: [UInt8], digest: String) -> [ManifestEntry] {
    let target = Array(digest.utf8)
    guard target.count == 64 else { return [] }
    var found: [ManifestEntry] = []
    manifest.withUnsafeBytes { raw in
      ManifestLines.forEach(raw, typed: true) { line, _, _ in
        guard let line, let code = line.type, raw[line.digest].elementsEqual(target),
          let type = RunFileType(rawValue: String(UnicodeScalar(code)))
        else { return }
        found.append(ManifestEntry(type: type, digest: digest, path: ManifestLines.path(raw, line.path)))
      }
    }
    return found
  }

  /// Whether manifest text holds a digest with the same first 16 hex digits as `digest`.
  static func holdsPrefix(_ manifest: [UInt8], digest: String) -> Bool {
    guard let prefix = DigestIndexFormat.prefix(hex: digest) else { return false }
    return DigestIndexFormat.prefixes(manifest: manifest).contains(prefix)
  }

  // MARK: Writing

  /// Writes the index back when it changed. Failures are ignored: a runs dir may be
  /// read-only, and the next audit reads the manifests again.
  public func save() {
    guard dirty, dirFD >= 0 else { return }
    dirty = false
    let bytes = DigestIndexFormat.encode(
      dirStamp: dirStamp, runs: runs, records: records ?? stored?.records() ?? [])
    let dir = RunIndex(runsDir: runsDir).dir
    do {
      try FileIO.makeDirectories(dir)
      StaleTemporaryFiles.remove(in: dir)
      try FileIO.writeAtomically(bytes, to: Self.path(runsDir))
    } catch {
      return
    }
  }
}
