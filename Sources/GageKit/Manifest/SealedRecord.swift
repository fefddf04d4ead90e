/// One difference between a run's files and its sealed record.
public struct RecordProblem: Sendable, Equatable {
  /// What is wrong.
  public enum Kind: String, Sendable {
    /// The file's digest is not the recorded one.
    case modified
    /// A recorded file is gone.
    case missing
    /// A file nobody recorded.
    case unexpected
    /// The file could not be read (or the record could not be).
    case unreadable
  }

  /// What is wrong.
  public var kind: Kind
  /// The file, relative to the run dir (or to the meta dir when `meta`).
  public var path: String
  /// Whether the file is a meta file (checked against `seal`).
  public var meta: Bool
  /// The recorded digest.
  public var expected: String?
  /// The digest found.
  public var actual: String?
  /// More about an unreadable file.
  public var detail: String?

  /// A problem.
  public init(
    kind: Kind, path: String, meta: Bool, expected: String? = nil, actual: String? = nil, detail: String? = nil
  ) {
    self.kind = kind
    self.path = path
    self.meta = meta
    self.expected = expected
    self.actual = actual
    self.detail = detail
  }

  /// The path as shown: meta files are prefixed `.meta/`.
  public var shownPath: String { meta ? ".meta/" + path : path }

  /// `<kind> [meta ]<path>`, for messages.
  public var summary: String { "\(kind.rawValue) \(meta ? "meta " : "")\(path)" }

  /// The first three problems' summaries, `, ...` when there are more.
  public static func summaries(_ problems: [RecordProblem]) -> String {
    problems.prefix(3).map(\.summary).joined(separator: ", ") + (problems.count > 3 ? ", ..." : "")
  }
}

/// A run's sealed record: the digests its `manifest` gives its run files and, once it is
/// sealed, the digests its `seal` gives its meta files (every one but the seal itself and a
/// lock). The one check of a run against its record: verify, export, push, import, pull,
/// replay and attest all compare through `problems`, and say what a problem means at their
/// own edge.
public struct SealedRecord: Sendable, Equatable {
  /// Run file digests by path, from `manifest`.
  public var manifest: [String: String]
  /// Meta file digests by path, from `seal`; nil for a run without one (written by Gage).
  public var seal: [String: String]?

  /// Meta files a seal never covers.
  public static let unsealed: Set<String> = ["seal", "proc/lock"]

  /// A record of the given digests.
  public init(manifest: [String: String], seal: [String: String]?) {
    self.manifest = manifest
    self.seal = seal
  }

  /// The record of the `manifest` and `seal` texts (nil when absent: no run file and no
  /// meta file is recorded); `source` names the meta dir in errors.
  public init(manifest: [UInt8]?, seal: [UInt8]?, source: String) throws {
    self.manifest = try manifest.map { try Manifest.parse(bytes: $0, source: source + "/manifest").digestsByPath } ?? [:]
    self.seal = try seal.map { try Seal.parse(String(decoding: $0, as: UTF8.self), source: source + "/seal") }
  }

  /// How `runFiles` and `metaFiles` (relative path → SHA-256, or nil for a file present
  /// whose digest is checked elsewhere) differ from the record: each group's problems in
  /// path order, run files first. Meta files are compared only when the run is sealed;
  /// `seal` and `proc/lock` are never compared.
  public func problems(runFiles: [String: String?], metaFiles: [String: String?]) -> [RecordProblem] {
    var out = Self.compare(runFiles, manifest, meta: false)
    if let seal {
      let sealable: (String) -> Bool = { !Self.unsealed.contains($0) }
      out += Self.compare(metaFiles.filter { sealable($0.key) }, seal.filter { sealable($0.key) }, meta: true)
    }
    return out
  }

  private static func compare(_ found: [String: String?], _ recorded: [String: String], meta: Bool) -> [RecordProblem] {
    var out: [RecordProblem] = []
    for path in Set(found.keys).union(recorded.keys).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
      switch (found[path], recorded[path]) {
      case (nil, let expected?):
        out.append(RecordProblem(kind: .missing, path: path, meta: meta, expected: expected))
      case (.some, nil):
        out.append(RecordProblem(kind: .unexpected, path: path, meta: meta, actual: found[path] ?? nil))
      case (let actual??, let expected?) where actual != expected:
        out.append(RecordProblem(kind: .modified, path: path, meta: meta, expected: expected, actual: actual))
      default: break
      }
    }
    return out
  }
}
