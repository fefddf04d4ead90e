import ArgumentParser
import GageKit

/// `[RUN...] [-w EXPR] [-a]`: which runs a command works on.
struct RunSelectionOptions: ParsableArguments {
  @Argument(help: ArgumentHelp(
    "Runs: 1-based index in the newest-first list, slice FIRST:LAST, or a prefix of a run id or name.",
    valueName: "RUN"))
  var runs: [String] = []

  @Option(name: [.customShort("w"), .long], help: ArgumentHelp(
    "Only runs matching EXPR, e.g. \"op = train and status = completed\" (see docs/where.md).", valueName: "EXPR"))
  var `where`: String?

  @Flag(name: .shortAndLong, help: "Every run (of the list, or matching --where).")
  var all = false

  /// The query for these options in `scope`.
  func query(scope: RunScope = .active) throws -> RunQuery {
    RunQuery(specs: runs, filter: try Self.filter(self.where), all: all, scope: scope)
  }

  /// Compiles a `--where` expression; a syntax error shows the column with a caret.
  static func filter(_ source: String?) throws -> WhereFilter? {
    guard let source else { return nil }
    do {
      return try WhereFilter(source)
    } catch let error as WhereSyntaxError {
      throw GageError.invalidInput("invalid --where expression: \(error.rendered)")
    }
  }
}

/// `-d/--deleted` and `-A/--archive NAME`: which container a command looks at.
struct ScopeOptions: ParsableArguments {
  @Flag(name: .shortAndLong, help: "Deleted runs (the trash) instead of active ones.")
  var deleted = false

  @Option(name: [.customShort("A"), .long], help: ArgumentHelp("Runs of local archive NAME.", valueName: "NAME"))
  var archive: String?

  func validate() throws {
    if deleted && archive != nil { throw ValidationError("--deleted and --archive cannot be combined") }
  }

  /// The scope.
  var scope: RunScope { RunScope(deleted: deleted, archive: archive) }
}

/// Asking before a change (SPEC §7): shows what will change, asks on a terminal, and
/// without a terminal acts only with `-y`.
enum Confirmation {
  /// Shows `rows`, says "You are about to `action`.", then asks; throws to stop when the
  /// answer is no, or when there is no terminal to ask on.
  static func ask(
    _ action: String, rows: [(index: Int, record: RunRecord)], yes: Bool, defaultYes: Bool = true,
    warning: String? = nil, archiveNames: [String: String] = [:]
  ) throws {
    if yes { return }
    guard Console.stdinIsTerminal else {
      throw GageError.invalidInput("refusing to \(action) without -y: there is no terminal to ask on")
    }
    if !rows.isEmpty {
      for line in RunTable.lines(rows, archiveNames: archiveNames) { Console.note(line) }
      Console.note("")
    }
    Console.note("You are about to \(action).\(warning.map { " " + $0 } ?? "")")
    guard Console.confirm("Continue?", defaultYes: defaultYes) else { throw ExitCode(1) }
  }

  /// "1 run" / "3 runs".
  static func count(_ n: Int, _ noun: String = "run") -> String {
    n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
  }
}

extension RunsOptions {
  /// The catalog of the resolved runs dir.
  func catalog() throws -> RunCatalog {
    RunCatalog(runsDir: try resolve())
  }
}

/// Names of local archives by id, to show where archived runs are.
func archiveNames(_ runsDir: String) -> [String: String] {
  var names: [String: String] = [:]
  for archive in LocalArchives(runsDir: runsDir).all() { names[archive.id] = archive.name }
  return names
}
