import Foundation

/// A run as a remote lists it: its summary (`refs/gage/meta/<id>`) and annotations.
public struct RemoteRun: Sendable {
  /// The run id.
  public var id: String
  /// The summary object (`run.json`; see `docs/remotes.md`), null when the remote has none.
  public var summary: JSONValue
  /// The label and comments, from the annotations.
  public var label: String?
  public var comments: [String]
  /// The commit of the run's sealed part.
  public var commit: String

  /// The run name.
  public var name: String { RunID.name(for: id) }
  /// A summary field as text.
  public func field(_ key: String) -> String? { summary[key]?.stringValue }

  /// The JSON object of `gage runs --remote --json`.
  public var json: JSONValue {
    var o = summary.objectValue ?? ["id": .string(id), "name": .string(name)]
    o["label"] = label.map(JSONValue.string) ?? .null
    o["comments"] = .array(comments.map(JSONValue.string))
    o["commit"] = .string(commit)
    return .object(o)
  }
}

/// Lists the runs of a remote: fetches only the small summary and annotation commits.
public struct RemoteRunListing {
  public let runsDir: String
  public let location: RemoteLocation

  public init(runsDir: String, location: RemoteLocation) {
    self.runsDir = runsDir
    self.location = location
  }

  /// The remote's runs, newest first (by start time).
  public func list() throws -> [RemoteRun] {
    let transport = RemoteTransport(location: location, progress: nil)
    let remote = try transport.listRefs()
    let ids = remote.keys.compactMap { RunRefs.id(of: $0, under: RunRefs.runs) }
    guard !ids.isEmpty else { return [] }
    let repository = try RunRepository(runsDir: runsDir)
    var refspecs: [String] = []
    for id in ids {
      for (prefix, kind) in [(RunRefs.meta, "meta"), (RunRefs.user, "user")] {
        guard let oid = remote[prefix + id], !repository.contains(oid) else { continue }
        refspecs.append("+\(prefix)\(id):\(RunRefs.incoming)\(kind)/\(id)")
      }
    }
    try transport.fetch(refspecs, into: repository)
    defer {
      for id in ids {
        repository.removeReference(RunRefs.incoming + "meta/" + id)
        repository.removeReference(RunRefs.incoming + "user/" + id)
      }
    }
    transport.succeeded()
    var runs: [RemoteRun] = []
    for id in ids {
      guard let sealed = remote[RunRefs.runs + id] else { continue }
      var summary = JSONValue.null
      if let meta = remote[RunRefs.meta + id], let tree = try? repository.commitTree(meta),
        let item = try? repository.treeItems(tree).first(where: { $0.name == "run.json" }),
        let bytes = try? repository.blob(item.oid, limit: 1 << 20),
        let value = try? JSONValue.parse(String(decoding: bytes, as: UTF8.self)), value.objectValue?["id"]?.stringValue == id
      {
        summary = value
      }
      var label: String?
      var comments: [String] = []
      if let user = remote[RunRefs.user + id], let entries = try? AnnotationSync(repository: repository).entries(of: user, id: id) {
        var log: [AttributeLogEntry] = []
        for (name, oid) in entries.sorted(by: { $0.key < $1.key }) {
          guard let bytes = try? repository.blob(oid, limit: ArrivingRunCheck.maxAnnotationBytes),
            let value = try? JSONValue.parse(String(decoding: bytes, as: UTF8.self)),
            let entry = AttributeLogEntry(name: name, json: value)
          else { continue }
          log.append(entry)
        }
        let attributes = AttributeLog.replay(log)
        label = attributes["label"]?.stringValue
        comments = RunAnnotations.messages(in: attributes)
      }
      runs.append(RemoteRun(id: id, summary: summary, label: label, comments: comments, commit: sealed.description))
    }
    return runs.sorted { ($0.field("started") ?? "", $0.id) > ($1.field("started") ?? "", $1.id) }
  }
}
