/// The `depends` key: project files, files of an earlier run, or a summary of runs.
extension OpDefDecoder {
  /// Dependency types and the keys each accepts.
  static let dependencyKeys: [String: [String]] = [
    "project-files": ["description", "files", "link", "type"],
    "run-files": ["description", "files", "run-select", "type"],
    "runs-summary": ["description", "runs-select", "summary-filename", "type"],
  ]

  /// Decodes `depends`: one table or a list of tables.
  func depends(_ value: JSONValue, at path: SourcePath) throws -> [DependencySpec] {
    switch value {
    case .object(let table):
      return [try dependency(table, at: path)]
    case .array(let items):
      return try items.enumerated().map { index, item in
        guard case .object(let table) = item else {
          throw mismatch(
            item, at: path + [.index(index)],
            expected:
              "a table like {files = [\"data/*\"]} or {run-select = \"prepare\", files = [\"data/*\"]}"
          )
        }
        return try dependency(table, at: path + [.index(index)])
      }
    default:
      throw mismatch(value, at: path, expected: "a table or a list of tables")
    }
  }

  private func dependency(
    _ table: [String: JSONValue], at path: SourcePath
  ) throws
    -> DependencySpec
  {
    let type = try dependencyType(table, at: path)
    try checkKeys(table, at: path, known: Self.dependencyKeys[type] ?? [])
    func field(_ key: String) throws -> String? {
      try table[key].map { try string($0, at: path + [.key(key)]) }
    }
    func required(_ key: String, _ meaning: String) throws -> String {
      guard let value = try field(key) else {
        throw issue(at: path, "\(quoted(path)) of type \(type) needs \"\(key)\" (\(meaning))")
      }
      return value
    }
    let description = try field("description")
    switch type {
    case "run-files":
      let files = try table["files"].map { try strings($0, at: path + [.key("files")]) } ?? []
      return .runFiles(
        select: try required("run-select", "which run to take files from"), files: files,
        description: description)
    case "runs-summary":
      return .runsSummary(
        select: try required("runs-select", "which runs to summarize"),
        summaryFilename: try field("summary-filename"),
        description: description)
    default:
      guard let filesValue = table["files"] else {
        throw issue(
          at: path,
          "\(quoted(path)) of type project-files needs \"files\" (patterns of project files)")
      }
      let files = try strings(filesValue, at: path + [.key("files")])
      let link = try table["link"].map { try bool($0, at: path + [.key("link")]) } ?? false
      return .projectFiles(files: files, description: description, link: link)
    }
  }

  /// The dependency's `type`, or the type its keys imply.
  private func dependencyType(_ table: [String: JSONValue], at path: SourcePath) throws -> String {
    let types = Self.dependencyKeys.keys.sorted()
    if let value = table["type"] {
      let typePath = path + [.key("type")]
      let type = try string(value, at: typePath)
      guard types.contains(type) else {
        throw issue(
          at: typePath,
          "\(quoted(typePath)) has an unknown value \"\(type)\"\(KeySuggestion.hint(for: type, in: types)); "
            + "known types: \(IssueText.list(types))")
      }
      return type
    }
    if table["run-select"] != nil { return "run-files" }
    if table["runs-select"] != nil { return "runs-summary" }
    if table["files"] != nil { return "project-files" }
    try checkKeys(table, at: path, known: Array(Set(Self.dependencyKeys.values.joined())))
    throw issue(
      at: path,
      "\(quoted(path)) needs \"files\" (project files) or \"run-select\" (files of an earlier run)")
  }
}
