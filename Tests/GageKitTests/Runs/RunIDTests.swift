import GageKit
import Testing

/// Run ids and names (docs/run-layout.md): the name is the proquint of the id's first 32 bits.
@Suite("Run ids and names")
struct RunIDTests {
  @Test("The run name is the proquint of the id's first eight hex digits")
  func nameFromID() {
    #expect(RunID.name(for: "60a825b1-0c5e-4a2e-9d1b-3f1a2b3c4d5e") == "kafom-fikud")
    #expect(Run(id: "60a825b1-0c5e-4a2e-9d1b-3f1a2b3c4d5e", runDir: "/tmp/x").name == "kafom-fikud")
  }

  @Test(
    "Proquint known answers (from the proquint proposal's IPv4 examples)",
    arguments: [
      (UInt32(0x7F00_0001), "lusab-babad"),  // 127.0.0.1
      (UInt32(0x3F54_DCC1), "gutih-tugad"),  // 63.84.220.193
      (UInt32(0x3F76_0723), "gutuk-bisog"),  // 63.118.7.35
      (UInt32(0x8C62_C18D), "mudof-sakat"),  // 140.98.193.141
      (UInt32(0x0000_0000), "babab-babab"),
      (UInt32(0xFFFF_FFFF), "zuzuz-zuzuz"),
    ])
  func proquintVectors(value: UInt32, expected: String) {
    #expect(RunID.proquint(value) == expected)
  }

  @Test("New ids are lowercase UUID v4, all different")
  func newIDs() {
    let ids = (0..<100).map { _ in RunID.make() }
    #expect(Set(ids).count == 100)
    for id in ids {
      #expect(RunID.isValid(id))
      #expect(id == id.lowercased())
      #expect(Array(id)[14] == "4", "version 4: \(id)")
    }
  }

  @Test(
    "Id shape check",
    arguments: [
      ("60a825b1-0c5e-4a2e-9d1b-3f1a2b3c4d5e", true),
      ("60a825b1-0c5e-4a2e-9d1b-3f1a2b3c4d5", false),
      ("60a825b10c5e4a2e9d1b3f1a2b3c4d5e", false),
      ("60a825b1-0c5e-4a2e-9d1b-3f1a2b3c4d5g", false),
      ("60A825B1-0C5E-4A2E-9D1B-3F1A2B3C4D5E", true),
      ("\u{FF16}0a825b1-0c5e-4a2e-9d1b-3f1a2b3c4d5e", false),  // a fullwidth 6
      ("", false),
    ])
  func idShape(id: String, valid: Bool) {
    #expect(RunID.isValid(id) == valid)
  }

  @Test("Time-ordered ids sort by their milliseconds")
  func timeOrdered() {
    let earlier = RunID.timeOrdered(millis: 1_700_000_000_000)
    let later = RunID.timeOrdered(millis: 1_700_000_000_001)
    #expect(earlier < later)
    #expect(RunID.isValid(earlier))
    #expect(earlier.hasPrefix("018bcfe5-6800-4"))
  }
}
