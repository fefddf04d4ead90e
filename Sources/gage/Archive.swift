import ArgumentParser

/// `gage archive`: local named archives (Gage's `archive` command). Later subcommands
/// (export, import, verify, contents) join `subcommands`.
struct Archive: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Move runs into named local archives, list and manage the archives.",
    discussion: """
      An archived run stays in the runs dir but leaves the default listing (a marker in
      <id>.move/ names the archive). gage runs --archive NAME lists it; gage restore
      --archive NAME brings it back.
      """,
    subcommands: [
      ArchiveMove.self, ArchiveList.self, ArchiveRename.self, ArchiveDelete.self,
      ArchiveDeleteEmpty.self,
    ]
  )
}
