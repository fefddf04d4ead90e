#if canImport(Glibc)
  import Glibc
#endif

/// Time values of the `--where` language: `2026`, `2026-01`, `2026-01-01`,
/// `2026-01-01T12`, `2026-01-01T12:30`, `2026-01-01T12:30:15` (`T` or a space; local time,
/// or UTC with a trailing `Z`). Each names an interval: the year, month, day, hour, minute
/// or second it spells.
public enum WhereTime {
  /// The interval `text` names, in epoch microseconds, or nil when it is not a time.
  public static func interval(_ text: String) -> Range<Int64>? {
    var s = Substring(text)
    var utc = false
    if s.hasSuffix("Z") || s.hasSuffix("z") {
      utc = true
      s = s.dropLast()
    }
    let dateAndTime = s.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "T" || $0 == "t" || $0 == " " })
    guard dateAndTime.count <= 2, let datePart = dateAndTime.first else { return nil }
    let date = datePart.split(separator: "-", omittingEmptySubsequences: false)
    guard (1...3).contains(date.count), date[0].count == 4 else { return nil }
    var fields: [Int] = []
    for part in date {
      guard !part.isEmpty, part.count <= 4, part.allSatisfy({ $0.isASCII }), let n = Int(part) else { return nil }
      fields.append(n)
    }
    if dateAndTime.count == 2 {
      guard date.count == 3 else { return nil }
      let time = dateAndTime[1].split(separator: ":", omittingEmptySubsequences: false)
      guard (1...3).contains(time.count) else { return nil }
      for part in time {
        guard part.count == 2, let n = Int(part) else { return nil }
        fields.append(n)
      }
    }
    let limits = [(0, 9999), (1, 12), (1, 31), (0, 23), (0, 59), (0, 60)]
    for (n, value) in fields.enumerated() where value < limits[n].0 || value > limits[n].1 {
      return nil
    }
    if fields.count > 2 {
      let year = fields[0]
      let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
      let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
      guard fields[2] <= days[fields[1] - 1] else { return nil }
    }
    guard let start = epoch(fields, utc: utc) else { return nil }
    var next = fields
    next[next.count - 1] += 1
    guard let end = epoch(next, utc: utc), end > start else { return nil }
    return start..<end
  }

  /// Epoch µs of year, month, day, hour, minute, second (missing fields at their start);
  /// an overflowing last field rolls over (`mktime` normalizes it).
  private static func epoch(_ fields: [Int], utc: Bool) -> Int64? {
    var t = tm()
    t.tm_year = Int32(fields[0] - 1900)
    t.tm_mon = Int32((fields.count > 1 ? fields[1] : 1) - 1)
    t.tm_mday = Int32(fields.count > 2 ? fields[2] : 1)
    t.tm_hour = Int32(fields.count > 3 ? fields[3] : 0)
    t.tm_min = Int32(fields.count > 4 ? fields[4] : 0)
    t.tm_sec = Int32(fields.count > 5 ? fields[5] : 0)
    t.tm_isdst = -1
    let seconds = utc ? timegm(&t) : mktime(&t)
    guard seconds != -1 || fields[0] < 1971 else { return nil }
    return Int64(seconds) * 1_000_000
  }
}
