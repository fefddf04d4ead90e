/// What two runs have in common and where they differ (`docs/diff.md`): the run
/// itself, config, command, source identity, source files and outputs. Comparing is a pure
/// function of two `RunDiff.Side`s, read from the runs' meta; files are compared by the
/// digests their manifests record, never re-hashed.
public struct RunDiff: Sendable {
  /// The first run (A).
  public let a: Side
  /// The second run (B).
  public let b: Side
  /// `config.json`, key by key.
  public let config: KeyComparison
  /// Whether `proc/cmd.json` differs.
  public let commandDiffers: Bool
  /// `proc/env.json`, variable by variable.
  public let env: KeyComparison
  /// `source/git.json`, key by key.
  public let source: KeyComparison
  /// Files staged from the project or for the run (manifest types `s`, `d`, `r`).
  public let sourceFiles: FileComparison
  /// Files the run generated (manifest type `g`).
  public let outputs: FileComparison

  /// Compares two runs read before.
  public init(_ a: Side, _ b: Side) {
    self.a = a
    self.b = b
    config = KeyComparison(a: a.config, b: b.config)
    commandDiffers = a.command != b.command
    env = KeyComparison(a: a.env, b: b.env)
    source = KeyComparison(a: a.source?.objectValue ?? [:], b: b.source?.objectValue ?? [:])
    sourceFiles = FileComparison(a: a.manifest, b: b.manifest, types: FileComparison.sourceTypes)
    outputs = FileComparison(a: a.manifest, b: b.manifest, types: [.generated])
  }

  /// Reads and compares two runs.
  public static func compare(_ a: Run, _ b: Run) throws -> RunDiff {
    RunDiff(try Side(run: a), try Side(run: b))
  }

  /// Whether the runs differ in what they are: operation, status or exit code (ids and
  /// times are only informational).
  public var runDiffers: Bool {
    a.operation != b.operation || a.status != b.status || a.exitCode != b.exitCode
  }

  /// Whether the command or its environment differs.
  public var commandSectionDiffers: Bool { commandDiffers || !env.isIdentical }

  /// Whether anything but ids and times differs.
  public var differs: Bool {
    runDiffers || !config.isIdentical || commandSectionDiffers || !source.isIdentical
      || !sourceFiles.isIdentical || !outputs.isIdentical
  }
}

extension RunDiff {
  /// What a diff reads of one run.
  public struct Side: Sendable {
    /// The run.
    public let run: Run
    /// The operation's name (`?` when the opref is unreadable).
    public let operation: String
    /// The status.
    public let status: RunStatus
    /// The exit code, once finished.
    public let exitCode: Int32?
    /// When the run phase started (epoch µs).
    public let started: Int64?
    /// When the run stopped (epoch µs).
    public let stopped: Int64?
    /// The label.
    public let label: String?
    /// `config.json`.
    public let config: [String: JSONValue]
    /// `proc/cmd.json`: a shell command (string) or argv (array); nil when absent.
    public let command: JSONValue?
    /// `proc/env.json`.
    public let env: [String: JSONValue]
    /// `source/git.json`; nil when the run has none.
    public let source: JSONValue?
    /// The manifest (empty when the run has none yet).
    public let manifest: Manifest

    /// A side made of known parts (for callers that already hold them).
    public init(
      run: Run, operation: String, status: RunStatus, exitCode: Int32?, started: Int64?,
      stopped: Int64?,
      label: String?, config: [String: JSONValue], command: JSONValue?, env: [String: JSONValue],
      source: JSONValue?, manifest: Manifest
    ) {
      self.run = run
      self.operation = operation
      self.status = status
      self.exitCode = exitCode
      self.started = started
      self.stopped = stopped
      self.label = label
      self.config = config
      self.command = command
      self.env = env
      self.source = source
      self.manifest = manifest
    }

    /// Reads `run` (its listing record from its files).
    public init(run: Run) throws {
      try self.init(record: RunRecord.read(run: run))
    }

    /// Reads the run of `record`; a meta file that cannot be parsed is an error naming the
    /// run and the file.
    public init(record: RunRecord) throws {
      let run = record.run
      let meta = try RunMeta(run: run)
      func json(_ path: String) throws -> JSONValue? {
        do {
          return try meta.json(path)
        } catch let error as GageError {
          throw GageError.invalidData("run \(record.name): \(error.message)")
        }
      }
      func object(_ path: String) throws -> [String: JSONValue] {
        guard let value = try json(path) else { return [:] }
        guard let members = value.objectValue else {
          throw GageError.invalidData(
            "run \(record.name): \(path) holds \(value.typeDescription), not an object")
        }
        return members
      }
      let manifest: Manifest
      if let text = meta.text(MetaFile.manifest) {
        manifest = try Manifest.parse(text, source: "run \(record.name): \(MetaFile.manifest)")
      } else {
        manifest = Manifest(entries: [])
      }
      self.init(
        run: run, operation: record.operation, status: record.status, exitCode: record.exitCode,
        started: record.started, stopped: record.stopped, label: record.label,
        config: try object(MetaFile.config), command: try json(MetaFile.cmd),
        env: try object(MetaFile.env),
        source: try json(MetaFile.gitSource), manifest: manifest)
    }

    /// The run id.
    public var id: String { run.id }
    /// The run name.
    public var name: String { run.name }
  }
}

/// Two flat objects compared key by key (config, environment, source identity).
public struct KeyComparison: Sendable, Equatable {
  /// A key whose value differs.
  public struct Change: Sendable, Equatable {
    /// The key.
    public var key: String
    /// Its value in A.
    public var a: JSONValue
    /// Its value in B.
    public var b: JSONValue

    /// `key` is `a` in A and `b` in B.
    public init(key: String, a: JSONValue, b: JSONValue) {
      self.key = key
      self.a = a
      self.b = b
    }
  }

  /// A key only one side has.
  public struct Single: Sendable, Equatable {
    /// The key.
    public var key: String
    /// Its value.
    public var value: JSONValue

    /// `key` is `value` on one side.
    public init(key: String, value: JSONValue) {
      self.key = key
      self.value = value
    }
  }

  /// Keys in both with different values, sorted.
  public let changed: [Change]
  /// Keys only A has, sorted.
  public let onlyA: [Single]
  /// Keys only B has, sorted.
  public let onlyB: [Single]
  /// How many keys both have with the same value.
  public let identical: Int

  /// Compares `a` with `b`.
  public init(a: [String: JSONValue], b: [String: JSONValue]) {
    var changed: [Change] = []
    var onlyA: [Single] = []
    var onlyB: [Single] = []
    var identical = 0
    for key in Set(a.keys).union(b.keys).sorted() {
      switch (a[key], b[key]) {
      case (let x?, let y?):
        if x == y { identical += 1 } else { changed.append(Change(key: key, a: x, b: y)) }
      case (let x?, nil): onlyA.append(Single(key: key, value: x))
      case (nil, let y?): onlyB.append(Single(key: key, value: y))
      case (nil, nil): break
      }
    }
    self.changed = changed
    self.onlyA = onlyA
    self.onlyB = onlyB
    self.identical = identical
  }

  /// Whether nothing differs.
  public var isIdentical: Bool { changed.isEmpty && onlyA.isEmpty && onlyB.isEmpty }
}

/// Two sets of run files compared by the digests their manifests record: identical,
/// changed, only in A, only in B. Also what a replay needs to compare generated files.
public struct FileComparison: Sendable, Equatable {
  /// A path both sides have with different digests (or types).
  public struct Change: Sendable, Equatable {
    /// The file in A.
    public var a: ManifestEntry
    /// The file in B.
    public var b: ManifestEntry
    /// The path.
    public var path: String { a.path }

    /// The file as A and B record it.
    public init(a: ManifestEntry, b: ManifestEntry) {
      self.a = a
      self.b = b
    }
  }

  /// The manifest types of the source files section: source, dependency, runtime.
  public static let sourceTypes: Set<RunFileType> = [.source, .dependency, .runtime]

  /// Files both sides have with the same digest (as A records them), sorted by path.
  public let identical: [ManifestEntry]
  /// Files both sides have with different digests, sorted by path.
  public let changed: [Change]
  /// Files only A has, sorted by path.
  public let onlyA: [ManifestEntry]
  /// Files only B has, sorted by path.
  public let onlyB: [ManifestEntry]

  /// Compares the entries of `a` and `b` whose type is in `types`.
  public init(a: Manifest, b: Manifest, types: Set<RunFileType> = Set(RunFileType.allCases)) {
    self.init(
      a: a.entries.filter { types.contains($0.type) },
      b: b.entries.filter { types.contains($0.type) })
  }

  /// Compares two lists of entries (a path listed twice counts once, its last entry).
  public init(a: [ManifestEntry], b: [ManifestEntry]) {
    var byPathA: [String: ManifestEntry] = [:]
    var byPathB: [String: ManifestEntry] = [:]
    for entry in a { byPathA[entry.path] = entry }
    for entry in b { byPathB[entry.path] = entry }
    var identical: [ManifestEntry] = []
    var changed: [Change] = []
    var onlyA: [ManifestEntry] = []
    var onlyB: [ManifestEntry] = []
    let paths = Set(byPathA.keys).union(byPathB.keys).sorted {
      $0.utf8.lexicographicallyPrecedes($1.utf8)
    }
    for path in paths {
      switch (byPathA[path], byPathB[path]) {
      case (let x?, let y?):
        if x.digest == y.digest && x.type == y.type {
          identical.append(x)
        } else {
          changed.append(Change(a: x, b: y))
        }
      case (let x?, nil): onlyA.append(x)
      case (nil, let y?): onlyB.append(y)
      case (nil, nil): break
      }
    }
    self.identical = identical
    self.changed = changed
    self.onlyA = onlyA
    self.onlyB = onlyB
  }

  /// Whether nothing differs.
  public var isIdentical: Bool { changed.isEmpty && onlyA.isEmpty && onlyB.isEmpty }
}
