import Foundation
import GageKit
import GageTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A git project whose `train` operation generates two files from a configured `lr`, with a
/// data file staged as a dependency, an `evaluate` operation that depends on a train run,
/// and a `quiet` operation that generates nothing.
enum AttestFixture {
  /// The remote the project's repository has, with a secret that must never show.
  static let remote = "https://user:secret@example.com/lab/proj.git"

  static var operations: [String: JSONValue] {
    [
      "train": .object([
        "exec": .string("\(HostTools.python) train.py"),
        "config": .string("train.py"),
        "depends": .array([.object(["files": .array([.string("data.csv")])])]),
      ]),
      "evaluate": .object([
        "exec": .string("sh -c 'cat model.bin > report.txt'"),
        "depends": .array([.object(["run-select": .string("train"), "files": .array([.string("model.bin")])])]),
      ]),
      "quiet": .object(["exec": .string("true")]),
    ]
  }

  static let trainPy = """
    import os
    lr = 0.1
    open("model.bin", "w").write("weights %s\\n" % lr)
    os.makedirs("eval", exist_ok=True)
    open("eval/metrics.txt", "w").write("loss 0.5\\n")
    print("trained")

    """

  /// The project, committed on `main` with remote `origin`; no runs yet.
  static func project() throws -> TestProject {
    let project = try TestProject(
      operations: operations,
      files: ["train.py": trainPy, "data.csv": "x,y\n1,2\n", ".gitignore": "data.csv\n.gage/\n"])
    try GitRepo.make(at: project.dir, commit: true)
    try GitRepo.run(["remote", "add", "origin", remote], in: project.dir)
    return project
  }

  /// Runs `gage run -y -q args...`, which must succeed, and returns the new run.
  @discardableResult
  static func run(_ project: TestProject, _ args: [String]) throws -> Run {
    let result = try project.gage(["run", "-y", "-q"] + args)
    guard result.exitCode == 0, let run = project.runs().first else {
      throw GageError.exec("gage run failed: \(result)")
    }
    return run
  }

  /// `gage attest args...`, which must succeed; its stdout parsed as JSON.
  static func attest(_ project: TestProject, _ args: [String] = []) throws -> JSONValue {
    let result = try project.gage(["attest"] + args)
    guard result.exitCode == 0 else { throw GageError.exec("gage attest failed: \(result)") }
    return try JSONValue.parse(result.stdout)
  }

  /// A Python with the `cryptography` package (the independent Ed25519 and DSSE check):
  /// `python3` on PATH, else Debian's (`python3-cryptography`, Scripts/bootstrap installs it).
  static let cryptoPython: String? = {
    var candidates: [String] = []
    if let onPath = HostTools.findOnPath("python3") { candidates.append(onPath) }
    candidates.append("/usr/bin/python3")
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
      let probe = try? Command.run(candidate, ["-c", "import cryptography.hazmat.primitives.asymmetric.ed25519"], in: "/")
      if probe?.exitCode == 0 { return candidate }
    }
    return nil
  }()

  /// Runs Python `script` with `arguments` in `dir` with `cryptoPython`.
  static func python(_ script: String, _ arguments: [String], in dir: String) throws -> CommandResult {
    let path = FileIO.join(dir, "script-\(UUID().uuidString).py")
    try writeFile(path, script)
    return try Command.run(cryptoPython ?? "python3", [path] + arguments, in: dir)
  }

  /// Checks a DSSE envelope with a public key file on its own: decodes the payload, builds
  /// the PAE itself, verifies the Ed25519 signature and the key id; prints the payload.
  static let verifyScript = #"""
    import base64, hashlib, json, sys
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    envelope = json.load(open(sys.argv[1]))
    raw = base64.b64decode(open(sys.argv[2]).read().rstrip("\n"), validate=True)
    assert len(raw) == 32, len(raw)
    body = base64.b64decode(envelope["payload"], validate=True)
    ptype = envelope["payloadType"].encode()
    pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype, len(body), body)
    [signature] = envelope["signatures"]
    assert signature["keyid"] == hashlib.sha256(raw).hexdigest(), signature["keyid"]
    Ed25519PublicKey.from_public_bytes(raw).verify(base64.b64decode(signature["sig"]), pae)
    sys.stdout.write(body.decode())
    """#

  /// Signs a statement file into a DSSE envelope with a private key file on its own:
  /// `sign.py STATEMENT KEY OUT`.
  static let signScript = #"""
    import base64, hashlib, json, sys
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    body = json.dumps(json.load(open(sys.argv[1])), sort_keys=True).encode()
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(open(sys.argv[2]).read()))
    pub = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ptype = b"application/vnd.in-toto+json"
    pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype, len(body), body)
    envelope = {
        "payloadType": ptype.decode(),
        "payload": base64.b64encode(body).decode(),
        "signatures": [{"keyid": hashlib.sha256(pub).hexdigest(), "sig": base64.b64encode(key.sign(pae)).decode()}],
    }
    json.dump(envelope, open(sys.argv[3], "w"))
    """#

  /// `statement` with its subjects changed by `edit`.
  static func editingSubjects(_ statement: JSONValue, _ edit: (inout [JSONValue]) -> Void) -> JSONValue {
    guard case .object(var o) = statement, var subjects = o["subject"]?.arrayValue else { return statement }
    edit(&subjects)
    o["subject"] = .array(subjects)
    return .object(o)
  }
}

/// `gage attest`: provenance statements, keys, DSSE signatures and their verification.
@Suite("gage attest", .serialized)
struct AttestTests {
  @Test(
    "The statement's subjects are the run's generated files with their manifest digests; the predicate records op, config, command, commit, source files and times"
  )
  func statementDescribesRun() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    let run = try AttestFixture.run(project, ["train", "lr=0.2"])
    let statement = try AttestFixture.attest(project)

    #expect(statement["_type"]?.stringValue == "https://in-toto.io/Statement/v1")
    #expect(statement["predicateType"]?.stringValue == "https://slsa.dev/provenance/v1")
    let manifest = try Manifest.read(path: run.metaPath(MetaFile.manifest))
    let generated = manifest.entries.filter { $0.type == .generated }
    #expect(generated.map(\.path) == ["eval/metrics.txt", "model.bin"])
    let subjects = try #require(statement["subject"]?.arrayValue)
    #expect(subjects.map { $0["name"]?.stringValue ?? "" } == generated.map(\.path), "sorted by name")
    for (subject, entry) in zip(subjects, generated) {
      #expect(subject["digest"]?["sha256"]?.stringValue == entry.digest)
      #expect(entry.digest == (try FileDigest.ofFile(FileIO.join(run.runDir, entry.path))))
    }

    let definition = try #require(statement["predicate"]?["buildDefinition"])
    #expect(definition["buildType"]?.stringValue == "https://gage-swift.dev/run/v1")
    let external = try #require(definition["externalParameters"])
    #expect(external["operation"]?.stringValue == "train")
    #expect(external["opref"]?["name"]?.stringValue == "train")
    #expect(external["opref"]?["namespace"]?.stringValue == "project")
    #expect(external["config"] == (try JSONValue.read(path: run.metaPath(MetaFile.config))))
    #expect(external["config"]?["lr"] == .double(0.2))
    #expect(external["command"] == (try JSONValue.read(path: run.metaPath(MetaFile.cmd))))
    #expect(definition["internalParameters"]?["env"] == (try JSONValue.read(path: run.metaPath(MetaFile.env))))

    let dependencies = try #require(definition["resolvedDependencies"]?.arrayValue)
    let git = try #require(dependencies.first)
    let head = try GitRepo.run(["rev-parse", "HEAD"], in: project.dir).trimmingCharacters(in: .whitespacesAndNewlines)
    let gitJSON = try JSONValue.read(path: run.metaPath(MetaFile.gitSource))
    #expect(git["digest"]?["gitCommit"]?.stringValue == head)
    #expect(gitJSON["commit"]?.stringValue == head)
    #expect(git["uri"]?.stringValue == "git+https://example.com/lab/proj.git@refs/heads/main")
    #expect(git["annotations"]?["dirty"] == .bool(false))
    #expect(git["annotations"]?["branch"]?.stringValue == "main")
    #expect(git["annotations"]?["tree"] == gitJSON["tree"])
    #expect(git["annotations"]?["diff_sha256"] == nil)
    let files = dependencies.dropFirst()
    let inputs = manifest.entries.filter { $0.type == .source || $0.type == .dependency }
    #expect(files.map { $0["name"]?.stringValue ?? "" } == inputs.map(\.path))
    for (file, entry) in zip(files, inputs) {
      #expect(file["digest"]?["sha256"]?.stringValue == entry.digest)
      #expect(file["annotations"]?["type"]?.stringValue == entry.type.label)
    }
    #expect(inputs.contains { $0.path == "data.csv" && $0.type == .dependency })
    #expect(inputs.contains { $0.path == "train.py" && $0.type == .source })

    let details = try #require(statement["predicate"]?["runDetails"])
    #expect(details["builder"]?["id"]?.stringValue == "https://gage-swift.dev/builder/v1")
    let version = try project.gage(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(details["builder"]?["version"] == .object(["gage": .string(version)]))
    let started = try #require(Int64(try readFile(run.metaPath(MetaFile.started))))
    let stopped = try #require(Int64(try readFile(run.metaPath(MetaFile.stopped))))
    #expect(details["metadata"]?["invocationId"]?.stringValue == run.id)
    #expect(details["metadata"]?["startedOn"]?.stringValue == RunClock.iso(micros: started))
    #expect(details["metadata"]?["finishedOn"]?.stringValue == RunClock.iso(micros: stopped))
    let exit = try #require(details["byproducts"]?.arrayValue?.first { $0["name"]?.stringValue == ".meta/proc/exit" })
    #expect(exit["annotations"]?["status"]?.stringValue == "completed")
    #expect(exit["annotations"]?["exit_code"] == .int(0))
    #expect(exit["digest"]?["sha256"]?.stringValue == (try FileDigest.ofFile(run.metaPath(MetaFile.exit))))

    let text = try project.gage(["attest", run.name]).stdout
    #expect(!text.contains("secret"), "credentials never show")
    #expect(text == Attestation.text(statement), "pretty JSON, sorted keys, a final newline")
  }

  @Test("A dirty work tree: the commit carries dirty, the diff's digest and untracked files; file digests are the staged bytes")
  func dirtySource() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    try writeFile(FileIO.join(project.dir, "train.py"), AttestFixture.trainPy.replacingOccurrences(of: "0.1", with: "0.3"))
    try writeFile(FileIO.join(project.dir, "notes.txt"), "new\n")
    let run = try AttestFixture.run(project, ["train"])
    let statement = try AttestFixture.attest(project)
    let dependencies = try #require(statement["predicate"]?["buildDefinition"]?["resolvedDependencies"]?.arrayValue)
    let annotations = try #require(dependencies.first?["annotations"])
    #expect(annotations["dirty"] == .bool(true))
    #expect(annotations["diff_sha256"]?.stringValue == (try FileDigest.ofFile(run.metaPath(MetaFile.gitPatch))))
    #expect(annotations["untracked"] == .array([.string("notes.txt")]))
    let train = try #require(dependencies.first { $0["name"]?.stringValue == "train.py" })
    #expect(train["digest"]?["sha256"]?.stringValue == (try FileDigest.ofFile(FileIO.join(run.runDir, "train.py"))))
  }

  @Test("A file staged from another run names that run")
  func runDependency() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    let train = try AttestFixture.run(project, ["train"])
    try AttestFixture.run(project, ["evaluate"])
    let statement = try AttestFixture.attest(project)
    #expect(statement["subject"]?.arrayValue?.map { $0["name"]?.stringValue ?? "" } == ["report.txt"])
    let dependencies = try #require(statement["predicate"]?["buildDefinition"]?["resolvedDependencies"]?.arrayValue)
    let model = try #require(dependencies.first { $0["name"]?.stringValue == "model.bin" })
    #expect(model["annotations"]?["type"]?.stringValue == "dependency")
    #expect(model["annotations"]?["run"]?.stringValue == train.id)
  }

  @Test("--keygen writes NAME.key (0600) and NAME.pub: 32 raw bytes in base64 and a newline; never overwrites")
  func keygen() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    let name = project.tmp.path("keys", "me")
    try FileIO.makeDirectories(project.tmp.path("keys"))
    let result = try project.gage(["attest", "--keygen", name])
    #expect(result.exitCode == 0, "\(result)")
    var modes: [String: mode_t] = [:]
    var raws: [String: [UInt8]] = [:]
    for suffix in [".key", ".pub"] {
      var st = stat()
      #expect(lstat(name + suffix, &st) == 0)
      modes[suffix] = st.st_mode & 0o777
      let text = try readFile(name + suffix)
      #expect(text.hasSuffix("\n") && text.filter { $0 == "\n" }.count == 1, "one line: \(text)")
      let raw = try #require(Data(base64Encoded: text.trimmingCharacters(in: .newlines)))
      #expect(raw.count == 32)
      #expect(text.utf8.count == 45, "44 base64 characters and a newline")
      raws[suffix] = Array(raw)
    }
    #expect(modes == [".key": 0o600, ".pub": 0o644])
    #expect(raws[".key"] != raws[".pub"])
    let keyID = FileDigest.hex(raws[".pub"] ?? [])
    #expect(result.stdout.contains("key id \(keyID)"), "\(result)")
    #expect(try SigningKey.read(path: name + ".key").publicKey.raw == raws[".pub"])

    let before = try readFile(name + ".key")
    let again = try project.gage(["attest", "--keygen", name])
    #expect(again.exitCode == 1, "\(again)")
    #expect(again.stderr.contains("\(name).key already exists"), "\(again)")
    #expect(try readFile(name + ".key") == before)

    // One half present: nothing is written.
    let half = project.tmp.path("keys", "half")
    try writeFile(half + ".pub", "mine\n")
    let refused = try project.gage(["attest", "--keygen", half])
    #expect(refused.exitCode == 1, "\(refused)")
    #expect(refused.stderr.contains("half.pub already exists"), "\(refused)")
    #expect(!FileIO.exists(half + ".key"))
    #expect(try readFile(half + ".pub") == "mine\n")
  }

  @Test(
    "A signed attestation is a DSSE envelope that Python's cryptography verifies over a PAE it builds itself",
    .enabled(
      if: AttestFixture.cryptoPython != nil, "no Python with the cryptography package (Scripts/bootstrap installs python3-cryptography)"))
  func signatureVerifiesIndependently() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    let run = try AttestFixture.run(project, ["train"])
    let key = project.tmp.path("me")
    #expect(try project.gage(["attest", "--keygen", key]).exitCode == 0)
    let out = project.tmp.path("run.att")
    let signed = try project.gage(["attest", "--key", key + ".key", "-o", out])
    #expect(signed.exitCode == 0, "\(signed)")
    #expect(signed.stdout.contains("signed attestation"), "\(signed)")
    let envelope = try JSONValue.read(path: out)
    #expect(envelope["payloadType"]?.stringValue == "application/vnd.in-toto+json")
    #expect(envelope["signatures"]?.arrayValue?.count == 1)

    let checked = try AttestFixture.python(AttestFixture.verifyScript, [out, key + ".pub"], in: project.tmp.path)
    #expect(checked.exitCode == 0, "\(checked)")
    let payload = try JSONValue.parse(checked.stdout)
    #expect(payload == (try AttestFixture.attest(project, [run.id])), "the payload is the statement")

    // Another key's public half: the independent check fails too.
    let other = project.tmp.path("other")
    #expect(try project.gage(["attest", "--keygen", other]).exitCode == 0)
    let wrong = try AttestFixture.python(AttestFixture.verifyScript, [out, other + ".pub"], in: project.tmp.path)
    #expect(wrong.exitCode != 0, "\(wrong)")
  }

  @Test("--verify: a signed attestation with its public key, and a bare statement, are ok (exit 0)")
  func verifyOK() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    let run = try AttestFixture.run(project, ["train"])
    let key = project.tmp.path("me")
    #expect(try project.gage(["attest", "--keygen", key]).exitCode == 0)
    let signed = project.tmp.path("run.att")
    #expect(try project.gage(["attest", "--key", key, "-o", signed]).exitCode == 0, "--key NAME finds NAME.key")
    let keyID = try VerifyingKey.read(path: key + ".pub").keyID

    let ok = try project.gage(["attest", "--verify", signed, "--pub", key + ".pub"])
    #expect(ok.exitCode == 0, "\(ok)")
    #expect(ok.stdout.contains("\(signed): ok (signed by key id \(keyID), run \(run.name)"), "\(ok)")
    #expect(ok.stdout.contains("2 subjects"), "\(ok)")

    let bare = project.tmp.path("run.json")
    let wrote = try project.gage(["attest", "-o", bare])
    #expect(wrote.exitCode == 0, "\(wrote)")
    #expect(wrote.stdout.contains("unsigned attestation of run \(run.name)"), "\(wrote)")
    let unsigned = try project.gage(["attest", "--verify", bare])
    #expect(unsigned.exitCode == 0, "\(unsigned)")
    #expect(unsigned.stdout.contains("ok (unsigned"), "\(unsigned)")

    // From another directory, with --runs.
    let elsewhere = try project.gage(["attest", "--verify", signed, "--pub", key, "--runs", project.runsDir], in: project.tmp.path)
    #expect(elsewhere.exitCode == 0, "\(elsewhere)")
    #expect(project.runsDirEntries().filter { $0.hasSuffix(".tmp") }.isEmpty)
  }

  @Test("--verify: another key's signature, an edited payload, a stripped signature, or a signed file without --pub")
  func verifyBadSignatures() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    try AttestFixture.run(project, ["train"])
    let key = project.tmp.path("me")
    let other = project.tmp.path("other")
    #expect(try project.gage(["attest", "--keygen", key]).exitCode == 0)
    #expect(try project.gage(["attest", "--keygen", other]).exitCode == 0)
    let signed = project.tmp.path("run.att")
    #expect(try project.gage(["attest", "--key", key + ".key", "-o", signed]).exitCode == 0)
    let keyID = try VerifyingKey.read(path: key + ".pub").keyID
    let otherID = try VerifyingKey.read(path: other + ".pub").keyID

    let wrongKey = try project.gage(["attest", "--verify", signed, "--pub", other + ".pub"])
    #expect(wrongKey.exitCode == 3, "\(wrongKey)")
    #expect(
      wrongKey.stdout.contains("FAILED: the signature does not verify with key id \(otherID); it names key id \(keyID)"), "\(wrongKey)")

    // The payload edited (a subject's digest), signature kept.
    let envelope = try JSONValue.read(path: signed)
    let payload = try #require(Data(base64Encoded: envelope["payload"]?.stringValue ?? ""))
    let edited = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "\"model.bin\"", with: "\"model.bim\"")
    guard case .object(var o) = envelope else { throw GageError.invalidData("not an object") }
    o["payload"] = .string(Data(edited.utf8).base64EncodedString())
    let tampered = project.tmp.path("tampered.att")
    try writeFile(tampered, JSONValue.object(o).prettyPrinted())
    let badPayload = try project.gage(["attest", "--verify", tampered, "--pub", key + ".pub"])
    #expect(badPayload.exitCode == 3, "\(badPayload)")
    #expect(badPayload.stdout.contains("the signature does not verify with key id \(keyID)"), "\(badPayload)")

    // The statement without its envelope, checked with a key: a stripped signature.
    let bare = project.tmp.path("bare.json")
    try writeFile(bare, String(decoding: payload, as: UTF8.self))
    let stripped = try project.gage(["attest", "--verify", bare, "--pub", key + ".pub"])
    #expect(stripped.exitCode == 3, "\(stripped)")
    #expect(stripped.stdout.contains("unsigned statement, but a signature by key id \(keyID) was asked for"), "\(stripped)")

    // No signatures at all.
    o["signatures"] = .array([])
    o["payload"] = envelope["payload"]
    let none = project.tmp.path("none.att")
    try writeFile(none, JSONValue.object(o).prettyPrinted())
    let noSignature = try project.gage(["attest", "--verify", none, "--pub", key + ".pub"])
    #expect(noSignature.exitCode == 3, "\(noSignature)")
    #expect(noSignature.stdout.contains("no signatures"), "\(noSignature)")

    let noKey = try project.gage(["attest", "--verify", signed])
    #expect(noKey.exitCode == 1, "\(noKey)")
    #expect(noKey.stderr.contains("\(signed) is signed; give the public key to check it with --pub KEY"), "\(noKey)")
  }

  @Test("--verify: an edited subject digest, a missing subject, an extra subject are each named (exit 3)")
  func verifyBadSubjects() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    try AttestFixture.run(project, ["train"])
    let statement = try AttestFixture.attest(project)
    let zeros = String(repeating: "0", count: 64)
    let cases: [(String, JSONValue, [String])] = [
      (
        "edited",
        AttestFixture.editingSubjects(statement) { s in
          s[1] = .object(["name": .string("model.bin"), "digest": .object(["sha256": .string(zeros)])])
        },
        ["subject model.bin: sha256 \(zeros) in the attestation"]
      ),
      (
        "missing", AttestFixture.editingSubjects(statement) { s in s.removeFirst() },
        ["eval/metrics.txt: generated by the run but not a subject of the attestation"]
      ),
      (
        "extra",
        AttestFixture.editingSubjects(statement) { s in
          s.append(.object(["name": .string("weights.bin"), "digest": .object(["sha256": .string(zeros)])]))
        },
        ["subject weights.bin: the run has no such file"]
      ),
      (
        "source",
        AttestFixture.editingSubjects(statement) { s in
          s.append(.object(["name": .string("train.py"), "digest": .object(["sha256": .string(zeros)])]))
        },
        ["subject train.py: a source file of the run, not a generated one"]
      ),
    ]
    for (name, edited, expected) in cases {
      let file = project.tmp.path("\(name).json")
      try writeFile(file, edited.prettyPrinted())
      let result = try project.gage(["attest", "--verify", file])
      #expect(result.exitCode == 3, "\(name): \(result)")
      #expect(result.stdout.contains("\(file): FAILED (unsigned"), "\(name): \(result)")
      for line in expected { #expect(result.stdout.contains("  " + line), "\(name): \(result)") }
    }
  }

  @Test(
    "--verify: statements signed by an independent implementation verify, and their edited subjects are still named",
    .enabled(
      if: AttestFixture.cryptoPython != nil, "no Python with the cryptography package (Scripts/bootstrap installs python3-cryptography)"))
  func verifyIndependentSignatures() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    try AttestFixture.run(project, ["train"])
    let key = project.tmp.path("me")
    #expect(try project.gage(["attest", "--keygen", key]).exitCode == 0)
    let statement = try AttestFixture.attest(project)
    let extra = AttestFixture.editingSubjects(statement) { s in
      s.append(.object(["name": .string("weights.bin"), "digest": .object(["sha256": .string(String(repeating: "a", count: 64))])]))
    }
    for (name, document, code) in [("good", statement, Int32(0)), ("extra", extra, Int32(3))] {
      let input = project.tmp.path("\(name).json")
      let output = project.tmp.path("\(name).att")
      try writeFile(input, document.prettyPrinted())
      let signed = try AttestFixture.python(AttestFixture.signScript, [input, key + ".key", output], in: project.tmp.path)
      #expect(signed.exitCode == 0, "\(signed)")
      let result = try project.gage(["attest", "--verify", output, "--pub", key + ".pub"])
      #expect(result.exitCode == code, "\(name): \(result)")
      #expect(result.stdout.contains("signed by key id"), "\(name): \(result)")
      if code == 3 { #expect(result.stdout.contains("subject weights.bin: the run has no such file"), "\(result)") }
    }
  }

  @Test("Malformed keys are refused with the file named: not base64, a wrong length, PEM, the wrong half, missing")
  func malformedKeys() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    try AttestFixture.run(project, ["train"])
    let key = project.tmp.path("me")
    #expect(try project.gage(["attest", "--keygen", key]).exitCode == 0)
    let bare = project.tmp.path("run.json")
    #expect(try project.gage(["attest", "-o", bare]).exitCode == 0)
    let short = try project.tmp.write("short.key", Data(repeating: 7, count: 31).base64EncodedString() + "\n")
    let notBase64 = try project.tmp.write("junk.key", "this is not base64!\n")
    let pem = try project.tmp.write("pem.key", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n")
    let shortPub = try project.tmp.write("short.pub", Data(repeating: 7, count: 33).base64EncodedString() + "\n")
    let cases: [([String], String)] = [
      (["--key", short], "\(short) is not an Ed25519 private key: it holds 31 bytes, a key has 32"),
      (["--key", notBase64], "\(notBase64) is not a private key file: its content is not base64"),
      (["--key", pem], "\(pem) is a PEM file"),
      (["--key", key + ".pub"], "\(key).pub is a public key; sign with the private key (\(key).key)"),
      (["--key", project.tmp.path("nope.key")], "\(project.tmp.path("nope.key")) does not exist"),
      (["--verify", bare, "--pub", shortPub], "\(shortPub) is not an Ed25519 public key: it holds 33 bytes"),
      (["--verify", bare, "--pub", key + ".key"], "\(key).key is a private key; check signatures with the public key"),
    ]
    let out = project.tmp.path("out.att")
    for (args, message) in cases {
      let result = try project.gage(["attest"] + args + (args[0] == "--key" ? ["-o", out] : []))
      #expect(result.exitCode == 1, "\(args): \(result)")
      #expect(result.stderr.contains(message), "\(args): \(result)")
      #expect(!FileIO.exists(out), "nothing is written")
    }
  }

  @Test("Malformed attestations are errors naming the file (exit 1)")
  func malformedDocuments() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    try AttestFixture.run(project, ["train"])
    let key = project.tmp.path("me")
    #expect(try project.gage(["attest", "--keygen", key]).exitCode == 0)
    let statement = try AttestFixture.attest(project)
    func envelope(payload: String, type: String = "application/vnd.in-toto+json") -> String {
      JSONValue.object([
        "payloadType": .string(type), "payload": .string(payload),
        "signatures": .array([.object(["keyid": .string("x"), "sig": .string("AAAA")])]),
      ]).prettyPrinted()
    }
    guard case .object(var wrongType) = statement else { throw GageError.invalidData("not an object") }
    wrongType["predicateType"] = .string("https://slsa.dev/provenance/v0.2")
    let cases: [(String, String, String)] = [
      ("truncated", "{\"_type\": ", "truncated.json:1:"),
      ("array", "[1, 2]", "an attestation is a JSON object, not an array"),
      ("badbase64", envelope(payload: "%%%"), "not a DSSE envelope: the payload is not base64"),
      ("notjson", envelope(payload: Data("hello".utf8).base64EncodedString()), "the envelope's payload is not JSON"),
      ("othertype", envelope(payload: "e30=", type: "text/plain"), "payloadType is \"text/plain\""),
      ("nosigs", "{\"payloadType\": \"application/vnd.in-toto+json\", \"payload\": \"e30=\"}", "no signatures array"),
      ("notype", "{\"subject\": []}", "no _type: not an in-toto statement"),
      ("slsa02", JSONValue.object(wrongType).prettyPrinted(), "predicateType is https://slsa.dev/provenance/v0.2"),
    ]
    for (name, text, message) in cases {
      let file = try project.tmp.write("\(name).json", text)
      let result = try project.gage(["attest", "--verify", file, "--pub", key + ".pub"])
      #expect(result.exitCode == 1, "\(name): \(result)")
      #expect(result.stderr.contains(file), "\(name): \(result)")
      #expect(result.stderr.contains(message), "\(name): \(result)")
    }
    let missing = try project.gage(["attest", "--verify", project.tmp.path("nope.json")])
    #expect(missing.exitCode == 1, "\(missing)")
    #expect(missing.stderr.contains("does not exist"), "\(missing)")
  }

  @Test("Only finished runs that still verify and generated files are attested; a file changed later fails --verify")
  func refusals() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    let run = try AttestFixture.run(project, ["train"])
    let bare = project.tmp.path("run.json")
    #expect(try project.gage(["attest", "-o", bare]).exitCode == 0)

    let quiet = try AttestFixture.run(project, ["quiet"])
    let nothing = try project.gage(["attest", quiet.id])
    #expect(nothing.exitCode == 1, "\(nothing)")
    #expect(nothing.stderr.contains("run \(quiet.name) (\(quiet.id.prefix(8))) generated no files"), "\(nothing)")

    let staged = try project.gage(["run", "-y", "-q", "--stage", "train"])
    #expect(staged.exitCode == 0, "\(staged)")
    let stagedRun = try #require(project.runs().first)
    let notRun = try project.gage(["attest", stagedRun.id])
    #expect(notRun.exitCode == 1, "\(notRun)")
    #expect(notRun.stderr.contains("is staged; only finished runs can be attested"), "\(notRun)")

    // A generated file changed after the run.
    let model = FileIO.join(run.runDir, "model.bin")
    chmod(model, 0o644)
    try writeFile(model, "other weights\n")
    let out = project.tmp.path("again.json")
    let changed = try project.gage(["attest", run.id, "-o", out])
    #expect(changed.exitCode == 1, "\(changed)")
    #expect(changed.stderr.contains("no longer verifies (modified model.bin)"), "\(changed)")
    #expect(!FileIO.exists(out))
    let verify = try project.gage(["attest", "--verify", bare])
    #expect(verify.exitCode == 3, "\(verify)")
    #expect(
      verify.stdout.contains(
        "subject model.bin: the file changed since the run (sha256 \(FileDigest.hex(Array("other weights\n".utf8))) now)"), "\(verify)")

    try FileIO.removeFile(model)
    let gone = try project.gage(["attest", "--verify", bare])
    #expect(gone.exitCode == 3, "\(gone)")
    #expect(gone.stdout.contains("subject model.bin: missing from the run dir"), "\(gone)")

    let elsewhere = try project.gage(["attest", "--verify", bare, "--runs", project.tmp.path("empty")])
    #expect(elsewhere.exitCode == 1, "\(elsewhere)")
    #expect(elsewhere.stderr.contains("the attested run \(run.id) is not in"), "\(elsewhere)")
  }

  @Test("Options that do not go together are usage errors (exit 64)")
  func usage() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    for args in [["--keygen", "k", "1"], ["--keygen", "k", "--verify", "x"], ["--pub", "k.pub"], ["--verify", "x", "--key", "k.key"]] {
      let result = try project.gage(["attest"] + args)
      #expect(result.exitCode == 64, "\(args): \(result)")
    }
    let help = try project.gage(["attest", "--help"])
    #expect(help.exitCode == 0)
    #expect(help.stdout.contains("--keygen") && help.stdout.contains("docs/attest.md"), "\(help)")
  }
}
