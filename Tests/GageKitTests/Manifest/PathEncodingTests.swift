import GageKit
import Testing

/// The one rule for names in line-oriented files (docs/run-layout.md, RFC 8493 §2.1.3): `%`, CR and LF
/// become `%25`, `%0D`, `%0A`.
@Suite("Path encoding")
struct PathEncodingTests {
  @Test(
    "Known encodings",
    arguments: [
      ("say.py", "say.py"),
      ("100%.txt", "100%25.txt"),
      ("line\nbreak", "line%0Abreak"),
      ("carriage\rreturn", "carriage%0Dreturn"),
      ("crlf\r\nname", "crlf%0D%0Aname"),
      ("%0A literally", "%250A literally"),
      ("dir with space/é.txt", "dir with space/é.txt"),
    ])
  func encode(path: String, encoded: String) {
    #expect(PathEncoding.encode(path) == encoded)
    #expect(PathEncoding.decode(encoded) == path)
  }

  @Test(
    "Round trips keep every name",
    arguments: ["%", "%%", "\r", "\n", "\r\n", "a%0Db", "%25", "x\n%\ry", "ü%\n"])
  func roundTrip(path: String) {
    let encoded = PathEncoding.encode(path)
    #expect(!encoded.contains("\n") && !encoded.contains("\r"))
    #expect(PathEncoding.decode(encoded) == path)
  }

  @Test("Decoding accepts lowercase hex and keeps other percent sequences as written")
  func decodeLeniently() {
    #expect(PathEncoding.decode("a%0ab%0dc") == "a\nb\rc")
    #expect(PathEncoding.decode("%41%2") == "%41%2")
    #expect(PathEncoding.decode("end%") == "end%")
  }
}
