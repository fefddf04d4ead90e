import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An Ed25519 private key that signs attestations. On disk (`NAME.key`, mode 0600) it is the
/// raw 32-byte key in base64 followed by a newline.
public struct SigningKey: Sendable {
  /// The raw 32 bytes.
  public let raw: [UInt8]
  /// The public half.
  public let publicKey: VerifyingKey

  /// A new random key.
  public init() {
    let key = Curve25519.Signing.PrivateKey()
    raw = Array(key.rawRepresentation)
    publicKey = VerifyingKey(validatedRaw: Array(key.publicKey.rawRepresentation))
  }

  /// The key whose raw 32 bytes are `raw`.
  public init(raw: [UInt8]) throws {
    guard raw.count == KeyFile.keySize else {
      throw GageError.invalidInput("an Ed25519 private key has \(KeyFile.keySize) bytes, not \(raw.count)")
    }
    let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    self.raw = raw
    publicKey = VerifyingKey(validatedRaw: Array(key.publicKey.rawRepresentation))
  }

  /// Reads a private key file (`NAME.key`); errors name the file and what is wrong with it.
  public static func read(path: String) throws -> SigningKey {
    if path.hasSuffix(".pub") {
      throw GageError.invalidInput(
        "\(path) is a public key; sign with the private key (\(String(path.dropLast(4))).key)")
    }
    return try SigningKey(raw: KeyFile.read(path: path, what: "private key"))
  }

  /// The Ed25519 signature (64 bytes) of `message`.
  public func sign(_ message: [UInt8]) throws -> [UInt8] {
    Array(try Curve25519.Signing.PrivateKey(rawRepresentation: raw).signature(for: message))
  }

  /// Writes a new key pair: `NAME.key` (private, mode 0600) and `NAME.pub` (mode 0644).
  /// Refuses to overwrite either file; on any failure neither file is left behind.
  public static func generatePair(name: String) throws -> (key: SigningKey, privatePath: String, publicPath: String) {
    let privatePath = name + ".key"
    let publicPath = name + ".pub"
    for path in [privatePath, publicPath] where FileIO.exists(path) {
      throw GageError.conflict("\(path) already exists; keys are never overwritten (remove it, or choose another name)")
    }
    let key = SigningKey()
    try KeyFile.create(privatePath, text: KeyFile.text(key.raw), mode: 0o600)
    do {
      try KeyFile.create(publicPath, text: KeyFile.text(key.publicKey.raw), mode: 0o644)
    } catch {
      unlink(privatePath)
      throw error
    }
    return (key, privatePath, publicPath)
  }
}

/// An Ed25519 public key that checks attestation signatures. On disk (`NAME.pub`) it is the
/// raw 32-byte key in base64 followed by a newline. Its key id is the lowercase hex SHA-256
/// of those 32 bytes.
public struct VerifyingKey: Sendable, Equatable {
  /// The raw 32 bytes.
  public let raw: [UInt8]

  /// The key whose raw 32 bytes are `raw`.
  public init(raw: [UInt8]) throws {
    guard raw.count == KeyFile.keySize else {
      throw GageError.invalidInput("an Ed25519 public key has \(KeyFile.keySize) bytes, not \(raw.count)")
    }
    _ = try Curve25519.Signing.PublicKey(rawRepresentation: raw)
    self.raw = raw
  }

  init(validatedRaw raw: [UInt8]) {
    self.raw = raw
  }

  /// Reads a public key file (`NAME.pub`); errors name the file and what is wrong with it.
  public static func read(path: String) throws -> VerifyingKey {
    if path.hasSuffix(".key") {
      throw GageError.invalidInput(
        "\(path) is a private key; check signatures with the public key (\(String(path.dropLast(4))).pub)")
    }
    return try VerifyingKey(raw: KeyFile.read(path: path, what: "public key"))
  }

  /// The key id: lowercase hex SHA-256 of the raw public key.
  public var keyID: String { FileDigest.hex(raw) }

  /// Whether `signature` is this key's Ed25519 signature of `message`.
  public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
    guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
    return key.isValidSignature(signature, for: message)
  }
}

/// The key file format shared by `NAME.key` and `NAME.pub`: base64 of the raw key, a newline.
enum KeyFile {
  /// Bytes of a raw Ed25519 key, private or public.
  static let keySize = 32

  /// The file text for raw key bytes.
  static func text(_ raw: [UInt8]) -> String {
    Data(raw).base64EncodedString() + "\n"
  }

  /// The raw key in the file at `path`; `what` ("private key") names it in errors.
  static func read(path: String, what: String) throws -> [UInt8] {
    guard FileIO.exists(path) else {
      throw GageError.notFound("\(path) does not exist (gage attest --keygen NAME makes a key pair)")
    }
    guard !FileIO.isDirectory(path) else {
      throw GageError.invalidInput("\(path) is a directory, not a \(what) file")
    }
    let bytes = try FileIO.readBytes(path)
    guard bytes.count <= 1024, let text = String(validating: bytes, as: UTF8.self) else {
      throw GageError.invalidInput("\(path) is not a \(what) file: expected one line of base64")
    }
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.hasPrefix("-----BEGIN") {
      throw GageError.invalidInput(
        "\(path) is a PEM file; Gage keys are a raw \(keySize)-byte Ed25519 key in base64 (gage attest --keygen NAME makes one)")
    }
    guard let raw = Base64.decode(trimmed) else {
      throw GageError.invalidInput("\(path) is not a \(what) file: its content is not base64")
    }
    guard raw.count == keySize else {
      throw GageError.invalidInput(
        "\(path) is not an Ed25519 \(what): it holds \(raw.count) bytes, a key has \(keySize)")
    }
    return raw
  }

  /// Creates `path` exclusively with `mode` (set before anything is written), holding `text`;
  /// removes it again when writing fails.
  static func create(_ path: String, text: String, mode: mode_t) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard fd >= 0 else {
      if errno == EEXIST {
        throw GageError.conflict("\(path) already exists; keys are never overwritten (remove it, or choose another name)")
      }
      throw GageError.io(path: path, operation: "create", errno: errno)
    }
    do {
      if fchmod(fd, mode) != 0 { throw GageError.io(path: path, operation: "chmod", errno: errno) }
      let bytes = Array(text.utf8)
      try bytes.withUnsafeBytes { try FileIO.writeAll(fd: fd, $0, path: path) }
      if fsync(fd) != 0 { throw GageError.io(path: path, operation: "write", errno: errno) }
    } catch {
      close(fd)
      unlink(path)
      throw error
    }
    if close(fd) != 0 {
      let code = errno
      unlink(path)
      throw GageError.io(path: path, operation: "write", errno: code)
    }
  }
}

/// Base64 as DSSE reads it: the standard or the URL-safe alphabet, padded or not.
enum Base64 {
  /// The bytes of `text`, or nil when it is not base64.
  static func decode(_ text: String) -> [UInt8]? {
    var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    if s.contains("=") {
      guard s.count % 4 == 0 else { return nil }
    } else {
      s += String(repeating: "=", count: (4 - s.count % 4) % 4)
    }
    return Data(base64Encoded: s).map(Array.init)
  }

  /// Standard padded base64 of `bytes`.
  static func encode(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString()
  }
}
