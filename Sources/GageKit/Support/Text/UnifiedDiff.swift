import Foundation

/// Unified diffs of texts, in the format of `diff -u` (without timestamps): `---`/`+++`
/// headers, `@@ -l,n +l,n @@` hunks with `context` lines around changes, hunks closer
/// than twice the context merged, and `\ No newline at end of file` markers.
public enum UnifiedDiff {
  /// The unified diff turning `old` into `new`, or an empty string when they are equal.
  public static func make(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
    let a = lines(old)
    let b = lines(new)
    if a == b { return "" }
    let steps = positions(LineDiff.edits(a, b))
    var out: [UInt8] = Array("--- \(oldName)\n+++ \(newName)\n".utf8)
    for hunk in hunks(steps, context: max(0, context)) {
      let slice = steps[hunk]
      let oldCount = slice.filter { $0.edit != .insert }.count
      let newCount = slice.filter { $0.edit != .delete }.count
      let first = steps[hunk.lowerBound]
      out += Array("@@ -\(range(first.a, oldCount)) +\(range(first.b, newCount)) @@\n".utf8)
      for step in slice {
        switch step.edit {
        case .equal: append(" ", a[step.a], to: &out)
        case .delete: append("-", a[step.a], to: &out)
        case .insert: append("+", b[step.b], to: &out)
        }
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// An edit with the positions in both texts where it applies.
  private struct Step {
    var edit: LineDiff.Edit
    var a: Int
    var b: Int
  }

  /// The lines of a text, each with its newline (the last one may have none).
  private static func lines(_ text: String) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var line: [UInt8] = []
    for byte in text.utf8 {
      line.append(byte)
      if byte == UInt8(ascii: "\n") {
        result.append(line)
        line = []
      }
    }
    if !line.isEmpty { result.append(line) }
    return result
  }

  private static func positions(_ edits: [LineDiff.Edit]) -> [Step] {
    var a = 0
    var b = 0
    return edits.map { edit in
      defer {
        if edit != .insert { a += 1 }
        if edit != .delete { b += 1 }
      }
      return Step(edit: edit, a: a, b: b)
    }
  }

  /// The step ranges of the hunks: each change with `context` steps around it, changes
  /// separated by at most `2 * context` equal lines sharing a hunk.
  private static func hunks(_ steps: [Step], context: Int) -> [Range<Int>] {
    let changes = steps.indices.filter { steps[$0].edit != .equal }
    var result: [Range<Int>] = []
    var index = 0
    while index < changes.count {
      let start = changes[index]
      var end = start
      while index + 1 < changes.count, changes[index + 1] - end - 1 <= 2 * context {
        index += 1
        end = changes[index]
      }
      result.append(max(0, start - context)..<min(steps.count, end + 1 + context))
      index += 1
    }
    return result
  }

  /// A hunk range as `diff -u` writes it: `start,count`, just `start` for one line, and
  /// the line before the range with count 0 for an empty range.
  private static func range(_ start: Int, _ count: Int) -> String {
    switch count {
    case 0: return "\(start),0"
    case 1: return "\(start + 1)"
    default: return "\(start + 1),\(count)"
    }
  }

  private static func append(_ marker: String, _ line: [UInt8], to out: inout [UInt8]) {
    out += Array(marker.utf8)
    out += line
    if line.last != UInt8(ascii: "\n") {
      out += Array("\n\\ No newline at end of file\n".utf8)
    }
  }
}
