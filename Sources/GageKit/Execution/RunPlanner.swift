import Foundation

/// Turns what a user typed (`gage run [OP] [KEY=VALUE...]`) into an `Operation`, checking
/// everything that can be checked before a run is made: the operation exists and has a run
/// command, the config keys exist and the values have the right types. The plan carries the
/// project's source scan, made once: for its totals, the preview and staging.
public enum RunPlanner {
  /// A planned run, ready for `Runner`.
  public struct Plan {
    /// The operation to run.
    public var operation: Operation
    /// The Gage file it came from.
    public var gageFile: GageFile
    /// The project's source as the operation selects it; what `Runner` stages.
    public let scan: SourceScan

    /// What is staged: the operation's project with this scan.
    var source: RunSource { .project(operation.projectDir, scan: scan) }
  }

  /// Plans a run of `opName` (or the default operation) from `gageFile` and scans its source.
  public static func plan(
    gageFile: GageFile, opName: String?, assignments: [String], runsDir: String
  ) throws -> Plan {
    let opdef = try operation(opName, in: gageFile)
    guard opdef.exec.run != nil else {
      throw GageError.invalidInput(
        "operation \"\(opdef.name)\" in \(gageFile.path) has no run command; add `exec = \"...\"` to it")
    }
    let config = try ConfigStage.validate(opdef: opdef, assignments: assignments, projectDir: gageFile.projectDir)
    try DependencyStager.check(opdef: opdef, projectDir: gageFile.projectDir, runsDir: runsDir)
    let op = Operation(opdef: opdef, runsDir: runsDir, projectDir: gageFile.projectDir, config: config)
    let scan = try SourceScan.scan(projectDir: gageFile.projectDir, spec: opdef.sourcecode, pruned: [runsDir])
    return Plan(operation: op, gageFile: gageFile, scan: scan)
  }

  /// The named operation, or the default one, with errors that list what exists.
  public static func operation(_ name: String?, in gageFile: GageFile) throws -> OpDef {
    let names = gageFile.operations.map(\.name)
    if let name {
      if let op = gageFile.operation(named: name) { return op }
      let known = names.isEmpty ? "it defines no operations" : "operations: " + names.joined(separator: ", ")
      throw GageError.notFound("unknown operation \"\(name)\" in \(gageFile.path); \(known)")
    }
    if let op = gageFile.defaultOperation { return op }
    if names.isEmpty {
      throw GageError.notFound("\(gageFile.path) defines no operations")
    }
    throw GageError.invalidInput(
      "no default operation in \(gageFile.path); name one of: \(names.joined(separator: ", ")) (or mark one `default = true`)")
  }
}
