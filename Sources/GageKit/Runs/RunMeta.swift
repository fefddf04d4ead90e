/// Read access to a run's meta, wherever it is kept: a meta dir (`<id>.meta`) or, as later
/// Gage writes finished runs, a stored zip of it (`<id>.meta.zip`). Both may carry
/// Python Gage's `.deleted` suffix.
public struct RunMeta {
  /// The run.
  public let run: Run
  private let zipped: [String: [UInt8]]?

  /// The meta of `run`; a zipped meta is read once, here.
  public init(run: Run) throws {
    self.run = run
    if run.metaIsZip {
      var files: [String: [UInt8]] = [:]
      for (name, data) in try ArchiveReader(path: run.metaDir).files() {
        files[RunMeta.normalize(name)] = data
      }
      zipped = files
    } else {
      zipped = nil
    }
  }

  /// A member name without a leading `/` or `./`.
  static func normalize(_ name: String) -> String {
    var n = Substring(name)
    while n.hasPrefix("./") { n = n.dropFirst(2) }
    while n.hasPrefix("/") { n = n.dropFirst() }
    return String(n)
  }

  /// The bytes of meta file `path` (e.g. `proc/exit`), or nil when it does not exist.
  public func bytes(_ path: String) -> [UInt8]? {
    if let zipped { return zipped[path] }
    return try? FileIO.readBytes(run.metaPath(path))
  }

  /// The text of meta file `path`, or nil.
  public func text(_ path: String) -> String? {
    bytes(path).map { String(decoding: $0, as: UTF8.self) }
  }

  /// Whether meta file `path` exists.
  public func exists(_ path: String) -> Bool {
    if let zipped { return zipped[path] != nil }
    return FileIO.exists(run.metaPath(path))
  }

  /// The JSON of meta file `path`; nil when absent, an error when it is not valid JSON.
  public func json(_ path: String) throws -> JSONValue? {
    guard let text = text(path) else { return nil }
    do {
      return try JSONValue.parse(text)
    } catch let error as JSONParseError {
      throw GageError.invalidData("\(path):\(error.line):\(error.column): \(error.message)")
    }
  }

  /// Every meta file path, sorted.
  public func files() throws -> [String] {
    if let zipped { return zipped.keys.sorted() }
    var result: [String] = []
    try RunDirScanner.walk(run.metaDir, prefix: "") { rel, _ in result.append(rel) }
    return result
  }
}
