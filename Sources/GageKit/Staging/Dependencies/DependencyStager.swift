import Foundation

/// Stages an operation's `depends` (`docs/gage-file.md`): project files, and files of an earlier run,
/// copied and hashed into the run dir as type `d`. What was staged, and from which run, is
/// recorded in the meta file `depends.json`.
enum DependencyStager {
  /// One resolved dependency.
  struct Resolved {
    var json: JSONValue
    var items: [FileCopier.Item]
  }

  /// Checks that every dependency resolves, before a run is made.
  static func check(opdef: OpDef, projectDir: String?, runsDir: String) throws {
    for (n, dep) in opdef.depends.enumerated() {
      _ = try resolve(dep, number: n + 1, projectDir: projectDir, runsDir: runsDir, exclude: "")
    }
  }

  /// Resolves every dependency of `opdef` (errors name the dependency), copies the files,
  /// and returns path → digest of what was copied.
  static func stage(_ run: Run, opdef: OpDef, projectDir: String?, runsDir: String) throws -> [String: FileCopier.Copied] {
    guard !opdef.depends.isEmpty else { return [:] }
    var resolved: [Resolved] = []
    for (n, dep) in opdef.depends.enumerated() {
      resolved.append(try resolve(dep, number: n + 1, projectDir: projectDir, runsDir: runsDir, exclude: run.id))
    }
    var digests: [String: FileCopier.Copied] = [:]
    var records: [JSONValue] = []
    for r in resolved {
      for item in r.items {
        let target = FileIO.join(run.runDir, item.path)
        if FileIO.exists(target) {
          try FileIO.makeWritable(target)
          try FileIO.removeFile(target)
        }
      }
      let copied = try FileCopier.copy(r.items, to: run.runDir)
      digests.merge(copied) { _, new in new }
      var json = r.json.objectValue ?? [:]
      json["files"] = .array(r.items.map { .object(["path": .string($0.path), "sha256": .string(copied[$0.path]?.digest ?? "")]) })
      records.append(.object(json))
    }
    try FileIO.write(JSONValue.array(records).prettyPrinted(), to: run.metaPath("depends.json"), mode: FileIO.readOnlyMode)
    return digests
  }

  private static func resolve(
    _ dep: DependencySpec, number: Int, projectDir: String?, runsDir: String, exclude: String
  )
    throws -> Resolved
  {
    switch dep {
    case .projectFiles(let files, _, _):
      guard let projectDir else {
        throw GageError.invalidInput("dependency \(number) needs project files, but the run has no project")
      }
      let paths = try match(files, under: projectDir, skip: [runsDir], what: "dependency \(number)")
      return Resolved(
        json: .object(["type": .string("project-files")]),
        items: paths.map { FileCopier.Item(source: FileIO.join(projectDir, $0), path: $0) })
    case .runFiles(let select, let files, _):
      let source = try selectRun(select, runsDir: runsDir, exclude: exclude, number: number)
      let patterns = files.isEmpty ? ["**"] : files
      let paths = try match(patterns, under: source.runDir, skip: [], what: "dependency \(number) (run \(source.name))")
      return Resolved(
        json: .object(["type": .string("run-files"), "run": .string(source.id), "operation": .string(select)]),
        items: paths.map { FileCopier.Item(source: FileIO.join(source.runDir, $0), path: $0) })
    case .runsSummary(let select, _, _):
      throw GageError.invalidInput(
        "dependency \(number): runs-summary dependencies (runs-select \"\(select)\") are not supported yet")
    }
  }

  /// The newest completed run of operation `select`, or the newest completed run matching
  /// `select` as a `--where` expression (`op = train and config.lr = 0.1`), or the run
  /// whose id or name starts with it.
  static func selectRun(_ select: String, runsDir: String, exclude: String, number: Int) throws -> Run {
    let catalog = RunCatalog(runsDir: runsDir)
    defer { catalog.save() }
    let records = catalog.keys(in: RunMoves.active).lazy.filter { $0.id != exclude }.compactMap { catalog.record($0) }
    if let byOp = records.first(where: { $0.operation == select && $0.status == .completed }) {
      return byOp.run
    }
    if select.contains(where: { "=<>~".contains($0) }) || select.contains(" in ") {
      let filter: WhereFilter
      do {
        filter = try WhereFilter(select)
      } catch let error as WhereSyntaxError {
        throw GageError.invalidInput("dependency \(number): run-select: \(error.rendered)")
      }
      if let match = records.first(where: { $0.status == .completed && filter.matches($0) }) { return match.run }
      throw GageError.notFound(
        "dependency \(number): no completed run matches \"\(select)\" in \(runsDir); check it with gage runs -w '\(select)'")
    }
    let prefix = select.lowercased()
    let byID = records.filter { $0.id.hasPrefix(prefix) || $0.name.hasPrefix(prefix) }
    if byID.count == 1, let run = byID.first {
      guard run.status == .completed else {
        throw GageError.conflict("dependency \(number): run \(run.name) is \(run.status.rawValue), not completed")
      }
      return run.run
    }
    throw GageError.notFound(
      "dependency \(number): no completed run of \"\(select)\" in \(runsDir); run it first (gage run \(select))")
  }

  /// Files under `root` matching any of `patterns` (a plain path names a file, or a dir and
  /// all its files). Every pattern must match something.
  static func match(_ patterns: [String], under root: String, skip: [String], what: String) throws -> [String] {
    var all: [String]? = nil
    var result = Set<String>()
    let skipped = Set(skip.map(RealPath.resolve))
    for pattern in patterns {
      let clean = pattern.hasPrefix("./") ? String(pattern.dropFirst(2)) : pattern
      if clean.hasPrefix("/") || clean.split(separator: "/").contains("..") {
        throw GageError.invalidInput("\(what): \"\(pattern)\" leaves the directory; use a path inside it")
      }
      let isGlob = clean.contains { "*?[".contains($0) }
      var found: [String] = []
      if !isGlob {
        let full = FileIO.join(root, clean)
        if FileIO.isDirectoryNoFollow(full) {
          try RunDirScanner.walk(full, prefix: clean) { rel, _ in found.append(rel) }
        } else if FileIO.exists(full) {
          found.append(clean)
        }
      } else {
        if all == nil {
          var files: [String] = []
          try walk(root, prefix: "", skip: skipped) { files.append($0) }
          all = files
        }
        let glob = Glob(clean)
        found = (all ?? []).filter { glob.matches($0) || (clean == "**" || clean.hasSuffix("/**")) && glob.matchesPathOrParent($0) }
      }
      guard !found.isEmpty else { throw GageError.notFound("\(what): nothing matches \"\(pattern)\" in \(root)") }
      result.formUnion(found)
    }
    return result.sorted()
  }

  private static func walk(_ dir: String, prefix: String, skip: Set<String>, _ body: (String) -> Void) throws {
    for entry in try DirectoryListing.entries(dir) {
      guard let name = entry.name, name != ".git" else { continue }
      let full = dir + "/" + name
      let rel = prefix.isEmpty ? name : prefix + "/" + name
      if FileIO.isDirectoryNoFollow(full) {
        if !skip.contains(RealPath.resolve(full)) { try walk(full, prefix: rel, skip: skip, body) }
      } else {
        body(rel)
      }
    }
  }
}
