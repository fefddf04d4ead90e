import Foundation

/// A run's summary (`summary.json`): `{"metrics": {...}, "attributes": {...}, "run": {...}}`,
/// read at finalize from the op's summary file in the run dir, else from the run's output.
public enum RunSummary {
  /// Pattern used by `output-summary = true`: a whole output line that is a JSON object.
  public static let defaultOutputPattern = #"^\s*(\{.*\})\s*$"#

  /// The summary of a finished run, or `{}`.
  public static func read(run: Run, opdef: OpDef) -> JSONValue {
    let file = FileIO.join(run.runDir, opdef.summaryFilename ?? "summary.json")
    if FileIO.exists(file) {
      do {
        let value = try JSONValue.read(path: file)
        if value.objectValue != nil { return value }
        try? RunnerLog(run: run).log("Summary file \(file) does not hold a JSON object; ignored")
      } catch {
        try? RunnerLog(run: run).log("Summary file \(file) is not valid JSON; ignored")
      }
    }
    let pattern: String
    switch opdef.outputSummary {
    case .pattern(let p): pattern = p
    case .enabled(true): pattern = defaultOutputPattern
    case .enabled(false), .defaults: return .object([:])
    }
    guard let output = FileIO.readTextIfPresent(run.metaPath("output", Phase.run.outputName)) else {
      return .object([:])
    }
    return fromOutput(output, pattern: pattern)
  }

  /// Merges every JSON object captured by `pattern`'s group 1 in `output`: an object with
  /// `metrics`/`attributes` members merges into those; any other object's members are metrics.
  public static func fromOutput(_ output: String, pattern: String) -> JSONValue {
    guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else {
      return .object([:])
    }
    var metrics: [String: JSONValue] = [:]
    var attributes: [String: JSONValue] = [:]
    let ns = output as NSString
    for match in regex.matches(in: output, range: NSRange(location: 0, length: ns.length)) where match.numberOfRanges > 1 {
      let range = match.range(at: 1)
      guard range.location != NSNotFound, let value = try? JSONValue.parse(ns.substring(with: range)),
        case .object(let object) = value
      else { continue }
      if object["metrics"] != nil || object["attributes"] != nil {
        metrics.merge(object["metrics"]?.objectValue ?? [:]) { _, new in new }
        attributes.merge(object["attributes"]?.objectValue ?? [:]) { _, new in new }
      } else {
        metrics.merge(object) { _, new in new }
      }
    }
    var summary: [String: JSONValue] = [:]
    if !metrics.isEmpty { summary["metrics"] = .object(metrics) }
    if !attributes.isEmpty { summary["attributes"] = .object(attributes) }
    return .object(summary)
  }
}
