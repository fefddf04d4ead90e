import ArgumentParser
import GageKit

/// `-d/--deleted` and `-A/--archive NAME`: which container a command looks at.
struct ScopeOptions: ParsableArguments {
  @Flag(name: .shortAndLong, help: "Deleted runs (the trash) instead of active ones.")
  var deleted = false

  @Option(
    name: [.customShort("A"), .long],
    help: ArgumentHelp("Runs of local archive NAME.", valueName: "NAME"))
  var archive: String?

  func validate() throws {
    if deleted && archive != nil {
      throw ValidationError("--deleted and --archive cannot be combined")
    }
  }

  /// The scope.
  var scope: RunScope { RunScope(deleted: deleted, archive: archive) }
}
