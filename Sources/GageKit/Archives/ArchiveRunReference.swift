/// A command argument naming a run in an archive file rather than in the runs dir:
/// `FILE` (an archive holding one run) or `FILE#PREFIX` (the run of a multi-run archive
/// whose id or name starts with PREFIX).
///
/// An argument names a file when, without its `#PREFIX`, it ends in an archive extension
/// (`.tar`, `.tar.gz`, `.tgz`, `.tar.zst`, `.tzst`) or holds a `/` (`./runs.bag`). Run
/// specs (indexes, slices, id and name prefixes) have neither, so the two never mix.
public struct ArchiveRunReference: Sendable, Equatable {
  /// The archive file.
  public let path: String
  /// The prefix of the run's id or name, when given.
  public let selector: String?

  /// A reference to the run `selector` names in the archive at `path`.
  public init(path: String, selector: String? = nil) {
    self.path = path
    self.selector = selector
  }

  /// The reference `argument` makes, or nil when it is a run spec.
  public init?(argument: String) {
    if let hash = argument.lastIndex(of: "#") {
      let file = String(argument[..<hash])
      let selector = String(argument[argument.index(after: hash)...])
      if Self.looksLikeFile(file), !selector.contains("/") {
        // A file whose own name holds the `#` is taken whole.
        if FileIO.exists(argument) {
          self.init(path: argument)
        } else {
          self.init(path: file, selector: selector.isEmpty ? nil : selector)
        }
        return
      }
    }
    guard Self.looksLikeFile(argument) else { return nil }
    self.init(path: argument)
  }

  /// Whether `argument` reads as a file name rather than a run spec.
  static func looksLikeFile(_ argument: String) -> Bool {
    argument.contains("/") || (try? ArchiveCompression.forFile(argument)) != nil
  }

  /// Extracts and validates the archive into a temporary directory under `parent` (see
  /// `ExtractedArchive`) and finds the run. The caller removes the returned archive; on an
  /// error nothing is left behind. A tampered archive throws its `ArchiveError`, its reason
  /// ending in `refusal`.
  public func open(
    parent: String, progress: ProgressBar? = nil, refusal: String = ""
  ) throws
    -> (archive: ExtractedArchive, run: Run)
  {
    guard FileIO.exists(path) else { throw GageError.notFound("\(path): no such archive file") }
    guard !FileIO.isDirectory(path) else {
      throw GageError.invalidInput("\(path) is a directory, not an archive file")
    }
    let extracted = try ExtractedArchive(
      path: path, parent: parent, progress: progress, refusal: refusal)
    do {
      guard let id = try run(in: extracted.runIDs) else {
        throw GageError.invalidData("\(path) holds no run")
      }
      return (extracted, extracted.run(id))
    } catch {
      extracted.remove()
      throw error
    }
  }

  /// The id, among `ids` (an archive's runs), this reference names; nil when there are none.
  public func run(in ids: [String]) throws -> String? {
    func listed(_ ids: [String]) -> String {
      ids.map { RunID.label($0) }.joined(separator: ", ")
    }
    guard let selector else {
      guard ids.count <= 1 else {
        throw GageError.invalidInput(
          "\(path) holds \(ids.count) runs: \(listed(ids)); name one as \(path)#<id or name prefix>"
        )
      }
      return ids.first
    }
    let prefix = selector.lowercased()
    let matches = ids.filter { $0.hasPrefix(prefix) || RunID.name(for: $0).hasPrefix(prefix) }
    guard matches.count == 1, let id = matches.first else {
      if matches.isEmpty {
        throw GageError.notFound(
          "\(path) has no run matching \"\(selector)\"; it holds \(listed(ids))")
      }
      throw GageError.invalidInput(
        "\"\(selector)\" names \(matches.count) runs of \(path): \(listed(matches)); name one run")
    }
    return id
  }
}
