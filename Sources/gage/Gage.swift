import ArgumentParser
import GageKit

/// The `gage` command.
struct Gage: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "gage",
    abstract: "Run experiments as sealed, verifiable records.",
    discussion: """
      Gage stages each run from your project's source (what git sees), runs the \
      operation's phases with their output captured, and seals the result: a SHA-256 \
      manifest of every file, the config and command, and the git commit it came from.

      Start with a Gage file (gage.toml) in your project:

        [train]
        exec = "python train.py"
        config = "train.py"

      then:  gage run train lr=0.01   and   gage show
      """,
    version: version,
    subcommands: [
      RunOp.self, Runs.self, Show.self, Select.self, Cat.self, Label.self, Comment.self, Delete.self, Restore.self,
      Verify.self, Replay.self,
      Purge.self, Stop.self, Archive.self, Push.self, Pull.self, Operations.self, Check.self, Attest.self, Diff.self, Audit.self,
    ]
  )
}

/// Options shared by commands that read or write runs.
struct RunsOptions: ParsableArguments {
  @Option(name: .customLong("runs"), help: ArgumentHelp("Runs dir (default: $GAGE_RUNS, $RUNS_DIR, the Gage file's $runs-dir, <project>/.gage/runs, ~/.gage/runs).", valueName: "PATH"))
  var runsDir: String?

  /// The runs dir for the project around the working directory; an error when it names
  /// something that is not a directory.
  func resolve() throws -> String {
    let file = try Project.loadIfPresent()
    return try RunsDirectory.resolveDirectory(option: runsDir, gageFile: file)
  }
}

/// Finding the project's Gage file from the working directory.
enum Project {
  /// The Gage file around the working directory, or an error saying how to make one.
  static func load() throws -> GageFile {
    let cwd = FileManager.default.currentDirectoryPath
    guard let path = GageFile.find(from: cwd) else {
      throw GageError.notFound(
        "no Gage file in \(cwd) or its parents; create gage.toml (or gage.yaml, gage.json) with an operation, e.g.\n\n  [hello]\n  exec = \"echo hello\"\n")
    }
    return try GageFile.load(path: path)
  }

  /// The Gage file around the working directory, if any (a malformed one is an error).
  static func loadIfPresent() throws -> GageFile? {
    guard let path = GageFile.find(from: FileManager.default.currentDirectoryPath) else { return nil }
    return try GageFile.load(path: path)
  }
}

import Foundation
