import Foundation
import GageKit
import GageTestSupport
import Testing

/// Managing runs with the built `gage`, as a user would: list, show, select, cat, label,
/// comment, delete, restore, purge, archives (README, Commands).
@Suite("Managing runs", .serialized)
struct ManageRunsTests {
  /// A project with operations `train` (prints a metric, writes a file) and `fail`, and
  /// three runs: train lr=0.1, fail, train lr=0.01 (newest).
  static func project() throws -> TestProject {
    let project = try TestProject(files: [
      "gage.toml": """
      [train]
      exec = "echo training; echo '{\\"loss\\": 0.5}'; echo out > result.txt"
      output-summary = true
      config = "params.json"

      [fail]
      exec = "echo failing; exit 3"
      """,
      "params.json": #"{"lr": 0.1}"#,
    ])
    for args in [["train"], ["fail"], ["train", "lr=0.01"]] {
      let result = try project.gage(["run", "-q"] + args)
      #expect(result.exitCode == (args == ["fail"] ? 3 : 0), "\(result)")
    }
    return project
  }

  @Test("runs lists newest first, as a table with a header; list and ls are the same command")
  func list() throws {
    let p = try Self.project()
    defer { p.remove() }
    let result = try p.gage(["runs"])
    #expect(result.exitCode == 0, "\(result)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 4)
    #expect(lines[0].hasPrefix("#  name"))
    #expect(
      lines[1].hasPrefix("1  ") && lines[1].contains("train") && lines[1].contains("completed"))
    #expect(lines[2].hasPrefix("2  ") && lines[2].contains("fail") && lines[2].contains("error"))
    #expect(!result.stdout.contains("\u{1B}["), "no color when not on a terminal")
    #expect(try p.gage(["list"]).stdout == result.stdout)
    #expect(try p.gage(["ls"]).stdout == result.stdout)
    #expect(try p.gage(["runs", "-n", "1"]).stdout.split(separator: "\n").count == 2)
  }

  @Test("--where filters; a syntax error points at the column and exits 1")
  func whereExpressions() throws {
    let p = try Self.project()
    defer { p.remove() }
    let completed = try p.gage(["runs", "-w", "op = train and config.lr < 0.05"])
    #expect(completed.stdout.split(separator: "\n").count == 2, "\(completed)")
    let metric = try p.gage(["select", "-a", "-w", "metric.loss = 0.5"])
    #expect(metric.stdout.split(separator: "\n").count == 2, "\(metric)")
    let bad = try p.gage(["runs", "-w", "op = "])
    #expect(bad.exitCode == 1)
    #expect(
      bad.stderr
        == "gage: invalid --where expression: expected a value after '=' (column 6)\n  op = \n       ^\n"
    )
  }

  @Test("--json gives the documented run objects")
  func json() throws {
    let p = try Self.project()
    defer { p.remove() }
    let listed = try JSONValue.parse(try p.gage(["runs", "--json"]).stdout)
    let items = try #require(listed.arrayValue)
    #expect(items.count == 3)
    for key in [
      "id", "name", "operation", "status", "started", "label", "index", "config", "metrics",
      "container",
    ] {
      #expect(items[0][key] != nil, "\(key)")
    }
    #expect(items[0]["index"] == .int(1))
    #expect(items[0]["config"] == .object(["lr": .double(0.01)]))
    #expect(items[1]["status"] == .string("error"))
    #expect(items[1]["exit_code"] == .int(3))
    let shown = try JSONValue.parse(try p.gage(["show", "--json"]).stdout)
    #expect(shown["id"] == items[0]["id"])
    #expect(shown["files"]?.arrayValue?.count == 3)
    #expect(shown["metrics"] == .object(["loss": .double(0.5)]))
  }

  @Test("show, select and cat take run specs")
  func showSelectCat() throws {
    let p = try Self.project()
    defer { p.remove() }
    let ids = try p.gage(["select", "-a"]).stdout.split(separator: "\n").map(String.init)
    #expect(ids.count == 3)
    #expect(try p.gage(["select"]).stdout == ids[0] + "\n")
    #expect(try p.gage(["select", "2", "--name"]).stdout == RunID.name(for: ids[1]) + "\n")
    let show = try p.gage(["show", "2"])
    #expect(show.stdout.contains("status:     error (exit code 3)"), "\(show)")
    #expect(try p.gage(["cat", "-p", "result.txt"]).stdout == "out\n")
    #expect(try p.gage(["cat", "2"]).stdout == "failing\n")
    let exit = try p.gage(["cat", String(ids[1].prefix(8)), "--meta", "proc/exit"])
    #expect(exit.stdout == "3", "\(exit) \(ids)")
    let outside = try p.gage(["cat", "-p", "../x"])
    #expect(outside.exitCode == 1)
    let unknown = try p.gage(["show", "zzzz"])
    #expect(unknown.exitCode == 1)
    #expect(unknown.stderr.hasPrefix("gage: no run matches \"zzzz\""))
  }

  @Test("label and comment write to <id>.user and never touch the sealed run")
  func annotations() throws {
    let p = try Self.project()
    defer { p.remove() }
    let id = try p.gage(["select"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let seal = try readFile(FileIO.join(p.runsDir, id + ".meta/seal"))
    #expect(try p.gage(["label", "1", "--set", "best"]).exitCode == 0)
    #expect(try p.gage(["comment", "1", "-m", "looks good"]).exitCode == 0)
    #expect(try p.gage(["comment", "1"], stdin: "from stdin\n").exitCode == 0)
    #expect(try p.gage(["select", "--label"]).stdout == "best\n")
    let listed = try p.gage(["comment", "1", "--list"]).stdout
    #expect(listed.contains("looks good") && listed.contains("from stdin"))
    #expect(try p.gage(["runs", "-w", "comment ~ good"]).stdout.split(separator: "\n").count == 2)
    let json = try JSONValue.parse(try p.gage(["comment", "1", "--list", "--json"]).stdout)
    let comments = json.arrayValue?.first?["comments"]?.arrayValue ?? []
    #expect(comments.compactMap { $0["message"]?.stringValue } == ["looks good", "from stdin"])
    #expect(comments.first?["author"] != nil)
    #expect(try readFile(FileIO.join(p.runsDir, id + ".meta/seal")) == seal)
    let entries = try FileManager.default.contentsOfDirectory(
      atPath: FileIO.join(p.runsDir, id + ".user"))
    #expect(entries.count == 3)
    #expect(try p.gage(["label", "1", "--clear"]).exitCode == 0)
    #expect(try p.gage(["select", "--label"]).stdout == "\n")
    let usage = try p.gage(["label", "--set", "x"])
    #expect(usage.exitCode == 64, "no runs named: a usage error")
  }

  @Test("Comments made at once by many processes are all kept, each with its own id")
  func concurrentComments() throws {
    let p = try Self.project()
    defer { p.remove() }
    let count = 12
    let failures = ConcurrentList<String>()
    DispatchQueue.concurrentPerform(iterations: count) { i in
      do {
        let result = try p.gage(["comment", "1", "-m", "note \(i)"])
        if result.exitCode != 0 { failures.append("\(result)") }
      } catch {
        failures.append("\(error)")
      }
    }
    #expect(failures.items.isEmpty, "\(failures.items)")
    let json = try JSONValue.parse(try p.gage(["comment", "1", "--list", "--json"]).stdout)
    let comments = json.arrayValue?.first?["comments"]?.arrayValue ?? []
    let messages = Set(comments.compactMap { $0["message"]?.stringValue })
    #expect(messages == Set((0..<count).map { "note \($0)" }))
    #expect(Set(comments.compactMap { $0["id"]?.stringValue }).count == count)
  }

  @Test(
    "delete asks for -y without a terminal, moves to the trash with a marker; restore and purge")
  func deleteRestorePurge() throws {
    let p = try Self.project()
    defer { p.remove() }
    let id = try p.gage(["select", "2"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let refused = try p.gage(["delete", "2"])
    #expect(refused.exitCode == 1)
    #expect(
      refused.stderr
        == "gage: refusing to delete 1 run without -y: there is no terminal to ask on\n")
    #expect(try p.gage(["rm", "2", "-y"]).exitCode == 0)
    let markers = try FileManager.default.contentsOfDirectory(
      atPath: FileIO.join(p.runsDir, id + ".move"))
    #expect(markers.count == 1 && markers[0].hasSuffix("-trash"))
    #expect(FileIO.exists(FileIO.join(p.runsDir, id + ".meta")), "a delete renames nothing")
    #expect(try p.gage(["runs"]).stdout.split(separator: "\n").count == 3)
    #expect(try p.gage(["runs", "--deleted", "--json"]).stdout.contains(id))
    #expect(try p.gage(["restore", "1", "-y"]).exitCode == 0)
    #expect(try p.gage(["runs"]).stdout.split(separator: "\n").count == 4)
    #expect(try p.gage(["del", id, "-y"]).exitCode == 0)
    #expect(try p.gage(["purge", "-a", "-y"]).exitCode == 0)
    #expect(!p.runsDirEntries().contains { $0.hasPrefix(id) })
    #expect(try p.gage(["delete", "-p", "1", "-y"]).exitCode == 0)
    #expect(try p.gage(["runs", "--json"]).stdout.contains("\"index\": 2") == false)
  }

  @Test(
    "Local archives: move, list, runs --archive, rename, delete (empty only), restore --archive")
  func archives() throws {
    let p = try Self.project()
    defer { p.remove() }
    #expect(try p.gage(["archive", "move", "1", "2", "-n", "keep", "-y"]).exitCode == 0)
    #expect(try p.gage(["runs"]).stdout.split(separator: "\n").count == 2)
    #expect(try p.gage(["runs", "--archive", "keep"]).stdout.split(separator: "\n").count == 3)
    let list = try JSONValue.parse(try p.gage(["archive", "list", "--json"]).stdout)
    #expect(list.arrayValue?.first?["name"] == .string("keep"))
    #expect(list.arrayValue?.first?["runs"] == .int(2))
    #expect(try p.gage(["archive", "rename", "keep", "best"]).exitCode == 0)
    let notEmpty = try p.gage(["archive", "delete", "best", "-y"])
    #expect(notEmpty.exitCode == 1)
    #expect(notEmpty.stderr.contains("holds 2 runs"))
    #expect(try p.gage(["restore", "--archive", "best", "-y"]).exitCode == 0)
    #expect(try p.gage(["runs"]).stdout.split(separator: "\n").count == 4)
    #expect(try p.gage(["archive", "delete", "best", "-y"]).exitCode == 0)
    #expect(try p.gage(["archive", "move", "1", "-n", "e", "-y"]).exitCode == 0)
    #expect(try p.gage(["restore", "-A", "e", "-y"]).exitCode == 0)
    #expect(try p.gage(["archive", "delete-empty", "-y"]).exitCode == 0)
    #expect(try p.gage(["archive", "list", "--json"]).stdout == "[]\n")
    let missing = try p.gage(["runs", "--archive", "nope"])
    #expect(missing.stderr == "gage: there is no archive \"nope\" (there are no archives)\n")
  }

  @Test(
    "A runs dir that does not exist lists nothing; a damaged run lists as unknown among the others")
  func badRunsDirs() throws {
    let p = try Self.project()
    defer { p.remove() }
    let empty = try p.gage(["runs", "--runs", p.tmp.path("nowhere")])
    #expect(empty.exitCode == 0 && empty.stdout.isEmpty, "\(empty)")
    #expect(try p.gage(["runs", "--json", "--runs", p.tmp.path("nowhere")]).stdout == "[]\n")
    let id = try p.gage(["select", "2"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let exit = FileIO.join(p.runsDir, id + ".meta/proc/exit")
    try FileIO.makeWritable(exit)
    try FileIO.write("garbage", to: exit)
    let listed = try p.gage(["runs"])
    #expect(listed.exitCode == 0)
    #expect(
      listed.stdout.contains("unknown (proc/exit holds \"garbage\", not an exit code)"), "\(listed)"
    )
    #expect(listed.stdout.split(separator: "\n").count == 4)
  }

  @Test("stop ends a running run from another shell; it reads terminated")
  func stop() throws {
    let p = try TestProject(operations: ["wait": .object(["exec": .string("sleep 30")])])
    defer { p.remove() }
    let running = try p.startGage(["run", "wait", "-q"])
    #expect(Poll.until(timeout: 10) { (try? p.gage(["runs"]).stdout.contains("running")) == true })
    let stopped = try p.gage(["stop", "1"])
    #expect(stopped.exitCode == 0, "\(stopped)")
    let result = running.wait(timeout: 20)
    #expect(result.exitCode == 128 + 15, "\(result)")
    #expect(try p.gage(["runs"]).stdout.contains("terminated"))
    #expect(try p.gage(["stop", "-a"]).stderr == "Nothing to stop\n")
  }
}
