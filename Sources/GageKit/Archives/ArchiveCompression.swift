/// How the tar stream of an archive is compressed, chosen by the file name.
public enum ArchiveCompression: String, Sendable, CaseIterable {
  /// `.tar`: no compression.
  case none
  /// `.tar.gz` or `.tgz`: gzip, with no name or time in its header.
  case gzip
  /// `.tar.zst`: zstd at level 3.
  case zstd

  /// The compression for `path`, or an error listing the names Gage writes.
  public static func forFile(_ path: String) throws -> ArchiveCompression {
    let name = path.lowercased()
    if name.hasSuffix(".tar") { return .none }
    if name.hasSuffix(".tar.gz") || name.hasSuffix(".tgz") { return .gzip }
    if name.hasSuffix(".tar.zst") || name.hasSuffix(".tzst") { return .zstd }
    throw GageError.invalidInput(
      "\(path): unknown archive type; name it .tar, .tar.gz (.tgz) or .tar.zst")
  }
}
