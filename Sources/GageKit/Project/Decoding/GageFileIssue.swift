/// A problem in the content of a Gage file (or of a run's `opdef.json`): the path of the
/// value at fault, and a message that says what was expected.
///
/// Decoders throw it without knowing where the value was written; the loader turns it into a
/// `GageError.gageFile` at the position its source map holds for `path`.
struct GageFileIssue: Error, Sendable, Equatable {
  /// Path of the key or item at fault, from the document root (the operation's name first).
  var path: SourcePath
  /// What is wrong, naming the key and the operation.
  var message: String
}

/// Message builders shared by the decoders.
enum IssueText {
  /// `a string ("yes")`, `the integer 3`, `a table`: what was found instead.
  static func found(_ value: JSONValue) -> String {
    switch value {
    case .null: return "nothing (null)"
    case .bool(let b): return "the boolean \(b)"
    case .int(let i): return "the integer \(i)"
    case .double(let d): return "the number \(JSONValue.format(d))"
    case .string(let s):
      let shown = s.count > 40 ? String(s.prefix(37)) + "..." : s
      return "the string \"\(shown)\""
    case .array: return "an array"
    case .object: return "a table"
    }
  }

  /// `"exec"`, `"depends[0].files"`: a path below an operation, for messages.
  static func display(_ path: some Collection<SourcePathComponent>) -> String {
    var out = ""
    for component in path {
      switch component {
      case .key(let key): out += out.isEmpty ? key : "." + key
      case .index(let index): out += "[\(index)]"
      }
    }
    return out
  }

  /// A sorted, comma-separated list of keys.
  static func list(_ keys: [String]) -> String {
    keys.sorted().joined(separator: ", ")
  }
}
