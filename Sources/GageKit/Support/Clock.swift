import Foundation

/// Run timestamps: epoch microseconds, strictly increasing within a process.
public enum RunClock {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var last: Int64 = 0

  /// Epoch microseconds now, always greater than the previous call's value.
  public static func nowMicros() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    var value = Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    lock.lock()
    if value <= last { value = last + 1 }
    last = value
    lock.unlock()
    return value
  }

  nonisolated(unsafe) private static var lastMillis: UInt64 = 0

  /// Epoch milliseconds now, always greater than the previous call's value: log entry and
  /// move marker names made in one process sort in the order they were made.
  public static func monotonicMillis() -> UInt64 {
    var value = nowMillis()
    lock.lock()
    if value <= lastMillis { value = lastMillis + 1 }
    lastMillis = value
    lock.unlock()
    return value
  }

  /// Epoch milliseconds now (for output indexes).
  public static func nowMillis() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
  }

  /// `%Y-%m-%dT%H:%M:%S%z` in local time, the format of `log/runner`.
  public static func logTimestamp(_ date: Date = Date()) -> String {
    var t = time_t(date.timeIntervalSince1970)
    var tmv = tm()
    localtime_r(&t, &tmv)
    var buf = [CChar](repeating: 0, count: 64)
    let n = strftime(&buf, buf.count, "%Y-%m-%dT%H:%M:%S%z", &tmv)
    return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// A date from epoch microseconds.
  public static func date(micros: Int64) -> Date {
    Date(timeIntervalSince1970: Double(micros) / 1_000_000)
  }

  /// The times a run can hold, in epoch microseconds: from 1970 to the end of year 9999
  /// (UTC). Anything else read from disk is damage, never a time to compute with.
  public static let possibleMicros: ClosedRange<Int64> = 0...253_402_300_799_999_999

  /// The same range in epoch milliseconds (comment times).
  public static let possibleMillis: ClosedRange<Int64> = 0...253_402_300_799_999

  /// A timestamp file's text (decimal epoch µs) as a possible time, or nil.
  public static func micros(_ text: String) -> Int64? {
    guard let value = Int64(text.trimmingCharacters(in: .whitespacesAndNewlines)), possibleMicros.contains(value) else {
      return nil
    }
    return value
  }

  /// A JSON number of epoch milliseconds as a possible time, or nil (a fraction is
  /// dropped; an integer out of range, infinity or NaN gives nil).
  public static func millis(_ value: JSONValue?) -> Int64? {
    let millis: Int64?
    switch value {
    case .int(let i): millis = Int64(exactly: i)
    case .double(let d): millis = d.isFinite ? Int64(exactly: d.rounded(.towardZero)) : nil
    default: millis = nil
    }
    guard let millis, possibleMillis.contains(millis) else { return nil }
    return millis
  }
}

extension RunClock {
  /// ISO 8601 UTC with milliseconds (`2026-01-02T03:04:05.678Z`) of epoch microseconds.
  public static func iso(micros: Int64) -> String {
    guard possibleMicros.contains(micros) else { return "?" }
    var seconds = time_t(micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000)
    let millis = Int((micros - Int64(seconds) * 1_000_000) / 1000)
    var t = tm()
    gmtime_r(&seconds, &t)
    func pad(_ v: Int32, _ width: Int) -> String {
      let s = String(v)
      return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
    return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1, 2))-\(pad(t.tm_mday, 2))T\(pad(t.tm_hour, 2)):"
      + "\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
  }

  /// `YYYY-MM-DD HH:MM:SS` in local time, for tables.
  public static func local(micros: Int64) -> String {
    guard possibleMicros.contains(micros) else { return "?" }
    var seconds = time_t(micros / 1_000_000)
    var t = tm()
    localtime_r(&seconds, &t)
    var buf = [CChar](repeating: 0, count: 32)
    let n = strftime(&buf, buf.count, "%Y-%m-%d %H:%M:%S", &t)
    return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
