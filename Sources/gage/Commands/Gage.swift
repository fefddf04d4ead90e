import ArgumentParser
import GageKit

/// The `gage` command.
struct Gage: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "gage",
    abstract: "Run experiments as sealed, verifiable records.",
    discussion: """
      Gage stages each run from your project's source (what git sees), runs the \
      operation's phases with their output captured, and seals the result: a SHA-256 \
      manifest of every file, the config and command, and the git commit it came from.

      Start with a Gage file (gage.toml) in your project:

        [train]
        exec = "python train.py"
        config = "train.py"

      then:  gage run train lr=0.01   and   gage show
      """,
    version: version,
    subcommands: [
      Execution.RunCommand.self, Inspection.Runs.self, Inspection.Show.self, Inspection.Select.self,
      Inspection.Cat.self, Annotation.Label.self, Annotation.Comment.self, Management.Delete.self,
      Management.Restore.self, Provenance.Verify.self, Execution.Replay.self, Management.Purge.self,
      Execution.Stop.self, Archive.self, Remote.Push.self, Remote.Pull.self, Inspection.Operations.self,
      Inspection.Check.self, Provenance.Attest.self, Provenance.Diff.self, Provenance.Audit.self,
    ]
  )
}

/// The command groups: each command is a type nested in its group (`Execution.RunCommand`,
/// `Archive.Export`), in `Commands/<group>/`, so no command type takes a GageKit name.

/// `run`, `replay`, `stop`: making runs and stopping them.
enum Execution {}

/// `runs`, `show`, `select`, `cat`, `operations`, `check`: reading runs and the Gage file.
enum Inspection {}

/// `label`, `comment`: a run's user attributes.
enum Annotation {}

/// `delete`, `restore`, `purge`: the trash.
enum Management {}

/// `verify`, `diff`, `audit`, `attest`: what runs prove.
enum Provenance {}

/// `push`, `pull`: runs through git remotes.
enum Remote {}
