extension RunDiff {
  /// The diff as one JSON object (`gage diff --json`, documented in `docs/json.md` and
  /// `docs/diff.md`): `differs`, then `run`, `config`, `command`, `source`,
  /// `source_files` and `outputs`, each with its own `differs`.
  ///
  /// - Parameters:
  ///   - archives: the archive file each run was read from, if any (`run.a.archive`).
  ///   - patch: whether each changed, added or removed file carries its `patch`
  ///     (`RunFilePatch`), which reads the files.
  public func json(
    archives: (a: String?, b: String?) = (nil, nil), patch: Bool = false
  )
    -> JSONValue
  {
    .object([
      "differs": .bool(differs),
      "run": .object([
        "differs": .bool(runDiffers),
        "a": a.json(archive: archives.a),
        "b": b.json(archive: archives.b),
      ]),
      "config": config.json,
      "command": .object([
        "differs": .bool(commandSectionDiffers),
        "a": a.command ?? .null,
        "b": b.command ?? .null,
        "env": env.json,
      ]),
      "source": source.json(adding: ["a": a.source ?? .null, "b": b.source ?? .null]),
      "source_files": fileJSON(sourceFiles, patch: patch),
      "outputs": fileJSON(outputs, patch: patch),
    ])
  }

  /// The patch of `path` (changed, or only on one side) between the two runs.
  public func patch(_ path: String, inA: Bool = true, inB: Bool = true) -> String {
    RunFilePatch.make(path: path, a: inA ? a.run : nil, b: inB ? b.run : nil)
  }

  private func fileJSON(_ files: FileComparison, patch withPatch: Bool) -> JSONValue {
    func entry(_ e: ManifestEntry) -> [String: JSONValue] {
      ["path": .string(e.path), "type": .string(e.type.label), "sha256": .string(e.digest)]
    }
    func side(_ e: ManifestEntry) -> JSONValue {
      .object(["type": .string(e.type.label), "sha256": .string(e.digest)])
    }
    func single(_ e: ManifestEntry, inA: Bool) -> JSONValue {
      var o = entry(e)
      if withPatch { o["patch"] = .string(patch(e.path, inA: inA, inB: !inA)) }
      return .object(o)
    }
    return .object([
      "differs": .bool(!files.isIdentical),
      "identical": .array(files.identical.map { .object(entry($0)) }),
      "changed": .array(
        files.changed.map { change in
          var o: [String: JSONValue] = [
            "path": .string(change.path), "a": side(change.a), "b": side(change.b),
          ]
          if withPatch { o["patch"] = .string(patch(change.path)) }
          return .object(o)
        }),
      "only_a": .array(files.onlyA.map { single($0, inA: true) }),
      "only_b": .array(files.onlyB.map { single($0, inA: false) }),
    ])
  }
}

extension RunDiff.Side {
  /// The run as the diff shows it: `id`, `name`, `operation`, `status`, `exit_code`,
  /// `started`, `stopped`, `label`, `archive`.
  func json(archive: String?) -> JSONValue {
    func time(_ t: Int64?) -> JSONValue { t.map { .string(RunClock.iso(micros: $0)) } ?? .null }
    return .object([
      "id": .string(id),
      "name": .string(name),
      "operation": .string(operation),
      "status": .string(status.rawValue),
      "exit_code": exitCode.map { .int(Int($0)) } ?? .null,
      "started": time(started),
      "stopped": time(stopped),
      "label": label.map(JSONValue.string) ?? .null,
      "archive": archive.map(JSONValue.string) ?? .null,
    ])
  }
}

extension KeyComparison {
  /// `{"differs", "changed": [{"key", "a", "b"}], "only_a": [{"key", "value"}], "only_b",
  /// "identical": N}`.
  public var json: JSONValue { json(adding: [:]) }

  /// The object of `json` with `extra` members.
  func json(adding extra: [String: JSONValue]) -> JSONValue {
    var o: [String: JSONValue] = [
      "differs": .bool(!isIdentical),
      "changed": .array(changed.map { .object(["key": .string($0.key), "a": $0.a, "b": $0.b]) }),
      "only_a": .array(onlyA.map { .object(["key": .string($0.key), "value": $0.value]) }),
      "only_b": .array(onlyB.map { .object(["key": .string($0.key), "value": $0.value]) }),
      "identical": .int(identical),
    ]
    for (key, value) in extra { o[key] = value }
    return .object(o)
  }
}
