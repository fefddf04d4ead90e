import ArgumentParser
import Foundation
import GageKit

extension Execution {
  /// `gage run`.
  struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "run",
      abstract: "Run an operation.",
      discussion: """
        Stages the project's source into a new run dir, applies KEY=VALUE config to the \
        staged copies, runs the operation's phases with their output captured, and seals \
        the run. Exits with the run's exit code.

        Examples:
          gage run                      run the default operation
          gage run train lr=0.01        set a config value
          gage run train --preview      show what would be staged and run
          gage run train --stage        stage now, start later with --start
          gage run --start kafom-fikud  start a staged run
        """
    )

    @Argument(help: ArgumentHelp("The operation (default: the project's default one), then KEY=VALUE config.", valueName: "op-and-config"))
    var args: [String] = []

    @Flag(name: .shortAndLong, help: "Do not ask for confirmation.")
    var yes = false

    @Flag(name: .shortAndLong, help: "Do not echo the run's output.")
    var quiet = false

    @Option(name: .shortAndLong, help: "Label for the run.")
    var label: String?

    @Flag(help: "Stage the run without starting it.")
    var stage = false

    @Option(help: ArgumentHelp("Start a staged run (index, or id or name prefix).", valueName: "RUN"))
    var start: String?

    @Flag(help: "Show what would be staged and run; make nothing.")
    var preview = false

    @Flag(help: "With --preview: print JSON.")
    var json = false

    @Option(
      help: ArgumentHelp(
        "Ask before staging more source than this (default 1G, or $GAGE_STAGE_LIMIT; K, M, G, T are powers of 1000, Ki, Mi, Gi, Ti of 1024).",
        valueName: "SIZE"))
    var stageLimit: String?

    @OptionGroup var runs: RunsOptions

    func validate() throws {
      if start != nil && (stage || preview || !args.isEmpty) {
        throw ValidationError("--start takes no operation or config and cannot be combined with --stage or --preview")
      }
      if json && !preview { throw ValidationError("--json goes with --preview") }
      if stage && preview { throw ValidationError("--stage and --preview cannot be combined") }
    }

    func run() throws {
      if let start {
        try startStaged(start)
        return
      }
      let gageFile = try Project.load()
      let runsDir = try RunsDirectory.resolveDirectory(option: runs.runsDir, gageFile: gageFile)
      var opName: String? = nil
      var assignments = args
      if let first = args.first, !first.contains("=") {
        opName = first
        assignments.removeFirst()
      }
      var plan = try RunPlanner.plan(gageFile: gageFile, opName: opName, assignments: assignments, runsDir: runsDir)
      plan.operation.echo = !quiet
      plan.operation.label = label

      if preview {
        try showPreview(plan)
        return
      }
      let scan = plan.scan
      let limit = try SizeLimit.resolve(stageLimit)
      let total = scan.selection.totalBytes
      if !quiet {
        let skipped = scan.selection.excluded.count
        Console.note(
          "Staging \(scan.selection.files.count) files (\(ByteCount.format(total)))"
            + (skipped > 0 ? ", \(skipped) left out (see gage run --preview)" : ""))
      }
      if total > limit && !yes {
        try SizeLimit.confirm(
          "the source to stage is \(ByteCount.format(total)), above the limit of \(ByteCount.format(limit))",
          question: "Stage it anyway?",
          hint: "check `gage run --preview`, exclude files with `sourcecode` patterns, or pass -y (or --stage-limit)")
      } else if !yes && Console.stdinIsTerminal {
        Console.note(describe(plan.operation))
        guard Console.confirm(stage ? "Stage this run?" : "Continue?") else {
          throw ExitCode(1)
        }
      }
      if stage {
        let run = try Runner.stage(plan)
        report(run)
        return
      }
      let (run, code) = try Runner.run(plan)
      if run.status != .completed {
        var note = "gage: run \(Console.printable(run.name)) ended with status \(run.status.rawValue) (exit code \(code))"
        if code == 127 { note += "; the command was not found (is it installed and on PATH?)" }
        Console.note(note)
      }
      throw ExitCode(Self.processExit(code))
    }

    /// `gage run` exits with the run's exit code; 128+N when signal N ended it.
    static func processExit(_ code: Int32) -> Int32 {
      code < 0 ? 128 - code : code
    }

    private func startStaged(_ spec: String) throws {
      let runsDir = try runs.resolve()
      let run = try RunStore(path: runsDir).select(spec)
      guard run.status == .staged else {
        throw GageError.conflict("run \(run.name) is \(run.status.rawValue), not staged; only a staged run can start")
      }
      let code = try Runner.start(run, echo: !quiet)
      throw ExitCode(Self.processExit(code))
    }

    private func report(_ run: Run) {
      if run.status == .staged {
        Console.print(Console.printable("Staged run \(run.name) (\(run.id))"))
        Console.print(Console.printable("To start it: gage run --start \(run.name)"))
      } else {
        Console.note(
          "gage: run \(Console.printable(run.name)) is \(run.status.rawValue): staging did not finish (exit code \(run.exitCode ?? 1))")
      }
    }

    private func describe(_ op: GageKit.Operation) -> String {
      let shown = { (text: String) in Console.printable(text) }
      var lines = ["You are about to \(stage ? "stage" : "run") \(shown(op.opdef.name))"]
      let command = op.command ?? op.opdef.exec.run
      if let command { lines.append("  command: \(shown(command.display))") }
      for key in op.config.keys.sorted() {
        lines.append("  \(shown(key)): \(shown(Console.text(op.config[key] ?? .null)))")
      }
      return lines.joined(separator: "\n")
    }

    private func showPreview(_ plan: RunPlanner.Plan) throws {
      let preview = RunPreview(plan: plan)
      if json {
        Console.print(preview.json.prettyPrinted())
        return
      }
      let shown = { (text: String) in Console.printable(text) }
      Console.print("Operation: \(shown(preview.opdef.name))")
      Console.print("Project:   \(shown(preview.projectDir))")
      Console.print("Runs dir:  \(shown(preview.runsDir))")
      for phase in Phase.allCases {
        if let c = preview.opdef.exec.commands[phase] { Console.print("\(phase.rawValue): \(shown(c.display))") }
      }
      if !preview.config.isEmpty {
        Console.print("Config:")
        for key in preview.config.keys.sorted() {
          Console.print("  \(shown(key)) = \(shown(Console.text(preview.config[key] ?? .null)))")
        }
      }
      Console.print("Files to stage (\(preview.selection.files.count), \(ByteCount.format(preview.selection.totalBytes))):")
      for f in preview.selection.files { Console.print("  \(shown(f.path))\(f.isLink ? " (link)" : "")") }
      if !preview.selection.excluded.isEmpty {
        Console.print("Left out:")
        for e in preview.selection.excluded { Console.print("  \(shown(e.path))  \(Console.dim("(\(shown(e.reason)))"))") }
      }
    }
  }
}
