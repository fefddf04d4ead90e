import Foundation
import GageTestSupport

@testable import GageKit

extension TempDir {
  /// The permission bits of a relative path.
  func mode(_ relative: String) -> mode_t {
    var st = stat()
    guard lstat(path(relative), &st) == 0 else { return 0 }
    return st.st_mode & 0o7777
  }

  /// A copy of this directory (as staging would make it), keeping file modes.
  func copy() throws -> TempDir {
    let target = try TempDir(prefix: "gage-config")
    let result = try Command.run("/bin/cp", ["-a", path + "/.", target.path], in: "/")
    guard result.exitCode == 0 else { throw GageError.exec("cp failed: \(result)") }
    return target
  }
}
