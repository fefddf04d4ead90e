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
}
