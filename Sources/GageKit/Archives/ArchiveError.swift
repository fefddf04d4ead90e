/// Why an archive cannot be written, read or trusted.
public enum ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A libarchive call failed (a corrupt or truncated stream, an unwritable file).
  case libarchive(file: String, call: String, message: String)
  /// The archive holds something Gage refuses (a hostile or malformed entry, a digest
  /// mismatch); `entry` names it when there is one.
  case rejected(file: String, entry: String?, reason: String)

  /// The message shown to the user.
  public var message: String {
    switch self {
    case .libarchive(let file, _, let message):
      return "\(file): \(message) (corrupt or truncated archive?)"
    case .rejected(let file, let entry, let reason):
      if let entry { return "\(file): entry \"\(entry)\": \(reason)" }
      return "\(file): \(reason)"
    }
  }

  public var description: String { message }
}
