/// A 1-based line and column in a Gage file (columns count Unicode scalars).
struct SourcePosition: Sendable, Equatable, Comparable {
  /// 1-based line.
  var line: Int
  /// 1-based column.
  var column: Int

  /// The start of the file.
  static let start = SourcePosition(line: 1, column: 1)

  static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
    (lhs.line, lhs.column) < (rhs.line, rhs.column)
  }
}

/// One step into a document: a table key or an array index.
enum SourcePathComponent: Sendable, Hashable {
  /// A key of a table (object, mapping).
  case key(String)
  /// A 0-based index of an array (sequence).
  case index(Int)
}

/// A path from the document root to a value, e.g. `train` → `depends` → `0` → `files`.
typealias SourcePath = [SourcePathComponent]

/// Where each key and array item of a parsed document was written.
///
/// A key's position is where the key itself appears; an array item's position is where the
/// item starts. Every format reader fills one, so errors found after parsing still point
/// at the file.
struct SourceMap: Sendable {
  private var positions: [SourcePath: SourcePosition] = [:]

  /// Records where `path` appears; the first record of a path wins.
  mutating func record(_ path: SourcePath, at position: SourcePosition) {
    if positions[path] == nil { positions[path] = position }
  }

  /// The position of `path`, or of its nearest recorded ancestor.
  func position(of path: SourcePath) -> SourcePosition? {
    var path = path
    while !path.isEmpty {
      if let position = positions[path] { return position }
      path.removeLast()
    }
    return nil
  }

  /// The keys of the table at `path`, in the order they appear in the file (keys without a
  /// recorded position come last, sorted).
  func orderedKeys(_ keys: some Sequence<String>, under path: SourcePath) -> [String] {
    keys.sorted { a, b in
      switch (positions[path + [.key(a)]], positions[path + [.key(b)]]) {
      case (let pa?, let pb?): return pa == pb ? a < b : pa < pb
      case (.some, nil): return true
      case (nil, .some): return false
      case (nil, nil): return a < b
      }
    }
  }
}
