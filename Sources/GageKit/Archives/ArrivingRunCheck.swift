import Foundation

/// What a run arriving from elsewhere (an archive import, a pull) must be, checked the same
/// way on both paths before anything of it reaches a runs dir: intact (its files as its
/// sealed record lists them, `checkRecord`), its links inside it (`linkProblem`), finished
/// (`proc/exit` holds an exit code), unlocked (no `proc/lock`: a lock would make the run
/// read running here and point `gage stop` at a PID), its `id` file naming it, its opref,
/// runner and timestamps readable without impossible values, and every annotation entry a
/// well-formed log entry. A run that passes reads here as the finished run it claims to be.
struct ArrivingRunCheck {
  /// The run id (canonical: lowercase).
  var id: String
  /// How problems name an entry: `prefix + "<id>.meta/" + path`.
  var prefix: String

  /// Checks `runFiles` (path → SHA-256, relative to the run dir) against the manifest
  /// text, and `metaFiles` (relative to the meta dir) against the seal text when there is
  /// one: the record check every run passes, here with the reasons an arriving run is
  /// refused for. The first problem is thrown as a `BagProblem`.
  func checkRecord(runFiles: [String: String], manifest: [UInt8]?, metaFiles: [String: String], seal: [UInt8]?) throws {
    let metaPrefix = "\(prefix)\(id).meta/"
    guard let manifest else {
      throw BagProblem(entry: metaPrefix + MetaFile.manifest, reason: "missing: run \(id) has no manifest")
    }
    var record: SealedRecord
    do {
      record = try SealedRecord(manifest: manifest, seal: nil, source: "\(prefix)\(id).meta")
    } catch let error as GageError {
      throw BagProblem(entry: metaPrefix + MetaFile.manifest, reason: error.message)
    }
    do {
      record.seal = try seal.map { try Seal.parse(String(decoding: $0, as: UTF8.self), source: metaPrefix + MetaFile.seal) }
    } catch let error as GageError {
      throw BagProblem(entry: metaPrefix + MetaFile.seal, reason: error.message)
    }
    guard let problem = record.problems(runFiles: runFiles, metaFiles: metaFiles).first else { return }
    let entry = (problem.meta ? metaPrefix : "\(prefix)\(id)/") + problem.path
    let (listing, file) = problem.meta ? ("seal", "meta file") : ("own manifest", "file")
    switch problem.kind {
    case .unexpected:
      let verb = problem.meta ? "does not cover" : "does not list"
      throw BagProblem(entry: entry, reason: "run \(id)'s \(listing) \(verb) this \(file)")
    case .modified:
      throw BagProblem(entry: entry, reason: "run \(id)'s \(listing) disagrees with this \(file)'s digest")
    case .missing, .unreadable:
      throw BagProblem(entry: entry, reason: "run \(id)'s \(listing) lists this \(file), which is missing")
    }
  }

  /// Checks the meta files `content` reads (nil when absent; relative to the meta dir).
  /// The first problem is thrown as a `BagProblem`.
  func checkMeta(_ content: (String) throws -> [UInt8]?) throws {
    let metaPrefix = "\(prefix)\(id).meta/"
    func text(_ name: String) throws -> String? {
      guard let bytes = try content(name) else { return nil }
      guard let text = String(validating: bytes, as: UTF8.self) else {
        throw BagProblem(entry: metaPrefix + name, reason: "is not UTF-8")
      }
      return text
    }
    if try content(MetaFile.lock) != nil {
      throw BagProblem(
        entry: metaPrefix + MetaFile.lock, reason: "a lock file: only a running run has one, and only finished runs travel")
    }
    guard let exit = try text(MetaFile.exit) else {
      throw BagProblem(entry: metaPrefix + MetaFile.exit, reason: "missing: run \(id) has not finished; only finished runs travel")
    }
    guard Int32(exit.trimmingCharacters(in: .whitespacesAndNewlines)) != nil else {
      throw BagProblem(entry: metaPrefix + MetaFile.exit, reason: "holds \"\(exit.prefix(40))\", not an exit code")
    }
    if let recorded = try text(MetaFile.id) {
      let named = recorded.trimmingCharacters(in: .whitespacesAndNewlines)
      guard named == id else {
        throw BagProblem(
          entry: metaPrefix + MetaFile.id,
          reason: "names the run \"\(named.prefix(64))\": another run's meta under the id \(id)")
      }
    }
    guard let opref = try text(MetaFile.opref), (try? OpRef.decode(opref)) != nil else {
      throw BagProblem(entry: metaPrefix + MetaFile.opref, reason: "missing or not an opref (`1 <namespace> <operation>`)")
    }
    if let runner = try text(MetaFile.runner), case .failure(let invalid) = RunnerIdentity.parse(text: runner) {
      throw BagProblem(entry: metaPrefix + MetaFile.runner, reason: invalid.reason)
    }
    for name in [MetaFile.initialized, MetaFile.staged, MetaFile.started, MetaFile.stopped] {
      if let stamp = try text(name), RunClock.micros(stamp) == nil {
        throw BagProblem(entry: metaPrefix + name, reason: "holds \"\(stamp.prefix(40))\", not a possible timestamp")
      }
    }
  }

  /// Checks one annotation entry (`<id>.user/<name>`): its name, its size, then its
  /// content (read only when the name and size pass).
  func checkAnnotation(name: String, size: Int64, bytes: () throws -> [UInt8]) throws {
    let entry = "\(prefix)\(id).user/\(name)"
    guard AttributeLog.isEntryName(name) else {
      throw BagProblem(entry: entry, reason: "not an annotation entry (<time-ordered id>.json)")
    }
    guard size <= Self.maxAnnotationBytes else {
      throw BagProblem(entry: entry, reason: "an annotation entry of \(size) bytes (at most \(Self.maxAnnotationBytes))")
    }
    let bytes = try bytes()
    if let problem = AttributeLogEntry.problem(in: bytes) { throw BagProblem(entry: entry, reason: problem) }
  }

  /// Largest annotation entry accepted.
  static let maxAnnotationBytes = 1 << 20

  /// The meta files `checkMeta` reads (besides the lock, whose presence alone counts).
  static let metaFilesRead: Set<String> = [
    MetaFile.exit, MetaFile.id, MetaFile.opref, MetaFile.runner, MetaFile.initialized, MetaFile.staged, MetaFile.started,
    MetaFile.stopped,
  ]
  /// Largest of those meta files kept in memory to be read.
  static let maxMetaFileBytes: Int64 = 64 << 10
}

extension AttributeLogEntry {
  /// Why `bytes` are not an entry this tool reads back whole: a JSON object with an
  /// `author` string, a `set` object and a `delete` list of strings; a label a string; a
  /// comment a `msg` string with a possible `timestamp`. Nil when they are one.
  public static func problem(in bytes: [UInt8]) -> String? {
    guard let text = String(validating: bytes, as: UTF8.self), let value = try? JSONValue.parse(text),
      value.objectValue != nil
    else { return "not an annotation entry (a JSON object)" }
    if let author = value["author"], author.stringValue == nil { return "its author is not a string" }
    if let set = value["set"] {
      guard let attributes = set.objectValue else { return "its \"set\" is not an object" }
      for (key, attribute) in attributes {
        if key == "label", attribute.stringValue == nil { return "its label is not a string" }
        guard key.hasPrefix("comment:") else { continue }
        guard attribute["msg"]?.stringValue != nil else { return "comment \(key.dropFirst(8)) has no text" }
        if let time = attribute["timestamp"], RunClock.millis(time) == nil {
          return "comment \(key.dropFirst(8)) holds an impossible timestamp"
        }
      }
    }
    if let delete = value["delete"] {
      guard let keys = delete.arrayValue, keys.allSatisfy({ $0.stringValue != nil }) else {
        return "its \"delete\" is not a list of names"
      }
    }
    return nil
  }
}

extension ArrivingRunCheck {
  /// Why a link `depth` directories below the top of its run, to `target`, may not be
  /// written; nil when it stays inside the run. `..` may only lead the target: after a
  /// name, that name could be a link itself and `..` climb out of where it points.
  static func linkProblem(_ target: String, depth: Int) -> String? {
    if target.hasPrefix("/") {
      return "a link to the absolute path \"\(target)\"; links must stay inside their run"
    }
    var level = depth
    var descended = false
    for part in target.split(separator: "/") where part != "." {
      if part != ".." {
        descended = true
      } else if descended {
        return "a link to \"\(target)\", with \"..\" after a name; through another link it could leave its run"
      } else {
        level -= 1
        if level < 0 { return "a link to \"\(target)\", which leaves its run" }
      }
    }
    return nil
  }
}
