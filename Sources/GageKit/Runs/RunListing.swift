import Foundation

/// The runs of one container of a runs dir, newest first, optionally filtered by a
/// `--where` expression: what `gage runs` shows and what run specs index into.
public struct RunListing {
  /// The catalog the runs come from.
  public let catalog: RunCatalog
  /// The container listed (`active`, `trash`, or an archive id; nil for every container).
  public let container: String?
  /// How the listed runs are described in messages (`runs`, `deleted runs`, ...).
  public let noun: String
  private let keys: [RunKey]
  private let filtered: [RunRecord]?

  /// The runs of `container` in `catalog`, matching `filter` when given. With a filter every
  /// run is read; without one, records are read only when asked for.
  public init(catalog: RunCatalog, container: String?, filter: WhereFilter? = nil, noun: String = "runs") {
    self.catalog = catalog
    self.container = container
    let all = catalog.keys(in: container)
    if let filter {
      let records = all.compactMap { catalog.record($0) }.filter(filter.matches)
      filtered = records
      keys = records.compactMap { RunKey($0.id) }
      self.noun = noun + " matching the --where expression"
    } else {
      filtered = nil
      keys = all
      self.noun = noun
    }
  }

  /// How many runs are listed.
  public var count: Int { keys.count }

  /// "there are 4 runs", "there is 1 deleted run", "there are no runs in archive "x"".
  public var countPhrase: String {
    switch count {
    case 0: return "there are no \(noun)"
    case 1:
      let singular = noun.range(of: "runs").map { noun.replacingCharacters(in: $0, with: "run") } ?? noun
      return "there is 1 \(singular)"
    default: return "there are \(count) \(noun)"
    }
  }

  /// The run at 0-based `position`.
  public func record(at position: Int) -> RunRecord? {
    if let filtered { return filtered[position] }
    return catalog.record(keys[position])
  }

  /// The runs at 0-based positions `range`.
  public func records(_ range: Range<Int>) -> [RunRecord] {
    range.clamped(to: 0..<count).compactMap(record(at:))
  }

  /// The run ids and names, in order (no record is read).
  func idsAndNames() -> [(id: String, name: String)] {
    if let filtered { return filtered.map { ($0.id, $0.name) } }
    return keys.map { ($0.id, $0.name) }
  }

  /// The 0-based position of every run `specs` select, in list order, each once. A spec is
  /// a 1-based index, a slice `a:b` of them (either end may be left out), or a unique
  /// prefix of a run id or name.
  public func select(_ specs: [String]) throws -> [Int] {
    var chosen = Set<Int>()
    for spec in specs {
      chosen.formUnion(try RunSpec.resolve(spec, in: self))
    }
    return chosen.sorted()
  }
}
