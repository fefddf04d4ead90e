import GageKit

/// The table of runs every listing prints (`#`, name, operation, started, status, label),
/// aligned, with status colors on a terminal and the label cut to the terminal's width.
/// Every cell is made printable here (`Console.printable`), before it is measured or
/// colored: no caller escapes, and no column can forget to.
enum RunTable {
  /// The lines of the table (header first).
  static func lines(_ rows: [(index: Int, record: RunRecord)], archiveNames: [String: String] = [:])
    -> [String]
  {
    var cells: [[String]] = []
    for (index, r) in rows {
      var status = r.status.rawValue
      if let host = r.host { status += " on \(host)" }
      if r.status == .unknown, let reason = r.reason { status += " (\(reason))" }
      var label = r.label ?? ""
      if r.container != RunMoves.active, r.container != RunMoves.trash,
        let name = archiveNames[r.container]
      {
        label = label.isEmpty ? "[\(name)]" : "[\(name)] \(label)"
      }
      cells.append([
        String(index), r.name, r.operation, r.started.map { RunClock.local(micros: $0) } ?? "",
        status, label,
      ])
    }
    return lines(cells: cells)
  }

  /// The lines of a table of rows `#`, name, operation, started, status, label: the cells
  /// as they were recorded (escaped here).
  static func lines(cells rows: [[String]]) -> [String] {
    let cells =
      [["#", "name", "operation", "started", "status", "label"]]
      + rows.map { $0.map { Console.printable($0) } }
    var widths = [Int](repeating: 0, count: 6)
    for row in cells {
      for (n, cell) in row.enumerated() where n < 5 { widths[n] = max(widths[n], cell.count) }
    }
    let fixed = widths.prefix(5).reduce(0, +) + 2 * 5
    var result: [String] = []
    for (n, row) in cells.enumerated() {
      var line = ""
      for c in 0..<5 {
        let cell = row[c]
        let padded =
          c == 0
          ? String(repeating: " ", count: widths[c] - cell.count) + cell : pad(cell, widths[c])
        line +=
          n == 0 ? Console.bold(padded) : c == 4 ? Console.color(padded, statusColor(cell)) : padded
        line += "  "
      }
      var label = row[5]
      if let width = Console.width, fixed + label.count > width {
        let room = max(0, width - fixed - 1)
        label = room > 0 ? String(label.prefix(room)) + "…" : ""
      }
      line += n == 0 ? Console.bold(label) : label
      while line.hasSuffix(" ") { line.removeLast() }
      result.append(line)
    }
    return result
  }

  private static func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
  }

  private static func statusColor(_ cell: String) -> String {
    let status = cell.split(separator: " ").first.map(String.init) ?? ""
    switch RunStatus(rawValue: status) {
    case .completed: return "32"
    case .error: return "31"
    case .running: return "36"
    case .terminated: return "33"
    case .unknown: return "35"
    case .pending, .staged, .none: return "2"
    }
  }

  /// Prints the table.
  static func print(_ rows: [(index: Int, record: RunRecord)], archiveNames: [String: String] = [:])
  {
    for line in lines(rows, archiveNames: archiveNames) { Console.print(line) }
  }
}
