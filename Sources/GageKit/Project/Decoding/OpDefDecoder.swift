import Foundation

/// Decodes and validates one operation's table into an `OpDef`.
///
/// Keys are decoded in the order they appear in the file (when a source map is known), so
/// the first problem reported is the first one a reader meets. Every failure is a
/// `GageFileIssue` naming the key, the operation and what was expected.
struct OpDefDecoder {
  /// Keys an operation may have (Gage's schema).
  static let knownKeys = [
    "config", "default", "depends", "description", "env", "exec", "listing", "output-summary",
    "progress", "sourcecode", "summary", "version",
  ]
  /// Values of `progress` that are understood.
  static let progressValues = ["tqdm"]

  /// The operation's name.
  let name: String
  /// Positions of the file's keys, when decoding a file (nil for `opdef.json`).
  let sourceMap: SourceMap?

  /// The operation's own path in the document.
  var root: SourcePath { [.key(name)] }

  /// Decodes the operation's table.
  func decode(_ table: [String: JSONValue]) throws -> OpDef {
    var op = OpDef(name: name, raw: .object(table))
    for (key, value) in ordered(table, at: root) {
      let path = root + [.key(key)]
      switch key {
      case "description": op.description = try optionalString(value, at: path)
      case "default": op.isDefault = try bool(value, at: path)
      case "version": op.version = try version(value, at: path)
      case "exec": op.exec = try exec(value, at: path)
      case "sourcecode": op.sourcecode = try sourcecode(value, at: path)
      case "config": op.config = try config(value, at: path)
      case "depends": op.depends = try depends(value, at: path)
      case "output-summary": op.outputSummary = try outputSummary(value, at: path)
      case "summary": op.summaryFilename = try summary(value, at: path)
      case "env": op.env = try env(value, at: path)
      case "listing": op.listing = try listing(value, at: path)
      case "progress": op.progress = try progress(value, at: path)
      default: throw unknownKey(key, at: path, known: Self.knownKeys)
      }
    }
    return op
  }

  // MARK: - Keys

  private func version(_ value: JSONValue, at path: SourcePath) throws -> String? {
    switch value {
    case .null: return nil
    case .string(let s): return s
    case .int(let i): return String(i)
    case .double(let d): return JSONValue.format(d)
    default: throw mismatch(value, at: path, expected: "a string or a number")
    }
  }

  private func exec(_ value: JSONValue, at path: SourcePath) throws -> ExecSpec {
    switch value {
    case .string, .array:
      return ExecSpec(commands: try command(value, at: path).map { [.run: $0] } ?? [:])
    case .object(let table):
      var commands: [Phase: CommandSpec] = [:]
      for (key, phaseValue) in ordered(table, at: path) {
        let phasePath = path + [.key(key)]
        guard let phase = Phase(rawValue: key) else {
          throw unknownKey(key, at: phasePath, known: Phase.allCases.map(\.rawValue))
        }
        commands[phase] = try command(phaseValue, at: phasePath)
      }
      return ExecSpec(commands: commands)
    default:
      let phases = Phase.allCases.map(\.rawValue).joined(separator: ", ")
      throw mismatch(
        value, at: path,
        expected: "a string (a shell command), an array of strings (a program and its arguments), "
          + "or a table of phases (\(phases))")
    }
  }

  /// A phase command; an empty string means the phase has no command.
  private func command(_ value: JSONValue, at path: SourcePath) throws -> CommandSpec? {
    switch value {
    case .string(let s):
      try refuseNUL(s, at: path, in: "a command")
      return s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : .shell(s)
    case .array(let items):
      guard !items.isEmpty else {
        throw issue(
          at: path,
          "\(quoted(path)) must not be an empty array; give the program and its arguments, "
            + "e.g. [\"python\", \"train.py\"]")
      }
      var arguments: [String] = []
      for (index, item) in items.enumerated() {
        guard case .string(let argument) = item else {
          throw mismatch(
            item, at: path + [.index(index)], expected: "a string (each item of an argument array)")
        }
        try refuseNUL(argument, at: path + [.index(index)], in: "a command")
        arguments.append(argument)
      }
      if arguments[0].isEmpty {
        throw issue(
          at: path + [.index(0)],
          "\(quoted(path + [.index(0)])) must name the program to run; found an empty string")
      }
      return .argv(arguments)
    default:
      throw mismatch(
        value, at: path,
        expected: "a string (a shell command) or an array of strings (a program and its arguments)")
    }
  }

  private func sourcecode(_ value: JSONValue, at path: SourcePath) throws -> SourceCodeSpec {
    switch value {
    case .bool(let b): return .enabled(b)
    case .string(let s): return .patterns([s])
    case .array: return .patterns(try strings(value, at: path))
    default:
      throw mismatch(
        value, at: path, expected: "true, false, a pattern string, or a list of patterns")
    }
  }

  private func outputSummary(_ value: JSONValue, at path: SourcePath) throws -> OutputSummarySpec {
    switch value {
    case .bool(let b): return .enabled(b)
    case .string(let pattern):
      let regex: NSRegularExpression
      do {
        regex = try NSRegularExpression(pattern: pattern)
      } catch {
        throw issue(at: path, "\(quoted(path)) is not a valid regular expression: \(pattern)")
      }
      guard regex.numberOfCaptureGroups >= 1 else {
        throw issue(
          at: path,
          "\(quoted(path)) needs a capture group whose match is JSON, e.g. \"^RESULT: (.*)$\"; found none in \(pattern)"
        )
      }
      return .pattern(pattern)
    default:
      throw mismatch(
        value, at: path, expected: "true, false, or a regular expression whose group 1 is JSON")
    }
  }

  private func summary(_ value: JSONValue, at path: SourcePath) throws -> String? {
    guard case .object(let table) = value else {
      throw mismatch(value, at: path, expected: "a table like {filename = \"summary.json\"}")
    }
    var filename: String?
    for (key, member) in ordered(table, at: path) {
      let memberPath = path + [.key(key)]
      guard key == "filename" else { throw unknownKey(key, at: memberPath, known: ["filename"]) }
      filename = try string(member, at: memberPath)
    }
    return filename
  }

  private func env(_ value: JSONValue, at path: SourcePath) throws -> [String: String] {
    guard case .object(let table) = value else {
      throw mismatch(value, at: path, expected: "a table of variable names and values")
    }
    var env: [String: String] = [:]
    for (key, member) in ordered(table, at: path) {
      try refuseNUL(key, at: path + [.key(key)], in: "an environment variable's name")
      if case .string(let s) = member {
        try refuseNUL(s, at: path + [.key(key)], in: "an environment variable")
      }
      switch member {
      case .string(let s): env[key] = s
      case .int(let i): env[key] = String(i)
      case .double(let d): env[key] = JSONValue.format(d)
      case .bool(let b): env[key] = b ? "true" : "false"
      default:
        throw mismatch(member, at: path + [.key(key)], expected: "a string, a number or a boolean")
      }
    }
    return env
  }

  private func listing(_ value: JSONValue, at path: SourcePath) throws -> JSONValue {
    guard case .object(let table) = value else {
      throw mismatch(value, at: path, expected: "a table like {description = \"...\"}")
    }
    for (key, member) in ordered(table, at: path) {
      let memberPath = path + [.key(key)]
      guard key == "description" else {
        throw unknownKey(key, at: memberPath, known: ["description"])
      }
      if case .string = member { continue }
      guard case .array = member else {
        throw mismatch(member, at: memberPath, expected: "a string or a list of strings")
      }
      _ = try strings(member, at: memberPath)
    }
    return value
  }

  private func progress(_ value: JSONValue, at path: SourcePath) throws -> String {
    let name = try string(value, at: path)
    guard Self.progressValues.contains(name) else {
      throw issue(
        at: path,
        "\(quoted(path)) has an unknown value \"\(name)\"\(KeySuggestion.hint(for: name, in: Self.progressValues)); "
          + "known values: \(IssueText.list(Self.progressValues))")
    }
    return name
  }
}
