import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One change in an attribute log.
public struct AttributeLogEntry: Sendable, Equatable {
  /// The entry's file name (a time-ordered UUID + `.json`): entries apply in name order.
  public var name: String
  /// Who made the change.
  public var author: String
  /// Attributes set.
  public var set: [String: JSONValue]
  /// Attributes deleted.
  public var delete: [String]

  /// The entry an entry file `name` holds, nil when it is not a JSON object.
  public init?(name: String, json value: JSONValue) {
    guard value.objectValue != nil else { return nil }
    self.name = name
    author = value["author"]?.stringValue ?? "__unknown__"
    set = value["set"]?.objectValue ?? [:]
    delete = (value["delete"]?.arrayValue ?? []).compactMap(\.stringValue)
  }
}

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

  /// Appends one change. The entry is written under a temporary name and renamed into
  /// place, so that a reader never sees half of it.
  public func log(
    set: [String: JSONValue], delete: [String] = [], author: String = AttributeLog.currentUser
  ) throws {
    guard !set.isEmpty || !delete.isEmpty else { return }
    try FileIO.makeDirectories(dir)
    let entry = JSONValue.object([
      "author": .string(author),
      "set": .object(set),
      "delete": .array(delete.map(JSONValue.string)),
    ])
    try FileIO.writeAtomically(entry.compact(), to: FileIO.join(dir, RunID.timeOrdered() + ".json"), mode: FileIO.readOnlyMode)
  }

  /// Every readable entry in order. An entry that is not valid JSON (Python Gage writes in
  /// place, so one may be half-written) is skipped.
  public func entries() -> [AttributeLogEntry] {
    guard let listing = try? DirectoryListing.entries(dir) else { return [] }
    var result: [AttributeLogEntry] = []
    for item in listing {
      guard let name = item.name, Self.isEntryName(name),
        let value = try? JSONValue.read(path: FileIO.join(dir, name)), let entry = AttributeLogEntry(name: name, json: value)
      else { continue }
      result.append(entry)
    }
    return result
  }

  /// The attributes after replaying every change.
  public func attributes() throws -> [String: JSONValue] {
    Self.replay(entries())
  }

  /// The attributes after replaying `entries`.
  public static func replay(_ entries: [AttributeLogEntry]) -> [String: JSONValue] {
    var attrs: [String: JSONValue] = [:]
    for entry in entries {
      attrs.merge(entry.set) { _, new in new }
      for key in entry.delete { attrs[key] = nil }
    }
    return attrs
  }

  /// Whether `name` names an entry: `<name>.json`, one path component not starting with
  /// `.` (hidden names are writers' temporaries), at most 255 bytes.
  public static func isEntryName(_ name: String) -> Bool {
    name.hasSuffix(".json") && !name.hasPrefix(".") && name.utf8.count <= 255 && !name.utf8.contains(UInt8(ascii: "/"))
      && !name.utf8.contains(0)
  }

  /// The user name recorded as author.
  public static var currentUser: String {
    ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
  }
}

extension Run {
  /// Writes a run attribute to the run's attribute log (`docs/library.md`: `run.write_attr`).
  public func writeAttribute(_ name: String, _ value: JSONValue) throws {
    try AttributeLog(run: self).log(set: [name: value])
    RunIndex.noteChanged(self)
  }

  /// Reads a run attribute back (`docs/library.md`: `run.get`).
  public func attribute(_ name: String) throws -> JSONValue? {
    try AttributeLog(run: self).attributes()[name]
  }
}
