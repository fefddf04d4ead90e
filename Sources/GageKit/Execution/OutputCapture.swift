import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Captures a phase's stdout and stderr: merged into one output file, line by line, with a
/// 9-byte index entry per line (big-endian UInt64 epoch milliseconds + UInt8 stream, 0 stdout
/// and 1 stderr), while echoing the raw bytes live to this process's stdout and stderr.
public final class OutputCapture {
  /// Where the merged output goes.
  public let outputPath: String
  /// Where the line index goes.
  public let indexPath: String
  private let outputFD: Int32
  private let indexFD: Int32
  private var echo: Bool
  private let stripProgress: Bool
  private var pending: [[UInt8]] = [[], []]
  private var outBuffer: [UInt8] = []
  private var indexBuffer: [UInt8] = []
  private var lineObserver: ((String) -> Void)?
  private var lastFlush: UInt64 = 0
  /// Number of lines written.
  public private(set) var lineCount = 0

  /// Opens (creating) the output and index files.
  /// - Parameters:
  ///   - echo: copy the child's output to this process's stdout/stderr as it arrives.
  ///   - stripProgress: keep only the text after the last carriage return of a line (tqdm).
  ///   - lineObserver: called with each complete line (without its newline).
  public init(
    outputPath: String, indexPath: String, echo: Bool, stripProgress: Bool = false,
    lineObserver: ((String) -> Void)? = nil
  ) throws {
    self.outputPath = outputPath
    self.indexPath = indexPath
    self.echo = echo
    self.stripProgress = stripProgress
    self.lineObserver = lineObserver
    outputFD = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard outputFD >= 0 else { throw GageError.io(path: outputPath, operation: "create", errno: errno) }
    indexFD = open(indexPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard indexFD >= 0 else {
      let e = errno
      close(outputFD)
      throw GageError.io(path: indexPath, operation: "create", errno: e)
    }
    outBuffer.reserveCapacity(1 << 19)
    indexBuffer.reserveCapacity(1 << 18)
  }

  deinit {
    close(outputFD)
    close(indexFD)
  }

  /// Reads both pipes until they close. `childExited` is polled when no output arrives, so
  /// that a grandchild holding a pipe open does not keep the phase alive forever.
  public func capture(stdout: Int32, stderr: Int32, childExited: () -> Bool) throws {
    var fds = [pollfd(fd: stdout, events: Int16(POLLIN), revents: 0), pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)]
    var open = [true, true]
    let chunkSize = 1 << 16
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { chunk.deallocate() }
    var exitedAt: UInt64? = nil

    while open[0] || open[1] {
      for i in 0..<2 { fds[i].fd = open[i] ? (i == 0 ? stdout : stderr) : -1 }
      let ready = Glibc.poll(&fds, 2, 100)
      if ready < 0 {
        if errno == EINTR { continue }
        throw GageError.io(path: "pipe", operation: "poll", errno: errno)
      }
      if ready == 0 {
        // A quiet phase: what it printed last is on disk within the poll interval.
        try flush()
        if exitedAt == nil, childExited() { exitedAt = RunClock.nowMillis() }
        if let t = exitedAt, RunClock.nowMillis() - t > 500 { break }
        continue
      }
      let now = RunClock.nowMillis()
      for stream in 0..<2 where open[stream] && fds[stream].revents != 0 {
        let n = read(fds[stream].fd, chunk.baseAddress, chunkSize)
        if n < 0 {
          if errno == EINTR || errno == EAGAIN { continue }
          open[stream] = false
          continue
        }
        if n == 0 {
          open[stream] = false
          continue
        }
        let bytes = UnsafeRawBufferPointer(rebasing: chunk[0..<n])
        if echo {
          // A closed terminal or pipe (`gage run | head`) stops the echo, never the capture.
          do {
            try FileIO.writeAll(fd: stream == 0 ? STDOUT_FILENO : STDERR_FILENO, bytes, path: "terminal")
          } catch {
            echo = false
          }
        }
        take(bytes, stream: stream, time: now)
      }
      // Write in large blocks, but keep the files no more than 100 ms behind the output.
      if outBuffer.count >= 1 << 18 || now &- lastFlush >= 100 {
        try flush()
        lastFlush = now
      }
    }
    let now = RunClock.nowMillis()
    for stream in 0..<2 where !pending[stream].isEmpty {
      let rest = pending[stream]
      pending[stream] = []
      appendLine(rest[...], stream: stream, time: now)
    }
    try flush()
  }

  private func take(_ bytes: UnsafeRawBufferPointer, stream: Int, time: UInt64) {
    guard let base = bytes.baseAddress else { return }
    var start = 0
    while start < bytes.count {
      guard let nl = memchr(base + start, 0x0A, bytes.count - start) else { break }
      let end = base.distance(to: UnsafeRawPointer(nl)) + 1
      if pending[stream].isEmpty {
        appendLine(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), stream: stream, time: time)
      } else {
        pending[stream].append(contentsOf: bytes[start..<end])
        let line = pending[stream]
        pending[stream] = []
        appendLine(line[...], stream: stream, time: time)
      }
      start = end
    }
    if start < bytes.count {
      pending[stream].append(contentsOf: bytes[start...])
      if stripProgress, let cr = pending[stream].lastIndex(of: 0x0D) {
        pending[stream].removeSubrange(0...cr)
      }
    }
  }

  private func appendLine<C: BidirectionalCollection>(_ line: C, stream: Int, time: UInt64)
  where C.Element == UInt8, C.Index == Int {
    var slice = line[...]
    if stripProgress {
      var body = slice
      if body.last == 0x0A { body = body.dropLast() }
      if body.last == 0x0D { body = body.dropLast() }
      if let cr = body.lastIndex(of: 0x0D) { slice = slice[(cr + 1)...] }
    }
    outBuffer.append(contentsOf: slice)
    var be = time.bigEndian
    withUnsafeBytes(of: &be) { indexBuffer.append(contentsOf: $0) }
    indexBuffer.append(UInt8(stream))
    lineCount += 1
    if let observer = lineObserver {
      var text = slice
      if text.last == 0x0A { text = text.dropLast() }
      observer(String(decoding: text, as: UTF8.self))
    }
  }

  private func flush() throws {
    if !outBuffer.isEmpty {
      try outBuffer.withUnsafeBytes { try FileIO.writeAll(fd: outputFD, $0, path: outputPath) }
      outBuffer.removeAll(keepingCapacity: true)
    }
    if !indexBuffer.isEmpty {
      try indexBuffer.withUnsafeBytes { try FileIO.writeAll(fd: indexFD, $0, path: indexPath) }
      indexBuffer.removeAll(keepingCapacity: true)
    }
  }
}
