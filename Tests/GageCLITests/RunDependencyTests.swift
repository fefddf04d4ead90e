import Foundation
import GageKit
import GageTestSupport
import Testing

/// `depends` on files of an earlier run: `run-select` names an operation (its newest
/// completed run) or is a `--where` expression.
@Suite("Run dependencies", .serialized)
struct RunDependencyTests {
  @Test("run-select by operation takes the newest completed run; by --where, the newest match")
  func select() throws {
    let p = try TestProject(files: [
      "gage.toml": """
        [prepare]
        exec = "echo $RUN_ID > data.txt"

        [train]
        exec = "cat data.txt"
        depends = [{run-select = "prepare", files = ["data.txt"]}]

        [pick]
        exec = "cat data.txt"
        depends = [{run-select = "op = prepare and label = keep", files = ["data.txt"]}]

        [none]
        exec = "cat data.txt"
        depends = [{run-select = "op = prepare and label = nothing", files = ["data.txt"]}]
        """
    ])
    defer { p.remove() }
    #expect(try p.gage(["run", "prepare", "-q"]).exitCode == 0)
    let older = try p.gage(["select"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(try p.gage(["run", "prepare", "-q"]).exitCode == 0)
    let newer = try p.gage(["select"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(try p.gage(["label", older, "--set", "keep"]).exitCode == 0)

    #expect(try p.gage(["run", "train"]).stdout == newer + "\n")
    #expect(try p.gage(["run", "pick"]).stdout == older + "\n")
    let none = try p.gage(["run", "none", "-q"])
    #expect(none.exitCode == 1)
    #expect(none.stderr.contains("no completed run matches \"op = prepare and label = nothing\""), "\(none)")
  }
}
