import Foundation

/// Run specs: how a user names runs on the command line.
public enum RunSpec {
  /// The 0-based positions `spec` names in `listing`.
  ///
  /// - `3`: the third run of the list (newest first).
  /// - `2:5`, `:3`, `4:`: runs 2 to 5, the first three, the fourth onwards.
  /// - anything else: the one run whose id or name starts with it. No match is an error that
  ///   lists near matches; several are an error that lists them.
  public static func resolve(_ spec: String, in listing: RunListing) throws -> [Int] {
    let count = listing.count
    let trimmed = spec.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else {
      throw GageError.invalidInput("an empty run spec selects nothing")
    }
    if let index = Int(trimmed), trimmed.allSatisfy(\.isNumber) {
      if index >= 1, index <= count { return [index - 1] }
      // An id may start with digits only (`12345678-...`): past the end of the list, a
      // number is tried as a prefix, as Gage does.
      let all = listing.idsAndNames()
      let prefixed = all.indices.filter { all[$0].id.hasPrefix(trimmed) }
      if prefixed.count == 1 { return prefixed }
      throw GageError.notFound("no run at index \(index): \(listing.countPhrase)")
    }
    if let colon = trimmed.firstIndex(of: ":") {
      let a = trimmed[..<colon]
      let b = trimmed[trimmed.index(after: colon)...]
      if a.allSatisfy(\.isNumber), b.allSatisfy(\.isNumber) {
        let start = a.isEmpty ? 1 : Int(a) ?? 1
        let end = b.isEmpty ? count : Int(b) ?? count
        guard start >= 1, start <= end else {
          throw GageError.invalidInput(
            "invalid slice \"\(spec)\": use FIRST:LAST with 1 <= FIRST <= LAST")
        }
        let range = (start - 1)..<min(end, count)
        guard !range.isEmpty else {
          throw GageError.notFound("no runs in \(spec): \(listing.countPhrase)")
        }
        return Array(range)
      }
    }
    let lower = trimmed.lowercased()
    let all = listing.idsAndNames()
    var matches: [Int] = []
    for (n, run) in all.enumerated() where run.id.hasPrefix(lower) || run.name.hasPrefix(lower) {
      matches.append(n)
    }
    if matches.count == 1 { return matches }
    if matches.isEmpty {
      throw GageError.notFound(notFoundMessage(trimmed, listing: listing, all: all))
    }
    var lines = [
      "\"\(trimmed)\" matches \(matches.count) \(listing.noun); give more of the id or name:"
    ]
    for n in matches.prefix(10) {
      lines.append("  " + describe(n, listing: listing))
    }
    if matches.count > 10 { lines.append("  ... and \(matches.count - 10) more") }
    throw GageError.invalidInput(lines.joined(separator: "\n"))
  }

  private static func describe(_ position: Int, listing: RunListing) -> String {
    guard let r = listing.record(at: position) else { return "#\(position + 1)" }
    let label = r.label.map { "  \($0)" } ?? ""
    return
      "\(position + 1)  \(r.name)  \(r.id.prefix(8))  \(r.operation)  \(r.status.rawValue)\(label)"
  }

  private static func notFoundMessage(
    _ spec: String, listing: RunListing, all: [(id: String, name: String)]
  ) -> String {
    var message =
      "no run matches \"\(spec)\"" + (listing.noun == "runs" ? "" : " among the \(listing.noun)")
    // The run may be in another container.
    if listing.container != nil {
      let lower = spec.lowercased()
      let elsewhere = listing.catalog.keys(in: nil).filter {
        $0.id.hasPrefix(lower) || $0.name.hasPrefix(lower)
      }
      if let key = elsewhere.first, elsewhere.count == 1, let record = listing.catalog.record(key) {
        let place: String
        switch record.container {
        case RunMoves.trash:
          place = "is in the trash (gage runs --deleted; gage restore \(record.name))"
        case RunMoves.active: place = "is active (gage runs)"
        default:
          let name = LocalArchives(runsDir: listing.catalog.runsDir).archive(
            forContainer: record.container)?.name
          place =
            "is archived in \"\(name ?? record.container)\" (gage runs --archive \(name ?? record.container))"
        }
        return message + "; run \(record.nameAndID) \(place)"
      }
    }
    let near = nearMatches(spec, all: all)
    if !near.isEmpty {
      message +=
        "; did you mean " + near.map { RunID.label($0.id, name: $0.name) }.joined(separator: ", ")
        + "?"
    } else {
      message += "; `gage runs` lists them"
    }
    return message
  }

  /// Runs whose id or name is within a small edit distance of `spec` (compared with a
  /// prefix of the same length), closest first.
  static func nearMatches(
    _ spec: String, all: [(id: String, name: String)], limit: Int = 5
  ) -> [(
    id: String, name: String
  )] {
    let s = Array(spec.lowercased().utf8)
    let allowed = max(1, s.count / 4)
    var scored: [(Int, Int)] = []
    for (n, run) in all.enumerated() {
      let d = min(
        distance(s, Array(run.name.utf8.prefix(s.count))),
        distance(s, Array(run.id.utf8.prefix(s.count))))
      if d <= allowed { scored.append((d, n)) }
    }
    scored.sort { $0 < $1 }
    return scored.prefix(limit).map { all[$0.1] }
  }

  /// Levenshtein distance.
  static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = min(
          previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
