/// Where a run is, among the containers of a runs dir: `active` (listed by default),
/// `trash` (deleted, restorable), or a local archive's id. A run's container is the one
/// named by its newest move marker, `<id>.move/<time-uuid>-<container>` (an empty file);
/// without markers a run is active (a run Python Gage deleted by renaming is in the
/// trash). Moving writes a new marker and never renames: markers made on two hosts merge,
/// and the newest wins.
public enum RunMoves {
  /// The container of runs that are listed by default.
  public static let active = "active"
  /// The container of deleted runs.
  public static let trash = "trash"

  /// The container named by a marker file name, or nil when the name is not a marker.
  public static func container(marker name: String) -> String? {
    let chars = Array(name.utf8)
    guard chars.count > 37, chars[36] == UInt8(ascii: "-"), RunID.isValid(String(decoding: chars[0..<36], as: UTF8.self))
    else { return nil }
    return String(decoding: chars[37...], as: UTF8.self)
  }

  /// The container `run` is in, from its markers.
  public static func container(of run: Run) -> String {
    if run.isRenamedDeleted { return trash }
    guard let entries = try? DirectoryListing.entries(run.moveDir) else { return active }
    for entry in entries.reversed() {
      if let name = entry.name, let container = container(marker: name) { return container }
    }
    return active
  }

  /// Moves `run` to `container` by writing a marker.
  public static func move(_ run: Run, to container: String) throws {
    guard !container.isEmpty, !container.contains("/") else {
      throw GageError.invalidInput("invalid container name \"\(container)\"")
    }
    try FileIO.makeDirectories(run.moveDir)
    try FileIO.write("", to: FileIO.join(run.moveDir, RunID.timeOrdered() + "-" + container))
    RunIndex.noteChanged(run)
  }
}
