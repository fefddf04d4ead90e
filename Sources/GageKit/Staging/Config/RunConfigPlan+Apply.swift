import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension RunConfigPlan {
  /// Checks assignments without touching any file: every key must be configurable and
  /// every value must fit its default's type (see `ConfigTyping`). Returns the values to
  /// write, converted (`1` into a float key is `1.0`). Throws `GageError.invalidInput`.
  public func validate(_ assignments: [String: ConfigValue]) throws -> [String: ConfigValue] {
    try validate(assignments.map { ConfigAssignment(key: $0.key, value: $0.value) })
  }

  /// Checks command-line assignments (a later assignment of a key wins); like
  /// `validate(_:)` for values, and keeps the text as typed for string keys.
  public func validate(_ assignments: [ConfigAssignment]) throws -> [String: ConfigValue] {
    var latest: [String: ConfigAssignment] = [:]
    for assignment in assignments { latest[assignment.key] = assignment }
    let defaults = self.defaults
    let unknown = latest.keys.filter { defaults[$0] == nil }.sorted()
    if !unknown.isEmpty { throw unknownKeysError(unknown, known: defaults.keys.sorted()) }
    var result: [String: ConfigValue] = [:]
    for name in latest.keys.sorted() {
      guard let assignment = latest[name], let defaultValue = defaults[name] else { continue }
      result[name] = try ConfigTyping.coerce(assignment, toMatch: defaultValue)
    }
    return result
  }

  /// Validates the assignments, then rewrites the affected files under `stagedDir` (a
  /// read-only file is made writable for the rewrite and gets its mode back). Nothing is
  /// written when any assignment is refused or any file cannot be patched. A value equal
  /// to the default leaves its file alone.
  public func apply(_ assignments: [String: ConfigValue], stagedDir: String) throws -> ConfigApplication {
    try apply(assignments.map { ConfigAssignment(key: $0.key, value: $0.value) }, stagedDir: stagedDir)
  }

  /// Like `apply(_:stagedDir:)` for command-line assignments.
  public func apply(_ assignments: [ConfigAssignment], stagedDir: String) throws -> ConfigApplication {
    let values = try validate(assignments)
    var changesByFile: [String: [String: ConfigValue]] = [:]
    for key in keys {
      guard let value = values[key.name], value != key.defaultValue else { continue }
      changesByFile[key.file, default: [:]][key.fileKey] = value
    }
    // Everything is read and patched in memory first: a failure leaves every file as it was.
    var rewrites: [(file: String, path: String, mode: mode_t, old: String, new: String)] = []
    for (file, changes) in changesByFile.sorted(by: { $0.key < $1.key }) {
      let path = FileIO.join(stagedDir, file)
      let mode = try Self.regularFileMode(path, file: file, stagedDir: stagedDir)
      guard let format = ConfigFileFormat(path: file),
        let config = try Self.readDocument(path, file: file, format: format)
      else {
        throw GageError.invalidData("config file \(path) is not UTF-8 text in a config format")
      }
      let assigned = config.values
      if let missing = changes.keys.sorted().first(where: { assigned[$0] == nil }) {
        throw GageError.invalidData("config file \(path) no longer has the config key \(missing)")
      }
      let patched = try config.applying(changes)
      if patched != config.text { rewrites.append((file, path, mode, config.text, patched)) }
    }
    for rewrite in rewrites { try Self.rewrite(rewrite.path, with: rewrite.new, keeping: rewrite.mode) }
    let diff = rewrites.map {
      UnifiedDiff.make(old: $0.old, new: $0.new, oldName: "a/" + $0.file, newName: "b/" + $0.file)
    }.joined()
    return ConfigApplication(
      config: defaults.merging(values) { _, assigned in assigned }, diff: diff,
      changedFiles: rewrites.map(\.file))
  }

  private func unknownKeysError(_ unknown: [String], known: [String]) -> GageError {
    let quoted = unknown.map { "\"\($0)\"" }.joined(separator: ", ")
    let subject = "unknown config key\(unknown.count > 1 ? "s" : "") \(quoted)"
    let context = operation.map { "\(subject) for operation \"\($0)\"" } ?? subject
    if known.isEmpty { return .invalidInput("\(context): this operation has no config") }
    return .invalidInput("\(context); known keys: \(known.joined(separator: ", "))")
  }

  /// The permission bits of a staged config file, which must be a regular file.
  private static func regularFileMode(_ path: String, file: String, stagedDir: String) throws -> mode_t {
    var st = stat()
    guard lstat(path, &st) == 0 else {
      if errno == ENOENT {
        throw GageError.notFound("config file \(file) is not in the staged run (\(stagedDir))")
      }
      throw GageError.io(path: path, operation: "stat", errno: errno)
    }
    guard st.st_mode & S_IFMT == S_IFREG else {
      throw GageError.invalidData("config file \(path) is not a regular file; it is not rewritten")
    }
    return st.st_mode & 0o7777
  }

  /// Replaces a file's content and gives it `mode` (a read-only file is made writable
  /// for the write).
  private static func rewrite(_ path: String, with text: String, keeping mode: mode_t) throws {
    if mode & 0o200 == 0, chmod(path, mode | 0o200) != 0 {
      throw GageError.io(path: path, operation: "chmod", errno: errno)
    }
    do {
      try FileIO.write(text, to: path, mode: mode)
    } catch {
      _ = chmod(path, mode)
      throw error
    }
  }
}
