extension RunRecord {
  /// The run as a JSON object of a listing (`gage runs --json`; documented in
  /// `docs/json.md`). `gage show --json` adds details to the same object (`RunInfo.json`).
  ///
  /// - Parameters:
  ///   - archiveName: the name of the archive the run is in, when it is archived.
  ///   - index: the run's `#` in the listing (`index`), when it has one.
  public func json(archiveName: String? = nil, index: Int? = nil) -> JSONValue {
    func time(_ t: Int64?) -> JSONValue { t.map { .string(RunClock.iso(micros: $0)) } ?? .null }
    var o: [String: JSONValue] = [
      "id": .string(id),
      "name": .string(name),
      "operation": .string(operation),
      "status": .string(status.rawValue),
      "exit_code": exitCode.map { .int(Int($0)) } ?? .null,
      "initialized": time(initialized),
      "staged": time(staged),
      "started": time(started),
      "stopped": time(stopped),
      "label": label.map(JSONValue.string) ?? .null,
      "comments": .array(comments.map(JSONValue.string)),
      "config": .object(config),
      "metrics": .object(metrics),
      "run_dir": .string(run.runDir),
      "meta_dir": .string(run.metaDir),
    ]
    if let opref {
      var r: [String: JSONValue] = [
        "namespace": .string(opref.namespace), "name": .string(opref.name),
      ]
      r["version"] = opref.version.map(JSONValue.string) ?? .null
      o["opref"] = .object(r)
    } else {
      o["opref"] = .null
    }
    switch container {
    case RunMoves.active: o["container"] = .string("active")
    case RunMoves.trash: o["container"] = .string("trash")
    default:
      o["container"] = .string("archive")
      o["archive"] = .string(archiveName ?? container)
    }
    if status == .unknown, let reason { o["status_reason"] = .string(reason) }
    if let host { o["host"] = .string(host) }
    if let index { o["index"] = .int(index) }
    return .object(o)
  }
}
