/// Config in the run lifecycle: checked against the project before a run is made, applied
/// to the staged copies while staging (between the source code and the runtime phases).
enum ConfigStage {
  /// Parses `KEY=VALUE` arguments and checks them against the operation's configurable keys
  /// in `projectDir`, before anything is made. Returns every configurable key with its final
  /// value (defaults merged with the assignments): the content of `config.json`.
  static func validate(opdef: OpDef, assignments: [String], projectDir: String) throws -> [String: JSONValue] {
    let parsed = try assignments.map(ConfigAssignment.init(parsing:))
    let plan = try RunConfigPlan.resolve(specs: opdef.config, in: projectDir, operation: opdef.name)
    let values = try plan.validate(parsed)
    return plan.defaults.merging(values) { _, new in new }.mapValues(\.json)
  }

  /// Applies `values` to the configurable files of `opdef` in `runDir`; returns the final flat
  /// config (every configurable key) and the unified diff of the changes.
  static func apply(
    opdef: OpDef, values: [String: JSONValue], runDir: String
  ) throws -> (
    config: [String: JSONValue], diff: String
  ) {
    let plan = try RunConfigPlan.resolve(specs: opdef.config, in: runDir, operation: opdef.name)
    var assignments: [String: ConfigValue] = [:]
    for (key, value) in values {
      guard let v = ConfigValue(json: value) else {
        throw GageError.invalidInput("config value of \"\(key)\" is \(value.typeDescription); only scalars can be set")
      }
      assignments[key] = v
    }
    let applied = try plan.apply(assignments, stagedDir: runDir)
    return (applied.config.mapValues(\.json), applied.diff)
  }
}

extension ConfigValue {
  /// The config value of a JSON scalar (nil for arrays and objects).
  init?(json: JSONValue) {
    switch json {
    case .null: self = .null
    case .bool(let b): self = .bool(b)
    case .int(let i): self = .int(i)
    case .double(let d): self = .float(d)
    case .string(let s): self = .string(s)
    case .array, .object: return nil
    }
  }
}
