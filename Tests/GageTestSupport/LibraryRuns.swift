import Foundation
import GageKit

/// Finished runs made in this process through the library (`TestProject.runInProcess`), for
/// the library tests of what takes runs: export and import, push and pull, verify, replay,
/// attest.
public enum LibraryRuns {
  /// What `make` writes to `out.txt`: text found nowhere else in a run (its command writes it
  /// with `printf`, so the command's text does not hold it).
  public static let output = "library-run-output\n"

  /// `make` writes `out.txt` (`output`), `sub/x.txt` and a link `link` → `out.txt`; `clock`
  /// writes a fresh random `stamp.txt` and a fixed `same.txt`.
  public static let operations: [String: JSONValue] = [
    "make": .object([
      "exec": .string(
        "sh -c 'printf \"library-run-%s\\n\" output > out.txt; mkdir -p sub; echo x > sub/x.txt; ln -s out.txt link'")
    ]),
    "clock": .object([
      "exec": .string("sh -c 'cat /proc/sys/kernel/random/uuid > stamp.txt; echo same > same.txt'")
    ]),
  ]

  /// A project with those operations and `count` finished runs of `operation` in its runs
  /// dir, oldest first.
  public static func project(
    runs count: Int = 1, operation: String = "make"
  ) throws -> (
    project: TestProject, runs: [Run]
  ) {
    let project = try TestProject(operations: operations, files: ["train.py": "print('train')\n"])
    var made: [Run] = []
    for _ in 0..<count {
      let run = try project.runInProcess(operation)
      guard run.status == .completed else { throw GageError.exec("run \(run.id) of \(operation) is \(run.status)") }
      made.append(run)
    }
    return (project, made)
  }

  /// Makes `path` (a file of a finished run, read-only) and its directory writable, so that
  /// a test can change it behind the run's back.
  public static func unlock(_ path: String) throws {
    try FileIO.makeWritable((path as NSString).deletingLastPathComponent)
    if FileIO.exists(path) { try FileIO.makeWritable(path) }
  }

  /// Changes the run file `relative` of `run` (default: `out.txt`) behind the run's back.
  public static func tamper(_ run: Run, _ relative: String = "out.txt", text: String = "changed\n") throws {
    let path = FileIO.join(run.runDir, relative)
    try unlock(path)
    try writeFile(path, text)
  }

  /// How many files `run`'s records list: run files in its manifest, meta files in its seal.
  public static func recordedFiles(_ run: Run) throws -> Int {
    let manifest = try Manifest.read(path: run.metaPath(MetaFile.manifest)).entries.count
    let sealPath = run.metaPath(MetaFile.seal)
    return try manifest + Seal.parse(try FileIO.readText(sealPath), source: sealPath).count
  }
}
