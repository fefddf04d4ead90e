import Foundation
import GageKit
import GageTestSupport

/// A bare git repository in a test's temporary dir, as the remote of `RunPusher` and
/// `RunPuller`.
struct BareRemote {
  /// The repository's path.
  let path: String
  /// The remote, as `gage push PATH` resolves it.
  let location: RemoteLocation

  /// `git init --bare` at `<tmp>/remote.git`.
  init(in tmp: TempDir, name: String = "remote.git") throws {
    path = tmp.path(name)
    try GitRepo.run(["init", "-q", "--bare", path], in: tmp.path)
    location = try RemoteLocation.resolve(path, from: tmp.path)
  }

  /// The remote's refs: name → object id.
  func refs() throws -> [String: String] {
    var refs: [String: String] = [:]
    for line in try GitRepo.run(["--git-dir", path, "for-each-ref", "--format=%(refname) %(objectname)"], in: "/")
      .split(separator: "\n")
    {
      let parts = line.split(separator: " ")
      if parts.count == 2 { refs[String(parts[0])] = String(parts[1]) }
    }
    return refs
  }
}
