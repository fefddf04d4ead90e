import ArgumentParser
import Foundation
import GageKit

extension Provenance {
  /// `gage attest`: `sign` (the default), `keygen`, `verify`.
  struct Attest: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a provenance attestation of a run (in-toto / SLSA), sign it, or check one.",
      discussion: """
        Prints an in-toto Statement v1 with an SLSA Provenance v1 predicate: its subjects are \
        the files the run generated (name and SHA-256), its build definition the operation, \
        config, command, source commit and source files. With --key, a DSSE envelope signed \
        with an Ed25519 key. Only finished runs that still verify are attested. See docs/attest.md.

          gage attest keygen me                    me.key (private) and me.pub
          gage attest                              the latest run's statement
          gage attest 2 --key me.key -o run.att    run 2's, signed, into run.att
          gage attest verify run.att --pub me.pub

        verify checks the signature, then every subject against the run it names (found by \
        id in the runs dir): exit 0 when everything matches, 3 when the signature or a subject \
        does not, 1 on an error. The flag spellings attest --keygen NAME and attest --verify \
        FILE [--pub KEY] work too.
        """,
      subcommands: [Sign.self, Keygen.self, Verify.self],
      defaultSubcommand: Sign.self
    )
  }
}

extension Provenance.Attest {
  /// `gage attest sign` (the default: `gage attest [RUN]`).
  struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print or write a run's attestation, signed with --key.")

    @Argument(help: "The run (default: the latest): an index, or a prefix of its id or name.")
    var spec: String?

    @Option(
      name: [.customShort("w"), .long],
      help: ArgumentHelp("Pick among runs matching EXPR.", valueName: "EXPR"))
    var `where`: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE instead of printing.", valueName: "FILE"))
    var output: String?

    @Option(help: ArgumentHelp("Sign with this private key (NAME.key): print a DSSE envelope.", valueName: "KEY"))
    var key: String?

    @Option(help: ArgumentHelp("Write a new key pair (as gage attest keygen NAME).", valueName: "NAME", visibility: .hidden))
    var keygen: String?

    @Option(help: ArgumentHelp("Check an attestation (as gage attest verify FILE).", valueName: "FILE", visibility: .hidden))
    var verify: String?

    @Option(help: ArgumentHelp("With --verify: the public key that must have signed it.", valueName: "KEY", visibility: .hidden))
    var pub: String?

    @OptionGroup var runs: RunsOptions

    func validate() throws {
      let attesting = spec != nil || self.where != nil || output != nil || key != nil
      if keygen != nil {
        if attesting || verify != nil || pub != nil || runs.runsDir != nil {
          throw ValidationError("--keygen NAME takes no other option")
        }
      } else if verify != nil {
        if attesting { throw ValidationError("--verify FILE takes only --pub KEY and --runs DIR") }
      } else if pub != nil {
        throw ValidationError("--pub goes with --verify FILE; to sign, use --key KEY")
      }
    }

    func run() throws {
      if let keygen { return try Keygen.generate(keygen) }
      if let verify { return try Verify.check(verify, pub: pub, runsDir: try runs.resolve()) }
      try attest()
    }

    /// Prints or writes the statement (signed with `--key`).
    private func attest() throws {
      let signer = try key.map { try SigningKey.read(path: Provenance.Attest.keyPath($0, suffix: ".key")) }
      let catalog = try runs.catalog()
      defer { catalog.save() }
      let query = RunQuery(specs: [spec ?? "1"], filter: try RunSelectionOptions.filter(self.where))
      let record = try query.one(catalog)
      let statement = try Attestation.statement(for: record.run, gageVersion: Gage.version)
      var document = statement
      if let signer {
        document = try DSSEEnvelope.sign(payload: Attestation.payload(statement), key: signer).json
      }
      let text = Attestation.text(document)
      guard let output else {
        Console.write(Array(text.utf8))
        return
      }
      try Attestation.write(text, to: output)
      let count = statement["subject"]?.arrayValue?.count ?? 0
      let what = signer.map { "signed attestation (key id \($0.publicKey.keyID))" } ?? "unsigned attestation"
      Console.print(
        "wrote \(what) of run \(Console.printable(record.name)), \(count) subject\(count == 1 ? "" : "s"), to \(Console.printable(output))")
    }
  }

  /// `gage attest keygen NAME`.
  struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a new Ed25519 key pair NAME.key (private, mode 0600) and NAME.pub.")

    @Argument(help: ArgumentHelp("The key pair's name (a path without .key/.pub).", valueName: "NAME"))
    var name: String

    func run() throws {
      try Self.generate(name)
    }

    /// Writes a key pair.
    static func generate(_ name: String) throws {
      let made = try SigningKey.generatePair(name: name)
      Console.print(
        "wrote \(Console.printable(made.privatePath)) (private: keep it secret) and \(Console.printable(made.publicPath))")
      Console.print("key id \(made.key.publicKey.keyID)")
    }

  }

  /// `gage attest verify FILE [--pub KEY]`.
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check an attestation (envelope or bare statement) against its run.",
      discussion: "Exit 0 when everything matches, 3 when the signature or a subject does not, 1 on an error.")

    @Argument(help: ArgumentHelp("The attestation.", valueName: "FILE"))
    var file: String

    @Option(help: ArgumentHelp("The public key (NAME.pub) that must have signed it.", valueName: "KEY"))
    var pub: String?

    @OptionGroup var runs: RunsOptions

    func run() throws {
      try Self.check(file, pub: pub, runsDir: try runs.resolve())
    }

    /// Checks an attestation file; exit 3 when something does not match.
    static func check(_ file: String, pub: String?, runsDir: String) throws {
      let document = try AttestationDocument.read(path: file)
      let publicKey = try pub.map { try VerifyingKey.read(path: Provenance.Attest.keyPath($0, suffix: ".pub")) }
      let report = try AttestationCheck.check(document, key: publicKey, runsDir: runsDir)
      let runText = Console.printable(report.run.map { "run \($0.nameAndID)" } ?? "run \(document.runID)")
      let file = Console.printable(file)
      let signature: String
      switch report.signature {
      case .unsigned: signature = "unsigned"
      case .verified(let keyID): signature = "signed by key id \(Console.printable(keyID))"
      case .failed(let why):
        Console.print("\(file): FAILED: \(Console.printable(why))")
        throw ExitCode(3)
      }
      let subjects = "\(report.subjects) subject\(report.subjects == 1 ? "" : "s")"
      if report.ok {
        Console.print("\(file): ok (\(signature), \(runText), \(subjects))")
        return
      }
      Console.print("\(file): FAILED (\(signature), \(runText), \(subjects))")
      for problem in report.problems { Console.print("  \(Console.printable(problem))") }
      throw ExitCode(3)
    }
  }
}

extension Provenance.Attest {
  /// `path`, or `path` + `suffix` when only that exists (`--key me` for `me.key`).
  static func keyPath(_ path: String, suffix: String) -> String {
    if !FileIO.exists(path), !path.hasSuffix(suffix), FileIO.exists(path + suffix) { return path + suffix }
    return path
  }
}
