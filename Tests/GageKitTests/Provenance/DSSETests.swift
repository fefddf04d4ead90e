import Foundation
import Testing

@testable import GageKit

/// DSSE envelopes and Ed25519 keys against known answers (the DSSE spec's PAE example,
/// RFC 8032's first test vector; signatures of the PAE computed with Python's
/// `cryptography`).
@Suite("DSSE envelopes and Ed25519 keys")
struct DSSETests {
  /// RFC 8032 §7.1, TEST 1.
  static let secret = bytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
  static let publicKey = bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
  static let emptySignature = bytes(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
  /// That key's signature of the PAE of "hello world" typed http://example.com/HelloWorld.
  static let helloSignature = bytes(
    "e031d7dd99f8aa904abc48fb99a13c3bdbbd6e35c49cf2cb9f25d5509d8f5c947c0d22dc2f7403a45bdf24e8f7a41fd23c7b25e898386e8c6c31be8abee60007")

  static func bytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var chars = Array(hex.utf8)[...]
    while chars.count >= 2, let byte = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) {
      out.append(byte)
      chars = chars.dropFirst(2)
    }
    return out
  }

  @Test("PAE is \"DSSEv1\" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes")
  func pae() {
    let pae = DSSEEnvelope.pae(type: "http://example.com/HelloWorld", body: Array("hello world".utf8))
    #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
    let utf8 = DSSEEnvelope.pae(type: "t", body: Array("é".utf8))
    #expect(utf8 == Array("DSSEv1 1 t 2 é".utf8))
    #expect(DSSEEnvelope.pae(type: "", body: []) == Array("DSSEv1 0  0 ".utf8))
  }

  @Test("RFC 8032 test 1: the public half, the signature of the empty message, the key id")
  func rfc8032() throws {
    let key = try SigningKey(raw: Self.secret)
    #expect(key.publicKey.raw == Self.publicKey)
    #expect(key.publicKey.isValidSignature(Self.emptySignature, for: []))
    #expect(!key.publicKey.isValidSignature(Self.emptySignature, for: [0]))
    #expect(key.publicKey.keyID == "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9")
    let signature = try key.sign(DSSEEnvelope.pae(type: "http://example.com/HelloWorld", body: Array("hello world".utf8)))
    #expect(
      key.publicKey.isValidSignature(
        signature, for: DSSEEnvelope.pae(type: "http://example.com/HelloWorld", body: Array("hello world".utf8))))
    #if os(Linux)
      // Ed25519 is deterministic; BoringSSL signs as RFC 8032 says.
      #expect(signature == Self.helloSignature)
    #endif
  }

  @Test("An envelope round-trips through JSON and verifies with its key only")
  func envelope() throws {
    let key = try SigningKey(raw: Self.secret)
    let payload = Array("{\"_type\": \"x\"}".utf8)
    let signed = try DSSEEnvelope.sign(payload: payload, key: key)
    #expect(signed.payloadType == "application/vnd.in-toto+json")
    #expect(signed.signatures.first?.keyID == key.publicKey.keyID)
    let json = signed.json
    #expect(json["payload"]?.stringValue == Data(payload).base64EncodedString())
    let read = try DSSEEnvelope(json: try JSONValue.parse(json.prettyPrinted()), source: "x.att")
    #expect(read == signed)
    #expect(read.check(with: key.publicKey) == .verified)

    let other = SigningKey()
    #expect(read.check(with: other.publicKey) == .failed(otherKeyIDs: [key.publicKey.keyID]))
    var edited = read
    edited.payload = Array("{\"_type\": \"y\"}".utf8)
    #expect(edited.check(with: key.publicKey) == .failed(otherKeyIDs: []))
    var retyped = read
    retyped.payloadType = "application/json"
    #expect(retyped.check(with: key.publicKey) == .failed(otherKeyIDs: []), "the type is signed too")
    var unsigned = read
    unsigned.signatures = []
    #expect(unsigned.check(with: key.publicKey) == .unsigned)
    // A right signature under another key's id is not accepted.
    var misnamed = read
    misnamed.signatures[0].keyID = other.publicKey.keyID
    #expect(misnamed.check(with: key.publicKey) == .failed(otherKeyIDs: [other.publicKey.keyID]))
    // No key id: the signature alone decides.
    var anonymous = read
    anonymous.signatures[0].keyID = nil
    #expect(anonymous.check(with: key.publicKey) == .verified)
  }

  @Test("Envelope base64 may be URL-safe and unpadded; malformed envelopes name the file")
  func envelopeParsing() throws {
    let sig = Self.helloSignature
    let urlSafe = Data(sig).base64EncodedString().replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    let json = JSONValue.object([
      "payloadType": .string("http://example.com/HelloWorld"), "payload": .string("aGVsbG8gd29ybGQ"),
      "signatures": .array([.object(["sig": .string(urlSafe)])]),
    ])
    let envelope = try DSSEEnvelope(json: json, source: "e.json")
    #expect(envelope.payload == Array("hello world".utf8))
    #expect(envelope.signatures == [.init(keyID: nil, sig: sig)])
    #expect(envelope.check(with: try VerifyingKey(raw: Self.publicKey)) == .verified)

    let bad: [(JSONValue, String)] = [
      (.array([]), "not an object"),
      (.object(["payload": .string("aGk=")]), "no payloadType string"),
      (.object(["payloadType": .string("t"), "payload": .string("a")]), "the payload is not base64"),
      (.object(["payloadType": .string("t"), "payload": .string("aGk=")]), "no signatures array"),
      (.object(["payloadType": .string("t"), "payload": .string("aGk="), "signatures": .array([.object([:])])]), "signature 1 has no sig"),
      (
        .object([
          "payloadType": .string("t"), "payload": .string("aGk="),
          "signatures": .array([.object(["sig": .string("aGk="), "keyid": .int(1)])]),
        ]),
        "keyid is an integer"
      ),
    ]
    for (value, message) in bad {
      let error = #expect(throws: GageError.self) { try DSSEEnvelope(json: value, source: "e.json") }
      #expect(error?.message.hasPrefix("e.json: not a DSSE envelope: ") == true, "\(String(describing: error))")
      #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }
  }

  @Test("Base64 in both alphabets, padded or not; anything else is refused")
  func base64() {
    #expect(Base64.decode("aGk=") == Array("hi".utf8))
    #expect(Base64.decode("aGk") == Array("hi".utf8))
    #expect(Base64.decode("-_8=") == [0xFB, 0xFF])
    #expect(Base64.decode("+/8") == [0xFB, 0xFF])
    #expect(Base64.decode("") == [])
    #expect(Base64.decode("a") == nil)
    #expect(Base64.decode("aGk=x") == nil)
    #expect(Base64.decode("a b=") == nil)
  }

  @Test("Keys must be 32 bytes")
  func keySizes() {
    #expect(throws: GageError.self) { try SigningKey(raw: Array(repeating: 1, count: 31)) }
    #expect(throws: GageError.self) { try VerifyingKey(raw: Array(repeating: 1, count: 33)) }
    #expect((try? VerifyingKey(raw: Self.publicKey))?.keyID == "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9")
  }

  @Test("The source's git URI: remote, branch ref, scp-like and local remotes")
  func gitURI() {
    #expect(Attestation.gitURI(remote: "https://example.com/x.git", branch: "main") == "git+https://example.com/x.git@refs/heads/main")
    #expect(Attestation.gitURI(remote: "https://example.com/x.git", branch: nil) == "git+https://example.com/x.git")
    #expect(Attestation.gitURI(remote: "git@github.com:o/r.git", branch: "dev") == "git+ssh://git@github.com/o/r.git@refs/heads/dev")
    #expect(Attestation.gitURI(remote: "/srv/git/r.git", branch: "main") == "git+file:///srv/git/r.git@refs/heads/main")
    #expect(Attestation.gitURI(remote: "git+ssh://h/r", branch: nil) == "git+ssh://h/r")
  }
}
