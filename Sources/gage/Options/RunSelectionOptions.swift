import ArgumentParser
import GageKit

/// `[RUN...] [-w EXPR] [-a]`: which runs a command works on.
struct RunSelectionOptions: ParsableArguments {
  @Argument(
    help: ArgumentHelp(
      "Runs: 1-based index in the newest-first list, slice FIRST:LAST, or a prefix of a run id or name.",
      valueName: "RUN"))
  var runs: [String] = []

  @Option(
    name: [.customShort("w"), .long],
    help: ArgumentHelp(
      "Only runs matching EXPR, e.g. \"op = train and status = completed\" (see docs/where.md).",
      valueName: "EXPR"))
  var `where`: String?

  @Flag(name: .shortAndLong, help: "Every run (of the list, or matching --where).")
  var all = false

  /// Whether the options name any runs (specs, `--all` or `--where`).
  var namesRuns: Bool { !runs.isEmpty || all || self.where != nil }

  /// A usage error unless the options name runs: `to` says what for ("to delete").
  func requireRuns(_ purpose: String, hint: String = "gage runs lists them") throws {
    if !namesRuns {
      throw ValidationError("name the runs \(purpose), or use --all or --where (\(hint))")
    }
  }

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
