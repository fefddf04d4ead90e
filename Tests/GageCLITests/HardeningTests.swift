import Foundation
import GageKit
import GageTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Findings of `Scripts/stress`, kept as tests: each failed once before its fix.
@Suite("Hardening", .serialized)
struct HardeningTests {
  @Test("files with non-ASCII and control characters in their names export, import and verify (libarchive in the C locale crashed)")
  func unicodeNamesInArchives() throws {
    let names = ["déjà vu — 😀.txt", "bell\u{07}.txt", "line\nbreak.txt", "tab\there.txt"]
    var files: [String: String] = [:]
    for name in names { files[name] = name }
    let p = try TestProject(operations: ["op": .object(["exec": .string("true")])], files: files)
    defer { p.remove() }
    #expect(try p.gage(["run", "-y", "-q", "op"]).exitCode == 0)
    let archive = p.tmp.path("names.tar.gz")
    let export = try p.gage(["archive", "export", "1", "-o", archive], env: ["LANG": "C", "LC_ALL": "C"])
    #expect(export.exitCode == 0, "\(export)")
    let target = p.tmp.path("target")
    let imported = try p.gage(["archive", "import", archive, "--runs", target], env: ["LC_ALL": "C"])
    #expect(imported.exitCode == 0, "\(imported)")
    let run = try #require(runs(in: target).first)
    for name in names {
      #expect(try FileIO.readText(FileIO.join(run.runDir, name)) == name)
    }
    #expect(try p.gage(["verify", "--all", "--runs", target]).exitCode == 0)
  }

  @Test("under a file size limit (ulimit -f) staging fails with a clear error and no completed run")
  func fileSizeLimit() throws {
    let p = try TestProject(
      operations: ["op": .object(["exec": .string("true")])], files: ["big.txt": String(repeating: "x", count: 3 << 20)])
    defer { p.remove() }
    // In git, every tracked file is staged, whatever its size.
    try GitRepo.make(at: p.dir, commit: true)
    let command = "ulimit -f 1024; exec \"$0\" run -y -q op"
    let result = try Command.run(
      "/bin/sh", ["-c", command, GageCLI.binary], in: p.dir, environment: GageCLI.environment(home: p.home))
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("File too large"), "\(result)")
    for run in p.runs() { #expect(run.status != .completed) }
  }

  @Test("control characters of a label are shown escaped in tables and show, never sent to the terminal raw")
  func controlCharactersEscaped() throws {
    let p = try TestProject(operations: ["op": .object(["exec": .string("true")])])
    defer { p.remove() }
    #expect(try p.gage(["run", "-y", "-q", "op", "-l", "red\u{1B}[31m\nnext"]).exitCode == 0)
    let table = try p.gage(["runs"])
    #expect(!table.stdout.contains("\u{1B}"), "\(table)")
    #expect(table.stdout.contains("red\\u{1B}[31m\\nnext"), "\(table)")
    let show = try p.gage(["show"])
    #expect(!show.stdout.contains("\u{1B}"), "\(show)")
    let json = try JSONValue.parse(try p.gage(["runs", "--json"]).stdout)
    #expect(json.arrayValue?.first?["label"] == .string("red\u{1B}[31m\nnext"))
  }

  /// A Gage file that aborted inside the TOML parser or TOMLKit, and the error it gives now.
  struct TOMLAbort: Sendable, CustomTestStringConvertible {
    var text: String
    var message: String
    var testDescription: String { text.debugDescription }

    static let tableName = "invalid TOML: a table name must start with a letter, a digit, _, - or a quote"
    static let brace = "invalid TOML: } where an array value or ] was expected"
    static let dateThenDigit = "invalid TOML: a date, a space and a single digit; a time is written HH:MM:SS"
    static let nulKey = "invalid TOML: a string holds a NUL character (\\u0000)"

    static let all: [TOMLAbort] =
      ["[\u{FFFD}train]\nexec = \"x\"\n", "[\u{12}train]\n", "[é]\n", "[[ é]]\n", "\u{FEFF}[%x]\n"].map {
        .init(text: $0, message: tableName)
      }
      + ["o = [1, }]\n", "o = [\n}\n"].map { .init(text: $0, message: brace) }
      + [
        "[t]\nexec = \"x\"\nwhen = 2020-01-01 0\n", "[t]\nwhen = [2020-01-01 7]\n", "t = {when = 2020-01-01 7}\n", "d=4-------n= 0]\n",
        "[t]\nwhen = 2020-01-01 0 # a comment\n",
      ].map { .init(text: $0, message: dateThenDigit) }
      + ["[\"a\\u0000b\"]\nexec = \"x\"\n", "[t]\nexec = \"x\"\n[t.env]\n\"K\\u0000\" = \"v\"\n"].map { .init(text: $0, message: nulKey) }
      + ["[t]\nexec = \"x\"\n[t.env]\n\"K\\U00000000\" = \"v\"\n"].map { .init(text: $0, message: nulKey) }
  }

  @Test(
    "TOML the parser underneath asserts on (odd table names, } in an array, a date, a space and one digit) or TOMLKit traps on (a key holding NUL) is a clear error, not an abort (found by libFuzzer)",
    arguments: TOMLAbort.all)
  func tomlAbort(_ c: TOMLAbort) throws {
    let p = try TestProject(files: ["gage.toml": c.text])
    defer { p.remove() }
    let result = try p.gage(["check"])
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains(c.message), "\(result)")
    #expect(result.stderr.contains("gage.toml:"), "the file is named: \(result)")
  }

  @Test("TOML dates and date-times with a space still read")
  func tomlDatesStillRead() throws {
    let p = try TestProject(files: [
      "gage.toml": "[t]\nexec = \"x\"\ndescription = \"2020-01-01 0\"\n[t.env]\nA = 1979-05-27 07:32:00\nB = 1979-05-27\n"
        + "# 2020-01-01 0\n[u]\nexec = \"y\"\n"
    ])
    defer { p.remove() }
    let result = try p.gage(["check"])
    #expect(result.exitCode == 0, "\(result)")
  }

  @Test("a YAML base-60 integer too big for an Int is read as text, not an overflow trap (found by libFuzzer)")
  func yamlSexagesimalOverflow() throws {
    let p = try TestProject(files: ["gage.yaml": "train:\n  exec: echo hi\n  description: 1:0:0:0:0:0:0:0:0:0:0:0:0:0\n"])
    defer { p.remove() }
    let result = try p.gage(["check"])
    #expect(result.exitCode == 0, "\(result)")
    let small = try TestProject(files: ["gage.yaml": "1:30\n"])
    defer { small.remove() }
    let read = try small.gage(["check"])
    #expect(read.exitCode == 1)
    #expect(read.stderr.contains("found the integer 90"), "\(read)")
  }
}
