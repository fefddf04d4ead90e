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

  /// Whether a dir's entries hold a run (`<uuid>.meta`, or the zipped or Python Gage
  /// deleted forms): such a dir is a runs dir, and staging never copies runs into runs,
  /// whichever runs dir is in use.
  public static func looksLikeRunsDir(_ entries: [DirectoryListing.Entry]) -> Bool {
    entries.contains { entry in
      guard let name = entry.name, name.count > 36 else { return false }
      return [".meta", ".meta.zip", ".meta.deleted", ".meta.zip.deleted"].contains(String(name.dropFirst(36)))
        && RunID.isValid(String(name.prefix(36)))
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
    let record = try RunQuery(specs: [spec]).one(catalog)
    return record.run
  }
}
