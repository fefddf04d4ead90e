internal import CYaml
import Yams

/// A YAML text that cannot be read: where, and why (a whole message).
struct YAMLProblem: Error, Sendable, Equatable {
  /// The position at fault.
  var position: SourcePosition
  /// What is wrong.
  var message: String
}

/// Composes YAML texts Gage reads (Gage files, YAML config files) with alias expansion
/// bounded: a "billion laughs" document of a few hundred bytes would otherwise expand to
/// billions of nodes when read (or when Yams hashes alias keys while composing).
enum YAMLText {
  /// Most nodes that aliases (`*name`, merged keys included) may stand for in one text.
  static let aliasNodeLimit = 10_000

  /// The node tree of `text` (nil for an empty document). Aliases standing for more than
  /// `aliasNodeLimit` nodes in all are refused before anything is composed.
  static func compose(_ text: String) throws(YAMLProblem) -> Node? {
    try checkAliases(text)
    do {
      return try Yams.compose(yaml: text)
    } catch let error as YamlError {
      let (position, message) = YAMLReader.describe(error, text: text)
      throw YAMLProblem(position: position, message: "invalid YAML: \(message)")
    } catch {
      throw YAMLProblem(position: .start, message: "invalid YAML: \(error)")
    }
  }

  /// Reads the events of `text` once (linear time, memory of its anchors), counting the
  /// nodes each alias stands for; throws at the alias that passes the limit. Syntax errors
  /// are left to the composer, which reports them.
  static func checkAliases(_ text: String, limit: Int = aliasNodeLimit) throws(YAMLProblem) {
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
    defer {
      parser.deallocate()
      event.deallocate()
    }
    guard yaml_parser_initialize(parser) == 1 else { return }
    defer { yaml_parser_delete(parser) }
    var bytes = Array(text.utf8)
    if bytes.isEmpty { return }
    let problem: YAMLProblem? = bytes.withUnsafeMutableBufferPointer { buffer in
      yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
      var counter = AliasCounter(limit: limit)
      while yaml_parser_parse(parser, event) == 1 {
        defer { yaml_event_delete(event) }
        let e = event.pointee
        if e.type == YAML_STREAM_END_EVENT { return nil }
        if let problem = counter.add(e) { return problem }
      }
      return nil
    }
    if let problem { throw problem }
  }
}

/// The node counts of one pass over a YAML event stream: each node counts itself and the
/// nodes below it, an alias the count of its anchor's node.
private struct AliasCounter {
  let limit: Int
  /// Open collections: their node counts so far and their anchors.
  var open: [(count: Int, anchor: String?)] = []
  /// Node counts by anchor (the latest definition wins, as in YAML).
  var anchors: [String: Int] = [:]
  /// Nodes the aliases met so far stand for.
  var expanded = 0

  init(limit: Int) {
    self.limit = limit
  }

  /// Counts one event; a problem when the aliases pass the limit.
  mutating func add(_ e: yaml_event_t) -> YAMLProblem? {
    switch e.type {
    case YAML_SCALAR_EVENT:
      close(count: 1, anchor: Self.string(e.data.scalar.anchor))
    case YAML_SEQUENCE_START_EVENT:
      open.append((1, Self.string(e.data.sequence_start.anchor)))
    case YAML_MAPPING_START_EVENT:
      open.append((1, Self.string(e.data.mapping_start.anchor)))
    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
      if let last = open.popLast() { close(count: last.count, anchor: last.anchor) }
    case YAML_ALIAS_EVENT:
      // An alias to an anchor not defined yet is an error the composer reports.
      let count = Self.string(e.data.alias.anchor).flatMap { anchors[$0] } ?? 1
      expanded = Self.sum(expanded, count)
      if expanded > limit {
        let mark = e.start_mark
        return YAMLProblem(
          position: SourcePosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1),
          message: "aliases (*name) expand to more than \(limit) values in all; "
            + "Gage refuses documents whose aliases expand this far (write the values out)")
      }
      close(count: count, anchor: nil)
    default:
      break
    }
    return nil
  }

  /// A node of `count` nodes is complete: recorded under its anchor, added to its parent.
  private mutating func close(count: Int, anchor: String?) {
    if let anchor { anchors[anchor] = count }
    if !open.isEmpty { open[open.count - 1].count = Self.sum(open[open.count - 1].count, count) }
  }

  /// `a + b`, saturating.
  private static func sum(_ a: Int, _ b: Int) -> Int {
    let (s, overflow) = a.addingReportingOverflow(b)
    return overflow ? .max : s
  }

  private static func string(_ bytes: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    bytes.map { String(cString: $0) }
  }
}
