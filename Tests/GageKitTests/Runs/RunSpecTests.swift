import GageTestSupport
import Testing

@testable import GageKit

/// Run specs (README, Commands): index, slice, id or name prefix; ambiguous and unknown specs.
@Suite("Run specs")
struct RunSpecTests {
  static let base = Int64(1_767_225_600_000_000)
  static let ids = [
    "60a825b1-0000-4000-8000-000000000001",  // kafom-fikud, oldest
    "60a825b2-0000-4000-8000-000000000002",  // kafom-fikuf
    "7f000001-0000-4000-8000-000000000003",  // lusab-babad
    "9c1e2f00-0000-4000-8000-000000000004",  // newest
  ]

  /// A runs dir with the four runs, started a second apart in the order of `ids`.
  static func runsDir(_ tmp: TempDir) throws -> String {
    let dir = try tmp.makeDir("runs")
    for (n, id) in ids.enumerated() {
      try HandMadeRun(id: id, started: base + Int64(n) * 1_000_000).write(in: dir)
    }
    return dir
  }

  static func select(_ specs: [String], _ dir: String) throws -> [String] {
    let listing = RunListing(catalog: RunCatalog(runsDir: dir), container: RunMoves.active)
    return try listing.select(specs).map { listing.record(at: $0)?.id ?? "?" }
  }

  @Test("An index counts from the newest run; a slice FIRST:LAST includes both ends")
  func indexesAndSlices() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try Self.runsDir(tmp)
    #expect(try Self.select(["1"], dir) == [Self.ids[3]])
    #expect(try Self.select(["4"], dir) == [Self.ids[0]])
    #expect(try Self.select(["2:3"], dir) == [Self.ids[2], Self.ids[1]])
    #expect(try Self.select([":2"], dir) == [Self.ids[3], Self.ids[2]])
    #expect(try Self.select(["3:"], dir) == [Self.ids[1], Self.ids[0]])
    #expect(
      try Self.select(["3:9"], dir) == [Self.ids[1], Self.ids[0]],
      "a slice stops at the end of the list")
    #expect(
      try Self.select(["1", "1:2", "4"], dir) == [Self.ids[3], Self.ids[2], Self.ids[0]],
      "each run once, in list order")
  }

  @Test("A number past the end of the list is tried as an id prefix (ids may start with digits only)")
  func numericPrefix() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try Self.runsDir(tmp)
    let digits = "12345678-0000-4000-8000-000000000005"
    try HandMadeRun(id: digits, started: Self.base - 1_000_000).write(in: dir)
    #expect(try Self.select(["12345678"], dir) == [digits])
    #expect(try Self.select(["1"], dir) == [Self.ids[3]], "an index in range is an index")
    let error = #expect(throws: GageError.self) { try Self.select(["99"], dir) }
    #expect(error == .notFound("no run at index 99: there are 5 runs"))
  }

  @Test("A prefix of an id or a name names the one run it starts")
  func prefixes() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try Self.runsDir(tmp)
    #expect(try Self.select(["7f00"], dir) == [Self.ids[2]])
    #expect(try Self.select(["lusab"], dir) == [Self.ids[2]])
    #expect(try Self.select(["kafom-fikud"], dir) == [Self.ids[0]])
    #expect(try Self.select(["60A825B2"], dir) == [Self.ids[1]], "case does not matter")
  }

  @Test("An ambiguous prefix lists the runs it matches")
  func ambiguous() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try Self.runsDir(tmp)
    let error = #expect(throws: GageError.self) { try Self.select(["kafom"], dir) }
    guard case .invalidInput(let message) = error else {
      Issue.record("expected invalid input, got \(String(describing: error))")
      return
    }
    #expect(message.hasPrefix("\"kafom\" matches 2 runs; give more of the id or name:"))
    #expect(message.contains("3  kafom-fikuf  60a825b2  train  completed"))
    #expect(message.contains("4  kafom-fikud  60a825b1  train  completed"))
  }

  @Test("An unknown spec says so and names near matches; an index past the end counts the runs")
  func unknown() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try Self.runsDir(tmp)
    let typo = #expect(throws: GageError.self) { try Self.select(["lusab-babod"], dir) }
    #expect(
      typo == .notFound("no run matches \"lusab-babod\"; did you mean lusab-babad (7f000001)?"))
    let nothing = #expect(throws: GageError.self) { try Self.select(["zzzz"], dir) }
    #expect(nothing == .notFound("no run matches \"zzzz\"; `gage runs` lists them"))
    let index = #expect(throws: GageError.self) { try Self.select(["5"], dir) }
    #expect(index == .notFound("no run at index 5: there are 4 runs"))
    let zero = #expect(throws: GageError.self) { try Self.select(["0"], dir) }
    #expect(zero == .notFound("no run at index 0: there are 4 runs"))
    let slice = #expect(throws: GageError.self) { try Self.select(["3:2"], dir) }
    #expect(slice == .invalidInput("invalid slice \"3:2\": use FIRST:LAST with 1 <= FIRST <= LAST"))
  }

  @Test("A run in another container is pointed to")
  func elsewhere() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try Self.runsDir(tmp)
    let catalog = RunCatalog(runsDir: dir)
    guard let record = catalog.record(id: Self.ids[2]) else {
      Issue.record("no record")
      return
    }
    try RunRemoval.trash(record)
    let error = #expect(throws: GageError.self) { try Self.select(["lusab"], dir) }
    #expect(
      error
        == .notFound(
          "no run matches \"lusab\"; run lusab-babad (7f000001) is in the trash (gage runs --deleted; gage restore lusab-babad)"
        ))
    let trash = RunListing(
      catalog: RunCatalog(runsDir: dir), container: RunMoves.trash, noun: "deleted runs")
    #expect(try trash.select(["1"]).count == 1)
    let past = #expect(throws: GageError.self) { try trash.select(["2"]) }
    #expect(past == .notFound("no run at index 2: there is 1 deleted run"))
  }

  @Test("Specs index the list a --where expression leaves")
  func filtered() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let dir = try tmp.makeDir("runs")
    try HandMadeRun(id: Self.ids[0], started: Self.base, exit: "1").write(in: dir)
    try HandMadeRun(id: Self.ids[1], started: Self.base + 1_000_000).write(in: dir)
    try HandMadeRun(id: Self.ids[2], started: Self.base + 2_000_000, exit: "1").write(in: dir)
    let listing = RunListing(
      catalog: RunCatalog(runsDir: dir), container: RunMoves.active,
      filter: try WhereFilter("status = error"))
    #expect(listing.count == 2)
    #expect(try listing.select(["2"]).compactMap { listing.record(at: $0)?.id } == [Self.ids[0]])
  }

  @Test("Near matches: small edit distances to a prefix of the same length")
  func nearMatches() {
    #expect(RunSpec.distance(Array("kafom".utf8), Array("kafum".utf8)) == 1)
    #expect(RunSpec.distance(Array("abc".utf8), Array("".utf8)) == 3)
    let all = [(id: "60a825b1", name: "kafom-fikud"), (id: "7f000001", name: "lusab-babad")]
    #expect(RunSpec.nearMatches("kafim", all: all).map(\.name) == ["kafom-fikud"])
    #expect(RunSpec.nearMatches("qqqqq", all: all).isEmpty)
  }
}
