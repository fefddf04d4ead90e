/// Decodes a whole Gage file: `$runs-dir` and the operations, in file order.
struct GageFileDecoder {
  /// Top-level keys that are settings, not operations.
  static let settingKeys = ["$runs-dir"]

  /// Positions of the file's keys.
  let sourceMap: SourceMap

  /// The decoded file content.
  struct Content {
    /// `$runs-dir`, as written.
    var runsDir: String? = nil
    /// The operations, in file order.
    var operations: [OpDef] = []
  }

  /// Decodes the document; throws a `GageFileIssue` for the first problem in file order.
  func decode(_ document: JSONValue) throws -> Content {
    guard case .object(let table) = document else {
      throw GageFileIssue(
        path: [],
        message: "a Gage file must be a table of operations; found \(IssueText.found(document))")
    }
    var content = Content()
    var defaultOp: String?
    for key in sourceMap.orderedKeys(table.keys, under: []) {
      guard let value = table[key] else { continue }
      let path: SourcePath = [.key(key)]
      if key == "$runs-dir" {
        guard case .string(let dir) = value else {
          throw GageFileIssue(
            path: path,
            message:
              "\"$runs-dir\" must be a string (a directory path); found \(IssueText.found(value))")
        }
        content.runsDir = dir
      } else if key.hasPrefix("$") {
        throw GageFileIssue(
          path: path,
          message:
            "unknown top-level key \"\(key)\"\(KeySuggestion.hint(for: key, in: Self.settingKeys)); "
            + "known top-level keys: \(IssueText.list(Self.settingKeys)) (every other key names an operation)"
        )
      } else {
        guard case .object(let opTable) = value else {
          throw GageFileIssue(
            path: path,
            message:
              "operation \"\(key)\" must be a table (e.g. [\(key)] with exec = \"...\"); found \(IssueText.found(value))"
          )
        }
        let op = try OpDefDecoder(name: key, sourceMap: sourceMap).decode(opTable)
        if op.isDefault {
          if let other = defaultOp {
            throw GageFileIssue(
              path: path + [.key("default")],
              message:
                "operation \"\(key)\" is marked default, but so is \"\(other)\"; only one operation can be the default"
            )
          }
          defaultOp = key
        }
        content.operations.append(op)
      }
    }
    return content
  }
}
