import ArgumentParser
import GageKit

extension Provenance {
  /// `gage audit FILE...`.
  struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Find the runs that produced or used a file, by its SHA-256.",
      discussion: """
        For each FILE, prints its SHA-256, then every run whose manifest holds that digest, \
        newest first: run name, operation, start time, status, how the file appears in the \
        run (generated, source, runtime, dependency) and its path there, the source commit \
        ("dirty" when the staged source differed from it) and the config.

        A symlink is audited by its target text, as runs record links. Active runs are \
        searched; -d searches the trash, -A NAME a local archive. Answers come from the \
        digest index in <runs>/.index/ (see docs/audit.md), checked against the runs.

        Exit status: 0 when every FILE is held by some run, 3 when one is not, 1 on an \
        error (e.g. a FILE that does not exist).

        Examples:
          gage audit results/model.bin
          gage audit out/*.csv -w "op = train"
          gage audit model.bin --json | jq -r '.[].runs[].id'
        """
    )

    @Argument(
      help: ArgumentHelp(
        "Files to look for (their content is what counts, not their name).", valueName: "FILE"))
    var files: [String]

    @Option(
      name: [.customShort("w"), .long],
      help: ArgumentHelp("Only runs matching EXPR (see docs/where.md).", valueName: "EXPR"))
    var `where`: String?

    @OptionGroup var scope: ScopeOptions

    @Flag(help: "Print JSON: an array with one object per FILE (docs/json.md).")
    var json = false

    @OptionGroup var runs: RunsOptions

    func run() throws {
      let filter = try RunSelectionOptions.filter(self.where)
      // Every file is hashed before any run is looked at: a bad FILE stops the command first.
      let digests = try files.map { (file: $0, digest: try FileAudit.digest(ofFile: $0)) }
      let runsDir = try runs.resolve()
      let (container, _) = try scope.scope.resolve(runsDir: runsDir)
      let catalog = RunCatalog(runsDir: runsDir)
      let index = DigestIndex(runsDir: runsDir)
      defer {
        index.save()
        catalog.save()
      }
      let audit = FileAudit(catalog: catalog, index: index)
      let findings = digests.map {
        audit.find(digest: $0.digest, file: $0.file, container: container, filter: filter)
      }
      let names = archiveNames(runsDir)
      if json {
        Console.print(JSONValue.array(findings.map { $0.json(archiveNames: names) }).prettyPrinted())
      } else {
        for (n, finding) in findings.enumerated() {
          if n > 0 { Console.print() }
          print(finding, archiveNames: names)
        }
      }
      if findings.contains(where: { $0.matches.isEmpty }) { throw ExitCode(3) }
    }

    private func print(_ finding: FileAudit.Finding, archiveNames: [String: String]) {
      Console.print(Console.bold(Console.printable(finding.file)) + "  sha256:\(finding.digest)")
      guard !finding.matches.isEmpty else {
        var line = "  " + noMatch
        let hints = hints(finding.elsewhere, archiveNames: archiveNames)
        if !hints.isEmpty { line += " (" + hints.joined(separator: "; ") + ")" }
        Console.print(line)
        return
      }
      // name, operation, started, status, type, path, source, then the config.
      var rows: [[String]] = []
      for match in finding.matches {
        let r = match.record
        var status = r.status.rawValue
        if r.status == .unknown, let reason = r.reason { status += " (\(reason))" }
        for file in match.files {
          rows.append([
            r.name, r.operation, r.started.map { RunClock.local(micros: $0) } ?? "-", status,
            file.type.label, file.path, Self.describeSource(match.source),
            r.configJSON == "{}" ? "" : r.configJSON,
          ])
        }
      }
      let flexible: Set<Int> = [1, 5, 7]
      Table(
        columns: (0..<8).map { Table.Column(flexible: flexible.contains($0)) }, rows: rows,
        hasHeader: false, indent: "  "
      ).print()
    }

    /// "no run holds this file", in the words of the scope and filter.
    private var noMatch: String {
      var runs: String
      switch scope.scope {
      case .active: runs = "no run"
      case .trash: runs = "no deleted run"
      case .archive(let name): runs = "no run in archive \"\(Console.printable(name))\""
      }
      if self.where != nil { runs += " matching --where" }
      return runs + " holds this file"
    }

    /// Where else the file is, and the command that shows it.
    private func hints(_ elsewhere: [String: Int], archiveNames: [String: String]) -> [String] {
      var hints: [String] = []
      for (container, count) in elsewhere.sorted(by: { $0.key < $1.key }) {
        let holds = count == 1 ? "holds" : "hold"
        switch container {
        case RunMoves.active:
          hints.append(
            "\(Confirmation.count(count, "active run")) \(holds) it: gage audit without -d or -A")
        case RunMoves.trash:
          hints.append("\(Confirmation.count(count, "deleted run")) \(holds) it: gage audit -d")
        default:
          let name = Console.printable(archiveNames[container] ?? container)
          hints.append(
            "\(Confirmation.count(count)) in archive \"\(name)\" \(holds) it: gage audit -A \(name)")
        }
      }
      return hints
    }

    /// The source column: the commit's first 12 digits, "dirty" when the staged source
    /// differed from it; "not in git" outside git; "-" when the run recorded no source.
    static func describeSource(_ source: JSONValue?) -> String {
      guard let source else { return "-" }
      guard source["vcs"]?.stringValue == "git" else { return "not in git" }
      var text = source["commit"]?.stringValue.map { "commit " + $0.prefix(12) } ?? "no commit yet"
      if source["dirty"]?.boolValue == true { text += " dirty" }
      return text
    }
  }
}
