import Foundation

/// A runs dir: finds, lists and selects runs.
public struct RunStore: Sendable {
  /// The runs dir.
  public let path: String

  /// A store over `path`.
  public init(path: String) {
    self.path = path
  }

  /// Every run (meta dir `<id>.meta`), newest first (by `started`, else `staged`, else
  /// `initialized` time).
  public func runs() -> [Run] {
    guard let entries = try? DirectoryListing.entries(path) else { return [] }
    var found: [(Run, Int64)] = []
    for entry in entries {
      guard let name = entry.name, name.hasSuffix(".meta") else { continue }
      let id = String(name.dropLast(5))
      guard RunID.isValid(id) else { continue }
      let run = Run(id: id, runDir: FileIO.join(path, id))
      let time = run.timestamp(MetaFile.started) ?? run.timestamp(MetaFile.staged)
        ?? run.timestamp(MetaFile.initialized) ?? 0
      found.append((run, time))
    }
    return found.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.id < $1.0.id }.map(\.0)
  }

  /// Whether a dir's entries hold a run (`<uuid>.meta`): such a dir is a runs dir, and
  /// staging never copies runs into runs, whichever runs dir is in use.
  public static func looksLikeRunsDir(_ entries: [DirectoryListing.Entry]) -> Bool {
    entries.contains { entry in
      guard let name = entry.name, name.hasSuffix(".meta") else { return false }
      return RunID.isValid(String(name.dropLast(5)))
    }
  }

  /// Resolves a run spec: a 1-based index into the newest-first list, or a unique prefix of
  /// a run id or name.
  public func select(_ spec: String) throws -> Run {
    let all = runs()
    if let index = Int(spec) {
      guard index >= 1, index <= all.count else {
        throw GageError.notFound("no run at index \(index) (there are \(all.count) runs in \(path))")
      }
      return all[index - 1]
    }
    let matches = all.filter { $0.id.hasPrefix(spec) || $0.name.hasPrefix(spec) }
    guard let first = matches.first else {
      throw GageError.notFound("no run matches \"\(spec)\" in \(path); `gage runs` lists them")
    }
    guard matches.count == 1 else {
      let names = matches.prefix(5).map { "\($0.name) (\($0.id.prefix(8)))" }.joined(separator: ", ")
      throw GageError.invalidInput("\"\(spec)\" matches \(matches.count) runs: \(names); give more of the id")
    }
    return first
  }
}

/// Where runs live (SPEC §2): `--runs`, `$GAGE_RUNS`, `$RUNS_DIR`, the Gage file's
/// `$runs-dir` (relative to the project), `<project>/.gage/runs`, then `~/.gage/runs`.
public enum RunsDirectory {
  /// Resolves the runs dir.
  public static func resolve(
    option: String?, environment: [String: String] = ProcessInfo.processInfo.environment, gageFile: GageFile?
  ) -> String {
    if let option, !option.isEmpty { return FileIO.absolute(option) }
    if let v = environment["GAGE_RUNS"], !v.isEmpty { return FileIO.absolute(v) }
    if let v = environment["RUNS_DIR"], !v.isEmpty { return FileIO.absolute(v) }
    if let file = gageFile {
      if let dir = file.runsDir, !dir.isEmpty {
        return dir.hasPrefix("/") ? dir : ((file.projectDir + "/" + dir) as NSString).standardizingPath
      }
      return FileIO.join(file.projectDir, ".gage/runs")
    }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return FileIO.join(home, ".gage/runs")
  }
}
