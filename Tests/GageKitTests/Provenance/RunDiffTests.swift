import Foundation
import GageKit
import GageTestSupport
import Testing

/// `RunDiff` and its parts: key and file comparisons as pure functions, sides read from
/// hand-made runs, patches of run files, and archive references parsed from arguments.
@Suite("Run diff")
struct RunDiffTests {
  static let base = Int64(1_767_225_600_000_000)

  /// A manifest entry whose digest is the SHA-256 of `text`.
  static func entry(_ type: RunFileType, _ path: String, _ text: String) -> ManifestEntry {
    ManifestEntry(type: type, digest: FileDigest.hex(Array(text.utf8)), path: path)
  }

  /// A finished hand-made run with `files` in its run dir (all typed `s`, except names in
  /// `generated`) and a manifest of them.
  static func run(
    config: String, files: [String: String], generated: Set<String> = [], git: String? = nil,
    cmd: String = "\"python train.py\"", env: String = "{}", exit: String = "0"
  ) -> HandMadeRun {
    var made = HandMadeRun(started: base, exit: exit, config: config)
    made.files = files
    made.meta[MetaFile.cmd] = cmd
    made.meta[MetaFile.env] = env
    if let git { made.meta[MetaFile.gitSource] = git }
    made.meta[MetaFile.manifest] =
      Manifest(
        entries: files.map {
          entry(generated.contains($0.key) ? .generated : .source, $0.key, $0.value)
        }
      ).text
    return made
  }

  @Test("Keys: changed, only in A, only in B, identical; 1 and 1.0 differ")
  func keys() {
    let keys = KeyComparison(
      a: ["x": .int(1), "same": .string("s"), "gone": .bool(true), "n": .int(1)],
      b: ["x": .int(2), "same": .string("s"), "new": .null, "n": .double(1)])
    #expect(keys.changed.map(\.key) == ["n", "x"])
    #expect(keys.changed.last == KeyComparison.Change(key: "x", a: .int(1), b: .int(2)))
    #expect(keys.onlyA == [KeyComparison.Single(key: "gone", value: .bool(true))])
    #expect(keys.onlyB == [KeyComparison.Single(key: "new", value: .null)])
    #expect(keys.identical == 1)
    #expect(!keys.isIdentical)
    #expect(KeyComparison(a: ["k": .int(1)], b: ["k": .int(1)]).isIdentical)
    #expect(KeyComparison(a: [:], b: [:]).isIdentical)
  }

  @Test("Files are compared by manifest digest and type; a type filter picks the section")
  func files() {
    let a = Manifest(entries: [
      Self.entry(.source, "b.py", "b"), Self.entry(.source, "a.py", "a"),
      Self.entry(.source, "old.py", "o"),
      Self.entry(.generated, "out.txt", "1"), Self.entry(.dependency, "data.csv", "d"),
      Self.entry(.generated, "same.txt", "s"),
    ])
    let b = Manifest(entries: [
      Self.entry(.source, "a.py", "a"), Self.entry(.source, "b.py", "B"),
      Self.entry(.source, "new.py", "n"),
      Self.entry(.generated, "out.txt", "2"), Self.entry(.runtime, "data.csv", "d"),
      Self.entry(.generated, "same.txt", "s"),
    ])
    let source = FileComparison(a: a, b: b, types: FileComparison.sourceTypes)
    #expect(source.identical.map(\.path) == ["a.py"])
    #expect(
      source.changed.map(\.path) == ["b.py", "data.csv"], "a dependency that became runtime changed"
    )
    #expect(source.changed.first?.a.digest == FileDigest.hex(Array("b".utf8)))
    #expect(source.changed.first?.b.digest == FileDigest.hex(Array("B".utf8)))
    #expect(source.onlyA.map(\.path) == ["old.py"])
    #expect(source.onlyB.map(\.path) == ["new.py"])
    let outputs = FileComparison(a: a, b: b, types: [.generated])
    #expect(outputs.identical.map(\.path) == ["same.txt"])
    #expect(outputs.changed.map(\.path) == ["out.txt"])
    #expect(outputs.onlyA.isEmpty && outputs.onlyB.isEmpty)
    #expect(FileComparison(a: a, b: a).isIdentical)
    #expect(FileComparison(a: a, b: a).identical.count == 6)
  }

  @Test(
    "Two runs read from their files: every section, and a run compared with itself is identical")
  func runs() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = tmp.path("runs")
    let gitA =
      #"{"vcs": "git", "commit": "1111111111111111111111111111111111111111", "dirty": false}"#
    let gitB =
      #"{"vcs": "git", "commit": "2222222222222222222222222222222222222222", "dirty": false}"#
    let a = try Self.run(
      config: #"{"x": 1, "y": "a"}"#,
      files: ["train.py": "x = 1\n", "out.txt": "1\n", "same.txt": "s\n"],
      generated: ["out.txt", "same.txt"], git: gitA
    ).write(in: dir)
    let b = try Self.run(
      config: #"{"x": 2, "z": true}"#,
      files: ["train.py": "x = 2\n", "out.txt": "2\n", "same.txt": "s\n"],
      generated: ["out.txt", "same.txt"], git: gitB, cmd: #"["python", "train.py"]"#,
      env: #"{"MODE": "fast"}"#,
      exit: "1"
    ).write(in: dir)
    let diff = try RunDiff.compare(a, b)
    #expect(diff.a.id == a.id && diff.b.id == b.id)
    #expect(diff.runDiffers)
    #expect(diff.b.status == .error && diff.b.exitCode == 1)
    #expect(diff.a.started == Self.base)
    #expect(diff.config.changed == [KeyComparison.Change(key: "x", a: .int(1), b: .int(2))])
    #expect(diff.config.onlyA.map(\.key) == ["y"] && diff.config.onlyB.map(\.key) == ["z"])
    #expect(diff.commandDiffers)
    #expect(diff.env.onlyB == [KeyComparison.Single(key: "MODE", value: .string("fast"))])
    #expect(diff.source.changed.map(\.key) == ["commit"])
    #expect(diff.sourceFiles.changed.map(\.path) == ["train.py"])
    #expect(diff.outputs.changed.map(\.path) == ["out.txt"])
    #expect(diff.outputs.identical.map(\.path) == ["same.txt"])
    #expect(diff.differs)
    #expect(
      diff.patch("train.py") == "--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n")

    let json = diff.json(archives: (nil, "b.tar"), patch: true)
    #expect(json["run"]?["b"]?["archive"] == .string("b.tar"))
    #expect(json["run"]?["b"]?["exit_code"] == .int(1))
    #expect(json["command"]?["b"] == .array([.string("python"), .string("train.py")]))
    #expect(json["source"]?["a"]?["commit"]?.stringValue?.hasPrefix("1111") == true)
    #expect(
      json["outputs"]?["changed"]?.arrayValue?.first?["patch"]
        == .string("--- a/out.txt\n+++ b/out.txt\n@@ -1 +1 @@\n-1\n+2\n"))

    let same = try RunDiff.compare(a, a)
    #expect(!same.differs)
    #expect(same.sourceFiles.identical.count == 1 && same.outputs.identical.count == 2)
    #expect(same.json()["differs"] == .bool(false))
  }

  @Test("A meta file that cannot be parsed is an error naming the run and the file")
  func damagedMeta() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    var made = Self.run(config: "{}", files: [:])
    made.meta[MetaFile.env] = "[1]"
    let run = try made.write(in: tmp.path("runs"))
    #expect(
      throws: GageError.invalidData("run \(made.name): proc/env.json holds an array, not an object")
    ) {
      try RunDiff.Side(run: run)
    }
    made.meta[MetaFile.env] = "{}"
    made.meta[MetaFile.manifest] = "s nothex train.py\n"
    let second = try made.write(in: tmp.path("runs2"))
    #expect(throws: GageError.self) { try RunDiff.Side(run: second) }
  }

  @Test("Patches: text, a file only on one side, binary, a link, an empty new file")
  func patches() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let a = Run(id: RunID.make(), runDir: try tmp.makeDir("a"))
    let b = Run(id: RunID.make(), runDir: try tmp.makeDir("b"))
    try writeFile(FileIO.join(a.runDir, "t.txt"), "one\ntwo\n")
    try writeFile(FileIO.join(b.runDir, "t.txt"), "one\nthree")
    #expect(
      RunFilePatch.make(path: "t.txt", a: a, b: b)
        == "--- a/t.txt\n+++ b/t.txt\n@@ -1,2 +1,2 @@\n one\n-two\n+three\n\\ No newline at end of file\n"
    )
    #expect(
      RunFilePatch.make(path: "t.txt", a: nil, b: b).hasPrefix(
        "--- /dev/null\n+++ b/t.txt\n@@ -0,0 +1,2 @@\n+one\n"))
    #expect(
      RunFilePatch.make(path: "t.txt", a: a, b: nil).hasPrefix(
        "--- a/t.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-one\n"))
    try FileIO.write([0x00, 0x01], to: FileIO.join(a.runDir, "bin"))
    try FileIO.write([0x00, 0x02], to: FileIO.join(b.runDir, "bin"))
    #expect(RunFilePatch.make(path: "bin", a: a, b: b) == "Binary files a/bin and b/bin differ\n")
    try FileIO.write([0xFF, 0xFE, 0x0A], to: FileIO.join(b.runDir, "latin"))
    #expect(
      RunFilePatch.make(path: "latin", a: nil, b: b)
        == "Binary files /dev/null and b/latin differ\n")
    #expect(symlink("t.txt", FileIO.join(a.runDir, "link")) == 0)
    #expect(symlink("u.txt", FileIO.join(b.runDir, "link")) == 0)
    #expect(
      RunFilePatch.make(path: "link", a: a, b: b).contains(
        "\n-t.txt\n\\ No newline at end of file\n+u.txt\n"))
    try writeFile(FileIO.join(b.runDir, "empty"), "")
    #expect(RunFilePatch.make(path: "empty", a: nil, b: b) == "--- /dev/null\n+++ b/empty\n")
    #expect(
      RunFilePatch.make(path: "gone", a: a, b: b).hasPrefix("gone: cannot be diffed: cannot read "))
    #expect(
      RunFilePatch.make(path: "../a/t.txt", a: a, b: b)
        == "../a/t.txt: cannot be diffed: not a path inside the run\n")
  }

  @Test("Arguments: run specs stay run specs; file names, FILE#PREFIX and ./name are archives")
  func references() {
    for spec in ["1", "12", "1:3", "kafom", "kafom-fikud", "60a825b1", "60a825b1-1428"] {
      #expect(ArchiveRunReference(argument: spec) == nil, "\(spec)")
    }
    #expect(ArchiveRunReference(argument: "x.tar") == ArchiveRunReference(path: "x.tar"))
    #expect(ArchiveRunReference(argument: "X.TGZ") == ArchiveRunReference(path: "X.TGZ"))
    #expect(
      ArchiveRunReference(argument: "runs.tar.zst#60a8")
        == ArchiveRunReference(path: "runs.tar.zst", selector: "60a8"))
    #expect(
      ArchiveRunReference(argument: "d/runs.tar.gz#kafom")
        == ArchiveRunReference(path: "d/runs.tar.gz", selector: "kafom"))
    #expect(ArchiveRunReference(argument: "x.tar#") == ArchiveRunReference(path: "x.tar"))
    #expect(ArchiveRunReference(argument: "./bag") == ArchiveRunReference(path: "./bag"))
    #expect(ArchiveRunReference(argument: "a#b.tar") == ArchiveRunReference(path: "a#b.tar"))
  }

  @Test("A file whose own name holds `#` is taken whole when it exists")
  func hashInName() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let file = try tmp.write("runs.tar#1", "")
    #expect(ArchiveRunReference(argument: file) == ArchiveRunReference(path: file))
    #expect(
      ArchiveRunReference(argument: tmp.path("other.tar#1"))
        == ArchiveRunReference(path: tmp.path("other.tar"), selector: "1"))
  }

  @Test(
    "Picking the run of an archive: one run needs no prefix; several need one that names one run")
  func pick() throws {
    let one = ["60a825b1-1428-493d-a4cc-42d50f7f92c4"]
    let two = one + ["7c3e0000-1428-493d-a4cc-42d50f7f92c4"]
    #expect(try ArchiveRunReference(path: "x.tar").run(in: one) == one[0])
    #expect(try ArchiveRunReference(path: "x.tar").run(in: []) == nil)
    #expect(try ArchiveRunReference(path: "x.tar", selector: "7C3E").run(in: two) == two[1])
    #expect(
      try ArchiveRunReference(path: "x.tar", selector: RunID.name(for: two[0])).run(in: two)
        == two[0])
    #expect(throws: GageError.self) { try ArchiveRunReference(path: "x.tar").run(in: two) }
    #expect(throws: GageError.self) {
      try ArchiveRunReference(path: "x.tar", selector: "ff").run(in: two)
    }
    #expect(throws: GageError.self) {
      try ArchiveRunReference(path: "x.tar", selector: "").run(in: two)
    }
  }
}
