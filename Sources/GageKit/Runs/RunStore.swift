import Foundation

/// A runs dir: finds, lists and selects runs.
public struct RunStore: Sendable {
  /// The runs dir.
  public let path: String

  /// A store over `path`.
  public init(path: String) {
    self.path = path
  }

  /// The catalog of the runs dir (records from its index, checked as they are read).
  public func catalog() -> RunCatalog {
    RunCatalog(runsDir: path)
  }

  /// Whether a dir's entries hold a run (`<uuid>.meta`): such a dir is a runs dir, and
  /// staging never copies runs into runs, whichever runs dir is in use.
  public static func looksLikeRunsDir(_ entries: [DirectoryListing.Entry]) -> Bool {
    entries.contains { entry in
      guard let name = entry.name, name.hasSuffix(".meta") else { return false }
      return RunID.isValid(String(name.dropLast(5)))
    }
  }

  /// Every active run, newest first (by `started`, else `staged`, else `initialized` time).
  public func runs() -> [Run] {
    let catalog = catalog()
    defer { catalog.save() }
    return catalog.keys(in: RunMoves.active).compactMap { catalog.record($0)?.run }
  }

  /// Resolves a run spec among the active runs: a 1-based index into the newest-first
  /// list, a slice, or a unique prefix of a run id or name; the spec must name one run.
  public func select(_ spec: String) throws -> Run {
    let catalog = catalog()
    defer { catalog.save() }
    let listing = RunListing(catalog: catalog, container: RunMoves.active)
    let positions = try RunSpec.resolve(spec, in: listing)
    guard positions.count == 1, let record = listing.record(at: positions[0]) else {
      throw GageError.invalidInput("\"\(spec)\" names \(positions.count) runs; name one run")
    }
    return record.run
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
