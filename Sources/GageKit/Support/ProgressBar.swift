import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A progress bar on stderr for long work (export, import, verify, push, pull): bytes and
/// files done, rate and time left, redrawn at most ten times a second. Draws nothing unless stderr is a terminal.
/// Counting is thread-safe.
public final class ProgressBar: @unchecked Sendable {
  private let label: String
  private let noun: String
  private let enabled: Bool
  private var totalBytes: Int64 = 0
  private var totalFiles = 0
  private var bytes: Int64 = 0
  private var files = 0
  private var started = Date()
  private var lastDraw = Date.distantPast
  private var drawn = false
  private let lock = NSLock()

  /// A bar labelled `label` (`export`, `import`, `verify`) counting `noun` (files,
  /// objects); `enabled` defaults to whether stderr is a terminal.
  public init(label: String, noun: String = "files", enabled: Bool = isatty(STDERR_FILENO) == 1) {
    self.label = label
    self.noun = noun
    self.enabled = enabled
  }

  /// Starts counting towards the totals (0: unknown).
  public func start(totalBytes: Int64, totalFiles: Int) {
    self.totalBytes = totalBytes
    self.totalFiles = totalFiles
    started = Date()
  }

  /// Counts bytes done.
  public func advance(bytes count: Int) {
    lock.lock()
    defer { lock.unlock() }
    bytes += Int64(count)
    draw()
  }

  /// Sets the bytes done (e.g. compressed bytes read so far).
  public func set(bytes count: Int64) {
    lock.lock()
    defer { lock.unlock() }
    bytes = count
    draw()
  }

  /// Sets everything counted so far (a transfer reports its totals as it learns them).
  public func set(bytes count: Int64, files done: Int, totalFiles total: Int) {
    lock.lock()
    defer { lock.unlock() }
    bytes = count
    files = done
    totalFiles = total
    draw()
  }

  /// Counts files done.
  public func advance(files count: Int) {
    lock.lock()
    defer { lock.unlock() }
    files += count
    draw()
  }

  /// Clears the bar.
  public func finish() {
    lock.lock()
    defer { lock.unlock() }
    guard enabled, drawn else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    drawn = false
  }

  private func draw() {
    guard enabled else { return }
    let now = Date()
    guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
    lastDraw = now
    let elapsed = max(now.timeIntervalSince(started), 0.001)
    let rate = Double(bytes) / elapsed
    var line = "\(label) "
    if totalBytes > 0 {
      let fraction = min(Double(bytes) / Double(totalBytes), 1)
      let width = 24
      let filled = Int(fraction * Double(width))
      line += "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
      line += "\(ByteCount.format(bytes))/\(ByteCount.format(totalBytes))"
    } else {
      line += ByteCount.format(bytes)
    }
    line += totalFiles > 0 ? "  \(files)/\(totalFiles) \(noun)" : "  \(files) \(noun)"
    line += "  \(ByteCount.format(Int64(rate)))/s"
    if totalBytes > 0, rate > 0 {
      let left = Int(Double(totalBytes - bytes) / rate)
      line += "  \(left / 60):" + String(format: "%02d", left % 60) + " left"
    }
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    drawn = true
  }
}
