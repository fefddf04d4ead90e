#if canImport(Glibc)
  import Glibc
#endif

/// The format of a runs dir's index, `<runs>/.index/runs` (described in
/// `docs/runs-dir.md`), in three parts:
///
/// 1. a header line `gage-runs-index<TAB>2<TAB><runs-dir stamp><TAB><count>`;
/// 2. a table of `count` fixed 48-byte entries, newest run first, holding what ordering
///    and choosing a container need (key, sort time, `.move` stamp, files, form, flags)
///    and where the run's line is;
/// 3. one text line per run with every field of its record, tab-separated. Text fields
///    escape `\`, tab, CR and LF; JSON fields are compact JSON, which never holds a raw
///    tab or line break.
///
/// A listing reads the header and the table, and only the lines of the runs it shows.
enum RunIndexFormat {
  static let magic = "gage-runs-index"
  static let version = "2"
  static let fieldCount = 22
  static let entrySize = 48

  /// Where a run's container comes from, in the table's flags.
  enum ContainerCode: UInt8 {
    /// `active`.
    case active = 0
    /// `trash`.
    case trash = 1
    /// An archive: the line says which.
    case archive = 2
  }

  /// One table entry.
  struct Entry {
    /// The run's key.
    var key: RunKey
    /// The time it sorts by.
    var sortTime: Int64
    /// The stamp of its `.move` dir when the line was written.
    var moveStamp: UInt64
    /// Where its line is in the text part, and how long it is (without the newline).
    var lineOffset: Int
    /// The line's length.
    var lineLength: Int
    /// Its files.
    var files: RunFiles
    /// How its meta is kept.
    var form: MetaForm
    /// Whether the record was settled (finished for good) when written.
    var settled: Bool
    /// Its container, as far as the table tells.
    var container: ContainerCode
  }

  /// The header and table of an index: the runs dir stamp, the entries, and where the
  /// text part starts; nil when `prefix` is not an index of this version.
  static func table(
    _ prefix: [UInt8], readMore: (Int, Int) -> [UInt8]?
  ) -> (
    dirStamp: UInt64, entries: [Entry], textOffset: Int
  )? {
    guard let newline = prefix.firstIndex(of: 0x0A) else { return nil }
    let header = String(decoding: prefix[0..<newline], as: UTF8.self).split(separator: "\t")
    guard header.count == 4, header[0] == magic, header[1] == version,
      let dirStamp = UInt64(header[2]),
      let count = Int(header[3]), count >= 0, count < 100_000_000
    else { return nil }
    let tableOffset = newline + 1
    let tableSize = count * entrySize
    let table: [UInt8]
    if prefix.count >= tableOffset + tableSize {
      table = Array(prefix[tableOffset..<(tableOffset + tableSize)])
    } else {
      guard let more = readMore(tableOffset, tableSize), more.count == tableSize else { return nil }
      table = more
    }
    var entries: [Entry] = []
    entries.reserveCapacity(count)
    let ok = table.withUnsafeBytes { raw -> Bool in
      for n in 0..<count {
        let at = n * entrySize
        func u64(_ o: Int) -> UInt64 {
          UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + o, as: UInt64.self))
        }
        func u32(_ o: Int) -> UInt32 {
          UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + o, as: UInt32.self))
        }
        let files = UInt16(
          littleEndian: raw.loadUnaligned(fromByteOffset: at + 40, as: UInt16.self))
        let flags = raw[at + 43]
        guard let form = MetaForm(rawValue: String(UnicodeScalar(raw[at + 42]))),
          let container = ContainerCode(rawValue: (flags >> 1) & 0x3)
        else { return false }
        entries.append(
          Entry(
            key: RunKey(high: u64(0), low: u64(8)), sortTime: Int64(bitPattern: u64(16)),
            moveStamp: u64(24),
            lineOffset: Int(u32(32)), lineLength: Int(u32(36)), files: RunFiles(rawValue: files),
            form: form,
            settled: flags & 1 == 1, container: container))
      }
      return true
    }
    guard ok else { return nil }
    return (dirStamp, entries, tableOffset + tableSize)
  }

  /// The index bytes for `runs`: each with its entry fields and its line (newline
  /// included), in the order given (newest first).
  static func encode(dirStamp: UInt64, _ runs: [(entry: Entry, line: [UInt8])]) -> [UInt8] {
    var out = Array("\(magic)\t\(version)\t\(dirStamp)\t\(runs.count)\n".utf8)
    var table = [UInt8](repeating: 0, count: runs.count * entrySize)
    var offset = 0
    table.withUnsafeMutableBytes { raw in
      for (n, run) in runs.enumerated() {
        let at = n * entrySize
        let e = run.entry
        raw.storeBytes(of: e.key.high.littleEndian, toByteOffset: at, as: UInt64.self)
        raw.storeBytes(of: e.key.low.littleEndian, toByteOffset: at + 8, as: UInt64.self)
        raw.storeBytes(
          of: UInt64(bitPattern: e.sortTime).littleEndian, toByteOffset: at + 16, as: UInt64.self)
        raw.storeBytes(of: e.moveStamp.littleEndian, toByteOffset: at + 24, as: UInt64.self)
        raw.storeBytes(
          of: UInt32(truncatingIfNeeded: offset).littleEndian, toByteOffset: at + 32,
          as: UInt32.self)
        raw.storeBytes(
          of: UInt32(truncatingIfNeeded: run.line.count - 1).littleEndian, toByteOffset: at + 36,
          as: UInt32.self)
        raw.storeBytes(of: e.files.rawValue.littleEndian, toByteOffset: at + 40, as: UInt16.self)
        raw[at + 42] = e.form.rawValue.utf8.first ?? UInt8(ascii: "d")
        raw[at + 43] = (e.settled ? 1 : 0) | (e.container.rawValue << 1)
        offset += run.line.count
      }
    }
    out.append(contentsOf: table)
    out.reserveCapacity(out.count + offset)
    for run in runs { out.append(contentsOf: run.line) }
    return out
  }

  /// The table entry of `r`.
  static func entry(_ r: RunRecord, key: RunKey) -> Entry {
    let container: ContainerCode
    switch r.container {
    case RunMoves.active: container = .active
    case RunMoves.trash: container = .trash
    default: container = .archive
    }
    return Entry(
      key: key, sortTime: r.sortTime, moveStamp: r.stamps.move, lineOffset: 0, lineLength: 0,
      files: r.files,
      form: r.form, settled: r.isSettled, container: container)
  }

  /// The record on a line (without its newline), or nil when it does not parse.
  static func record(line: [UInt8], runsDir: String) -> RunRecord? {
    line.withUnsafeBufferPointer { buf -> RunRecord? in
      var ranges: [Range<Int>] = []
      ranges.reserveCapacity(fieldCount)
      var fieldStart = 0
      for i in 0..<buf.count where buf[i] == 0x09 {
        ranges.append(fieldStart..<i)
        fieldStart = i + 1
      }
      ranges.append(fieldStart..<buf.count)
      guard ranges.count == fieldCount else { return nil }
      return self.line(buf, ranges, runsDir: runsDir)?.1
    }
  }

  /// The line of `r` (with its newline).
  static func line(_ r: RunRecord) -> [UInt8] {
    var fields: [String] = []
    fields.reserveCapacity(fieldCount)
    fields.append(r.id)
    fields.append(r.form.rawValue)
    fields.append(String(r.files.rawValue))
    fields.append(r.isSettled ? "1" : "0")
    fields.append(String(r.stamps.meta))
    fields.append(String(r.stamps.exit))
    fields.append(String(r.stamps.user))
    fields.append(String(r.stamps.move))
    fields.append(r.initialized.map(String.init) ?? "")
    fields.append(r.staged.map(String.init) ?? "")
    fields.append(r.started.map(String.init) ?? "")
    fields.append(r.stopped.map(String.init) ?? "")
    fields.append(r.exitCode.map(String.init) ?? "")
    fields.append(r.status.rawValue)
    fields.append(escape(r.container))
    fields.append(escape(r.opref?.encoded ?? ""))
    fields.append(r.label.map(escape) ?? "")
    fields.append(r.reason.map(escape) ?? "")
    fields.append(r.host.map(escape) ?? "")
    fields.append(r.configJSON)
    fields.append(r.metricsJSON)
    fields.append(r.attributesJSON)
    return Array((fields.joined(separator: "\t") + "\n").utf8)
  }

  /// A decimal integer in `r`, or nil when empty or not one.
  static func int(_ buf: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int64? {
    guard !r.isEmpty else { return nil }
    var value: Int64 = 0
    var negative = false
    for i in r {
      let c = buf[i]
      if c == UInt8(ascii: "-") && i == r.lowerBound {
        negative = true
        continue
      }
      guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
      value = value &* 10 &+ Int64(c - UInt8(ascii: "0"))
    }
    return negative ? 0 &- value : value
  }

  private static func line(
    _ buf: UnsafeBufferPointer<UInt8>, _ f: [Range<Int>], runsDir: String
  )
    -> (RunKey, RunRecord)?
  {
    guard f[0].count == 36, let base = buf.baseAddress,
      let key = RunKey(utf8: base + f[0].lowerBound, count: 36),
      let form = MetaForm(rawValue: text(buf, f[1])), let files = UInt16(text(buf, f[2])),
      let status = RunStatus(rawValue: text(buf, f[13]))
    else { return nil }
    func int(_ r: Range<Int>) -> Int64? { Self.int(buf, r) }
    func time(_ r: Range<Int>) -> Int64? { int(r).flatMap { RunClock.possibleMicros.contains($0) ? $0 : nil } }
    func stamp(_ r: Range<Int>) -> UInt64 { UInt64(text(buf, r)) ?? FileStamp.racy }
    func optionalText(_ r: Range<Int>) -> String? { r.isEmpty ? nil : unescape(text(buf, r)) }
    let opref = optionalText(f[15]).flatMap { try? OpRef.decode($0) }
    let stamps = RunRecord.Stamps(
      meta: stamp(f[4]), exit: stamp(f[5]), user: stamp(f[6]), move: stamp(f[7]))
    let record = RunRecord(
      runsDir: runsDir, id: key.id, form: form, files: RunFiles(rawValue: files), opref: opref,
      status: status,
      reason: optionalText(f[17]), host: optionalText(f[18]),
      exitCode: int(f[12]).map { Int32(truncatingIfNeeded: $0) },
      initialized: time(f[8]), staged: time(f[9]), started: time(f[10]), stopped: time(f[11]),
      label: optionalText(f[16]),
      container: optionalText(f[14]) ?? RunMoves.active, configJSON: text(buf, f[19]),
      metricsJSON: text(buf, f[20]),
      attributesJSON: text(buf, f[21]), stamps: stamps)
    return (key, record)
  }

  private static func text(_ buf: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: buf[r]), as: UTF8.self)
  }

  static func escape(_ s: String) -> String {
    guard s.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
      return s
    }
    var out = ""
    for c in s.unicodeScalars {
      switch c {
      case "\\": out += "\\\\"
      case "\t": out += "\\t"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      default: out.unicodeScalars.append(c)
      }
    }
    return out
  }

  static func unescape(_ s: String) -> String {
    guard s.utf8.contains(0x5C) else { return s }
    var out = ""
    var escaped = false
    for c in s.unicodeScalars {
      if escaped {
        switch c {
        case "t": out += "\t"
        case "n": out += "\n"
        case "r": out += "\r"
        default: out.unicodeScalars.append(c)
        }
        escaped = false
      } else if c == "\\" {
        escaped = true
      } else {
        out.unicodeScalars.append(c)
      }
    }
    return out
  }
}
