import Foundation

/// Where runs live (`docs/runs-dir.md`): `--runs`, `$GAGE_RUNS`, `$RUNS_DIR`, the Gage file's
/// `$runs-dir` (relative to the project), `<project>/.gage/runs`, then `~/.gage/runs`.
public enum RunsDirectory {
  /// Resolves the runs dir.
  public static func resolve(
    option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
    gageFile: GageFile?
  ) -> String {
    choose(option: option, environment: environment, gageFile: gageFile).path
  }

  /// Resolves the runs dir, and fails when the path exists but is not a directory (a file
  /// named by `--runs` or `$GAGE_RUNS` would otherwise read as a runs dir with no runs).
  public static func resolveDirectory(
    option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
    gageFile: GageFile?
  ) throws -> String {
    let (path, origin) = choose(option: option, environment: environment, gageFile: gageFile)
    if FileIO.exists(path), !FileIO.isDirectory(path) {
      throw GageError.invalidInput("the runs dir \(path) (\(origin)) is not a directory")
    }
    return path
  }

  /// The runs dir and what chose it (`--runs`, `$GAGE_RUNS`, ...), for messages.
  private static func choose(
    option: String?, environment: [String: String], gageFile: GageFile?
  ) -> (path: String, origin: String) {
    if let option, !option.isEmpty { return (FileIO.absolute(option), "from --runs") }
    if let v = environment["GAGE_RUNS"], !v.isEmpty { return (FileIO.absolute(v), "from $GAGE_RUNS") }
    if let v = environment["RUNS_DIR"], !v.isEmpty { return (FileIO.absolute(v), "from $RUNS_DIR") }
    if let file = gageFile {
      if let dir = file.runsDir, !dir.isEmpty {
        let path = dir.hasPrefix("/") ? dir : ((file.projectDir + "/" + dir) as NSString).standardizingPath
        return (path, "the $runs-dir of \(file.path)")
      }
      return (FileIO.join(file.projectDir, ".gage/runs"), "the project's default")
    }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return (FileIO.join(home, ".gage/runs"), "the default")
  }
}
