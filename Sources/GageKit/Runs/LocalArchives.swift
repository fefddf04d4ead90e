import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A named local archive (Gage's `archive` command): a container that runs move into with
/// a marker. Defined by `<runs>/.archives/<archive-id>/.archive`, whose text is the schema
/// `1` followed by the name (`1best-models`, no newline).
public struct LocalArchive: Sendable, Equatable {
  /// The archive id: the container name in move markers.
  public var id: String
  /// The name people use.
  public var name: String
  /// The archive's dir.
  public var dir: String
  /// When runs last moved into it (the `.archive` file's mtime), epoch µs.
  public var modified: Int64?

  /// `gage archive list --json`: `{name, id, runs, last_archived}` with the archive's
  /// run count (docs/json.md).
  public func json(runs: Int) -> JSONValue {
    .object([
      "name": .string(name), "id": .string(id), "runs": .int(runs),
      "last_archived": modified.map { .string(RunClock.iso(micros: $0)) } ?? .null,
    ])
  }
}

/// The named local archives of a runs dir.
public struct LocalArchives: Sendable {
  /// `<runs>/.archives`.
  public let dir: String

  /// The archives of runs dir `runsDir`.
  public init(runsDir: String) {
    dir = FileIO.join(runsDir, ".archives")
  }

  private static let schema = "1"

  /// Every archive, oldest first.
  public func all() -> [LocalArchive] {
    guard let entries = try? DirectoryListing.entries(dir) else { return [] }
    var result: [LocalArchive] = []
    for entry in entries {
      guard let id = entry.name, !id.hasPrefix(".") else { continue }
      let archiveDir = FileIO.join(dir, id)
      let file = FileIO.join(archiveDir, ".archive")
      guard let text = FileIO.readTextIfPresent(file), text.hasPrefix(Self.schema) else { continue }
      let name = String(text.dropFirst(Self.schema.count)).trimmingCharacters(
        in: .whitespacesAndNewlines)
      guard !name.isEmpty else { continue }
      var st = stat()
      let modified =
        stat(file, &st) == 0
        ? Int64(st.st_mtim.tv_sec) * 1_000_000 + Int64(st.st_mtim.tv_nsec) / 1000 : nil
      result.append(LocalArchive(id: id, name: name, dir: archiveDir, modified: modified))
    }
    return result
  }

  /// The archive called `name`, or nil.
  public func named(_ name: String) -> LocalArchive? {
    all().first { $0.name == name }
  }

  /// The archive called `name`, or an error listing the names there are.
  public func require(_ name: String) throws -> LocalArchive {
    if let archive = named(name) { return archive }
    let names = all().map(\.name)
    throw GageError.notFound(
      "there is no archive \"\(name)\""
        + (names.isEmpty
          ? " (there are no archives)" : "; archives: \(names.joined(separator: ", "))"))
  }

  /// The archive id for `id` or `name`: archive ids are containers too.
  public func archive(forContainer container: String) -> LocalArchive? {
    all().first { $0.id == container }
  }

  /// Makes a new archive called `name`.
  public func create(_ name: String) throws -> LocalArchive {
    try Self.validate(name)
    guard named(name) == nil else {
      throw GageError.conflict("an archive named \"\(name)\" already exists")
    }
    let id = RunID.timeOrdered()
    let archiveDir = FileIO.join(dir, id)
    try FileIO.makeDirectories(archiveDir)
    try FileIO.write(Self.schema + name, to: FileIO.join(archiveDir, ".archive"))
    return LocalArchive(id: id, name: name, dir: archiveDir, modified: RunClock.nowMicros())
  }

  /// Renames archive `current` to `new`.
  public func rename(_ current: String, to new: String) throws {
    try Self.validate(new)
    let archive = try require(current)
    guard named(new) == nil else {
      throw GageError.conflict("an archive named \"\(new)\" already exists")
    }
    try FileIO.write(Self.schema + new, to: FileIO.join(archive.dir, ".archive"))
  }

  /// Notes that runs moved into `archive` now (the `last archived` time of `gage archive list`).
  public func touch(_ archive: LocalArchive) {
    let file = FileIO.join(archive.dir, ".archive")
    utimes(file, nil)
  }

  /// Removes the definition of `archive` (its runs must have moved out first).
  public func remove(_ archive: LocalArchive) throws {
    try FileIO.removeFile(FileIO.join(archive.dir, ".archive"))
    if rmdir(archive.dir) != 0, errno != ENOENT {
      throw GageError.io(path: archive.dir, operation: "remove", errno: errno)
    }
  }

  private static func validate(_ name: String) throws {
    let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty, trimmed == name, !name.contains("\n") else {
      throw GageError.invalidInput(
        "invalid archive name \"\(name)\": use a non-empty name without surrounding spaces")
    }
  }
}
