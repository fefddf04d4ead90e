import ArgumentParser
import Foundation
import GageKit

#if canImport(Glibc)
  import Glibc
#endif

extension Provenance {
  /// `gage diff`.
  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare two runs: config, command, source and outputs.",
      discussion: """
        A and B are each a run of the runs dir (a 1-based index in the newest-first list, or a \
        prefix of a run id or name) or an archive file: FILE for an archive holding one run, \
        FILE#PREFIX for the run of a multi-run archive whose id or name starts with PREFIX. \
        An argument is a file when it ends in .tar, .tar.gz, .tgz or .tar.zst, or holds a / \
        (write ./name for other names). An archive is checked completely before it is read \
        and read from a temporary copy that is always removed; a tampered archive is refused.

        Sections: Run (ids, operation, status, exit codes, start times), Config, Command \
        (proc/cmd.json and proc/env.json), Source identity (source/git.json), Source files \
        (staged source, dependencies, runtime files) and Outputs (generated files). Files \
        are compared by the digests their manifests record. Ids and times never count as \
        differences.

        Exit 0 whether or not the runs differ; with --exit-code, 3 when they differ. \
        See docs/diff.md. Examples:
          gage diff 2 1                    the run before the latest against the latest
          gage diff kafom 1 --patch        text diffs of changed files
          gage diff 1 exported.tar.gz      a run against an archive of it
          gage diff a.tar b.tar#7c3e       two archives, picking a run in the second
        """
    )

    @Argument(help: ArgumentHelp("The first run, or an archive FILE[#PREFIX].", valueName: "A"))
    var a: String

    @Argument(help: ArgumentHelp("The second run, or an archive FILE[#PREFIX].", valueName: "B"))
    var b: String

    @Flag(
      name: [.customShort("p"), .long],
      help: "Show a unified diff of each changed, added or removed text file.")
    var patch = false

    @Flag(help: "Print JSON (docs/json.md).")
    var json = false

    @Flag(help: "Exit 3 when the runs differ (0 when they do not).")
    var exitCode = false

    @OptionGroup var runs: RunsOptions

    func run() throws {
      let runsDir = try runs.resolve()
      let references = [a, b].map { ArchiveRunReference(argument: $0) }
      var catalog: RunCatalog?
      defer { catalog?.save() }
      var archives: [ExtractedArchive] = []
      defer { for archive in archives { archive.remove() } }
      // Runs of the runs dir first: naming one wrongly fails before any archive is extracted.
      var sides: [RunDiff.Side?] = [nil, nil]
      for (i, argument) in [a, b].enumerated() where references[i] == nil {
        let runs = catalog ?? RunCatalog(runsDir: runsDir)
        catalog = runs
        sides[i] = try RunDiff.Side(record: try RunQuery(specs: [argument]).one(runs))
      }
      for (i, reference) in references.enumerated() {
        guard let reference else { continue }
        let opened = try reference.open(
          parent: Self.temporaryParent(runsDir), progress: ProgressBar(label: "read"),
          refusal: "; refused")
        archives.append(opened.archive)
        sides[i] = try RunDiff.Side(run: opened.run)
      }
      guard let sideA = sides[0], let sideB = sides[1] else { return }
      let diff = RunDiff(sideA, sideB)
      let files = (a: references[0]?.path, b: references[1]?.path)
      // Everything is read before the archives are removed and before anything is printed:
      // a reader that stops early (`| head`) cannot leave an extracted archive behind.
      var report = DiffReport(diff: diff, archives: files, patch: patch)
      let output = json ? [diff.json(archives: files, patch: patch).prettyPrinted()] : report.text()
      for archive in archives { archive.remove() }
      archives = []
      Console.print(output.joined(separator: "\n"))
      if exitCode && diff.differs { throw ExitCode(3) }
    }

    /// Where archives are extracted: the runs dir when it exists and is writable (the same
    /// disk as the runs), else `$TMPDIR`; so that diffing archives never makes a runs dir.
    static func temporaryParent(_ runsDir: String) -> String {
      if FileIO.isDirectory(runsDir), access(runsDir, W_OK) == 0 { return runsDir }
      let tmp = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
      return tmp.isEmpty ? "/tmp" : tmp
    }
  }

  /// The text form of a `RunDiff`: one section per part, each saying `identical` when
  /// nothing in it differs.
  struct DiffReport {
    let diff: RunDiff
    let archives: (a: String?, b: String?)
    let patch: Bool
    /// The lines written so far.
    private var lines: [String] = []

    /// The diff of `diff` as text; `archives` name the files runs were read from.
    init(diff: RunDiff, archives: (a: String?, b: String?), patch: Bool) {
      self.diff = diff
      self.archives = archives
      self.patch = patch
    }

    /// The whole report, one line per element (patches read the run files).
    mutating func text() -> [String] {
      lines = []
      printRun()
      printKeys("Config", diff.config)
      printCommand()
      printSource()
      printFiles(
        "Source files", diff.sourceFiles, added: "added", removed: "removed", listIdentical: false)
      printFiles(
        "Outputs", diff.outputs, added: "only in B", removed: "only in A", listIdentical: true)
      while lines.last == "" { lines.removeLast() }
      return lines
    }

    /// Adds a line.
    private mutating func emit(_ line: String = "") {
      lines.append(line)
    }

    /// `Heading: summary`.
    private mutating func heading(_ title: String, _ summary: String) {
      emit(Console.bold(title) + ": " + summary)
    }

    /// Rows aligned in columns, indented two spaces (`Table`: escaped there, and fitted to
    /// the terminal by cutting the last column, the values).
    private mutating func table(_ rows: [[String]]) {
      guard let columns = rows.map(\.count).max() else { return }
      let table = Table(
        columns: (0..<columns).map { Table.Column(flexible: $0 == columns - 1) }, rows: rows,
        hasHeader: false, indent: "  ")
      for line in table.lines() { emit(line) }
    }

    private mutating func printRun() {
      let a = diff.a
      let b = diff.b
      var differing: [String] = []
      if a.operation != b.operation { differing.append("operation") }
      if a.status != b.status { differing.append("status") }
      if a.exitCode != b.exitCode { differing.append("exit code") }
      let summary =
        differing.isEmpty
        ? "same operation, status and exit code"
        : differing.joined(separator: ", ") + (differing.count == 1 ? " differs" : " differ")
      heading("Run", summary)
      func code(_ c: Int32?) -> String { c.map(String.init) ?? "-" }
      func time(_ t: Int64?) -> String { t.map { RunClock.local(micros: $0) } ?? "-" }
      var rows: [[String]] = [
        ["", "A", "B"],
        ["name", a.name, b.name],
        ["id", a.id, b.id],
      ]
      if archives.a != nil || archives.b != nil {
        rows.append(["archive", archives.a ?? "-", archives.b ?? "-"])
      }
      rows += [
        ["operation", a.operation, b.operation],
        ["status", a.status.rawValue, b.status.rawValue],
        ["exit code", code(a.exitCode), code(b.exitCode)],
        ["started", time(a.started), time(b.started)],
      ]
      if a.label != nil || b.label != nil { rows.append(["label", a.label ?? "-", b.label ?? "-"]) }
      table(rows)
      emit()
    }

    /// A value as shown: strings bare, the rest as compact JSON; long digests shortened.
    private func render(_ value: JSONValue, short: Bool = false) -> String {
      let text = Console.text(value)
      if short, text.count == 40 || text.count == 64, text.allSatisfy(\.isHexDigit) {
        return String(text.prefix(12))
      }
      return text
    }

    /// Counts such as `1 changed, 2 only in A`; nil when there are none.
    private func counts(_ parts: [(Int, String)]) -> String? {
      let shown = parts.filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
      return shown.isEmpty ? nil : shown.joined(separator: ", ")
    }

    /// Rows of a key comparison, each key prefixed with `prefix`.
    private func keyRows(
      _ keys: KeyComparison, prefix: String = "", short: Bool = false
    )
      -> [[String]]
    {
      keys.changed.map {
        [prefix + $0.key, render($0.a, short: short) + " → " + render($0.b, short: short)]
      }
        + keys.onlyA.map { [prefix + $0.key, render($0.value, short: short) + " (only in A)"] }
        + keys.onlyB.map { [prefix + $0.key, render($0.value, short: short) + " (only in B)"] }
    }

    private func keySummary(_ keys: KeyComparison) -> String {
      guard !keys.isIdentical else { return "identical" }
      return counts([
        (keys.changed.count, "changed"), (keys.onlyA.count, "only in A"),
        (keys.onlyB.count, "only in B"),
        (keys.identical, "identical"),
      ]) ?? "identical"
    }

    private mutating func printKeys(_ title: String, _ keys: KeyComparison) {
      heading(title, keySummary(keys))
      table(keyRows(keys))
      emit()
    }

    private mutating func printCommand() {
      guard diff.commandSectionDiffers else {
        heading("Command", "identical")
        emit()
        return
      }
      heading("Command", "differs")
      var rows: [[String]] = []
      if diff.commandDiffers {
        rows.append([
          "command", render(diff.a.command ?? .null) + " → " + render(diff.b.command ?? .null),
        ])
      }
      rows += keyRows(diff.env, prefix: "env ")
      table(rows)
      emit()
    }

    private mutating func printSource() {
      let a = diff.a.source
      let b = diff.b.source
      if a == nil && b == nil {
        heading("Source identity", "not recorded in either run")
      } else if a == nil || b == nil {
        heading("Source identity", "recorded only in \(a == nil ? "B" : "A")")
      } else {
        heading("Source identity", keySummary(diff.source))
        table(keyRows(diff.source, short: true))
      }
      emit()
    }

    private mutating func printFiles(
      _ title: String, _ files: FileComparison, added: String, removed: String, listIdentical: Bool
    ) {
      func label(_ entry: ManifestEntry) -> String {
        entry.type == .source || entry.type == .generated
          ? entry.path : "\(entry.path) (\(entry.type.label))"
      }
      let total = files.identical.count
      if files.isIdentical {
        heading(
          title, total == 0 ? "identical (none)" : "identical (\(total) file\(total == 1 ? "" : "s"))"
        )
      } else {
        heading(
          title,
          counts([
            (files.changed.count, "changed"), (files.onlyB.count, added),
            (files.onlyA.count, removed),
            (total, "identical"),
          ]) ?? "identical")
      }
      var rows: [[String]] = files.changed.map { ["changed", label($0.b)] }
      rows += files.onlyB.map { [added, label($0)] }
      rows += files.onlyA.map { [removed, label($0)] }
      if listIdentical { rows += files.identical.map { ["identical", label($0)] } }
      table(rows)
      emit()
      guard patch else { return }
      var patches = files.changed.map { diff.patch($0.path) }
      patches += files.onlyB.map { diff.patch($0.path, inA: false) }
      patches += files.onlyA.map { diff.patch($0.path, inB: false) }
      for text in patches {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
          emit(Self.colored(Console.printable(String(line), keeping: ["\t"])))
        }
        emit()
      }
    }

    /// A patch line in color on a terminal: headers bold, hunks cyan, removals red, additions
    /// green.
    static func colored(_ line: String) -> String {
      if line.hasPrefix("--- ") || line.hasPrefix("+++ ") { return Console.bold(line) }
      if line.hasPrefix("@@") { return Console.color(line, "36") }
      if line.hasPrefix("-") { return Console.color(line, "31") }
      if line.hasPrefix("+") { return Console.color(line, "32") }
      return line
    }
  }
}
