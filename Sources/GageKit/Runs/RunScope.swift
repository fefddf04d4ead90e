/// Which container of a runs dir a command looks at: the active runs, the trash, or a
/// named local archive.
public enum RunScope: Sendable, Equatable {
  /// Runs listed by default.
  case active
  /// Deleted runs (`gage runs --deleted`, `gage restore`, `gage purge`).
  case trash
  /// The runs of the archive with this name (`--archive NAME`).
  case archive(String)

  /// The scope for the usual `--deleted` / `--archive NAME` options.
  public init(deleted: Bool, archive: String?) {
    if let archive {
      self = .archive(archive)
    } else {
      self = deleted ? .trash : .active
    }
  }

  /// The container name in move markers, and how its runs are called in messages.
  public func resolve(runsDir: String) throws -> (container: String, noun: String) {
    switch self {
    case .active: return (RunMoves.active, "runs")
    case .trash: return (RunMoves.trash, "deleted runs")
    case .archive(let name):
      let archive = try LocalArchives(runsDir: runsDir).require(name)
      return (archive.id, "runs in archive \"\(name)\"")
    }
  }
}

/// Which runs a command works on: run specs, or every run (`--all`), among the runs of a
/// scope that match a `--where` expression.
public struct RunQuery {
  /// Run specs (indexes, slices, id or name prefixes).
  public var specs: [String]
  /// A `--where` expression.
  public var filter: WhereFilter?
  /// Every run of the scope (also implied by a filter without specs).
  public var all: Bool
  /// The scope.
  public var scope: RunScope

  /// A query.
  public init(specs: [String] = [], filter: WhereFilter? = nil, all: Bool = false, scope: RunScope = .active) {
    self.specs = specs
    self.filter = filter
    self.all = all
    self.scope = scope
  }

  /// Whether the query names any runs at all (specs, `--all`, or a filter).
  public var namesRuns: Bool { !specs.isEmpty || all || filter != nil }

  /// The listing of the query's scope and filter.
  public func listing(_ catalog: RunCatalog) throws -> RunListing {
    let (container, noun) = try scope.resolve(runsDir: catalog.runsDir)
    return RunListing(catalog: catalog, container: container, filter: filter, noun: noun)
  }

  /// The selected runs with their 1-based index in the listing, in list order.
  public func select(_ catalog: RunCatalog) throws -> [(index: Int, record: RunRecord)] {
    let listing = try listing(catalog)
    let positions = specs.isEmpty ? (namesRuns ? Array(0..<listing.count) : []) : try listing.select(specs)
    return positions.compactMap { p in listing.record(at: p).map { (p + 1, $0) } }
  }
}
