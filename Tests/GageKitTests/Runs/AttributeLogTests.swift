import Foundation
import GageKit
import GageTestSupport
import Testing

/// The run's append-only attribute log (`<id>.user/`): labels, comments and attributes
/// written by lifecycle callbacks.
@Suite("Attribute log")
struct AttributeLogTests {
  static func run(in tmp: TempDir) -> Run {
    let id = RunID.make()
    return Run(id: id, runDir: tmp.path(id))
  }

  @Test("An attribute written reads back")
  func writeAndRead() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = Self.run(in: tmp)
    #expect(try run.attribute("msg") == nil)
    try run.writeAttribute("msg", .string("hello!"))
    #expect(try run.attribute("msg") == .string("hello!"))
    #expect(FileIO.isDirectory(tmp.path(run.id + ".user")))
  }

  @Test("Later entries win")
  func laterEntriesWin() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = Self.run(in: tmp)
    try run.writeAttribute("label", .string("first"))
    usleep(2_000)
    try run.writeAttribute("label", .string("second"))
    #expect(try run.attribute("label") == .string("second"))
  }

  @Test(
    "Later entries win even when written within the same millisecond")
  func laterEntriesWinWhenFast() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = Self.run(in: tmp)
    var stale: [Int] = []
    for i in 0..<200 {
      try run.writeAttribute("n", .int(i))
      if try run.attribute("n") != .int(i) { stale.append(i) }
    }
    #expect(stale == [], "writes that read back an older value: \(stale)")
    #expect(try run.attribute("n") == .int(199))
  }

  @Test("A delete entry removes an attribute; a later set brings it back")
  func deleteWorks() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = Self.run(in: tmp)
    let log = AttributeLog(run: run)
    try log.log(set: ["label": .string("best"), "comment": .string("keep")])
    usleep(2_000)
    try log.log(set: [:], delete: ["label"])
    #expect(try log.attributes() == ["comment": .string("keep")])
    usleep(2_000)
    try log.log(set: ["label": .string("again")])
    #expect(try log.attributes()["label"] == .string("again"))
  }

  @Test("Entries are never rewritten: one read-only JSON file per change, with its author")
  func appendOnly() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = Self.run(in: tmp)
    let log = AttributeLog(run: run)
    try log.log(set: ["a": .int(1)], author: "alice")
    usleep(2_000)
    try log.log(set: ["a": .int(2)], author: "bob")
    try log.log(set: [:])  // nothing to record: no entry
    let files = try Listing.files(in: run.userDir)
    #expect(files.count == 2)
    #expect(files.allSatisfy { $0.path.hasSuffix(".json") && $0.mode == 0o444 })
    let authors = try files.map {
      try JSONValue.read(path: FileIO.join(run.userDir, $0.path))["author"]
    }
    #expect(authors == [.string("alice"), .string("bob")])
  }
}
