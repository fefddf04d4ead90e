import Foundation
import GageKit
import GageTestSupport
import Testing

/// Makes a file whose name is `prefix` + byte 0xFF + `.txt` (not valid UTF-8) in `dir`.
func makeNonUTF8File(in dir: String, prefix: String) throws {
  let path: [CChar] =
    Array((dir + "/" + prefix).utf8CString.dropLast()) + [CChar(bitPattern: 0xFF)]
    + Array(".txt".utf8CString)
  let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
  guard fd >= 0 else {
    throw GageError.io(path: dir, operation: "create a non-UTF-8 name in", errno: errno)
  }
  close(fd)
}

/// The checked file calls run meta is written with.
@Suite("File IO")
struct FileIOTests {
  @Test("write sets the mode; single values are written without a trailing newline")
  func writeWithMode() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    try FileIO.write("1", to: tmp.path("a"), mode: FileIO.readOnlyMode)
    #expect(try FileIO.readBytes(tmp.path("a")) == [0x31])
    #expect(try Listing.files(in: tmp.path).map(\.mode) == [0o444])
  }

  @Test("createExclusive creates once and then reports that the file exists")
  func createExclusive() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    #expect(try FileIO.createExclusive("first", at: tmp.path("started")))
    #expect(try FileIO.createExclusive("second", at: tmp.path("started")) == false)
    #expect(try readFile(tmp.path("started")) == "first")
  }

  @Test("createExclusiveWhole creates once, whole and read-only, leaves no temporary, and reports an existing file or link")
  func createExclusiveWhole() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    #expect(try FileIO.createExclusiveWhole("1700000000000000", at: tmp.path("started")))
    #expect(try FileIO.createExclusiveWhole("second", at: tmp.path("started")) == false)
    #expect(try readFile(tmp.path("started")) == "1700000000000000")
    #expect(symlink("nowhere", tmp.path("dangling")) == 0)
    #expect(try FileIO.createExclusiveWhole("x", at: tmp.path("dangling")) == false)
    var st = stat()
    #expect(lstat(tmp.path("started"), &st) == 0 && st.st_mode & 0o7777 == 0o444)
    #expect(Set(try DirectoryListing.entries(tmp.path).map(\.display)) == ["started", "dangling"])
  }

  @Test("makeReadOnly drops every write bit and keeps execute bits")
  func makeReadOnly() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    try tmp.write("run.sh", "#!/bin/sh\n", mode: 0o775)
    try FileIO.makeReadOnly(tmp.path("run.sh"))
    #expect(try Listing.files(in: tmp.path).first?.mode == 0o555)
  }

  @Test("removeTree removes read-only files and directories")
  func removeReadOnlyTree() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    try tmp.write("tree/a/b.txt", "b", mode: 0o444)
    try tmp.write("tree/c.txt", "c", mode: 0o444)
    chmod(tmp.path("tree/a"), 0o555)
    try FileIO.removeTree(tmp.path("tree"))
    #expect(!FileIO.exists(tmp.path("tree")))
  }

  @Test(
    "removeTree removes files whose names are not valid UTF-8")
  func removeNonUTF8Names() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("tree")
    try makeNonUTF8File(in: dir, prefix: "bad-")
    #expect(throws: Never.self) { try FileIO.removeTree(dir) }
    #expect(!FileIO.exists(dir))
  }
}
