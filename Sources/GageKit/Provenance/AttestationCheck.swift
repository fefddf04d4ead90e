import Foundation

/// An attestation file as `gage attest` writes it: a DSSE envelope holding a statement, or a
/// bare (unsigned) statement.
public struct AttestationDocument: Sendable {
  /// The envelope, when the file is signed.
  public var envelope: DSSEEnvelope?
  /// The statement.
  public var statement: JSONValue
  /// The file it came from (for messages).
  public var source: String

  /// Reads and parses `path`: malformed JSON, an envelope whose payload is not an in-toto
  /// statement, or a statement without the members Gage reads are errors naming the file.
  public static func read(path: String) throws -> AttestationDocument {
    guard FileIO.exists(path) else { throw GageError.notFound("\(path) does not exist") }
    let json = try JSONValue.read(path: path)
    return try parse(json, source: path)
  }

  /// Parses an attestation document's JSON; `source` names it in errors.
  public static func parse(_ json: JSONValue, source: String) throws -> AttestationDocument {
    guard case .object = json else {
      throw GageError.invalidData("\(source): an attestation is a JSON object, not \(json.typeDescription)")
    }
    if DSSEEnvelope.looksLikeEnvelope(json) {
      let envelope = try DSSEEnvelope(json: json, source: source)
      guard envelope.payloadType == DSSEEnvelope.inTotoPayloadType else {
        throw GageError.invalidData(
          "\(source): the envelope's payloadType is \"\(envelope.payloadType)\", not \(DSSEEnvelope.inTotoPayloadType)")
      }
      guard let text = String(validating: envelope.payload, as: UTF8.self) else {
        throw GageError.invalidData("\(source): the envelope's payload is not UTF-8 text")
      }
      let statement: JSONValue
      do {
        statement = try JSONValue.parse(text)
      } catch let error as JSONParseError {
        throw GageError.invalidData("\(source): the envelope's payload is not JSON (\(error.line):\(error.column): \(error.message))")
      }
      try validate(statement, source: source + " (payload)")
      return AttestationDocument(envelope: envelope, statement: statement, source: source)
    }
    try validate(json, source: source)
    return AttestationDocument(envelope: nil, statement: json, source: source)
  }

  /// Checks that `statement` is an in-toto statement of Gage's provenance with the members
  /// Gage reads.
  static func validate(_ statement: JSONValue, source: String) throws {
    func bad(_ what: String) -> GageError { .invalidData("\(source): \(what)") }
    guard case .object = statement else { throw bad("the statement is \(statement.typeDescription), not an object") }
    guard let type = statement["_type"]?.stringValue else { throw bad("no _type: not an in-toto statement") }
    guard type == Attestation.statementType else {
      throw bad("_type is \"\(type)\", not \(Attestation.statementType)")
    }
    let predicateType = statement["predicateType"]?.stringValue ?? "nothing"
    guard predicateType == Attestation.predicateType else {
      throw bad("predicateType is \(predicateType), not \(Attestation.predicateType)")
    }
    let buildType = statement["predicate"]?["buildDefinition"]?["buildType"]?.stringValue ?? "nothing"
    guard buildType == Attestation.buildType else {
      throw bad("buildType is \(buildType), not a Gage run (\(Attestation.buildType))")
    }
    guard let subjects = statement["subject"]?.arrayValue else { throw bad("no subject array") }
    for (n, subject) in subjects.enumerated() {
      guard subject["name"]?.stringValue != nil else { throw bad("subject \(n + 1) has no name") }
      guard subject["digest"]?["sha256"]?.stringValue != nil else { throw bad("subject \(n + 1) has no sha256 digest") }
    }
    guard statement["predicate"]?["runDetails"]?["metadata"]?["invocationId"]?.stringValue != nil else {
      throw bad("no predicate.runDetails.metadata.invocationId (the run id)")
    }
  }

  /// The run id the statement is about (`invocationId`).
  public var runID: String {
    statement["predicate"]?["runDetails"]?["metadata"]?["invocationId"]?.stringValue ?? ""
  }

  /// The subjects: name → sha256, in the statement's order (names may repeat).
  public var subjects: [(name: String, sha256: String)] {
    (statement["subject"]?.arrayValue ?? []).compactMap { s in
      guard let name = s["name"]?.stringValue, let digest = s["digest"]?["sha256"]?.stringValue else { return nil }
      return (name, digest)
    }
  }
}

/// What checking an attestation against a run found.
public struct AttestationReport: Sendable {
  /// The signature's state.
  public enum SignatureState: Sendable, Equatable {
    /// A bare statement, and no key was asked for.
    case unsigned
    /// Signed by the key given (its key id).
    case verified(keyID: String)
    /// Not signed by the key given; says why.
    case failed(String)
  }

  /// The signature's state.
  public var signature: SignatureState
  /// The run the attestation is about.
  public var run: Run?
  /// How many subjects were checked.
  public var subjects = 0
  /// What does not match, one line each.
  public var problems: [String] = []

  /// Whether the signature (if one was asked for) verifies and everything matches.
  public var ok: Bool {
    if case .failed = signature { return false }
    return problems.isEmpty
  }
}

/// Checks an attestation: its signature with a public key, then its subjects against the
/// run it names (`invocationId`) in a runs dir: each subject must be a generated file of the
/// run with the manifest's digest and the same bytes now, and every generated file must be a
/// subject. File dependencies and the commit are compared with the run's record as well.
public enum AttestationCheck {
  /// Checks `document`. A signed document needs `key`; with `key`, an unsigned document
  /// fails (a signature may have been stripped). A run that is not in `runsDir` is an error.
  public static func check(_ document: AttestationDocument, key: VerifyingKey?, runsDir: String) throws -> AttestationReport {
    var report = AttestationReport(signature: .unsigned)
    if let envelope = document.envelope {
      guard let key else {
        throw GageError.invalidInput("\(document.source) is signed; give the public key to check it with --pub KEY")
      }
      switch envelope.check(with: key) {
      case .verified:
        report.signature = .verified(keyID: key.keyID)
      case .unsigned:
        report.signature = .failed("the envelope has no signatures")
        return report
      case .failed(let others):
        let by = others.isEmpty ? "" : "; it names key id \(others.joined(separator: ", "))"
        report.signature = .failed("the signature does not verify with key id \(key.keyID)\(by)")
        return report
      }
    } else if let key {
      report.signature = .failed("the file is an unsigned statement, but a signature by key id \(key.keyID) was asked for")
      return report
    }

    let runID = document.runID
    let catalog = RunCatalog(runsDir: runsDir)
    guard let record = catalog.record(id: runID) else {
      throw GageError.notFound(
        "the attested run \(runID) is not in \(runsDir); import it (gage archive import) or point --runs at its runs dir")
    }
    let run = record.run
    report.run = run
    guard !run.metaIsZip else {
      throw GageError.invalidInput("run \(run.name) keeps its meta in a zip; it cannot be checked")
    }
    let manifest = try Manifest.read(path: run.metaPath(MetaFile.manifest))
    var byPath: [String: ManifestEntry] = [:]
    for entry in manifest.entries { byPath[entry.path] = entry }

    var problems: [String] = []
    var seen = Set<String>()
    let subjects = document.subjects
    report.subjects = subjects.count
    var toHash: [(name: String, digest: String)] = []
    for subject in subjects {
      guard seen.insert(subject.name).inserted else {
        problems.append("subject \(subject.name): listed twice")
        continue
      }
      guard let entry = byPath[subject.name] else {
        problems.append("subject \(subject.name): the run has no such file")
        continue
      }
      guard entry.type == .generated else {
        problems.append("subject \(subject.name): a \(entry.type.label) file of the run, not a generated one")
        continue
      }
      if entry.digest != subject.sha256.lowercased() {
        problems.append("subject \(subject.name): sha256 \(subject.sha256) in the attestation, \(entry.digest) in the run's manifest")
        continue
      }
      toHash.append((subject.name, entry.digest))
    }
    for entry in manifest.entries where entry.type == .generated && !seen.contains(entry.path) {
      problems.append("\(entry.path): generated by the run but not a subject of the attestation")
    }
    let digests = Parallel.map(toHash.map(\.name)) { name in try FileDigest.ofFile(FileIO.join(run.runDir, name)) }
    for (subject, result) in zip(toHash, digests) {
      switch result {
      case .success(let actual) where actual != subject.digest:
        problems.append("subject \(subject.name): the file changed since the run (sha256 \(actual) now)")
      case .success: break
      case .failure(let error as GageError):
        if case .notFound = error {
          problems.append("subject \(subject.name): missing from the run dir")
        } else {
          problems.append("subject \(subject.name): \(error.message)")
        }
      case .failure(let error):
        problems.append("subject \(subject.name): \(error)")
      }
    }
    problems += try dependencyProblems(document.statement, run: run, manifest: manifest)
    report.problems = problems
    return report
  }

  /// Differences between the statement's resolved dependencies and the run's record: the
  /// commit, and the digest of each file dependency.
  static func dependencyProblems(_ statement: JSONValue, run: Run, manifest: Manifest) throws -> [String] {
    let deps = statement["predicate"]?["buildDefinition"]?["resolvedDependencies"]?.arrayValue ?? []
    let meta = try RunMeta(run: run)
    let staged = meta.exists(MetaFile.stagedManifest) ? try Manifest.read(path: run.metaPath(MetaFile.stagedManifest)) : manifest
    let recorded = staged.digestsByPath
    let commit = try? meta.json(MetaFile.gitSource)?["commit"]?.stringValue
    var problems: [String] = []
    for dep in deps {
      if let gitCommit = dep["digest"]?["gitCommit"]?.stringValue {
        if gitCommit != commit {
          problems.append("source commit: \(gitCommit) in the attestation, \(commit ?? "none") in the run's source/git.json")
        }
      } else if let name = dep["name"]?.stringValue, let digest = dep["digest"]?["sha256"]?.stringValue {
        if let expected = recorded[name] {
          if expected != digest.lowercased() {
            problems.append("dependency \(name): sha256 \(digest) in the attestation, \(expected) in the run's manifest")
          }
        } else {
          problems.append("dependency \(name): the run was not staged with such a file")
        }
      }
    }
    return problems
  }
}
