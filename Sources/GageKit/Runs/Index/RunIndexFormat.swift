/// The text of a runs dir's index, `<runs>/.index/runs` (described in `docs/runs-index.md`):
/// a header line `gage-runs-index<TAB>1<TAB><runs-dir stamp>`, then one line per run with
/// tab-separated fields. Text fields escape `\`, tab, CR and LF; JSON fields are compact
/// JSON, which never holds a raw tab or line break.
enum RunIndexFormat {
  static let magic = "gage-runs-index"
  static let version = "1"
  static let fieldCount = 21

  /// The index text for `records`, with the runs dir's stamp.
  static func encode(_ records: [RunRecord], dirStamp: UInt64) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(records.count * 200 + 64)
    out.append(contentsOf: "\(magic)\t\(version)\t\(dirStamp)\n".utf8)
    for r in records.sorted(by: { $0.id < $1.id }) {
      var fields: [String] = []
      fields.reserveCapacity(fieldCount)
      fields.append(r.id)
      fields.append(r.form.rawValue)
      fields.append(String(r.files.rawValue))
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
      out.append(contentsOf: fields.joined(separator: "\t").utf8)
      out.append(UInt8(ascii: "\n"))
    }
    return out
  }

  /// The records and the runs dir stamp of index text, or nil when it is not an index of
  /// this version. Lines that do not parse are dropped (their runs are read from files).
  static func decode(_ bytes: [UInt8], runsDir: String) -> (dirStamp: UInt64, records: [RunKey: RunRecord])? {
    bytes.withUnsafeBufferPointer { buf -> (UInt64, [RunKey: RunRecord])? in
      guard let newline = buf.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
      let header = String(decoding: buf[0..<newline], as: UTF8.self).split(separator: "\t")
      guard header.count == 3, header[0] == magic, header[1] == version, let dirStamp = UInt64(header[2]) else {
        return nil
      }
      var records: [RunKey: RunRecord] = [:]
      var start = newline + 1
      var ranges: [Range<Int>] = []
      ranges.reserveCapacity(fieldCount)
      while start < buf.count {
        var end = start
        while end < buf.count && buf[end] != UInt8(ascii: "\n") { end += 1 }
        ranges.removeAll(keepingCapacity: true)
        var fieldStart = start
        for i in start..<end where buf[i] == UInt8(ascii: "\t") {
          ranges.append(fieldStart..<i)
          fieldStart = i + 1
        }
        ranges.append(fieldStart..<end)
        if ranges.count == fieldCount, let (key, record) = line(buf, ranges, runsDir: runsDir) {
          records[key] = record
        }
        start = end + 1
      }
      return (dirStamp, records)
    }
  }

  private static func line(_ buf: UnsafeBufferPointer<UInt8>, _ f: [Range<Int>], runsDir: String) -> (RunKey, RunRecord)? {
    guard f[0].count == 36, let base = buf.baseAddress, let key = RunKey(utf8: base + f[0].lowerBound, count: 36),
      let form = MetaForm(rawValue: text(buf, f[1])), let files = UInt16(text(buf, f[2])),
      let status = RunStatus(rawValue: text(buf, f[12]))
    else { return nil }
    func int(_ r: Range<Int>) -> Int64? {
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
    func stamp(_ r: Range<Int>) -> UInt64 { UInt64(text(buf, r)) ?? FileStamp.racy }
    func optionalText(_ r: Range<Int>) -> String? { r.isEmpty ? nil : unescape(text(buf, r)) }
    let opref = optionalText(f[14]).flatMap { try? OpRef.decode($0) }
    let stamps = RunRecord.Stamps(meta: stamp(f[3]), exit: stamp(f[4]), user: stamp(f[5]), move: stamp(f[6]))
    let record = RunRecord(
      runsDir: runsDir, id: key.id, form: form, files: RunFiles(rawValue: files), opref: opref, status: status,
      reason: optionalText(f[16]), host: optionalText(f[17]), exitCode: int(f[11]).map { Int32(truncatingIfNeeded: $0) },
      initialized: int(f[7]), staged: int(f[8]), started: int(f[9]), stopped: int(f[10]), label: optionalText(f[15]),
      container: optionalText(f[13]) ?? RunMoves.active, configJSON: text(buf, f[18]), metricsJSON: text(buf, f[19]),
      attributesJSON: text(buf, f[20]), stamps: stamps)
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
