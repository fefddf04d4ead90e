import Foundation

/// Pushes finished runs to a git remote (`docs/remotes.md`): each run's sealed part and summary as
/// deterministic commits, its annotations as a fast-forward chain on top of the remote's.
/// Only what the remote lacks is sent; a second push of the same runs sends nothing.
public struct RunPusher {
  /// What happened to one run.
  public enum Outcome: Sendable, Equatable {
    /// The run was sent (with its annotations, if any).
    case pushed
    /// The remote had the run; `annotations` new entries were sent.
    case annotations(Int)
    /// The remote has the run and its annotations already.
    case upToDate
    /// Not sent: the run is not finished.
    case notFinished(String)
    /// Not sent: the run no longer verifies, or cannot be read.
    case notVerified(String)
    /// Not sent: the remote holds a different run under this id.
    case conflict(String)
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

  /// Pushes `runs`; returns each run's outcome, in the order given.
  public func push(_ runs: [Run]) throws -> [(run: Run, outcome: Outcome)] {
    let transport = RemoteTransport(location: location, progress: progress)
    let remote = try transport.listRefs(forPush: true)
    let repository = try RunRepository(runsDir: runsDir)
    let committer = RunCommitter(repository: repository)
    let annotations = AnnotationSync(repository: repository)

    var outcomes: [(run: Run, outcome: Outcome)] = []
    var sendable: [(run: Run, sealed: GitOID, summary: GitOID)] = []
    var newRefs: [(String, GitOID)] = []
    for run in runs {
      let status = run.status
      guard status.isFinal else {
        outcomes.append((run, .notFinished("run \(run.nameAndID) is \(status.rawValue): only finished runs are pushed")))
        continue
      }
      do {
        let sealed = try committer.sealedCommit(run)
        let summary = try committer.summaryCommit(run)
        if sealed.made { newRefs.append((RunRefs.runs + run.id, sealed.oid)) }
        if summary.made { newRefs.append((RunRefs.meta + run.id, summary.oid)) }
        if let theirs = remote[RunRefs.runs + run.id], theirs != sealed.oid {
          outcomes.append(
            (
              run,
              .conflict(
                "\(location.display) holds a different run under the id \(run.id) (commit \(theirs.description.prefix(12))); not pushed")
            ))
          continue
        }
        sendable.append((run, sealed.oid, summary.oid))
        outcomes.append((run, .upToDate))
      } catch let error as GageError {
        outcomes.append((run, .notVerified(error.message)))
      }
    }

    // Annotations: the remote's tips first (fetched when not here), then the union on top.
    let withEntries = sendable.filter { !AnnotationSync.localEntries($0.run).isEmpty }
    let missingTips = withEntries.compactMap { item -> String? in
      guard let tip = remote[RunRefs.user + item.run.id], !repository.contains(tip) else { return nil }
      return "+\(RunRefs.user)\(item.run.id):\(RunRefs.incoming)user/\(item.run.id)"
    }
    try transport.fetch(missingTips, into: repository)
    var refspecs: [String] = []
    var sentEntries: [String: Int] = [:]
    for item in withEntries {
      let tip = remote[RunRefs.user + item.run.id]
      do {
        let before = try tip.map { try annotations.entries(of: $0, id: item.run.id).count } ?? 0
        if let commit = try annotations.commit(for: item.run, base: tip) {
          newRefs.append((RunRefs.user + item.run.id, commit))
          refspecs.append("\(RunRefs.user)\(item.run.id):\(RunRefs.user)\(item.run.id)")
          sentEntries[item.run.id] = try annotations.entries(of: commit, id: item.run.id).count - before
        }
      } catch let problem as BagProblem {
        throw GageError.invalidInput(
          "\(location.display) holds annotations of run \(item.run.nameAndID) that are not valid "
            + "(\(problem.entry): \(problem.reason)); nothing was pushed")
      }
    }
    try repository.flush()
    for (ref, oid) in newRefs { try repository.setReference(ref, to: oid) }
    for item in withEntries { repository.removeReference(RunRefs.incoming + "user/" + item.run.id) }

    var pushed: Set<String> = []
    for item in sendable {
      if remote[RunRefs.runs + item.run.id] == nil {
        refspecs.append("\(RunRefs.runs)\(item.run.id):\(RunRefs.runs)\(item.run.id)")
        pushed.insert(item.run.id)
      }
      if remote[RunRefs.meta + item.run.id] != item.summary {
        refspecs.append("+\(RunRefs.meta)\(item.run.id):\(RunRefs.meta)\(item.run.id)")
      }
    }
    try transport.push(refspecs, from: repository)
    transport.succeeded()
    return outcomes.map { entry in
      guard case .upToDate = entry.outcome else { return entry }
      if pushed.contains(entry.run.id) { return (entry.run, .pushed) }
      if let n = sentEntries[entry.run.id] { return (entry.run, .annotations(n)) }
      return entry
    }
  }
}

extension RunPusher.Outcome: RunTransferOutcome {
  public var word: String {
    switch self {
    case .pushed: "pushed"
    case .annotations: "annotations"
    case .upToDate: "up-to-date"
    case .notFinished: "not-finished"
    case .notVerified: "not-verified"
    case .conflict: "conflict"
    }
  }

  public var refusal: String? {
    switch self {
    case .pushed, .annotations, .upToDate: nil
    case .notFinished(let why), .notVerified(let why), .conflict(let why): why
    }
  }
}
