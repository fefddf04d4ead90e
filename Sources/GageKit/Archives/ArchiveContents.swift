import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The runs an archive holds, read from their meta files (without validating the archive;
/// `Verifier` does that).
public struct ArchiveContents: Sendable {
  /// One run of an archive.
  public struct Entry: Sendable {
    /// The run id.
    public var id: String
    /// The run name.
    public var name: String { RunID.name(for: id) }
    /// The operation name, when `opref` is readable.
    public var operation: String?
    /// The exit code.
    public var exitCode: Int32?
    /// Start time, epoch µs.
    public var started: Int64?
    /// Stop time, epoch µs.
    public var stopped: Int64?
    /// Number of run files.
    public var files: Int
    /// Bytes of run files.
    public var bytes: Int64

    /// Status from the exit code (an archived run always finished).
    public var status: RunStatus {
      guard let exitCode else { return .terminated }
      return exitCode == 0 ? .completed : (exitCode > 0 ? .error : .terminated)
    }

    /// The JSON form (`id`, `name`, `operation`, `status`, `started`, `stopped`, `files`, `bytes`).
    public var json: JSONValue {
      .object([
        "id": .string(id), "name": .string(name), "operation": operation.map(JSONValue.string) ?? .null,
        "status": .string(status.rawValue), "exit_code": exitCode.map { .int(Int($0)) } ?? .null,
        "started": RunInfo.iso(started), "stopped": RunInfo.iso(stopped),
        "files": .int(files), "bytes": .int(Int(bytes)),
      ])
    }
  }

  /// The bag's top directory.
  public var bag: String
  /// The runs, sorted by id.
  public var runs: [Entry]

  /// Reads the archive at `path`.
  public static func read(_ path: String) throws -> ArchiveContents {
    let reader = try BagTarReader(path: path)
    let scan = try BagScan.read(reader, destination: nil, progress: nil, archiveSize: 0)
    var ids: Set<String> = []
    for path in scan.files.keys {
      let parts = path.split(separator: "/")
      guard parts.count >= 3, parts[0] == "data", parts[1].hasSuffix(".meta") else { continue }
      let id = String(parts[1].dropLast(5))
      if RunID.isValid(id) { ids.insert(id) }
    }
    func text(_ id: String, _ file: String) -> String? {
      scan.contents["data/\(id).meta/\(file)"].map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
    }
    let runs = ids.sorted().map { id -> Entry in
      let prefix = "data/\(id)/"
      let files = scan.files.filter { $0.key.hasPrefix(prefix) }
      return Entry(
        id: id, operation: (text(id, MetaFile.opref)).flatMap { try? OpRef.decode($0).name },
        exitCode: text(id, MetaFile.exit).flatMap { Int32($0) }, started: text(id, MetaFile.started).flatMap(RunClock.micros),
        stopped: text(id, MetaFile.stopped).flatMap(RunClock.micros), files: files.count,
        bytes: files.values.reduce(0) { $0 + $1.size })
    }
    return ArchiveContents(bag: scan.top, runs: runs)
  }
}
