import Foundation
import GageTestSupport
import Testing

@testable import GageKit

@Suite("Source selection outside git (Gage's defaults)")
struct SourceSelectorTests {
  /// Holds each test's project (`project`) and copies (`project-dest`).
  let tmp: TempDir

  init() throws {
    tmp = try TempDir()
  }

  /// A fresh project dir with the given files (relative path → content).
  func project(_ files: [String: [UInt8]]) throws -> String {
    let dir = try tmp.makeDir("project")
    for (path, bytes) in files {
      let full = dir + "/" + path
      try FileIO.makeDirectories((full as NSString).deletingLastPathComponent)
      try FileIO.write(bytes, to: full)
    }
    return dir
  }

  func text(_ s: String) -> [UInt8] { Array(s.utf8) }

  @Test func defaultsStageSmallTextFilesAndSayWhatTheyLeaveOut() throws {
    let dir = try project([
      "train.py": text("lr = 0.1\n"),
      "src/model.py": text("x = 1\n"),
      "data.bin": [0, 1, 2, 3],
      "big.txt": Array(repeating: 0x61, count: 200 * 1024),
      ".env": text("SECRET=1\n"),
      ".cache/x.txt": text("x"),
      "venv/pyvenv.cfg": text("home = /usr\n"),
      "venv/lib/site.py": text("x"),
      "runs/abc.txt": text("x"),
    ])
    let selection = try SourceSelector(projectDir: dir, spec: .defaults, pruned: [dir + "/runs"]).select()
    #expect(selection.files.map(\.path) == ["src/model.py", "train.py"])
    let reasons = Dictionary(uniqueKeysWithValues: selection.excluded.map { ($0.path, $0.reason) })
    #expect(reasons["data.bin"] == "binary file")
    #expect(reasons["big.txt"]?.hasPrefix("larger than 100 KB") == true)
    #expect(reasons[".env"] == "hidden file")
    #expect(reasons[".cache/"] == "hidden directory")
    #expect(reasons["venv/"] == "virtual environment")
    #expect(reasons["runs/"] == "runs directory")
    #expect(selection.excludedText.contains("venv/\tvirtual environment\n"))
  }

  @Test func excludeOnlyPatternsAddToTheDefaults() throws {
    let dir = try project(["a.py": text("a"), "b.py": text("b"), "notes.md": text("n")])
    let selection = try SourceSelector(projectDir: dir, spec: .patterns(["-*.md"])).select()
    #expect(selection.files.map(\.path) == ["a.py", "b.py"])
    #expect(selection.excluded.first { $0.path == "notes.md" }?.reason == "excluded by pattern \"-*.md\"")
  }

  @Test func anIncludePatternReplacesTheDefaultsAndTheLastMatchWins() throws {
    let dir = try project([
      "a.py": text("a"), "sub/b.py": text("b"), "sub/skip.py": text("s"), "data.bin": [0, 0], "x.txt": text("x"),
    ])
    let spec = SourceCodeSpec.patterns(["**/*.py", "data.bin", "-sub/skip.py"])
    let selection = try SourceSelector(projectDir: dir, spec: spec).select()
    #expect(selection.files.map(\.path) == ["a.py", "data.bin", "sub/b.py"])
    #expect(selection.excluded.contains { $0.path == "x.txt" && $0.reason.contains("not selected") })
  }

  @Test func sizeAndTextFilters() throws {
    let dir = try project(["small.dat": [1, 0], "large.dat": Array(repeating: 1, count: 5000), "t.dat": text("t")])
    let selection = try SourceSelector(projectDir: dir, spec: .patterns(["*.dat size<1k", "-*.dat text"])).select()
    #expect(selection.files.map(\.path) == ["small.dat"])
  }

  @Test func falseStagesNothing() throws {
    let dir = try project(["a.py": text("a")])
    let selection = try SourceSelector(projectDir: dir, spec: .enabled(false)).select()
    #expect(selection.files.isEmpty)
  }

  @Test func linksInsideAreKeptAndLinksOutsideAreReported() throws {
    let dir = try project(["a.py": text("a")])
    #expect(symlink("a.py", dir + "/inside.py") == 0)
    #expect(symlink("/etc/passwd", dir + "/outside") == 0)
    let selection = try SourceSelector(projectDir: dir, spec: .defaults).select()
    #expect(selection.files.contains { $0.path == "inside.py" && $0.isLink })
    #expect(selection.excluded.contains { $0.path == "outside" && $0.reason.hasPrefix("link leaves the project") })
  }

  @Test func namesThatAreNotUTF8AreReported() throws {
    let dir = try project(["a.py": text("a")])
    var name = Array((dir + "/bad-").utf8)
    name += [0xFF, 0xFE, 0]
    let fd = name.withUnsafeBufferPointer { buf in
      buf.baseAddress.map { $0.withMemoryRebound(to: CChar.self, capacity: buf.count) { open($0, O_CREAT | O_WRONLY, 0o644) } } ?? -1
    }
    #expect(fd >= 0)
    close(fd)
    let selection = try SourceSelector(projectDir: dir, spec: .defaults).select()
    #expect(selection.files.map(\.path) == ["a.py"])
    #expect(selection.excluded.contains { $0.reason == "name is not valid UTF-8" })
  }

  @Test func badPatternFiltersAreErrors() {
    #expect(throws: GageError.self) { try SourceRule(parsing: "*.py sometimes") }
    #expect(throws: GageError.self) { try SourceRule(parsing: "-") }
  }

  @Test func copyAndHashKeepsBytesModeAndLinks() throws {
    let dir = try project(["run.sh": text("#!/bin/sh\necho hi\n"), "a.txt": text("")])
    chmod(dir + "/run.sh", 0o755)
    #expect(symlink("a.txt", dir + "/link") == 0)
    let dest = dir + "-dest"
    try FileIO.makeDirectories(dest)
    let digests = try FileCopier.copy(
      ["run.sh", "a.txt", "link"].map { FileCopier.Item(source: dir + "/" + $0, path: $0) }, to: dest)
    #expect(digests["a.txt"]?.digest == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(digests["run.sh"]?.digest == FileDigest.hex(Array("#!/bin/sh\necho hi\n".utf8)))
    #expect(digests["link"]?.digest == FileDigest.hex(Array("a.txt".utf8)))
    var st = stat()
    #expect(stat(dest + "/run.sh", &st) == 0)
    #expect(st.st_mode & 0o111 != 0)
    #expect(try FileDigest.linkTarget(dest + "/link") == "a.txt")
    #expect(try FileIO.readText(dest + "/run.sh") == "#!/bin/sh\necho hi\n")
  }

  @Test func manyFilesCopyInParallelWithTheSameDigests() throws {
    var files: [String: [UInt8]] = [:]
    for i in 0..<200 { files["d\(i % 7)/f\(i).txt"] = text(String(repeating: "line \(i)\n", count: i + 1)) }
    let dir = try project(files)
    let dest = dir + "-dest"
    try FileIO.makeDirectories(dest)
    let digests = try FileCopier.copy(files.keys.map { FileCopier.Item(source: dir + "/" + $0, path: $0) }, to: dest)
    for (path, bytes) in files {
      #expect(digests[path]?.digest == FileDigest.hex(bytes))
      #expect(try FileIO.readBytes(dest + "/" + path) == bytes)
    }
  }
}

@Suite("Runs dirs are never staged")
struct RunsDirPruningTests {
  @Test func anyDirHoldingRunsIsLeftOutNotOnlyTheCurrentRunsDir() throws {
    let tmp = try TempDir()
    let dir = tmp.path
    let id = RunID.make()
    try FileIO.makeDirectories(dir + "/old-runs/" + id + ".meta")
    try FileIO.write("x", to: dir + "/old-runs/" + id + ".meta/opref")
    try FileIO.write("print(1)\n", to: dir + "/train.py")
    let selection = try SourceSelector(projectDir: dir, spec: .defaults).select()
    #expect(selection.files.map(\.path) == ["train.py"])
    #expect(selection.excluded.contains(ExcludedPath(path: "old-runs/", reason: "runs directory")))
  }
}
