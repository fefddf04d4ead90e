import Foundation

/// Byte counts for people, the one convention of every size Gage prints (staging totals,
/// export, import, verify, progress bars): decimal SI units with one decimal, `512 B`,
/// `1.5 kB`, `314.6 MB`, `2.0 GB`.
public enum ByteCount {
  /// `bytes` in the largest unit (B, kB, MB, GB, TB) that keeps the number at least 1.
  public static func format(_ bytes: Int64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
  }

  /// `bytes` formatted as `format(_:)` does.
  public static func format(_ bytes: Int) -> String { format(Int64(bytes)) }
}
