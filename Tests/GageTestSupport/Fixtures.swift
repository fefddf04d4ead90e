import Foundation
import GageKit

/// The seeds' sample project and the texts the seeds show.
public enum Seed {
  /// `say.py` of seeds 001 and 002.
  public static let sayPy = "msg = \"Hi there\"\nprint(msg)\n"

  /// SHA-256 of `sayPy`, as seed 001's manifest shows it.
  public static let sayPyDigest = "3f9c639e1d6b056c071b44752ea97c694127291443065afa2689bf78ef3b8fb0"

  /// Seed 001's manifest line.
  public static let manifestLine = "s \(sayPyDigest) say.py\n"

  /// Seed 001's meta listing after `exec_run`, before `finalize_run`.
  public static let metaAfterExec = """
    -r--r--r-- __schema__
    -r--r--r-- config.json
    -r--r--r-- id
    -r--r--r-- initialized
    -rw-rw-rw- log/files
    -rw-rw-rw- log/runner
    -rw-rw-rw- manifest
    -r--r--r-- opdef.json
    -r--r--r-- opref
    -r--r--r-- output/10_sourcecode
    -r--r--r-- output/10_sourcecode.index
    -r--r--r-- output/40_run
    -r--r--r-- output/40_run.index
    -r--r--r-- proc/cmd.json
    -r--r--r-- proc/env.json
    -r--r--r-- staged
    -r--r--r-- started
    """

  /// Seed 001's meta listing after `finalize_run`: every file read-only.
  public static let metaAfterFinalize = """
    -r--r--r-- __schema__
    -r--r--r-- config.json
    -r--r--r-- id
    -r--r--r-- initialized
    -r--r--r-- log/files
    -r--r--r-- log/runner
    -r--r--r-- manifest
    -r--r--r-- opdef.json
    -r--r--r-- opref
    -r--r--r-- output/10_sourcecode
    -r--r--r-- output/10_sourcecode.index
    -r--r--r-- output/40_run
    -r--r--r-- output/40_run.index
    -r--r--r-- proc/cmd.json
    -r--r--r-- proc/env.json
    -r--r--r-- proc/exit
    -r--r--r-- staged
    -r--r--r-- started
    -r--r--r-- stopped
    -r--r--r-- summary.json
    """

  /// The seed's `stage-sourcecode` command.
  public static var stageSourceCommand: String {
    "\(HostTools.python) -c \"print('Stage source')\""
  }

  /// The seed's `run` command.
  public static var runCommand: String { "\(HostTools.python) say.py" }

  /// `gage.json` for the seed 001 operation `test`.
  public static var gageJSON: String {
    JSONValue.object([
      "test": .object([
        "exec": .object([
          "stage-sourcecode": .string(stageSourceCommand),
          "run": .string(runCommand),
        ]),
        "config": .string("say.py"),
      ])
    ]).prettyPrinted()
  }

  /// Writes the seed project (`say.py` and `gage.json`) into `dir`.
  public static func writeProject(in dir: String) throws {
    try writeFile(FileIO.join(dir, "say.py"), sayPy)
    try writeFile(FileIO.join(dir, "gage.json"), gageJSON)
  }
}

/// A `gage.json` holding `operations` (name → the operation's table).
public func gageJSON(_ operations: [String: JSONValue]) -> String {
  JSONValue.object(operations).prettyPrinted()
}

/// The runs in a runs dir, newest first.
public func runs(in runsDir: String) -> [Run] {
  RunStore(path: runsDir).runs()
}
