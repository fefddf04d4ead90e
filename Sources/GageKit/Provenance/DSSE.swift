/// A DSSE envelope (Dead Simple Signing Envelope, v1.0): a payload, its type, and
/// signatures over the pre-authentication encoding of both.
///
/// ```json
/// {"payload": "<base64>", "payloadType": "application/vnd.in-toto+json",
///  "signatures": [{"keyid": "<hex sha256 of the public key>", "sig": "<base64>"}]}
/// ```
public struct DSSEEnvelope: Sendable, Equatable {
  /// One signature.
  public struct Signature: Sendable, Equatable {
    /// The signer's key id (a hint: it is not signed); nil when the envelope has none.
    public var keyID: String?
    /// The signature bytes.
    public var sig: [UInt8]

    /// A signature.
    public init(keyID: String?, sig: [UInt8]) {
      self.keyID = keyID
      self.sig = sig
    }
  }

  /// The payload type of an in-toto statement.
  public static let inTotoPayloadType = "application/vnd.in-toto+json"

  /// What the payload is (a media type).
  public var payloadType: String
  /// The payload bytes (the serialized statement).
  public var payload: [UInt8]
  /// The signatures.
  public var signatures: [Signature]

  /// An envelope.
  public init(payloadType: String, payload: [UInt8], signatures: [Signature]) {
    self.payloadType = payloadType
    self.payload = payload
    self.signatures = signatures
  }

  /// The pre-authentication encoding that is signed:
  /// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths as ASCII decimal byte counts.
  public static func pae(type: String, body: [UInt8]) -> [UInt8] {
    let typeBytes = Array(type.utf8)
    return Array("DSSEv1 \(typeBytes.count) ".utf8) + typeBytes + Array(" \(body.count) ".utf8) + body
  }

  /// An envelope of `payload` signed by `key`, its key id recorded.
  public static func sign(payload: [UInt8], type: String = inTotoPayloadType, key: SigningKey) throws -> DSSEEnvelope {
    let sig = try key.sign(pae(type: type, body: payload))
    return DSSEEnvelope(payloadType: type, payload: payload, signatures: [Signature(keyID: key.publicKey.keyID, sig: sig)])
  }

  /// The envelope as JSON (base64 in the standard alphabet, padded).
  public var json: JSONValue {
    .object([
      "payloadType": .string(payloadType),
      "payload": .string(Base64.encode(payload)),
      "signatures": .array(
        signatures.map { s in
          var o: [String: JSONValue] = ["sig": .string(Base64.encode(s.sig))]
          if let keyID = s.keyID { o["keyid"] = .string(keyID) }
          return .object(o)
        }),
    ])
  }

  /// Whether `json` has the members of an envelope (as opposed to, say, a bare statement).
  public static func looksLikeEnvelope(_ json: JSONValue) -> Bool {
    json["payload"] != nil || json["signatures"] != nil || json["payloadType"] != nil
  }

  /// Reads an envelope from its JSON; `source` names the file in errors. Base64 may use the
  /// standard or the URL-safe alphabet, with or without padding.
  public init(json: JSONValue, source: String) throws {
    func bad(_ what: String) -> GageError { .invalidData("\(source): not a DSSE envelope: \(what)") }
    guard case .object = json else { throw bad("the document is \(json.typeDescription), not an object") }
    guard let type = json["payloadType"]?.stringValue else { throw bad("no payloadType string") }
    guard let encoded = json["payload"]?.stringValue else { throw bad("no payload string") }
    guard let payload = Base64.decode(encoded) else { throw bad("the payload is not base64") }
    guard let list = json["signatures"]?.arrayValue else { throw bad("no signatures array") }
    var signatures: [Signature] = []
    for (n, item) in list.enumerated() {
      guard let sigText = item["sig"]?.stringValue else { throw bad("signature \(n + 1) has no sig string") }
      guard let sig = Base64.decode(sigText) else { throw bad("signature \(n + 1): sig is not base64") }
      let keyID: String?
      switch item["keyid"] {
      case nil, .null?: keyID = nil
      case .string(let s)?: keyID = s.isEmpty ? nil : s
      case let other?: throw bad("signature \(n + 1): keyid is \(other.typeDescription), not a string")
      }
      signatures.append(Signature(keyID: keyID, sig: sig))
    }
    self.init(payloadType: type, payload: payload, signatures: signatures)
  }

  /// What checking the signatures with one key found.
  public enum SignatureCheck: Sendable, Equatable {
    /// A signature with the key's id (or none) verifies.
    case verified
    /// The envelope has no signature at all.
    case unsigned
    /// No signature verifies with the key: the key ids the envelope names instead, if any.
    case failed(otherKeyIDs: [String])
  }

  /// Checks the signatures against `key`: one must verify over the PAE of this payload, and
  /// its key id, when present, must be `key`'s.
  public func check(with key: VerifyingKey) -> SignatureCheck {
    if signatures.isEmpty { return .unsigned }
    let message = Self.pae(type: payloadType, body: payload)
    let keyID = key.keyID
    for s in signatures where s.keyID == nil || s.keyID == keyID {
      if key.isValidSignature(s.sig, for: message) { return .verified }
    }
    let others = signatures.compactMap(\.keyID).filter { $0 != keyID }
    return .failed(otherKeyIDs: others)
  }
}
