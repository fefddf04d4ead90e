/// A comment on a run.
public struct RunComment: Sendable, Equatable {
  /// The comment id (20 hex digits: 12 of the epoch milliseconds, 8 random), used to edit
  /// or delete it.
  public var id: String
  /// Who wrote it.
  public var author: String
  /// When, in epoch milliseconds; nil when the entry holds no possible time.
  public var timestamp: Int64?
  /// When, in epoch microseconds.
  public var micros: Int64? { timestamp.map { $0 * 1000 } }
  /// The text.
  public var message: String
}

/// Labels and comments, written to the run's attribute log (`<id>.user/`) the way Gage
/// writes them: the label is the attribute `label`; each comment is an attribute
/// `comment:<comment-id>` holding `{"msg": ..., "timestamp": <epoch ms>}`, so a comment can
/// be edited (set again) or deleted (a `delete` entry) while the log stays append-only.
public struct RunAnnotations {
  /// The run.
  public let run: Run
  private var log: AttributeLog { AttributeLog(run: run) }

  /// The annotations of `run`.
  public init(run: Run) {
    self.run = run
  }

  /// Sets the label.
  public func setLabel(_ label: String, author: String = AttributeLog.currentUser) throws {
    try log.log(set: ["label": .string(label)], author: author)
    RunIndex.noteChanged(run)
  }

  /// Clears the label.
  public func clearLabel(author: String = AttributeLog.currentUser) throws {
    try log.log(set: [:], delete: ["label"], author: author)
    RunIndex.noteChanged(run)
  }

  /// Adds a comment; returns its id.
  @discardableResult
  public func addComment(
    _ message: String, author: String = AttributeLog.currentUser
  ) throws
    -> String
  {
    let millis = RunClock.monotonicMillis()
    let id = Self.newID(millis: millis)
    try log.log(set: [Self.key(id): Self.value(message, millis: millis)], author: author)
    RunIndex.noteChanged(run)
    return id
  }

  /// Replaces the text of comment `id` (a unique prefix of it is enough).
  public func editComment(
    _ id: String, message: String, author: String = AttributeLog.currentUser
  )
    throws
  {
    let comment = try find(id)
    let millis = RunClock.monotonicMillis()
    try log.log(set: [Self.key(comment.id): Self.value(message, millis: millis)], author: author)
    RunIndex.noteChanged(run)
  }

  /// Deletes comment `id` (a unique prefix of it is enough).
  public func deleteComment(_ id: String, author: String = AttributeLog.currentUser) throws {
    let comment = try find(id)
    try log.log(set: [:], delete: [Self.key(comment.id)], author: author)
    RunIndex.noteChanged(run)
  }

  /// The comments, oldest first, with the author of their latest text.
  public func comments() -> [RunComment] {
    var byID: [String: RunComment] = [:]
    for entry in log.entries() {
      for (key, value) in entry.set {
        guard let id = Self.commentID(key), let message = value["msg"]?.stringValue else {
          continue
        }
        byID[id] = RunComment(
          id: id, author: entry.author, timestamp: RunClock.millis(value["timestamp"]), message: message)
      }
      for key in entry.delete {
        if let id = Self.commentID(key) { byID[id] = nil }
      }
    }
    return byID.values.sorted { ($0.timestamp ?? 0, $0.id) < ($1.timestamp ?? 0, $1.id) }
  }

  /// The comment messages among replayed attributes, oldest first.
  public static func messages(in attributes: [String: JSONValue]) -> [String] {
    var found: [(Int64, String, String)] = []
    for (key, value) in attributes {
      guard let id = commentID(key), let message = value["msg"]?.stringValue else { continue }
      found.append((RunClock.millis(value["timestamp"]) ?? 0, id, message))
    }
    return found.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
  }

  private func find(_ id: String) throws -> RunComment {
    let all = comments()
    let matches = all.filter { $0.id.hasPrefix(id) }
    guard let first = matches.first else {
      let known = all.map(\.id).joined(separator: ", ")
      throw GageError.notFound(
        "run \(run.name) has no comment \"\(id)\""
          + (known.isEmpty ? " (it has no comments)" : "; its comments: \(known)"))
    }
    guard matches.count == 1 else {
      throw GageError.invalidInput(
        "\"\(id)\" matches \(matches.count) comments of run \(run.name): give more of the id")
    }
    return first
  }

  static func key(_ id: String) -> String { "comment:" + id }

  /// A comment id: the time in 12 hex digits, so ids sort by time, then 8 random hex
  /// digits, so comments made in the same millisecond by different processes differ.
  static func newID(millis: UInt64) -> String {
    let time = String(millis & 0xFFFF_FFFF_FFFF, radix: 16)
    let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    return String(repeating: "0", count: 12 - time.count) + time
      + String(repeating: "0", count: 8 - random.count) + random
  }

  static func commentID(_ key: String) -> String? {
    key.hasPrefix("comment:") ? String(key.dropFirst(8)) : nil
  }

  static func value(_ message: String, millis: UInt64) -> JSONValue {
    .object(["msg": .string(message), "timestamp": .int(Int(millis))])
  }
}

extension RunComment {
  /// `{id, author, message, time}` (docs/json.md).
  public var json: JSONValue {
    .object([
      "id": .string(id), "author": .string(author), "message": .string(message),
      "time": micros.map { .string(RunClock.iso(micros: $0)) } ?? .null,
    ])
  }
}

extension RunAnnotations {
  /// `gage comment --list --json`: the run's id, name and comments (docs/json.md).
  public var commentsJSON: JSONValue {
    .object([
      "id": .string(run.id), "name": .string(run.name), "comments": .array(comments().map(\.json)),
    ])
  }
}
