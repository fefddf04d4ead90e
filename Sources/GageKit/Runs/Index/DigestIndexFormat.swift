#if canImport(Glibc)
  import Glibc
#endif

/// The format of a runs dir's digest index, `<runs>/.index/digests` (described in
/// `docs/audit.md`): which runs' manifests hold a file digest, found by binary search.
///
/// All numbers little-endian:
///
/// 1. a header of 44 bytes: the text `gage-digest-index<TAB>1<LF>` (20 bytes), the runs
///    dir stamp (8), the run count (4), the record count (4) and a checksum (8) of
///    everything after the header;
/// 2. a table of runs, sorted by id, 32 bytes each: the id (two 64-bit halves), the stamp
///    of the manifest it was read from, how many records it has (4), its meta form (1, as
///    in the listing index: `d`, `z`, `D`, `Z`), flags (1: bit 0, finished when read), and 2
///    bytes of padding;
/// 3. the records, 12 bytes each, sorted: the first 8 bytes of a SHA-256 digest (as a
///    big-endian number, so numbers sort as the digests do) and the position of a run in
///    the table (4). A run has one record per distinct digest prefix in its manifest.
///
/// The file is exactly as long as its counts say, its runs are in strictly increasing
/// order, every record names a run of the table, and the checksum holds: anything else is
/// not an index, and the whole file is rebuilt.
enum DigestIndexFormat {
  static let magic: [UInt8] = Array("gage-digest-index\t1\n".utf8)
  static let headerSize = 44
  static let runSize = 32
  static let recordSize = 12

  /// One run of the table.
  struct RunEntry: Equatable {
    /// The run's key.
    var key: RunKey
    /// The stamp of its manifest (a meta dir's `manifest`, or the zipped meta itself).
    var stamp: UInt64
    /// How many records it has.
    var count: UInt32
    /// How its meta is kept.
    var form: MetaForm
    /// Whether it had finished (`proc/exit` written) when its manifest was read: its
    /// manifest was final.
    var settled: Bool
  }

  /// One record: a digest prefix and the position of a run in the table.
  struct Record: Comparable {
    /// The first 8 bytes of the digest, big-endian.
    var prefix: UInt64
    /// The run's position in the table.
    var run: UInt32

    static func < (a: Record, b: Record) -> Bool {
      a.prefix != b.prefix ? a.prefix < b.prefix : a.run < b.run
    }
  }

  /// An index file's bytes, checked: its runs decoded, its records left in place and
  /// searched where they are.
  struct Stored {
    /// The runs dir stamp it was written with.
    let dirStamp: UInt64
    /// Its runs, sorted by key.
    let runs: [RunEntry]
    private let bytes: [UInt8]
    private let recordsOffset: Int
    /// How many records it holds.
    let recordCount: Int

    /// The index in `bytes`, or nil when they are not a whole, intact index of this version.
    init?(_ bytes: [UInt8]) {
      let h = DigestIndexFormat.self
      guard bytes.count >= h.headerSize, bytes[0..<h.magic.count].elementsEqual(h.magic) else {
        return nil
      }
      let header = bytes.withUnsafeBytes { raw in
        (
          stamp: h.u64(raw, h.magic.count), runs: Int(h.u32(raw, h.magic.count + 8)),
          records: Int(h.u32(raw, h.magic.count + 12)), checksum: h.u64(raw, h.magic.count + 16)
        )
      }
      let recordsOffset = h.headerSize + header.runs * h.runSize
      guard bytes.count == recordsOffset + header.records * h.recordSize,
        h.checksum(bytes, from: h.headerSize) == header.checksum
      else { return nil }
      var runs: [RunEntry] = []
      runs.reserveCapacity(header.runs)
      var total = 0
      let ok = bytes.withUnsafeBytes { raw -> Bool in
        for n in 0..<header.runs {
          let at = h.headerSize + n * h.runSize
          guard let form = MetaForm(rawValue: String(UnicodeScalar(raw[at + 28]))) else {
            return false
          }
          let entry = RunEntry(
            key: RunKey(high: h.u64(raw, at), low: h.u64(raw, at + 8)), stamp: h.u64(raw, at + 16),
            count: h.u32(raw, at + 24), form: form, settled: raw[at + 29] & 1 == 1)
          if let last = runs.last, !(last.key < entry.key) { return false }
          total += Int(entry.count)
          runs.append(entry)
        }
        guard total == header.records else { return false }
        var previous = Record(prefix: 0, run: 0)
        for n in 0..<header.records {
          let at = recordsOffset + n * h.recordSize
          let record = Record(prefix: h.u64(raw, at), run: h.u32(raw, at + 8))
          guard Int(record.run) < header.runs, n == 0 || previous < record else { return false }
          previous = record
        }
        return true
      }
      guard ok else { return nil }
      dirStamp = header.stamp
      self.runs = runs
      self.bytes = bytes
      self.recordsOffset = recordsOffset
      recordCount = header.records
    }

    /// The record at position `n`.
    func record(_ n: Int) -> Record {
      bytes.withUnsafeBytes { raw in
        let at = recordsOffset + n * DigestIndexFormat.recordSize
        return Record(
          prefix: DigestIndexFormat.u64(raw, at), run: DigestIndexFormat.u32(raw, at + 8))
      }
    }

    /// Every record, in order.
    func records() -> [Record] {
      (0..<recordCount).map(record)
    }

    /// The positions in the table of the runs with a record for `prefix`.
    func runs(prefix: UInt64) -> [Int] {
      var low = 0
      var high = recordCount
      while low < high {
        let mid = (low + high) / 2
        if record(mid).prefix < prefix { low = mid + 1 } else { high = mid }
      }
      var found: [Int] = []
      while low < recordCount {
        let r = record(low)
        guard r.prefix == prefix else { break }
        found.append(Int(r.run))
        low += 1
      }
      return found
    }
  }

  /// The bytes of an index of `runs` (sorted by key, each with its record count) and
  /// `records` (sorted).
  static func encode(dirStamp: UInt64, runs: [RunEntry], records: [Record]) -> [UInt8] {
    var out = [UInt8](
      repeating: 0, count: headerSize + runs.count * runSize + records.count * recordSize)
    out.withUnsafeMutableBytes { raw in
      raw.copyBytes(from: magic)
      raw.storeBytes(of: dirStamp.littleEndian, toByteOffset: magic.count, as: UInt64.self)
      raw.storeBytes(
        of: UInt32(truncatingIfNeeded: runs.count).littleEndian, toByteOffset: magic.count + 8,
        as: UInt32.self)
      raw.storeBytes(
        of: UInt32(truncatingIfNeeded: records.count).littleEndian,
        toByteOffset: magic.count + 12, as: UInt32.self)
      for (n, run) in runs.enumerated() {
        let at = headerSize + n * runSize
        raw.storeBytes(of: run.key.high.littleEndian, toByteOffset: at, as: UInt64.self)
        raw.storeBytes(of: run.key.low.littleEndian, toByteOffset: at + 8, as: UInt64.self)
        raw.storeBytes(of: run.stamp.littleEndian, toByteOffset: at + 16, as: UInt64.self)
        raw.storeBytes(of: run.count.littleEndian, toByteOffset: at + 24, as: UInt32.self)
        raw[at + 28] = run.form.rawValue.utf8.first ?? UInt8(ascii: "d")
        raw[at + 29] = run.settled ? 1 : 0
      }
      let base = headerSize + runs.count * runSize
      for (n, record) in records.enumerated() {
        let at = base + n * recordSize
        raw.storeBytes(of: record.prefix.littleEndian, toByteOffset: at, as: UInt64.self)
        raw.storeBytes(of: record.run.littleEndian, toByteOffset: at + 8, as: UInt32.self)
      }
    }
    let sum = checksum(out, from: headerSize)
    out.withUnsafeMutableBytes { raw in
      raw.storeBytes(of: sum.littleEndian, toByteOffset: magic.count + 16, as: UInt64.self)
    }
    return out
  }

  /// A 64-bit checksum of `bytes[start...]`, 8 bytes at a time: catches damage, not forgery
  /// (the index is a cache; answers are confirmed against the manifests anyway).
  static func checksum(_ bytes: [UInt8], from start: Int) -> UInt64 {
    bytes.withUnsafeBytes { raw -> UInt64 in
      var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(raw.count - start)
      var at = start
      while at + 8 <= raw.count {
        hash = (hash ^ u64(raw, at)) &* 0x0000_0100_0000_01B3
        hash ^= hash >> 29
        at += 8
      }
      while at < raw.count {
        hash = (hash ^ UInt64(raw[at])) &* 0x0000_0100_0000_01B3
        at += 1
      }
      return hash
    }
  }

  /// The digest prefix of 64 hex digits (or at least 16) at `bytes`, or nil when they are
  /// not lowercase hex.
  static func prefix(hex bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64? {
    guard offset + 16 <= bytes.count else { return nil }
    var value: UInt64 = 0
    for i in offset..<(offset + 16) {
      let c = bytes[i]
      let v: UInt8
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
      default: return nil
      }
      value = value << 4 | UInt64(v)
    }
    return value
  }

  /// The prefix of a hex digest string, or nil.
  static func prefix(hex digest: String) -> UInt64? {
    Array(digest.utf8).withUnsafeBytes { prefix(hex: $0, at: 0) }
  }

  /// The distinct digest prefixes of manifest text (`<type> <sha256> <path>` lines), sorted.
  /// Lines that are not manifest lines are passed over.
  static func prefixes(manifest bytes: [UInt8]) -> [UInt64] {
    var found: [UInt64] = []
    bytes.withUnsafeBytes { raw in
      ManifestLines.forEach(raw, typed: true) { line, _, _ in
        if let line, let p = prefix(hex: raw, at: line.digest.lowerBound) { found.append(p) }
      }
    }
    if found.count > 1 {
      found.sort()
      var unique = 1
      for i in 1..<found.count where found[i] != found[unique - 1] {
        found[unique] = found[i]
        unique += 1
      }
      found.removeSubrange(unique...)
    }
    return found
  }

  /// `records` sorted, in linear time: a counting sort on the top 16 bits of the prefix,
  /// then insertion sort within each bucket (a bucket holds a handful of records). Records
  /// given in run order stay in run order among equal prefixes.
  static func sorted(_ records: [Record]) -> [Record] {
    guard records.count > 1 else { return records }
    var starts = [Int](repeating: 0, count: 65537)
    for r in records { starts[Int(r.prefix >> 48) + 1] += 1 }
    for i in 1..<starts.count { starts[i] += starts[i - 1] }
    var out = [Record](repeating: Record(prefix: 0, run: 0), count: records.count)
    var next = starts
    for r in records {
      let b = Int(r.prefix >> 48)
      out[next[b]] = r
      next[b] += 1
    }
    for b in 0..<65536 where starts[b + 1] - starts[b] > 1 {
      for i in (starts[b] + 1)..<starts[b + 1] {
        let r = out[i]
        var j = i
        while j > starts[b] && r < out[j - 1] {
          out[j] = out[j - 1]
          j -= 1
        }
        out[j] = r
      }
    }
    return out
  }

  static func u64(_ raw: UnsafeRawBufferPointer, _ at: Int) -> UInt64 {
    UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
  }

  static func u32(_ raw: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
    UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))
  }
}
