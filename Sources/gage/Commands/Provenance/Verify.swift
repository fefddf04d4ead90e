import ArgumentParser
import Foundation
import GageKit

extension Provenance {
  /// `gage verify`.
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Re-hash runs against their manifest and seal; name every file that differs.",
      discussion: """
        Every run file is re-hashed and compared with the run's manifest, and every meta file \
        (config.json, output, proc/exit, ...) with the run's seal. Modified, missing and \
        unexpected files are named. Runs that have not finished are skipped.

        RUN is a 1-based index in the newest-first list, a slice FIRST:LAST, or a prefix of a \
        run id or name (default: the latest run).

        --source also checks that the staged source files equal the recorded git commit plus \
        source/diff.patch (and the config changes of log/patched), reading the commit from the \
        project's repository (--repo, else the run's project).

        Exit 0 when every run verifies, 3 when one does not, 1 on an error. See docs/provenance.md.
        """
    )

    @OptionGroup var selection: RunSelectionOptions

    @OptionGroup var scope: ScopeOptions

    @Flag(help: "Also check the staged source against the recorded git commit and diff.")
    var source = false

    @Option(help: ArgumentHelp("The project's git repository, for --source (default: the run's project).", valueName: "DIR"))
    var repo: String?

    @Flag(help: "Print JSON: an array with one object per run (docs/json.md).")
    var json = false

    @OptionGroup var runs: RunsOptions

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      var query = try selection.query(scope: scope.scope)
      if !selection.namesRuns { query.specs = ["1"] }
      let rows = try query.select(catalog)
      if rows.isEmpty { throw GageError.notFound("no runs match in \(catalog.runsDir)") }
      let progress = ProgressBar(label: "verify")
      var totalBytes: Int64 = 0
      for row in rows { totalBytes += Self.recordedBytes(row.record.run) }
      progress.start(totalBytes: totalBytes, totalFiles: 0)
      let verifier = RunVerifier(progress: { progress.advance(bytes: Int($0)) })
      var failed = 0
      var objects: [JSONValue] = []
      for row in rows {
        let run = row.record.run
        let result = verifier.verify(run)
        var sourceCheck: SourceVerification?
        if source, result.skipped == nil {
          sourceCheck = try SourceVerifier(repository: repo).verify(run)
        }
        if !result.ok && result.skipped == nil || sourceCheck?.ok == false { failed += 1 }
        if json {
          objects.append(result.json(source: sourceCheck))
        } else {
          progress.finish()
          Self.report(result, source: sourceCheck)
        }
      }
      progress.finish()
      if json { Console.print(JSONValue.array(objects).prettyPrinted()) }
      if failed > 0 { throw ExitCode(3) }
    }

    /// The bytes a run's files should hash, from the sizes on disk (for the progress bar).
    static func recordedBytes(_ run: Run) -> Int64 {
      var total: Int64 = 0
      try? RunDirScanner.walk(run.runDir, prefix: "") { _, st in total += Int64(st.st_size) }
      return total
    }

    /// One run's lines.
    static func report(_ result: RunVerification, source: SourceVerification?) {
      let run = result.run
      let label = Console.printable(run.nameAndID)
      if let reason = result.skipped {
        Console.print("\(label): skipped: \(Console.printable(reason))")
        return
      }
      let counts = "\(result.files) files, \(ByteCount.format(result.bytes))"
      if result.ok {
        Console.print("\(label): ok (\(counts))")
      } else {
        Console.print("\(label): FAILED (\(Confirmation.count(result.problems.count, "difference")))")
        for problem in result.problems {
          let detail = problem.detail.map { ": \(Console.printable($0))" } ?? ""
          Console.print(
            "  \(problem.kind.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(Console.printable(problem.shownPath))\(detail)"
          )
        }
      }
      if let source { reportSource(source) }
    }

    /// The lines of a source check.
    static func reportSource(_ check: SourceVerification) {
      if let reason = check.skipped {
        Console.print("  source: not checked: \(Console.printable(reason))")
        return
      }
      let commit = Console.printable(check.commit.map { String($0.prefix(12)) } ?? "?")
      if check.ok {
        Console.print(
          "  source: ok (\(check.checked) files equal commit \(commit)\(check.patched ? " + diff.patch" : "")\(check.configured > 0 ? " + config" : ""))"
        )
      } else {
        Console.print("  source: FAILED against commit \(commit)")
        for problem in check.problems {
          Console.print("    \(Console.printable(problem.path)): \(Console.printable(problem.reason))")
        }
      }
    }
  }
}
