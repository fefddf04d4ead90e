import Foundation
import GageTestSupport
import Testing

@testable import GageKit

@Suite struct UnifiedDiffTests {
  /// `diff -U<context>` of two texts, from the first `@@` on (its header has timestamps).
  private func gnuDiff(_ old: String, _ new: String, context: Int = 3) throws -> String {
    let dir = try TempDir()
    try dir.write("old", old)
    try dir.write("new", new)
    let result = try Command.run("/usr/bin/diff", ["-U\(context)", "old", "new"], in: dir.path)
    #expect(result.exitCode == (old == new ? 0 : 1))
    return hunks(result.stdout)
  }

  /// The text from the first `@@` on.
  private func hunks(_ diff: String) -> String {
    guard let start = diff.range(of: "@@") else { return "" }
    return String(diff[start.lowerBound...])
  }

  private func expectSameAsGNU(_ old: String, _ new: String, context: Int = 3) throws {
    let ours = UnifiedDiff.make(old: old, new: new, oldName: "a/f", newName: "b/f", context: context)
    #expect(hunks(ours) == (try gnuDiff(old, new, context: context)))
  }

  private static func numbered(_ range: ClosedRange<Int>) -> [String] {
    range.map { "line \($0)" }
  }

  private static func text(_ lines: [String]) -> String {
    lines.map { $0 + "\n" }.joined()
  }

  @Test func writesHeadersAndHunks() {
    let diff = UnifiedDiff.make(
      old: "msg = \"Hi there\"\nprint(msg)\n", new: "msg = \"Ho there\"\nprint(msg)\n", oldName: "a/say.py",
      newName: "b/say.py")
    #expect(
      diff == "--- a/say.py\n+++ b/say.py\n@@ -1,2 +1,2 @@\n-msg = \"Hi there\"\n+msg = \"Ho there\"\n print(msg)\n")
  }

  @Test func equalTextsHaveNoDiff() {
    #expect(UnifiedDiff.make(old: "a\nb\n", new: "a\nb\n", oldName: "a", newName: "b") == "")
    #expect(UnifiedDiff.make(old: "", new: "", oldName: "a", newName: "b") == "")
  }

  @Test func oneChangeInTheMiddle() throws {
    var lines = Self.numbered(1...20)
    let old = Self.text(lines)
    lines[9] = "changed"
    try expectSameAsGNU(old, Self.text(lines))
  }

  @Test func changesCloseEnoughShareAHunk() throws {
    let old = Self.numbered(1...30)
    for gap in [5, 6, 7, 8] {
      var new = old
      new[5] = "first change"
      new[5 + gap + 1] = "second change"
      try expectSameAsGNU(Self.text(old), Self.text(new))
    }
  }

  @Test func changesAtBothEnds() throws {
    var lines = Self.numbered(1...12)
    let old = Self.text(lines)
    lines[0] = "top"
    lines[11] = "bottom"
    try expectSameAsGNU(old, Self.text(lines))
  }

  @Test func insertionsAndDeletions() throws {
    let old = Self.numbered(1...15)
    var inserted = old
    inserted.insert(contentsOf: ["new a", "new b"], at: 7)
    try expectSameAsGNU(Self.text(old), Self.text(inserted))
    var deleted = old
    deleted.removeSubrange(3...5)
    try expectSameAsGNU(Self.text(old), Self.text(deleted))
    try expectSameAsGNU(Self.text(old), Self.text(old + ["appended"]))
    try expectSameAsGNU(Self.text(["prepended"] + old), Self.text(old))
  }

  @Test func emptyTexts() throws {
    try expectSameAsGNU("", "a\nb\n")
    try expectSameAsGNU("a\nb\n", "")
    try expectSameAsGNU("", "no newline")
  }

  @Test func missingFinalNewline() throws {
    try expectSameAsGNU("a\nb\nc\n", "a\nb\nc")
    try expectSameAsGNU("a\nb\nc", "a\nb\nc\n")
    try expectSameAsGNU("a\nb\nc", "a\nb\nd")
    try expectSameAsGNU("a\nb\nc", "a\nx\nc")
    let diff = UnifiedDiff.make(old: "x = 1", new: "x = 2", oldName: "a/f", newName: "b/f")
    #expect(
      diff
        == "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x = 1\n\\ No newline at end of file\n+x = 2\n\\ No newline at end of file\n"
    )
  }

  @Test func repeatedLines() throws {
    try expectSameAsGNU("a\nb\nc\na\nb\nc\n", "a\nb\nc\n")
    try expectSameAsGNU("x\nx\nx\n", "x\nx\nx\nx\nx\n")
    try expectSameAsGNU("a\nb\na\nb\n", "b\na\nb\na\n")
  }

  @Test func otherContextSizes() throws {
    let old = Self.numbered(1...20)
    var new = old
    new[4] = "five"
    new[9] = "ten"
    for context in [0, 1, 2, 5] {
      try expectSameAsGNU(Self.text(old), Self.text(new), context: context)
    }
  }

  @Test func windowsLineEndingsAreKept() throws {
    try expectSameAsGNU("a = 1\r\nb = 2\r\n", "a = 1\r\nb = 3\r\n")
  }

  /// Random edits of a small-alphabet text: the diff has as many changed lines as GNU
  /// diff's (both are shortest) and patching the old text with it gives the new one.
  @Test func randomEditsAreShortestAndApply() throws {
    var generator = SplitMix64(seed: 42)
    for _ in 0..<60 {
      let old = (0..<Int.random(in: 0...25, using: &generator)).map { _ in
        "l\(Int.random(in: 0...4, using: &generator))"
      }
      var new = old
      for _ in 0..<Int.random(in: 1...6, using: &generator) {
        let position = Int.random(in: 0...new.count, using: &generator)
        switch Int.random(in: 0...2, using: &generator) {
        case 0 where position < new.count: new.remove(at: position)
        case 1 where position < new.count: new[position] = "l\(Int.random(in: 0...6, using: &generator))"
        default: new.insert("l\(Int.random(in: 0...6, using: &generator))", at: position)
        }
      }
      let ours = UnifiedDiff.make(old: Self.text(old), new: Self.text(new), oldName: "a", newName: "b")
      let theirs = try gnuDiff(Self.text(old), Self.text(new))
      #expect(changedLineCount(ours) == changedLineCount(theirs), "\(old) -> \(new)")
      #expect(patch(old, with: ours) == new, "\(old) -> \(new)")
    }
  }

  private func changedLineCount(_ diff: String) -> Int {
    diff.split(separator: "\n").filter {
      ($0.hasPrefix("+") && !$0.hasPrefix("+++")) || ($0.hasPrefix("-") && !$0.hasPrefix("---"))
    }.count
  }

  /// Applies a unified diff of newline-terminated lines to `old`.
  private func patch(_ old: [String], with diff: String) -> [String] {
    var result: [String] = []
    var position = 0
    for line in diff.split(separator: "\n").dropFirst(2) {
      if line.hasPrefix("@@") {
        let oldStart = line.dropFirst(4).prefix { $0.isNumber }
        let start = max(0, (Int(oldStart) ?? 1) - 1)
        let target = line.contains(",0 +") ? start + 1 : start
        while position < min(target, old.count) {
          result.append(old[position])
          position += 1
        }
      } else if line.hasPrefix(" ") {
        result.append(String(line.dropFirst()))
        position += 1
      } else if line.hasPrefix("-") {
        position += 1
      } else if line.hasPrefix("+") {
        result.append(String(line.dropFirst()))
      }
    }
    return result + old[min(position, old.count)...]
  }
}

/// A small seeded generator, so random tests are repeatable.
private struct SplitMix64: RandomNumberGenerator {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
