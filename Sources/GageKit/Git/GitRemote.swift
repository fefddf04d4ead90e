internal import Clibgit2
import Foundation

/// The credential kinds a server accepts (libgit2's `git_credential_t`), as an option set.
struct GitCredentialTypes: OptionSet, Sendable {
  let rawValue: UInt32

  static let userPassPlaintext = GitCredentialTypes(rawValue: GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue)
  static let sshKey = GitCredentialTypes(rawValue: GIT_CREDENTIAL_SSH_KEY.rawValue)
  static let username = GitCredentialTypes(rawValue: GIT_CREDENTIAL_USERNAME.rawValue)
}

/// A credential to offer a server.
enum GitCredential {
  /// The keys of the running ssh-agent.
  case sshAgent(user: String)
  /// A private key file (and its public key, when there is one beside it).
  case sshKey(user: String, publicKey: String?, privateKey: String)
  /// A user name only (SSH asks for it before the key).
  case username(String)
  /// A user name and password (HTTP).
  case userPassword(user: String, password: String)
}

/// What a transfer asks of its owner while libgit2 talks to the server: credentials,
/// verdicts on SSH host keys, and what the server says. Called on the transferring thread.
protocol GitTransferDelegate: AnyObject {
  /// The credential to try next; nil gives up (authentication fails).
  func credential(usernameFromURL: String?, allowed: GitCredentialTypes) -> GitCredential?
  /// Whether the SSH host key `key` (nil when the SSH library gave none) of `host` is
  /// trusted. TLS certificates are checked by libgit2 against the system's CAs.
  func trustsHostKey(_ key: [UInt8]?, host: String) -> Bool
  /// Text the server wrote for the user (git's `remote:` lines).
  func received(remoteText: String)
  /// Progress of a fetch or push.
  func progress(bytes: Int64, objects: Int, totalObjects: Int)
  /// The server refused to update `ref`.
  func refused(ref: String, reason: String)
}

/// A remote opened through libgit2 for one transfer, its callbacks bound to a delegate.
/// Frees the remote (disconnecting first) when released. Failures of the network calls
/// (`connect`, `refs`, `fetch`, `push`) carry libgit2's message under an empty call name.
final class GitRemote {
  private let handle: OpaquePointer
  private let delegate: GitTransferDelegate
  private var connected = false
  /// Keeps the repository open while its remote is (anonymous remotes).
  private let repository: RunRepository?

  /// A remote of no repository: it can list refs only. `shown` names it in messages.
  init(detachedURL url: String, shown: String, delegate: GitTransferDelegate) throws {
    _ = Libgit2.ready
    var remote: OpaquePointer?
    try Libgit2.check(git_remote_create_detached(&remote, url), "git_remote_create_detached")
    guard let remote else { throw GageError.git("cannot open the remote \(shown)") }
    self.handle = remote
    self.delegate = delegate
    self.repository = nil
  }

  /// A remote of `repository`, configured nowhere: it fetches into it and pushes from it.
  init(url: String, shown: String, repository: RunRepository, delegate: GitTransferDelegate) throws {
    var remote: OpaquePointer?
    try Libgit2.check(git_remote_create_anonymous(&remote, repository.handle, url), "git_remote_create_anonymous")
    guard let remote else { throw GageError.git("cannot open the remote \(shown)") }
    self.handle = remote
    self.delegate = delegate
    self.repository = repository
  }

  deinit {
    if connected { git_remote_disconnect(handle) }
    git_remote_free(handle)
  }

  /// Connects for fetching or pushing.
  func connect(forPush: Bool) throws {
    var callbacks = callbacks()
    let direction = forPush ? GIT_DIRECTION_PUSH : GIT_DIRECTION_FETCH
    try Self.perform { git_remote_connect(handle, direction, &callbacks, nil, nil) }
    connected = true
  }

  /// The remote's refs (name → id), as the connection advertised them.
  func refs() throws -> [(name: String, oid: GitOID)] {
    var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
    var count = 0
    try Self.perform { git_remote_ls(&heads, &count, handle) }
    guard let heads else { return [] }
    var refs: [(name: String, oid: GitOID)] = []
    for i in 0..<count {
      guard let head = heads[i], let name = head.pointee.name else { continue }
      refs.append((String(cString: name), GitOID(head.pointee.oid)))
    }
    return refs
  }

  /// Fetches `refspecs` (`+src:dst`), tags left alone and no `FETCH_HEAD` written.
  func fetch(_ refspecs: [String], reflogMessage: String) throws {
    var options = git_fetch_options()
    git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
    options.callbacks = callbacks()
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
    options.update_fetchhead = 0
    try withStringArray(refspecs) { specs in
      try Self.perform { git_remote_fetch(handle, &specs, &options, reflogMessage) }
    }
  }

  /// Pushes `refspecs`; refs the server refuses go to the delegate, not into an error.
  func push(_ refspecs: [String]) throws {
    var options = git_push_options()
    git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION))
    options.callbacks = callbacks()
    try withStringArray(refspecs) { specs in
      try Self.perform { git_remote_push(handle, &specs, &options) }
    }
  }

  /// Runs a network call; a failure is libgit2's message (read right away: it is per thread).
  private static func perform(_ call: () -> Int32) throws {
    let rc = call()
    guard rc < 0 else { return }
    throw Libgit2.error(rc, "")
  }

  // MARK: Callbacks

  /// libgit2 callbacks bound to the delegate (held by this remote for its lifetime). The
  /// closures capture nothing: the delegate travels through the payload pointer.
  private func callbacks() -> git_remote_callbacks {
    var callbacks = git_remote_callbacks()
    git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
    callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
    callbacks.credentials = { out, _, usernameFromURL, allowed, payload in
      guard let out, let payload else { return -1 }
      let remote = Unmanaged<GitRemote>.fromOpaque(payload).takeUnretainedValue()
      let user = usernameFromURL.map { String(cString: $0) }
      guard let credential = remote.delegate.credential(usernameFromURL: user, allowed: GitCredentialTypes(rawValue: allowed))
      else { return GIT_EAUTH.rawValue }
      return GitRemote.make(credential, out)
    }
    callbacks.certificate_check = { cert, _, host, payload in
      guard let cert, let payload else { return -1 }
      let remote = Unmanaged<GitRemote>.fromOpaque(payload).takeUnretainedValue()
      guard cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
        return GIT_PASSTHROUGH.rawValue  // TLS: libgit2 checks the certificate against the system's CAs
      }
      let hostkey = UnsafeMutableRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
      var key: [UInt8]?
      if hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey, hostkey.hostkey_len > 0 {
        key = Array(UnsafeRawBufferPointer(start: raw, count: hostkey.hostkey_len))
      }
      let trusted = remote.delegate.trustsHostKey(key, host: host.map { String(cString: $0) } ?? "")
      return trusted ? 0 : GIT_ECERTIFICATE.rawValue
    }
    callbacks.sideband_progress = { text, length, payload in
      guard let text, let payload, length > 0 else { return 0 }
      let remote = Unmanaged<GitRemote>.fromOpaque(payload).takeUnretainedValue()
      let bytes = UnsafeRawBufferPointer(start: text, count: Int(length))
      remote.delegate.received(remoteText: String(decoding: bytes, as: UTF8.self))
      return 0
    }
    callbacks.transfer_progress = { stats, payload in
      guard let stats, let payload else { return 0 }
      let remote = Unmanaged<GitRemote>.fromOpaque(payload).takeUnretainedValue()
      remote.delegate.progress(
        bytes: Int64(stats.pointee.received_bytes), objects: Int(stats.pointee.received_objects),
        totalObjects: Int(stats.pointee.total_objects))
      return 0
    }
    callbacks.push_transfer_progress = { current, total, bytes, payload in
      guard let payload else { return 0 }
      let remote = Unmanaged<GitRemote>.fromOpaque(payload).takeUnretainedValue()
      remote.delegate.progress(bytes: Int64(bytes), objects: Int(current), totalObjects: Int(total))
      return 0
    }
    callbacks.push_update_reference = { ref, status, payload in
      guard let payload, let ref, let status else { return 0 }
      let remote = Unmanaged<GitRemote>.fromOpaque(payload).takeUnretainedValue()
      remote.delegate.refused(ref: String(cString: ref), reason: String(cString: status))
      return 0
    }
    return callbacks
  }

  /// Makes the libgit2 credential for `credential` in `out`.
  private static func make(
    _ credential: GitCredential, _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>
  )
    -> Int32
  {
    switch credential {
    case .sshAgent(let user):
      return git_credential_ssh_key_from_agent(out, user)
    case .sshKey(let user, let publicKey, let privateKey):
      return git_credential_ssh_key_new(out, user, publicKey, privateKey, nil)
    case .username(let user):
      return git_credential_username_new(out, user)
    case .userPassword(let user, let password):
      return git_credential_userpass_plaintext_new(out, user, password)
    }
  }
}
