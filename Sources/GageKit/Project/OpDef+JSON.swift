/// An operation as JSON: read back from a run's `opdef.json`, and written to it.
extension OpDef {
  /// Decodes and validates an operation from its JSON table (the form of `opdef.json`).
  ///
  /// The same rules as for a Gage file apply; as there are no file positions, errors are
  /// `GageError.gageFile` located at `opdef.json`.
  public init(name: String, json: JSONValue) throws {
    guard case .object(let table) = json else {
      throw GageError.gageFile(
        location: "opdef.json",
        message: "operation \"\(name)\" must be a table; found \(IssueText.found(json))")
    }
    do {
      self = try OpDefDecoder(name: name, sourceMap: nil).decode(table)
    } catch let issue as GageFileIssue {
      throw GageError.gageFile(location: "opdef.json", message: issue.message)
    }
  }

  /// The operation's table for `opdef.json`: `raw` as written in the Gage file, or, for an
  /// operation built in code, a table made from the typed fields.
  public var json: JSONValue {
    if case .object(let table) = raw, !table.isEmpty { return raw }
    var table: [String: JSONValue] = [:]
    table["description"] = description.map(JSONValue.string)
    if isDefault { table["default"] = .bool(true) }
    table["version"] = version.map(JSONValue.string)
    table["exec"] = exec.json
    table["sourcecode"] = sourcecode.json
    table["config"] = ConfigSpec.json(config)
    if !depends.isEmpty { table["depends"] = .array(depends.map(\.json)) }
    table["output-summary"] = outputSummary.json
    table["summary"] = summaryFilename.map { .object(["filename": .string($0)]) }
    if !env.isEmpty { table["env"] = .object(env.mapValues(JSONValue.string)) }
    table["listing"] = listing
    table["progress"] = progress.map(JSONValue.string)
    return .object(table)
  }
}

extension ExecSpec {
  /// `exec` as JSON: the run command alone, or a table of phases; nil when empty.
  var json: JSONValue? {
    if commands.isEmpty { return nil }
    if commands.count == 1, let run { return run.json }
    var table: [String: JSONValue] = [:]
    for (phase, command) in commands { table[phase.rawValue] = command.json }
    return .object(table)
  }
}

extension SourceCodeSpec {
  /// `sourcecode` as JSON; nil for the defaults.
  var json: JSONValue? {
    switch self {
    case .defaults: return nil
    case .enabled(let b): return .bool(b)
    case .patterns(let patterns): return .array(patterns.map(JSONValue.string))
    }
  }
}

extension ConfigSpec {
  /// `config` as JSON: the key patterns of a single plain entry, else a list of tables.
  static func json(_ specs: [ConfigSpec]) -> JSONValue? {
    if specs.isEmpty { return nil }
    if specs.count == 1, let spec = specs.first,
      spec.description == nil, spec.prefix == nil, spec.stripPrefix == nil, spec.rename == nil
    {
      return .array(spec.keys.map(JSONValue.string))
    }
    return .array(
      specs.map { spec in
        var table: [String: JSONValue] = ["keys": .array(spec.keys.map(JSONValue.string))]
        table["description"] = spec.description.map(JSONValue.string)
        table["prefix"] = spec.prefix.map(JSONValue.string)
        table["strip-prefix"] = spec.stripPrefix.map(JSONValue.string)
        table["rename"] = spec.rename.map(JSONValue.string)
        return .object(table)
      })
  }
}

extension DependencySpec {
  /// One `depends` entry as a JSON table, with its explicit `type`.
  var json: JSONValue {
    var table: [String: JSONValue]
    switch self {
    case .projectFiles(let files, let description, let link):
      table = ["type": .string("project-files"), "files": .array(files.map(JSONValue.string))]
      table["description"] = description.map(JSONValue.string)
      if link { table["link"] = .bool(true) }
    case .runFiles(let select, let files, let description):
      table = ["type": .string("run-files"), "run-select": .string(select)]
      if !files.isEmpty { table["files"] = .array(files.map(JSONValue.string)) }
      table["description"] = description.map(JSONValue.string)
    case .runsSummary(let select, let summaryFilename, let description):
      table = ["type": .string("runs-summary"), "runs-select": .string(select)]
      table["summary-filename"] = summaryFilename.map(JSONValue.string)
      table["description"] = description.map(JSONValue.string)
    }
    return .object(table)
  }
}

extension OutputSummarySpec {
  /// `output-summary` as JSON; nil for the default.
  var json: JSONValue? {
    switch self {
    case .defaults: return nil
    case .enabled(let b): return .bool(b)
    case .pattern(let pattern): return .string(pattern)
    }
  }
}
