import Foundation

/// Pulls runs from a git remote (`docs/remotes.md`): fetches only the runs asked for (or every run
/// missing here), writes each into a temporary directory inside the runs dir, checks every
/// name, mode, link and digest there, and only then moves it into place, by the rules of
/// `archive import` (idempotent, annotations merged, a different run under the same id a
/// conflict). Nothing fetched is executed.
public struct RunPuller {
  /// What happened to one run.
  public enum Outcome: Sendable, Equatable {
    /// Added to the runs dir.
    case pulled
    /// Present already with the same sealed part; `annotations` new entries merged.
    case alreadyPresent(annotations: Int)
    /// Present with a different sealed part: skipped.
    case conflict(String)
    /// The remote's run failed a check: nothing of it was kept.
    case rejected(String)
  }

  /// The runs dir.
  public let runsDir: String
  /// The remote.
  public let location: RemoteLocation
  /// Progress of the transfer, if any.
  public var progress: ProgressBar?

  public init(runsDir: String, location: RemoteLocation, progress: ProgressBar? = nil) {
    self.runsDir = runsDir
    self.location = location
    self.progress = progress
  }

  /// The ids of the remote's runs that `specs` name (prefixes of ids or names; none: all).
  static func select(_ specs: [String], from ids: [String], remote: String) throws -> [String] {
    guard !specs.isEmpty else { return ids }
    var chosen: Set<String> = []
    for spec in specs {
      let lower = spec.lowercased()
      let matches = ids.filter { $0.hasPrefix(lower) || RunID.name(for: $0).hasPrefix(lower) }
      guard !matches.isEmpty else {
        throw GageError.notFound("no run of \(remote) matches \"\(spec)\" (gage runs --remote lists them)")
      }
      chosen.formUnion(matches)
    }
    return ids.filter(chosen.contains)
  }

  /// Pulls the runs `specs` name; returns each run's outcome, sorted by id.
  public func pull(_ specs: [String]) throws -> [(id: String, outcome: Outcome)] {
    let transport = RemoteTransport(location: location, progress: progress)
    let remote = try transport.listRefs()
    let remoteIDs = remote.keys.compactMap { RunRefs.id(of: $0, under: RunRefs.runs) }.sorted()
    let ids = try Self.select(specs, from: remoteIDs, remote: location.display)
    guard !ids.isEmpty else { return [] }
    let repository = try RunRepository(runsDir: runsDir)
    StaleTemporaryFiles.removeAbandonedDirectories(in: runsDir)

    // Fetch what is not here yet: runs whose commit we lack, annotation tips we lack.
    var refspecs: [(id: String, specs: [String])] = []
    for id in ids {
      var specs: [String] = []
      for prefix in [RunRefs.runs, RunRefs.user] {
        guard let oid = remote[prefix + id], !repository.contains(oid) else { continue }
        let kind = prefix == RunRefs.runs ? "runs" : "user"
        specs.append("+\(prefix)\(id):\(RunRefs.incoming)\(kind)/\(id)")
      }
      if !specs.isEmpty { refspecs.append((id, specs)) }
    }
    try fetch(refspecs, transport: transport, into: repository)
    defer {
      for id in ids {
        repository.removeReference(RunRefs.incoming + "runs/" + id)
        repository.removeReference(RunRefs.incoming + "user/" + id)
      }
    }

    let importer = Importer(runsDir: runsDir)
    var outcomes: [(id: String, outcome: Outcome)] = []
    for id in ids {
      guard let sealed = remote[RunRefs.runs + id] else { continue }
      let outcome = try place(
        id: id, sealed: sealed, annotations: remote[RunRefs.user + id], repository: repository, importer: importer)
      outcomes.append((id, outcome))
      switch outcome {
      case .pulled, .alreadyPresent(annotations: 1...):
        RunIndex.noteChanged(Run(id: id, runDir: FileIO.join(runsDir, id)))
      default: break
      }
    }
    transport.succeeded()
    return outcomes
  }

  /// Fetches the refs of the runs; a failure names them (libgit2 refuses some objects as
  /// they arrive, a tree it cannot parse, an entry whose object is of another type, and
  /// its message says nothing of the run).
  private func fetch(
    _ refspecs: [(id: String, specs: [String])], transport: RemoteTransport, into repository: RunRepository
  ) throws {
    do {
      try transport.fetch(refspecs.flatMap(\.specs), into: repository)
    } catch GageError.git(let message) {
      let shown = refspecs.prefix(3).map(\.id).joined(separator: ", ") + (refspecs.count > 3 ? ", ..." : "")
      throw GageError.git("\(message) (fetching run\(refspecs.count == 1 ? "" : "s") \(shown))")
    }
  }

  /// Writes, checks and places one run.
  private func place(
    id: String, sealed: GitOID, annotations: GitOID?, repository: RunRepository, importer: Importer
  ) throws -> Outcome {
    let local = Run(id: id, runDir: FileIO.join(runsDir, id))
    let temp = try StaleTemporaryFiles.makeDirectory(in: runsDir, kind: "pull")
    defer { try? FileIO.removeTree(temp) }
    let incoming = IncomingRun(repository: repository, id: id, destination: temp)
    // A run here whose commit is the remote's needs only its annotations.
    let same = try repository.reference(RunRefs.runs + id).map { $0 == sealed } ?? false
    do {
      if !(same && FileIO.exists(local.metaDir)) { try incoming.extractSealed(sealed) }
      if let annotations { try incoming.extractAnnotations(annotations) }
    } catch let problem as BagProblem {
      return .rejected("run \(id) from \(location.display): \(problem.entry): \(problem.reason); nothing of it was pulled")
    } catch let error as GageError {
      return .rejected("run \(id) from \(location.display): \(error.message); nothing of it was pulled")
    }
    let outcome: Outcome
    if FileIO.exists(FileIO.join(temp, id + ".meta")) {
      switch try importer.place(id: id, from: temp) {
      case .imported: outcome = .pulled
      case .alreadyPresent(let n): outcome = .alreadyPresent(annotations: n)
      case .conflict(let reason): return .conflict(reason)
      }
    } else {
      outcome = .alreadyPresent(annotations: try importer.mergeAnnotations(from: FileIO.join(temp, id + ".user"), into: local.userDir))
    }
    try repository.setReference(RunRefs.runs + id, to: sealed)
    if let annotations { try repository.setReference(RunRefs.user + id, to: annotations) }
    return outcome
  }
}

extension RunPuller.Outcome: RunTransferOutcome {
  public var word: String {
    switch self {
    case .pulled: "pulled"
    case .alreadyPresent: "already-present"
    case .conflict: "conflict"
    case .rejected: "rejected"
    }
  }

  public var refusal: String? {
    switch self {
    case .pulled, .alreadyPresent: nil
    case .conflict(let why), .rejected(let why): why
    }
  }
}
