import Foundation

/// A unified diff as `UnifiedDiff` writes it (`log/patched`: `--- a/<file>`, `+++ b/<file>`,
/// `@@` hunks), read back so that a patched text can be turned into its original.
public struct UnifiedPatch: Sendable {
  /// One hunk: where it starts in the new text, and its lines with their marks.
  struct Hunk: Sendable {
    var newStart: Int
    var lines: [(mark: UInt8, text: [UInt8])]
  }

  /// Hunks by the file's path (the name after `b/`).
  var files: [String: [Hunk]] = [:]

  /// The files the patch changes.
  public var paths: [String] { files.keys.sorted() }

  /// Parses patch text; malformed text is an error naming the line.
  public init(_ text: [UInt8], source: String) throws {
    let lines = Self.lines(text)
    var file: String?
    var i = 0
    while i < lines.count {
      let line = lines[i]
      if line.starts(with: Array("+++ ".utf8)) {
        var name = String(decoding: Self.chomp(line).dropFirst(4), as: UTF8.self)
        if name.hasPrefix("b/") { name.removeFirst(2) }
        file = name
        files[name, default: []] = []
      } else if line.starts(with: Array("@@ ".utf8)) {
        guard let file, let header = Self.header(line) else {
          throw GageError.invalidData("\(source):\(i + 1): not a hunk header of a file")
        }
        var hunk = Hunk(newStart: header.newStart, lines: [])
        var (oldLeft, newLeft) = (header.oldCount, header.newCount)
        // The header's counts say where the hunk ends (a `---` line may be a removed line).
        while i + 1 < lines.count, let mark = lines[i + 1].first,
          mark == 0x5C || (oldLeft > 0 || newLeft > 0) && [0x20, 0x2B, 0x2D].contains(mark)
        {
          i += 1
          if mark != 0x2B { oldLeft -= mark == 0x5C ? 0 : 1 }
          if mark != 0x2D { newLeft -= mark == 0x5C ? 0 : 1 }
          if mark == 0x5C {
            // `\ No newline at end of file`: the previous line had none.
            if var last = hunk.lines.popLast() {
              if last.text.last == 0x0A { last.text.removeLast() }
              hunk.lines.append(last)
            }
            continue
          }
          hunk.lines.append((mark, Array(lines[i].dropFirst())))
        }
        files[file, default: []].append(hunk)
      }
      i += 1
    }
  }

  /// The original of `patched`, the new text of `path`: each hunk's `+` lines replaced by
  /// its `-` lines. Nil when the text does not hold the hunk where it says.
  public func original(of path: String, patched: [UInt8]) -> [UInt8]? {
    guard let hunks = files[path] else { return patched }
    let current = Self.lines(patched)
    var out: [[UInt8]] = []
    var at = 0
    for hunk in hunks {
      let start = max(hunk.newStart - 1, 0)
      guard start >= at, start <= current.count else { return nil }
      out += current[at..<start]
      at = start
      for line in hunk.lines {
        switch line.mark {
        case 0x2D: out.append(line.text)
        default:
          guard at < current.count, current[at] == line.text else { return nil }
          if line.mark == 0x20 { out.append(line.text) }
          at += 1
        }
      }
    }
    out += current[at...]
    return out.flatMap { $0 }
  }

  /// Lines, each with its newline (the last may have none).
  static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var start = 0
    for (i, b) in bytes.enumerated() where b == 0x0A {
      result.append(Array(bytes[start...i]))
      start = i + 1
    }
    if start < bytes.count { result.append(Array(bytes[start...])) }
    return result
  }

  private static func chomp(_ line: [UInt8]) -> [UInt8] {
    line.last == 0x0A ? Array(line.dropLast()) : line
  }

  /// The numbers of `@@ -a,b +c,d @@`: the new text's first line, and both line counts
  /// (a missing count is 1).
  private static func header(_ line: [UInt8]) -> (newStart: Int, oldCount: Int, newCount: Int)? {
    let words = String(decoding: chomp(line), as: UTF8.self).split(separator: " ")
    func range(_ sign: Character) -> (Int, Int)? {
      guard let word = words.first(where: { $0.first == sign }) else { return nil }
      let parts = word.dropFirst().split(separator: ",", omittingEmptySubsequences: false)
      guard let start = Int(parts[0]), parts.count <= 2 else { return nil }
      guard parts.count == 2 else { return (start, 1) }
      guard let count = Int(parts[1]) else { return nil }
      return (start, count)
    }
    guard let old = range("-"), let new = range("+") else { return nil }
    return (new.0, old.1, new.1)
  }
}
