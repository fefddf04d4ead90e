import Foundation
import GageKit
import GageTestSupport
import Testing

/// Archives written by `Exporter` from real runs, and changed by hand for the tests of what
/// reads them.
enum ArchiveBytes {
  /// The agent the tests' exporters name in `bag-info.txt`.
  static let agent = "gage-library-tests 1.0"

  /// Exports `runs` to `path` with the tests' agent.
  @discardableResult
  static func export(_ runs: [Run], to path: String) throws -> Exporter.Summary {
    try Exporter(agent: agent).export(runs, to: path)
  }

  /// A project with one finished run, exported to `<tmp>/<name>`: the project, the run and
  /// the archive's path (an uncompressed `.tar` by default, so that bytes can be changed in
  /// place).
  static func exportedRun(_ name: String = "run.tar") throws -> (TestProject, Run, String) {
    let (p, runs) = try LibraryRuns.project()
    let path = p.tmp.path(name)
    try export(runs, to: path)
    return (p, runs[0], path)
  }

  /// Replaces the one occurrence of `old` in the file at `path` with `new` (the same length,
  /// so that an uncompressed tar stays a well-formed tar and only a digest tells).
  static func replaceOnce(in path: String, _ old: String, with new: String) throws {
    precondition(old.utf8.count == new.utf8.count)
    var bytes = try FileIO.readBytes(path)
    let needle = Array(old.utf8)
    let hits = (0...(bytes.count - needle.count)).filter { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
    #expect(hits.count == 1, "\(old.debugDescription) occurs \(hits.count) times in \(path)")
    guard let at = hits.first else { throw GageError.invalidData("\(old.debugDescription) is not in \(path)") }
    bytes.replaceSubrange(at..<at + needle.count, with: Array(new.utf8))
    try FileIO.write(bytes, to: path)
  }
}
