import Foundation
import GageKit
import GageTestSupport
import Testing

/// `AttestationCheck` on statements `Attestation` made from real runs: a signed statement
/// checks with its key; a tampered, re-signed-by-another or stripped one does not; subjects
/// are compared with the run.
@Suite("Attestation check")
struct AttestationCheckTests {
  /// A finished run, its statement, and a key.
  static func attested() throws -> (TestProject, Run, JSONValue, SigningKey) {
    let (p, runs) = try LibraryRuns.project()
    let statement = try Attestation.statement(for: runs[0], gageVersion: "0.0-test")
    return (p, runs[0], statement, SigningKey())
  }

  /// `statement` signed by `key`, as a document.
  static func signed(_ statement: JSONValue, by key: SigningKey) throws -> AttestationDocument {
    let envelope = try DSSEEnvelope.sign(payload: Attestation.payload(statement), key: key)
    return try AttestationDocument.parse(envelope.json, source: "signed.json")
  }

  /// `statement` with the sha256 of subject `name` replaced by `digest`.
  static func withSubject(_ statement: JSONValue, _ name: String, digest: String) throws -> JSONValue {
    guard case .object(var members) = statement, case .array(let subjects)? = members["subject"] else {
      throw GageError.invalidData("not a statement: \(statement)")
    }
    members["subject"] = .array(
      subjects.map { subject in
        guard subject["name"] == .string(name), case .object(var fields) = subject else { return subject }
        fields["digest"] = .object(["sha256": .string(digest)])
        return .object(fields)
      })
    return .object(members)
  }

  @Test("A signed statement checks with its public key: verified by that key id, every generated file a subject")
  func acceptsASignedStatement() throws {
    let (p, run, statement, key) = try Self.attested()
    defer { p.remove() }
    let report = try AttestationCheck.check(try Self.signed(statement, by: key), key: key.publicKey, runsDir: p.runsDir)
    #expect(report.signature == .verified(keyID: key.publicKey.keyID))
    #expect(report.ok, "\(report.problems)")
    #expect(report.run?.id == run.id)
    let generated = try Manifest.read(path: run.metaPath(MetaFile.manifest)).entries.filter { $0.type == .generated }
    #expect(report.subjects == generated.count && report.subjects >= 3, "\(report.subjects) subjects")
  }

  @Test("A payload changed after signing fails the signature, and nothing else is checked")
  func refusesATamperedPayload() throws {
    let (p, _, statement, key) = try Self.attested()
    defer { p.remove() }
    let good = try DSSEEnvelope.sign(payload: Attestation.payload(statement), key: key)
    let forged = try Self.withSubject(statement, "out.txt", digest: String(repeating: "0", count: 64))
    let tampered = DSSEEnvelope(
      payloadType: good.payloadType, payload: Attestation.payload(forged), signatures: good.signatures)
    let document = try AttestationDocument.parse(tampered.json, source: "tampered.json")
    let report = try AttestationCheck.check(document, key: key.publicKey, runsDir: p.runsDir)
    guard case .failed(let why) = report.signature else {
      Issue.record("expected a failed signature, got \(report.signature)")
      return
    }
    #expect(why.contains(key.publicKey.keyID), "\(why)")
    #expect(!report.ok)
    #expect(report.subjects == 0, "subjects are not checked once the signature fails")
  }

  @Test("Another key's signature, and a statement whose signature was stripped, fail when a key is asked for")
  func refusesOtherKeysAndStrippedSignatures() throws {
    let (p, _, statement, key) = try Self.attested()
    defer { p.remove() }
    let byOther = try AttestationCheck.check(try Self.signed(statement, by: SigningKey()), key: key.publicKey, runsDir: p.runsDir)
    #expect(!byOther.ok)
    if case .failed = byOther.signature {} else { Issue.record("another key's signature: \(byOther.signature)") }
    let bare = try AttestationDocument.parse(statement, source: "bare.json")
    let stripped = try AttestationCheck.check(bare, key: key.publicKey, runsDir: p.runsDir)
    #expect(!stripped.ok)
    if case .failed = stripped.signature {} else { Issue.record("a stripped signature: \(stripped.signature)") }
    // Without a key, the bare statement is checked against the run, and matches it.
    let unsigned = try AttestationCheck.check(bare, key: nil, runsDir: p.runsDir)
    #expect(unsigned.signature == .unsigned && unsigned.ok, "\(unsigned.problems)")
    // A signed document without a key to check it with is an error.
    #expect(throws: GageError.self) { try AttestationCheck.check(try Self.signed(statement, by: key), key: nil, runsDir: p.runsDir) }
  }

  @Test("A subject digest that is not the run's, and a generated file changed since the run, are each named")
  func comparesSubjectsWithTheRun() throws {
    let (p, run, statement, key) = try Self.attested()
    defer { p.remove() }
    let forged = try Self.withSubject(statement, "sub/x.txt", digest: String(repeating: "a", count: 64))
    let report = try AttestationCheck.check(try Self.signed(forged, by: key), key: key.publicKey, runsDir: p.runsDir)
    #expect(report.signature == .verified(keyID: key.publicKey.keyID))
    #expect(report.problems.count == 1 && report.problems[0].hasPrefix("subject sub/x.txt: sha256 aaaa"), "\(report.problems)")

    try LibraryRuns.tamper(run)
    let later = try AttestationCheck.check(try Self.signed(statement, by: key), key: key.publicKey, runsDir: p.runsDir)
    #expect(
      later.problems == ["subject out.txt: the file changed since the run (sha256 \(FileDigest.hex("changed\n".utf8)) now)"],
      "\(later.problems)")
  }

  @Test("A statement about a run that is not in the runs dir is an error")
  func unknownRun() throws {
    let (p, _, statement, key) = try Self.attested()
    defer { p.remove() }
    let empty = try p.tmp.makeDir("empty-runs")
    #expect(throws: GageError.self) {
      try AttestationCheck.check(try Self.signed(statement, by: key), key: key.publicKey, runsDir: empty)
    }
  }
}
