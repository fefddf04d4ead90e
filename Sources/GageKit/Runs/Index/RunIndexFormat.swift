#if canImport(Glibc)
  import Glibc
#endif

/// The text of a runs dir's index, `<runs>/.index/runs` (described in `docs/runs-index.md`):
/// a header line `gage-runs-index<TAB>1<TAB><runs-dir stamp>`, then one line per run with
/// tab-separated fields. Text fields escape `\`, tab, CR and LF; JSON fields are compact
/// JSON, which never holds a raw tab or line break.
enum RunIndexFormat {
  static let magic = "gage-runs-index"
  static let version = "1"
  static let fieldCount = 22

  /// The header line.
  static func header(dirStamp: UInt64) -> [UInt8] {
    Array("\(magic)\t\(version)\t\(dirStamp)\n".utf8)
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

  /// A run's line in the index text, with what ordering and selection need read at once;
  /// the rest is decoded when the record is asked for (`record(_:runsDir:)`).
  struct Line {
    /// The run's key.
    var key: RunKey
    /// How its meta is kept.
    var form: MetaForm
    /// Its files.
    var files: RunFiles
    /// Whether the record was settled (finished for good) when written.
    var settled: Bool
    /// The time it sorts by.
    var sortTime: Int64
    /// The line's bytes in the text (without the newline).
    var range: Range<Int>
  }

  /// The runs dir stamp and the lines of index text, or nil when it is not an index of
  /// this version. Lines that do not parse are dropped (their runs are read from files).
  static func lines(_ bytes: [UInt8]) -> (dirStamp: UInt64, lines: [Line])? {
    bytes.withUnsafeBufferPointer { buf -> (UInt64, [Line])? in
      guard let newline = buf.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
      let header = String(decoding: buf[0..<newline], as: UTF8.self).split(separator: "\t")
      guard header.count == 3, header[0] == magic, header[1] == version, let dirStamp = UInt64(header[2]) else {
        return nil
      }
      guard let base = buf.baseAddress else { return nil }
      var result: [Line] = []
      result.reserveCapacity(buf.count / 160)
      var start = newline + 1
      var tabs = [Int](repeating: 0, count: 11)
      while start < buf.count {
        let rest = buf.count - start
        let end = memchr(base + start, 0x0A, rest).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? buf.count
        defer { start = end + 1 }
        // The first eleven fields: id, form, files, settled, four stamps, three times.
        var found = 0
        var i = start
        while i < end && found < 11 {
          if buf[i] == 0x09 {
            tabs[found] = i
            found += 1
          }
          i += 1
        }
        guard found == 11, tabs[0] - start == 36, let key = RunKey(utf8: base + start, count: 36),
          tabs[1] - tabs[0] == 2, let form = MetaForm(rawValue: String(UnicodeScalar(buf[tabs[0] + 1]))),
          let files = int(buf, tabs[1] + 1..<tabs[2]).flatMap({ UInt16(exactly: $0) })
        else { continue }
        let settled = tabs[3] - tabs[2] == 2 && buf[tabs[2] + 1] == UInt8(ascii: "1")
        let sortTime =
          int(buf, tabs[9] + 1..<tabs[10]) ?? int(buf, tabs[8] + 1..<tabs[9]) ?? int(buf, tabs[7] + 1..<tabs[8]) ?? 0
        result.append(
          Line(
            key: key, form: form, files: RunFiles(rawValue: files), settled: settled, sortTime: sortTime,
            range: start..<end))
      }
      return (dirStamp, result)
    }
  }

  /// The record on `line` of `bytes`, or nil when the line does not parse.
  static func record(_ line: Line, in bytes: [UInt8], runsDir: String) -> RunRecord? {
    bytes.withUnsafeBufferPointer { buf -> RunRecord? in
      var ranges: [Range<Int>] = []
      ranges.reserveCapacity(fieldCount)
      var fieldStart = line.range.lowerBound
      for i in line.range where buf[i] == 0x09 {
        ranges.append(fieldStart..<i)
        fieldStart = i + 1
      }
      ranges.append(fieldStart..<line.range.upperBound)
      guard ranges.count == fieldCount else { return nil }
      return self.line(buf, ranges, runsDir: runsDir)?.1
    }
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
    return negative ? -value : value
  }

  private static func line(_ buf: UnsafeBufferPointer<UInt8>, _ f: [Range<Int>], runsDir: String) -> (RunKey, RunRecord)? {
    guard f[0].count == 36, let base = buf.baseAddress, let key = RunKey(utf8: base + f[0].lowerBound, count: 36),
      let form = MetaForm(rawValue: text(buf, f[1])), let files = UInt16(text(buf, f[2])),
      let status = RunStatus(rawValue: text(buf, f[13]))
    else { return nil }
    func int(_ r: Range<Int>) -> Int64? { Self.int(buf, r) }
    func stamp(_ r: Range<Int>) -> UInt64 { UInt64(text(buf, r)) ?? FileStamp.racy }
    func optionalText(_ r: Range<Int>) -> String? { r.isEmpty ? nil : unescape(text(buf, r)) }
    let opref = optionalText(f[15]).flatMap { try? OpRef.decode($0) }
    let stamps = RunRecord.Stamps(meta: stamp(f[4]), exit: stamp(f[5]), user: stamp(f[6]), move: stamp(f[7]))
    let record = RunRecord(
      runsDir: runsDir, id: key.id, form: form, files: RunFiles(rawValue: files), opref: opref, status: status,
      reason: optionalText(f[17]), host: optionalText(f[18]), exitCode: int(f[12]).map { Int32(truncatingIfNeeded: $0) },
      initialized: int(f[8]), staged: int(f[9]), started: int(f[10]), stopped: int(f[11]), label: optionalText(f[16]),
      container: optionalText(f[14]) ?? RunMoves.active, configJSON: text(buf, f[19]), metricsJSON: text(buf, f[20]),
      attributesJSON: text(buf, f[21]), stamps: stamps)
    return (key, record)
  }

  private static func text(_ buf: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: buf[r]), as: UTF8.self)
  }

  static func escape(_ s: String) -> String {
    guard s.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return s }
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
