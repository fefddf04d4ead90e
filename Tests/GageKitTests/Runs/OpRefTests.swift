import GageKit
import Testing

/// `opref`: `2 <namespace> <op-name>[ <op-version>]`; older Gage wrote `1 <ns> <op>`.
@Suite("Operation references")
struct OpRefTests {
  @Test("Encoding: version 2, namespace, name and the optional version, no newline")
  func encode() {
    #expect(OpRef(namespace: "test", name: "test").encoded == "2 test test")
    #expect(OpRef(namespace: "mnist", name: "train", version: "1.2").encoded == "2 mnist train 1.2")
  }

  @Test("Decoding both forms")
  func decode() throws {
    #expect(try OpRef.decode("2 test test") == OpRef(namespace: "test", name: "test"))
    #expect(
      try OpRef.decode("2 mnist train 1.2")
        == OpRef(namespace: "mnist", name: "train", version: "1.2"))
    #expect(try OpRef.decode("1 ns op") == OpRef(namespace: "ns", name: "op"))
    #expect(
      try OpRef.decode("2 ns op\n") == OpRef(namespace: "ns", name: "op"),
      "a trailing newline is tolerated")
  }

  @Test(
    "Round trips, including empty and spaced parts",
    arguments: [
      OpRef(namespace: "", name: "op"),
      OpRef(namespace: "my project", name: "train model", version: "v 2"),
      OpRef(namespace: "p", name: "op", version: "3"),
    ])
  func roundTrip(opref: OpRef) throws {
    #expect(!opref.encoded.hasSuffix("\n"))
    #expect(opref.encoded.split(separator: " ").count == (opref.version == nil ? 3 : 4))
    #expect(try OpRef.decode(opref.encoded) == opref)
  }

  @Test("Unsupported oprefs are errors", arguments: ["", "2 only", "3 ns op", "guild:op"])
  func unsupported(text: String) {
    #expect(throws: GageError.self) { try OpRef.decode(text) }
  }
}
