import ArgumentParser

/// `gage archive`: portable archive files (export, import, verify, contents) and local
/// named archives (Gage's `archive` command: move, list, rename, delete, delete-empty).
struct Archive: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Export runs to archive files and import them; move runs into named local archives.",
    discussion: """
      Archive files: gage archive export RUN... -o runs.tar.zst writes finished runs to \
      one portable file (a BagIt bag; see docs/archives.md); import, verify and contents \
      read it.

      Named local archives: an archived run stays in the runs dir but leaves the default \
      listing (a marker in <id>.move/ names the archive). gage runs --archive NAME lists \
      it; gage restore --archive NAME brings it back.
      """,
    subcommands: [
      Export.self, Import.self, Verify.self, Contents.self, Move.self, List.self, Rename.self,
      Delete.self, DeleteEmpty.self,
    ]
  )
}
