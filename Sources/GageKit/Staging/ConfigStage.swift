/// Applies a run's configuration to its staged files (the staging step between the
/// source code and the runtime phases).
enum ConfigStage {
  /// Applies `values` to the configurable files of `opdef` in `runDir`; returns the final flat
  /// config (every configurable key) and the unified diff of the changes.
  static func apply(opdef: OpDef, values: [String: JSONValue], runDir: String) throws -> (
    config: [String: JSONValue], diff: String
  ) {
    (values, "")
  }
}

extension ConfigStage {
  /// Parses `KEY=VALUE` arguments and checks them against the operation's configurable keys
  /// in `projectDir`, before anything is made. Returns the values to record.
  static func validate(opdef: OpDef, assignments: [String], projectDir: String) throws -> [String: JSONValue] {
    var values: [String: JSONValue] = [:]
    for a in assignments {
      guard let eq = a.firstIndex(of: "="), eq != a.startIndex else {
        throw GageError.invalidInput("invalid argument \"\(a)\": expected KEY=VALUE")
      }
      values[String(a[..<eq])] = .string(String(a[a.index(after: eq)...]))
    }
    return values
  }
}
