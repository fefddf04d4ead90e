/// Typed readers of values and the messages of the problems they find.
extension OpDefDecoder {
  /// The members of `table` in file order (or sorted, without a source map).
  func ordered(
    _ table: [String: JSONValue], at path: SourcePath
  ) -> [(
    key: String, value: JSONValue
  )] {
    let keys = sourceMap?.orderedKeys(table.keys, under: path) ?? table.keys.sorted()
    return keys.compactMap { key in table[key].map { (key, $0) } }
  }

  /// A string.
  func string(_ value: JSONValue, at path: SourcePath) throws -> String {
    guard case .string(let s) = value else { throw mismatch(value, at: path, expected: "a string") }
    return s
  }

  /// A string, or nil for null (an empty YAML value).
  func optionalString(_ value: JSONValue, at path: SourcePath) throws -> String? {
    if case .null = value { return nil }
    return try string(value, at: path)
  }

  /// A boolean.
  func bool(_ value: JSONValue, at path: SourcePath) throws -> Bool {
    guard case .bool(let b) = value else {
      throw mismatch(value, at: path, expected: "true or false")
    }
    return b
  }

  /// A list of strings; a single string is a list of one.
  func strings(_ value: JSONValue, at path: SourcePath) throws -> [String] {
    switch value {
    case .string(let s): return [s]
    case .array(let items):
      return try items.enumerated().map { index, item in
        guard case .string(let s) = item else {
          throw mismatch(item, at: path + [.index(index)], expected: "a string")
        }
        return s
      }
    default: throw mismatch(value, at: path, expected: "a string or a list of strings")
    }
  }

  /// Fails when `text` holds a NUL character: a process's arguments and environment end at
  /// the first NUL, so what ran would differ from what is recorded. `what` names the value
  /// ("a command").
  func refuseNUL(_ text: String, at path: SourcePath, in what: String) throws {
    guard let offset = text.unicodeScalars.firstIndex(of: "\0") else { return }
    let position = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: offset) + 1
    throw issue(
      at: path,
      "\(quoted(path)) holds a NUL character (\\0, \\u0000) at character \(position); \(what) cannot contain one"
    )
  }

  /// `"depends[0].files" of operation "train"`, or `operation "train"` for the table itself.
  func quoted(_ path: SourcePath) -> String {
    let below = path.dropFirst(root.count)
    return below.isEmpty
      ? "operation \"\(name)\"" : "\"\(IssueText.display(below))\" of operation \"\(name)\""
  }

  /// An issue at `path`.
  func issue(at path: SourcePath, _ message: String) -> GageFileIssue {
    GageFileIssue(path: path, message: message)
  }

  /// `"exec" of operation "train" must be ...; found ...`.
  func mismatch(_ value: JSONValue, at path: SourcePath, expected: String) -> GageFileIssue {
    issue(at: path, "\(quoted(path)) must be \(expected); found \(IssueText.found(value))")
  }

  /// `unknown key "exce" in operation "train" (did you mean "exec"?); known keys: ...`.
  func unknownKey(_ key: String, at path: SourcePath, known: [String]) -> GageFileIssue {
    let place = quoted(Array(path.dropLast()))
    return issue(
      at: path,
      "unknown key \"\(key)\" in \(place)\(KeySuggestion.hint(for: key, in: known)); known keys: \(IssueText.list(known))"
    )
  }

  /// Fails with an unknown-key issue for the first member of `table` not in `known`.
  func checkKeys(_ table: [String: JSONValue], at path: SourcePath, known: [String]) throws {
    for (key, _) in ordered(table, at: path) where !known.contains(key) {
      throw unknownKey(key, at: path + [.key(key)], known: known)
    }
  }
}
