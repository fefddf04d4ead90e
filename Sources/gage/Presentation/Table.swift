/// The one table layout of the command layer (`runs`, `runs --remote`, confirmations,
/// `diff`, `audit`, `archive list`, `operations`): columns two spaces apart, padded to
/// their widest cell (the last column is not padded), an optional bold header.
///
/// On a terminal the table fits its width (`Console.width`): the widest flexible column
/// is narrowed, one column at a time, never below its header, and its long cells are cut
/// with `…` (columns marked `lastResort` only once the others are as narrow as they get). No column is dropped and no header cell left empty; a table that cannot fit
/// even then is printed at its narrowest and wraps.
///
/// Every cell (and header) is made printable here (`Console.printable`) before it is
/// measured, cut or colored: no caller escapes, and no column can forget to.
struct Table {
  struct Column {
    /// The header cell; ignored when the table has no header.
    var header = ""
    /// Right-aligned (a number) rather than left-aligned.
    var rightAligned = false
    /// May be narrowed to fit the terminal.
    var flexible = false
    /// Narrowed only when the other flexible columns are as narrow as they get.
    var lastResort = false
    /// The ANSI color (SGR code) of a body cell, from its text as recorded.
    var color: ((String) -> String?)? = nil
  }

  var columns: [Column]
  var rows: [[String]]
  /// Whether the first line is a bold header of the columns' names.
  var hasHeader = true
  /// Text before every line.
  var indent = ""

  /// The narrowest a flexible column gets: its header, or a few characters.
  private static let minimumWidth = 3

  /// The lines of the table, fitted to `width` columns when there is one.
  func lines(width: Int? = Console.width) -> [String] {
    let count = columns.count
    let body = rows.map { row in (0..<count).map { $0 < row.count ? Console.printable(row[$0]) : "" } }
    let header = columns.map { Console.printable($0.header) }
    var widths = [Int](repeating: 0, count: count)
    for row in (hasHeader ? [header] : []) + body {
      for (c, cell) in row.enumerated() { widths[c] = max(widths[c], cell.count) }
    }
    if let width { fit(&widths, to: width, header: header) }
    var result: [String] = []
    if hasHeader { result.append(line(header, widths: widths, raw: nil)) }
    for (row, raw) in zip(body, rows) { result.append(line(row, widths: widths, raw: raw)) }
    return result
  }

  /// Prints the table on stdout.
  func print() {
    for line in lines() { Console.print(line) }
  }

  /// Narrows the widest flexible column until the table fits `width`.
  private func fit(_ widths: inout [Int], to width: Int, header: [String]) {
    let floor = columns.indices.map { c in
      max(hasHeader ? header[c].count : 0, Self.minimumWidth)
    }
    var total = indent.count + widths.reduce(0, +) + 2 * max(0, columns.count - 1)
    while total > width {
      let open = columns.indices.filter { columns[$0].flexible && widths[$0] > floor[$0] }
      let first = open.filter { !columns[$0].lastResort }
      guard let widest = (first.isEmpty ? open : first).max(by: { widths[$0] < widths[$1] }) else { return }
      widths[widest] -= 1
      total -= 1
    }
  }

  /// One line: cells cut to their column, padded, colored; header cells bold.
  private func line(_ cells: [String], widths: [Int], raw: [String]?) -> String {
    var line = indent
    for (c, column) in columns.enumerated() {
      var cell = cells[c]
      if cell.count > widths[c] { cell = String(cell.prefix(max(0, widths[c] - 1))) + "…" }
      let fill = String(repeating: " ", count: max(0, widths[c] - cell.count))
      let last = c == columns.count - 1
      let padded = column.rightAligned ? fill + cell : last ? cell : cell + fill
      if raw == nil {
        line += Console.bold(padded)
      } else if let code = column.color?(raw.map { c < $0.count ? $0[c] : "" } ?? "") {
        line += Console.color(padded, code)
      } else {
        line += padded
      }
      if !last { line += "  " }
    }
    while line.hasSuffix(" ") { line.removeLast() }
    return line
  }
}
