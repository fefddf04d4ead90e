import Foundation
import GageKit
import Testing

/// `UnifiedPatch` undoes what `UnifiedDiff` recorded (`log/patched`), so that a staged
/// config file can be compared with its committed original.
@Suite("Unified patch")
struct UnifiedPatchTests {
  /// Texts and their edited forms: changes at the start, middle and end, far apart (two
  /// hunks), an added last line, a lost final newline.
  static let cases: [(String, String)] = [
    ("a = 1\nb = 2\nc = 3\n", "a = 9\nb = 2\nc = 3\n"),
    ((1...40).map { "line \($0)\n" }.joined(), (1...40).map { $0 == 3 || $0 == 35 ? "changed \($0)\n" : "line \($0)\n" }.joined()),
    ("x\ny\n", "x\ny\nz\n"),
    ("x\ny\n", "x\ny"),
    ("only\n", "other\n"),
  ]

  @Test("the original comes back from every patched text", arguments: 0..<cases.count)
  func roundTrip(_ n: Int) throws {
    let (old, new) = Self.cases[n]
    let diff = UnifiedDiff.make(old: old, new: new, oldName: "a/dir/f.py", newName: "b/dir/f.py")
    let patch = try UnifiedPatch(Array(diff.utf8), source: "log/patched")
    #expect(patch.paths == ["dir/f.py"])
    let original = patch.original(of: "dir/f.py", patched: Array(new.utf8))
    #expect(original.map { String(decoding: $0, as: UTF8.self) } == old)
  }

  @Test("a text that does not hold the recorded change gives nil; other files pass through")
  func mismatch() throws {
    let diff = UnifiedDiff.make(old: "a = 1\n", new: "a = 2\n", oldName: "a/f.py", newName: "b/f.py")
    let patch = try UnifiedPatch(Array(diff.utf8), source: "log/patched")
    #expect(patch.original(of: "f.py", patched: Array("a = 3\n".utf8)) == nil)
    #expect(patch.original(of: "g.py", patched: Array("z\n".utf8)) == Array("z\n".utf8))
  }

  @Test("several files in one patch, each undone on its own")
  func severalFiles() throws {
    let diff =
      UnifiedDiff.make(old: "a\n", new: "b\n", oldName: "a/one", newName: "b/one")
      + UnifiedDiff.make(old: "c\nd\n", new: "c\ne\n", oldName: "a/two", newName: "b/two")
    let patch = try UnifiedPatch(Array(diff.utf8), source: "log/patched")
    #expect(patch.paths == ["one", "two"])
    #expect(patch.original(of: "one", patched: Array("b\n".utf8)) == Array("a\n".utf8))
    #expect(patch.original(of: "two", patched: Array("c\ne\n".utf8)) == Array("c\nd\n".utf8))
  }
}
