import Testing

@testable import GageKit

extension ProjectTests {
  /// Gage files whose text cannot be taken as written: bytes that are not UTF-8, and NUL
  /// characters where a process would see the value cut short (`exec`, `env`). Each is an
  /// error at its line and column, never a silent replacement or truncation.
  @Suite struct GageFileEncodingErrors {
    static let nulInCommand = "holds a NUL character (\\0, \\u0000) at character"

    // MARK: - Invalid UTF-8

    @Test(arguments: [
      ("gage.toml", "# caf\u{E9}\n[train]\nexec = \"python ", "gage.toml:3:16"),
      ("gage.yaml", "train:\n  exec: ", "gage.yaml:2:9"),
      ("gage.json", "{\"train\": {\"exec\": \"", "gage.json:1:21"),
    ])
    func invalidUTF8(name: String, prefix: String, location: String) throws {
      let project = try TempProject()
      let bytes = Array(prefix.utf8) + [0xFF] + Array("x\"\n".utf8)
      let error = try project.loadError(name, bytes: bytes)
      #expect(error.location == location)
      #expect(
        error.message
          == "invalid UTF-8: the byte 0xFF at byte offset \(prefix.utf8.count) does not form a character; a Gage file must be UTF-8 text"
      )
    }

    @Test func truncatedUTF8Sequence() throws {
      let project = try TempProject()
      let error = try project.loadError("gage.toml", bytes: Array("[t]\nexec = \"\u{20AC}".utf8.dropLast()) + [0x22, 0x0A])
      #expect(error.location == "gage.toml:2:9")
      #expect(error.message.hasPrefix("invalid UTF-8: the bytes 0xE2 0x82 at byte offset 12 do not form a character"))
    }

    // MARK: - NUL

    @Test(arguments: [
      // TOMLKit cuts a string at a NUL: refused where it is written, in any string.
      ("gage.toml", "[train]\nexec = \"python\\u0000 train.py\"\n", "gage.toml:2:15", "invalid TOML: a string holds a NUL character"),
      ("gage.toml", "[train]\nexec = [\"python\", \"x\\U00000000\"]\n", "gage.toml:2:21", "invalid TOML: a string holds a NUL character"),
      (
        "gage.toml", "[train]\nexec = \"python\"\u{0}\n[other]\n", "gage.toml:2:16",
        "invalid TOML: a NUL character, which would end the file there"
      ),
      (
        "gage.yaml", "train:\n  exec: \"python\\0 train.py\"\n", "gage.yaml:2:3",
        "\"exec\" of operation \"train\" \(nulInCommand) 7; a command cannot contain one"
      ),
      (
        "gage.yaml", "train:\n  exec: [python, \"a\\0\"]\n", "gage.yaml:2:18",
        "\"exec[1]\" of operation \"train\" \(nulInCommand) 2; a command cannot contain one"
      ),
      (
        "gage.json", "{\"train\": {\"exec\": {\"run\": \"python\\u0000\"}}}", "gage.json:1:21",
        "\"exec.run\" of operation \"train\" \(nulInCommand) 7; a command cannot contain one"
      ),
      (
        "gage.json", "{\"train\": {\"exec\": \"x\", \"env\": {\"A\": \"1\\u0000\"}}}", "gage.json:1:33",
        "\"env.A\" of operation \"train\" \(nulInCommand) 2; an environment variable cannot contain one"
      ),
      (
        "gage.yaml", "train:\n  exec: x\n  env:\n    \"A\\0\": 1\n", "gage.yaml:4:5",
        "\"env.A\u{0}\" of operation \"train\" \(nulInCommand) 2; an environment variable's name cannot contain one"
      ),
    ])
    func nul(name: String, text: String, location: String, message: String) throws {
      let project = try TempProject()
      let error = try project.loadError(name, text)
      #expect(error.location == location)
      #expect(error.message.hasPrefix(message), "\(error.message)")
    }

    @Test func nulElsewhereInYAMLIsKept() throws {
      // A description is not passed to a process: a NUL there is text like any other.
      let project = try TempProject()
      let file = try project.load("gage.yaml", "train:\n  exec: x\n  description: \"a\\0b\"\n")
      #expect(file.operations.first?.description == "a\u{0}b")
    }
  }
}
