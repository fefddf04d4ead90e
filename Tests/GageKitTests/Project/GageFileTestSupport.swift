import Foundation
import GageTestSupport
import Testing

@testable import GageKit

/// Tests of the `Project` folder: Gage files and operation definitions.
enum ProjectTests {}

extension ProjectTests {
  /// A project in a temporary directory for one test, removed when the test ends.
  final class TempProject {
    private let tmp: TempDir
    /// Absolute path of the directory.
    var path: String { tmp.path }

    init() throws {
      tmp = try TempDir(prefix: "gagefile-test")
    }

    /// Writes `text` to `relativePath` (creating parent directories); returns the file's path.
    @discardableResult
    func write(_ relativePath: String, _ text: String) throws -> String {
      try tmp.write(relativePath, text)
    }

    /// Creates a directory below the project; returns its path.
    func makeDirectory(_ relativePath: String) throws -> String {
      try tmp.makeDir(relativePath)
    }

    /// Writes a Gage file named `name` and loads it.
    func load(_ name: String, _ text: String) throws -> GageFile {
      try GageFile.load(path: write(name, text))
    }

    /// Writes a Gage file named `name`, expects loading it to fail, and returns the error's
    /// location (relative to the project) and message.
    func loadError(
      _ name: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (location: String, message: String) {
      try loadError(name, bytes: Array(text.utf8), sourceLocation: sourceLocation)
    }

    /// `loadError` for a Gage file of raw bytes (not necessarily UTF-8).
    func loadError(
      _ name: String, bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (location: String, message: String) {
      let file = FileIO.join(path, name)
      try FileIO.makeDirectories((file as NSString).deletingLastPathComponent)
      try FileIO.write(bytes, to: file)
      do {
        let gageFile = try GageFile.load(path: file)
        Issue.record(
          "expected an error, loaded \(gageFile.operations.map(\.name))",
          sourceLocation: sourceLocation)
        return ("", "")
      } catch GageError.gageFile(let location, let message) {
        let relative =
          location.hasPrefix(path + "/") ? String(location.dropFirst(path.count + 1)) : location
        return (relative, message)
      }
    }
  }

  /// The known keys of an operation, as error messages list them.
  static let knownOpKeys =
    "config, default, depends, description, env, exec, listing, output-summary, progress, sourcecode, summary, version"
}
