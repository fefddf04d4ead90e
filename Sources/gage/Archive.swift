import ArgumentParser

/// `gage archive`: portable archives (export, import, verify, contents).
struct Archive: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Export runs to portable archive files, import, verify and list them.",
    subcommands: [ArchiveExport.self, ArchiveImport.self, ArchiveVerify.self, ArchiveContentsCommand.self]
  )
}
