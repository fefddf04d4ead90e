import GageKit

/// The table of runs every listing prints (`#`, name, operation, started, status, label),
/// laid out by `Table`, with status colors on a terminal, fitted to the terminal's width.
enum RunTable {
  /// The lines of the table (header first).
  static func lines(
    _ rows: [(index: Int, record: RunRecord)], archiveNames: [String: String] = [:]
  )
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
  /// as they were recorded (escaped by `Table`). On a terminal the wider of the label and
  /// operation columns is cut to fit its width, then the status.
  static func lines(cells rows: [[String]]) -> [String] {
    Table(
      columns: [
        Table.Column(header: "#", rightAligned: true), Table.Column(header: "name"),
        Table.Column(header: "operation", flexible: true), Table.Column(header: "started"),
        Table.Column(header: "status", flexible: true, lastResort: true, color: statusColor),
        Table.Column(header: "label", flexible: true),
      ],
      rows: rows
    ).lines()
  }

  private static func statusColor(_ cell: String) -> String? {
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
  static func print(_ rows: [(index: Int, record: RunRecord)], archiveNames: [String: String] = [:]) {
    for line in lines(rows, archiveNames: archiveNames) { Console.print(line) }
  }
}
