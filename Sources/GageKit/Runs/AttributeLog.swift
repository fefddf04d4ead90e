import Foundation

/// The append-only attribute log of a run (`<id>.user/`): one JSON file per change,
/// `{"author": ..., "set": {...}, "delete": [...]}`, named by a time-ordered UUID so that
/// reading the files in name order replays the changes. Labels, comments and attributes
/// written by lifecycle callbacks all live here; the sealed part of the run is never touched.
public struct AttributeLog {
  /// The log dir.
  public let dir: String

  /// The attribute log of `run`.
  public init(run: Run) {
    dir = run.userDir
  }

  /// Appends one change.
  public func log(set: [String: JSONValue], delete: [String] = [], author: String = AttributeLog.currentUser) throws {
    guard !set.isEmpty || !delete.isEmpty else { return }
    try FileIO.makeDirectories(dir)
    let entry = JSONValue.object([
      "author": .string(author),
      "set": .object(set),
      "delete": .array(delete.map(JSONValue.string)),
    ])
    let path = FileIO.join(dir, RunID.timeOrdered() + ".json")
    try FileIO.write(entry.compact(), to: path, mode: FileIO.readOnlyMode)
  }

  /// The attributes after replaying every change.
  public func attributes() throws -> [String: JSONValue] {
    var attrs: [String: JSONValue] = [:]
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: dir)
    } catch {
      return [:]
    }
    for name in names.sorted() where name.hasSuffix(".json") {
      let value = try JSONValue.read(path: FileIO.join(dir, name))
      if case .object(let set) = value["set"] ?? .null {
        attrs.merge(set) { _, new in new }
      }
      for key in value["delete"]?.arrayValue ?? [] {
        if let k = key.stringValue { attrs[k] = nil }
      }
    }
    return attrs
  }

  /// The user name recorded as author.
  public static var currentUser: String {
    ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
  }
}

extension Run {
  /// Writes a run attribute to the run's attribute log (seed `000`: `run.write_attr`).
  public func writeAttribute(_ name: String, _ value: JSONValue) throws {
    try AttributeLog(run: self).log(set: [name: value])
  }

  /// Reads a run attribute back (seed `000`: `run.get`).
  public func attribute(_ name: String) throws -> JSONValue? {
    try AttributeLog(run: self).attributes()[name]
  }
}
