import ArgumentParser
import GageKit

extension Inspection {
  /// `gage select`.
  struct Select: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the id (or another attribute) of selected runs, one per line.",
      discussion: """
        Without RUN, selects the latest run (the latest matching --where); -a selects every
        match. For scripts: cd "$(gage select --run-dir)".
        """
    )

    @OptionGroup var selection: RunSelectionOptions
    @OptionGroup var scope: ScopeOptions

    @Flag(help: "Print run names.")
    var name = false
    @Flag(help: "Print run dirs.")
    var runDir = false
    @Flag(help: "Print meta dirs.")
    var metaDir = false
    @Flag(help: "Print the project dir each run came from.")
    var projectDir = false
    @Flag(help: "Print labels.")
    var label = false
    @Flag(help: "Print JSON: an array of run objects.")
    var json = false

    @OptionGroup var runs: RunsOptions

    func validate() throws {
      if [name, runDir, metaDir, projectDir, label, json].filter({ $0 }).count > 1 {
        throw ValidationError(
          "choose one of --name, --run-dir, --meta-dir, --project-dir, --label, --json")
      }
    }

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      var query = try selection.query(scope: scope.scope)
      if query.specs.isEmpty && !query.all { query.specs = ["1"] }
      let selected = try query.select(catalog)
      if selected.isEmpty { throw GageError.notFound("no runs selected") }
      if json {
        let names = archiveNames(catalog.runsDir)
        Console.print(
          JSONValue.array(selected.map { $0.record.json(archiveName: names[$0.record.container]) })
            .prettyPrinted())
        return
      }
      // One value per line, escaped: a label or a recorded project dir holding a newline or
      // an escape sequence cannot make two lines or reach the terminal (--json has them raw).
      for (_, record) in selected {
        let run = record.run
        let value: String
        if name {
          value = record.name
        } else if runDir {
          value = run.runDir
        } else if metaDir {
          value = run.metaDir
        } else if projectDir {
          value = RunLifecycle.projectDir(of: run) ?? ""
        } else if label {
          value = record.label ?? ""
        } else {
          value = record.id
        }
        Console.print(Console.printable(value))
      }
    }
  }
}
