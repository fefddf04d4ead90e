import ArgumentParser
import GageKit

extension Inspection {
  /// `gage cat`.
  struct Cat: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print a run file, a meta file, or a run's output.",
      discussion: """
        Without -p or --meta, prints the output of the run phase. Examples:
          gage cat -p results.csv          a file of the latest run
          gage cat 3 --meta config.json    a meta file of run 3
          gage cat --phase finalize        the output of another phase
        """
    )

    @Argument(help: "The run (default: the latest).")
    var spec: String = "1"

    @Option(name: .shortAndLong, help: ArgumentHelp("A file in the run dir.", valueName: "PATH"))
    var path: String?

    @Option(
      help: ArgumentHelp(
        "A file in the meta dir (e.g. opref, proc/exit, log/runner).", valueName: "PATH"))
    var meta: String?

    @Option(
      help: ArgumentHelp(
        "The output of this phase (run, stage-sourcecode, finalize, ...).", valueName: "PHASE"))
    var phase: String?

    @Option(
      name: [.customShort("w"), .long],
      help: ArgumentHelp("Pick among runs matching EXPR.", valueName: "EXPR"))
    var `where`: String?

    @OptionGroup var scope: ScopeOptions
    @OptionGroup var runs: RunsOptions

    func validate() throws {
      if [path != nil, meta != nil, phase != nil].filter({ $0 }).count > 1 {
        throw ValidationError("choose one of --path, --meta, --phase")
      }
    }

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      let query = RunQuery(
        specs: [spec], filter: try RunSelectionOptions.filter(self.where), scope: scope.scope)
      let record = try query.one(catalog)
      let run = record.run
      if let path {
        let clean = try Self.relative(path)
        let full = FileIO.join(run.runDir, clean)
        guard FileIO.exists(full) else {
          throw GageError.notFound(
            "run \(record.name) has no file \(clean) (gage show \(record.name) lists its files)")
        }
        guard !FileIO.isDirectory(full) else {
          throw GageError.invalidInput("\(clean) is a directory in run \(record.name)")
        }
        Console.write(try FileIO.readBytes(full))
        return
      }
      let metaFiles = try RunMeta(run: run)
      if let meta {
        let clean = try Self.relative(meta)
        guard let bytes = metaFiles.bytes(clean) else {
          let known = (try? metaFiles.files())?.joined(separator: ", ") ?? ""
          throw GageError.notFound(
            "run \(record.name) has no meta file \(clean); meta files: \(known)")
        }
        Console.write(bytes)
        return
      }
      let chosen: Phase
      if let phase {
        guard let p = Phase(rawValue: phase) else {
          throw GageError.invalidInput(
            "unknown phase \"\(phase)\"; phases: \(Phase.allCases.map(\.rawValue).joined(separator: ", "))"
          )
        }
        chosen = p
      } else {
        chosen = .run
      }
      guard let bytes = metaFiles.bytes("output/" + chosen.outputName) else {
        throw GageError.notFound("run \(record.name) has no \(chosen.rawValue) output")
      }
      Console.write(bytes)
    }

    /// A path inside a run, refused when it is absolute or leaves the run.
    static func relative(_ path: String) throws -> String {
      var clean = path
      while clean.hasPrefix("./") { clean.removeFirst(2) }
      guard !clean.isEmpty, !clean.hasPrefix("/"), !clean.split(separator: "/").contains("..") else {
        throw GageError.invalidInput("\"\(path)\" is not a path inside the run")
      }
      return clean
    }
  }
}
