import ArgumentParser
import Foundation
import GageKit

/// Options shared by commands that read or write runs.
struct RunsOptions: ParsableArguments {
  @Option(
    name: .customLong("runs"),
    help: ArgumentHelp(
      "Runs dir (default: $GAGE_RUNS, $RUNS_DIR, the Gage file's $runs-dir, <project>/.gage/runs, ~/.gage/runs).", valueName: "PATH"))
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
        "no Gage file in \(cwd) or its parents; create gage.toml (or gage.yaml, gage.json) with an operation, e.g.\n\n  [hello]\n  exec = \"echo hello\"\n"
      )
    }
    return try GageFile.load(path: path)
  }

  /// The Gage file around the working directory, if any (a malformed one is an error).
  static func loadIfPresent() throws -> GageFile? {
    guard let path = GageFile.find(from: FileManager.default.currentDirectoryPath) else { return nil }
    return try GageFile.load(path: path)
  }
}

extension RunsOptions {
  /// The catalog of the resolved runs dir.
  func catalog() throws -> RunCatalog {
    RunCatalog(runsDir: try resolve())
  }
}

/// Names of local archives by id, to show where archived runs are.
func archiveNames(_ runsDir: String) -> [String: String] {
  var names: [String: String] = [:]
  for archive in LocalArchives(runsDir: runsDir).all() { names[archive.id] = archive.name }
  return names
}
