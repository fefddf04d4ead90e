import Foundation

/// A project's Gage file (`gage.toml`, `gage.yaml`, `gage.json`, or the same under `.gage/`):
/// where runs go and the operations it defines.
public struct GageFile: Sendable {
  /// Names looked for in each directory, in order, when walking up to find a Gage file.
  public static let candidateNames = [
    "gage.toml", "gage.yaml", "gage.yml", "gage.json",
    ".gage/gage.toml", ".gage/gage.yaml", ".gage/gage.json",
  ]

  /// Absolute path of the file.
  public var path: String
  /// The `$runs-dir` value, as written (relative paths are relative to `projectDir`).
  public var runsDir: String?
  /// The operations, in file order.
  public var operations: [OpDef]

  /// A Gage file with the given content (mostly for tests and library users).
  public init(path: String, runsDir: String? = nil, operations: [OpDef]) {
    self.path = path
    self.runsDir = runsDir
    self.operations = operations
  }

  /// Reads, parses and validates the Gage file at `path`.
  ///
  /// Every problem is a `GageError.gageFile` located at `path:line:column`: syntax errors,
  /// unknown keys (with the known ones listed), values of the wrong type, bytes that are not
  /// UTF-8.
  public static func load(path: String) throws -> GageFile {
    let absolute = FileIO.absolute(path)
    guard let format = GageFileFormat(path: absolute) else {
      throw GageError.invalidInput(
        "\(absolute): cannot tell the format of this Gage file; name it gage.toml, gage.yaml or gage.json"
      )
    }
    let text = try GageFileDocument.text(FileIO.readBytes(absolute), path: absolute)
    return try parse(text, format: format, path: absolute)
  }

  /// Parses and validates Gage file text; `path` is where it came from (used in errors).
  public static func parse(_ text: String, format: GageFileFormat, path: String) throws -> GageFile {
    let document = try GageFileDocument.parse(text, format: format, path: path)
    do {
      let content = try GageFileDecoder(sourceMap: document.sourceMap).decode(document.value)
      return GageFile(path: path, runsDir: content.runsDir, operations: content.operations)
    } catch let issue as GageFileIssue {
      let position = document.sourceMap.position(of: issue.path) ?? .start
      throw GageError.gageFile(
        location: GageFileDocument.location(path, position), message: issue.message)
    }
  }

  /// The Gage file of the project holding `directory`: the first candidate name found in
  /// `directory` or, failing that, in each parent up to the root. Nil when there is none.
  public static func find(from directory: String) -> String? {
    var dir = FileIO.absolute(directory)
    while true {
      for name in candidateNames {
        let candidate = FileIO.join(dir, name)
        if FileIO.exists(candidate), !FileIO.isDirectory(candidate) { return candidate }
      }
      let parent = parentDirectory(of: dir)
      if parent == dir { return nil }
      dir = parent
    }
  }

  /// The operation named `name`.
  public func operation(named name: String) -> OpDef? {
    operations.first { $0.name == name }
  }

  /// The operation run when none is named: the one marked `default = true`, or the only one.
  public var defaultOperation: OpDef? {
    operations.first(where: \.isDefault) ?? (operations.count == 1 ? operations.first : nil)
  }

  /// The project directory: the directory holding the file, or the parent of `.gage/`.
  public var projectDir: String {
    let dir = Self.parentDirectory(of: path)
    if dir.split(separator: "/").last == ".gage" { return Self.parentDirectory(of: dir) }
    return dir
  }

  /// `$runs-dir` as an absolute path (resolved against `projectDir`), when set.
  public var runsDirPath: String? {
    guard let runsDir, !runsDir.isEmpty else { return nil }
    if runsDir.hasPrefix("/") { return FileIO.absolute(runsDir) }
    if runsDir == "~" || runsDir.hasPrefix("~/") {
      return FileIO.absolute((runsDir as NSString).expandingTildeInPath)
    }
    return FileIO.absolute(FileIO.join(projectDir, runsDir))
  }

  /// What `gage operations` lists: each operation's name, the first line of its
  /// description (or ""), and whether it is the default, in file order.
  public func operationsListing() -> [(name: String, description: String, isDefault: Bool)] {
    let defaultName = defaultOperation?.name
    return operations.map { op in
      let firstLine =
        op.description?.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
      return (op.name, firstLine.trimmingCharacters(in: .whitespaces), op.name == defaultName)
    }
  }

  private static func parentDirectory(of path: String) -> String {
    let parent = (path as NSString).deletingLastPathComponent
    return parent.isEmpty ? "/" : parent
  }
}

extension GageFile {
  /// `gage operations --json`: one `{name, description, default, command}` per operation.
  public var operationsJSON: JSONValue {
    let defaultName = defaultOperation?.name
    return .array(
      operations.map { op in
        .object([
          "name": .string(op.name),
          "description": op.description.map(JSONValue.string) ?? .null,
          "default": .bool(op.name == defaultName),
          "command": op.exec.run?.json ?? .null,
        ])
      })
  }
}
