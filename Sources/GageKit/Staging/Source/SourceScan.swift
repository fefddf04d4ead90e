/// The source of a run as staging sees it: inside a git work tree, what git sees (through
/// libgit2); outside, Gage's defaults. Both filtered by the op's `sourcecode` patterns.
public struct SourceScan {
  /// The project dir (real path).
  public let projectDir: String
  /// The files to stage and what was left out.
  public let selection: SourceSelection
  let git: GitSourceSelector?

  /// Whether the project is inside a git work tree.
  public var isGit: Bool { git != nil }

  /// Scans `projectDir`; `pruned` dirs (the runs dir) are never entered.
  public static func scan(projectDir: String, spec: SourceCodeSpec, pruned: [String]) throws -> SourceScan {
    let real = RealPath.resolve(projectDir)
    if let repo = try GitRepository.discover(from: real) {
      let selector = try GitSourceSelector(repo: repo, projectDir: real, spec: spec, pruned: pruned)
      return SourceScan(projectDir: real, selection: try selector.select(), git: selector)
    }
    let selector = try SourceSelector(projectDir: real, spec: spec, pruned: pruned.map(RealPath.resolve))
    return SourceScan(projectDir: real, selection: try selector.select(), git: nil)
  }

  /// `source/git.json`'s content and `source/diff.patch` (empty when there is no difference).
  public func identity() throws -> (json: JSONValue, patch: [UInt8]) {
    guard let git else { return (SourceIdentity.outsideGit, []) }
    return try SourceIdentity.record(git, selection: selection)
  }
}
