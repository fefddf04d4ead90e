import ArgumentParser
import GageKit

extension Archive {
  /// `gage archive rename`.
  struct Rename: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rename", abstract: "Rename a local archive.")

    @Argument(help: "The archive's name.")
    var current: String

    @Argument(help: "Its new name.")
    var new: String

    @OptionGroup var runs: RunsOptions

    func run() throws {
      try LocalArchives(runsDir: try runs.resolve()).rename(current, to: new)
      Console.note("Renamed archive \"\(Console.printable(current))\" to \"\(Console.printable(new))\"")
    }
  }
}
