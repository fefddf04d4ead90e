/// The files and dirs a run has in its runs dir, as a set of flags: the run dir, its meta
/// (dir or zip, possibly renamed `.deleted` by Python Gage) and its sidecars.
public struct RunFiles: OptionSet, Sendable, Hashable {
  public let rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  /// `<id>/`.
  public static let runDir = RunFiles(rawValue: 1 << 0)
  /// `<id>.meta/`.
  public static let meta = RunFiles(rawValue: 1 << 1)
  /// `<id>.meta.zip`.
  public static let metaZip = RunFiles(rawValue: 1 << 2)
  /// `<id>.user/`.
  public static let user = RunFiles(rawValue: 1 << 3)
  /// `<id>.move/`.
  public static let move = RunFiles(rawValue: 1 << 4)
  /// `<id>.project`.
  public static let project = RunFiles(rawValue: 1 << 5)
  /// `<id>.meta.deleted/` (Python Gage's soft delete).
  public static let metaDeleted = RunFiles(rawValue: 1 << 6)
  /// `<id>.meta.zip.deleted`.
  public static let metaZipDeleted = RunFiles(rawValue: 1 << 7)
  /// `<id>.deleted/`.
  public static let runDirDeleted = RunFiles(rawValue: 1 << 8)
  /// `<id>.user.deleted/`.
  public static let userDeleted = RunFiles(rawValue: 1 << 9)
  /// `<id>.project.deleted`.
  public static let projectDeleted = RunFiles(rawValue: 1 << 10)

  /// Name suffixes after the id, and the flag each stands for.
  public static let suffixes: [(String, RunFiles)] = [
    ("", .runDir), (".meta", .meta), (".meta.zip", .metaZip), (".user", .user), (".move", .move),
    (".project", .project), (".meta.deleted", .metaDeleted), (".meta.zip.deleted", .metaZipDeleted),
    (".deleted", .runDirDeleted), (".user.deleted", .userDeleted), (".project.deleted", .projectDeleted),
  ]

  /// The flag for a name suffix, or nil.
  static func flag(suffix: UnsafeBufferPointer<UInt8>) -> RunFiles? {
    for (text, flag) in suffixes where text.utf8.count == suffix.count && text.utf8.elementsEqual(suffix) {
      return flag
    }
    return nil
  }

  /// The form of the run's meta that counts, in order of preference: a live meta dir, a
  /// live zip, then Python Gage's renamed ones.
  public var metaForm: MetaForm? {
    if contains(.meta) { return .dir }
    if contains(.metaZip) { return .zip }
    if contains(.metaDeleted) { return .deletedDir }
    if contains(.metaZipDeleted) { return .deletedZip }
    return nil
  }
}

/// How a run's meta is kept.
public enum MetaForm: String, Sendable, Hashable {
  /// `<id>.meta/`.
  case dir = "d"
  /// `<id>.meta.zip`.
  case zip = "z"
  /// `<id>.meta.deleted/` with `<id>.deleted/` (Python Gage's soft delete).
  case deletedDir = "D"
  /// `<id>.meta.zip.deleted`.
  case deletedZip = "Z"

  /// The run in `runsDir` with id `id` kept in this form.
  public func run(id: String, runsDir: String) -> Run {
    let base = FileIO.join(runsDir, id)
    switch self {
    case .dir: return Run(id: id, runDir: base, metaDir: base + ".meta")
    case .zip: return Run(id: id, runDir: base, metaDir: base + ".meta.zip")
    case .deletedDir: return Run(id: id, runDir: base + ".deleted", metaDir: base + ".meta.deleted")
    case .deletedZip: return Run(id: id, runDir: base + ".deleted", metaDir: base + ".meta.zip.deleted")
    }
  }

  /// The meta's name suffix.
  var metaSuffix: String {
    switch self {
    case .dir: return ".meta"
    case .zip: return ".meta.zip"
    case .deletedDir: return ".meta.deleted"
    case .deletedZip: return ".meta.zip.deleted"
    }
  }

  /// The flag of the attribute log this form reads (`.user`, or `.user.deleted` for a run
  /// Python Gage renamed).
  public var userFile: RunFiles { isRenamedDeleted ? .userDeleted : .user }

  /// Whether Python Gage renamed the run away.
  public var isRenamedDeleted: Bool { self == .deletedDir || self == .deletedZip }
}
