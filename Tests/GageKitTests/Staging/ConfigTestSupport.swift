import Foundation

@testable import GageKit

/// A temporary directory for one test, removed when the value is deinitialized.
final class ConfigTestDir {
  let path: String

  init() throws {
    var template = Array((NSTemporaryDirectory() + "/gage-config-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw GageError.io(path: NSTemporaryDirectory(), operation: "create temp dir", errno: errno)
    }
    path = String(cString: made)
  }

  deinit {
    try? FileIO.removeTree(path)
  }

  /// Writes `text` to a relative path, creating parent directories.
  func write(_ relative: String, _ text: String, mode: mode_t = 0o644) throws {
    let full = FileIO.join(path, relative)
    try FileIO.makeDirectories((full as NSString).deletingLastPathComponent)
    try FileIO.write(text, to: full, mode: mode)
  }

  /// The text of a relative path.
  func read(_ relative: String) throws -> String {
    try FileIO.readText(FileIO.join(path, relative))
  }

  /// The permission bits of a relative path.
  func mode(_ relative: String) -> mode_t {
    var st = stat()
    guard lstat(FileIO.join(path, relative), &st) == 0 else { return 0 }
    return st.st_mode & 0o7777
  }

  /// A copy of this directory (as staging would make it), keeping file modes.
  func copy() throws -> ConfigTestDir {
    let target = try ConfigTestDir()
    let result = try runProcess("/bin/cp", ["-a", path + "/.", target.path])
    guard result.status == 0 else { throw GageError.exec("cp failed: \(result.output)") }
    return target
  }
}

/// Runs a program and returns its exit status and standard output.
func runProcess(_ executable: String, _ arguments: [String], in directory: String? = nil) throws
  -> (status: Int32, output: String)
{
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = FileHandle.nullDevice
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
