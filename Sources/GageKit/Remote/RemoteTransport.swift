import Clibgit2
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What the libgit2 callbacks of one transfer share: credentials tried so far, the host
/// keys to check against, progress, and the precise reason of a failure (libgit2's own
/// messages say less).
final class TransferContext {
  let location: RemoteLocation
  let home: String
  let knownHosts: KnownHosts
  var progress: ProgressBar?
  /// Why the transfer failed, when a callback knows better than libgit2.
  var failure: GageError?
  /// Refs the remote refused to update, with its reason.
  var rejected: [(ref: String, reason: String)] = []
  /// What the server wrote for the user (git's `remote:` lines: hook output, progress),
  /// the last 16 kB.
  var remoteText = ""

  private var sshMethods: [SSHMethod]?
  private var tried: [String] = []
  private var httpCredential: GitCredentialHelper.Credential?
  private var httpTried = false

  enum SSHMethod {
    case agent
    case key(String)

    var shown: String {
      switch self {
      case .agent: return "ssh-agent"
      case .key(let path): return "key \(path)"
      }
    }
  }

  init(location: RemoteLocation, progress: ProgressBar?) {
    self.location = location
    self.progress = progress
    let env = ProcessInfo.processInfo.environment
    home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    knownHosts = KnownHosts(files: env["GAGE_KNOWN_HOSTS"].map { [$0] } ?? KnownHosts.defaultFiles(home: home))
  }

  /// The host as messages name it: `host`, else `[host]:port` over SSH (as known_hosts
  /// names it) and `host:port` otherwise.
  var hostShown: String {
    let host = location.host ?? "?"
    guard let port = location.port else { return host }
    return location.transport == .ssh ? "[\(host)]:\(port)" : "\(host):\(port)"
  }

  // MARK: Credentials

  func credential(
    _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, usernameFromURL: String?, allowed: UInt32
  ) -> Int32 {
    let user = usernameFromURL ?? location.user ?? AttributeLog.currentUser
    if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
      return sshCredential(out, user: user)
    }
    if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
      return git_credential_username_new(out, user)
    }
    if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 {
      return httpCredential(out, user: usernameFromURL ?? location.user)
    }
    failure = .git("authentication to \(hostShown) failed: the server asks for a method gage does not support (allowed: \(allowed))")
    return GIT_EAUTH.rawValue
  }

  private func sshCredential(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, user: String) -> Int32 {
    if sshMethods == nil {
      var methods: [SSHMethod] = []
      let env = ProcessInfo.processInfo.environment
      if let key = env["GAGE_SSH_KEY"], !key.isEmpty { methods.append(.key(key)) }
      if let sock = env["SSH_AUTH_SOCK"], !sock.isEmpty { methods.append(.agent) }
      for name in ["id_ed25519", "id_ecdsa", "id_rsa"] {
        let path = FileIO.join(home, ".ssh", name)
        if FileIO.exists(path) { methods.append(.key(path)) }
      }
      sshMethods = methods
    }
    guard let methods = sshMethods, tried.count < methods.count else {
      if tried.isEmpty {
        failure = .git(
          "authentication to \(hostShown) failed: no SSH credentials (no ssh-agent: SSH_AUTH_SOCK is unset; no key in \(home)/.ssh: id_ed25519, id_ecdsa, id_rsa; GAGE_SSH_KEY names another)")
      } else {
        failure = .git(
          "authentication to \(hostShown) as \(user) failed: the server refused SSH public key authentication with \(tried.joined(separator: ", ")); add the public key to the server's authorized_keys, or load the right key into ssh-agent")
      }
      return GIT_EAUTH.rawValue
    }
    let method = methods[tried.count]
    tried.append(method.shown)
    switch method {
    case .agent:
      return git_credential_ssh_key_from_agent(out, user)
    case .key(let path):
      let pub = path + ".pub"
      return git_credential_ssh_key_new(out, user, FileIO.exists(pub) ? pub : nil, path, nil)
    }
  }

  private func httpCredential(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, user: String?) -> Int32 {
    if httpTried, let rejected = httpCredential {
      GitCredentialHelper.reject(rejected, url: location.url)
      httpCredential = nil
      failure = .git(
        "authentication to \(hostShown) failed: the user name and password from git's credential helper (git credential fill) were refused")
      return GIT_EAUTH.rawValue
    }
    httpTried = true
    // A credential that an earlier connection of this command got through with is used again.
    guard let credential = httpCredential ?? GitCredentialHelper.fill(url: location.url, user: user) else {
      failure = .git(
        "authentication to \(hostShown) failed: it asks for a user name and password, and git's credential helpers gave none (git credential fill); set one up, e.g. git config --global credential.helper store")
      return GIT_EAUTH.rawValue
    }
    httpCredential = credential
    return git_credential_userpass_plaintext_new(out, credential.username, credential.password)
  }

  /// A libgit2 call is about to open a connection of its own (listing, fetch and push each
  /// do): authentication starts again from the first method.
  func newConnection() {
    tried = []
    httpTried = false
  }

  /// The server's message lines, progress lines left out: what a hook that refused a push
  /// said.
  var remoteMessages: [String] {
    remoteText.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty && !$0.contains("% (") && !$0.hasSuffix(", done.") }
  }

  /// Tells the credential helper that its credential worked.
  func approveCredential() {
    if let credential = httpCredential { GitCredentialHelper.approve(credential, url: location.url) }
  }

  // MARK: Host keys

  func checkCertificate(_ cert: UnsafeMutablePointer<git_cert>, valid: Bool, host: String) -> Int32 {
    guard cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
      return GIT_PASSTHROUGH.rawValue  // TLS: libgit2 checks the certificate against the system's CAs
    }
    let hostkey = UnsafeMutableRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
    let name = location.host ?? host
    let file = FileIO.join(home, ".ssh", "known_hosts")
    let portOption = location.port.map { "-p \($0) " } ?? ""
    guard hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey, hostkey.hostkey_len > 0 else {
      failure = .git("cannot check the host key of \(hostShown): the SSH library gave no key")
      return GIT_ECERTIFICATE.rawValue
    }
    let key = Array(UnsafeRawBufferPointer(start: raw, count: hostkey.hostkey_len))
    switch knownHosts.check(host: name, port: location.port, key: key) {
    case .known:
      return 0
    case .unknown:
      failure = .git(
        "the host \(hostShown) is not known (its key is not in \(file)); refusing to connect. If you trust it, check its key and add it with:\n  ssh-keyscan \(portOption)\(name) >> \(file)")
    case .mismatch(let at):
      failure = .git(
        "the host key of \(hostShown) differs from the one in \(at): refusing to connect (the server may be impersonated). If its key changed for a good reason, remove the old one with:\n  ssh-keygen -R '\(hostShown)'")
    case .revoked:
      failure = .git("the host key of \(hostShown) is marked @revoked in known_hosts: refusing to connect")
    }
    return GIT_ECERTIFICATE.rawValue
  }

  // MARK: Callbacks

  /// libgit2 callbacks bound to this context (which must outlive the transfer).
  func callbacks() -> git_remote_callbacks {
    var callbacks = git_remote_callbacks()
    git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
    callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
    callbacks.credentials = { out, _, usernameFromURL, allowed, payload in
      guard let out, let payload else { return -1 }
      let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
      return context.credential(out, usernameFromURL: usernameFromURL.map { String(cString: $0) }, allowed: allowed)
    }
    callbacks.certificate_check = { cert, valid, host, payload in
      guard let cert, let payload else { return -1 }
      let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
      return context.checkCertificate(cert, valid: valid != 0, host: host.map { String(cString: $0) } ?? "")
    }
    callbacks.sideband_progress = { text, length, payload in
      guard let text, let payload, length > 0 else { return 0 }
      let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
      let bytes = UnsafeRawBufferPointer(start: text, count: Int(length))
      context.remoteText += String(decoding: bytes, as: UTF8.self)
      if context.remoteText.utf8.count > 16_384 { context.remoteText = String(context.remoteText.suffix(8_192)) }
      return 0
    }
    callbacks.transfer_progress = { stats, payload in
      guard let stats, let payload else { return 0 }
      let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
      context.progress?.set(
        bytes: Int64(stats.pointee.received_bytes), files: Int(stats.pointee.received_objects),
        totalFiles: Int(stats.pointee.total_objects))
      return 0
    }
    callbacks.push_transfer_progress = { current, total, bytes, payload in
      guard let payload else { return 0 }
      let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
      context.progress?.set(bytes: Int64(bytes), files: Int(current), totalFiles: Int(total))
      return 0
    }
    callbacks.push_update_reference = { ref, status, payload in
      guard let payload, let ref, let status else { return 0 }
      let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
      context.rejected.append((String(cString: ref), String(cString: status)))
      return 0
    }
    return callbacks
  }
}

/// A connection to a remote through libgit2, for one command: list its refs, fetch some of
/// them into the runs dir's repository, push some of ours.
final class RemoteTransport {
  let location: RemoteLocation
  private let context: TransferContext

  init(location: RemoteLocation, progress: ProgressBar?) {
    self.location = location
    self.context = TransferContext(location: location, progress: progress)
  }

  /// The remote's refs under `refs/gage/` (name → id). Needs no local repository, so a
  /// remote that cannot be reached leaves the runs dir as it was.
  func listRefs(forPush: Bool = false) throws -> [String: git_oid] {
    _ = Libgit2.ready
    try location.checkLocalRepository()
    var detached: OpaquePointer?
    try Libgit2.check(git_remote_create_detached(&detached, forPush ? location.pushURL : location.url), "git_remote_create_detached")
    guard let remote = detached else { throw GageError.git("cannot open the remote \(location.display)") }
    defer { git_remote_free(remote) }
    var callbacks = context.callbacks()
    let direction = forPush ? GIT_DIRECTION_PUSH : GIT_DIRECTION_FETCH
    try perform("connect to") { git_remote_connect(remote, direction, &callbacks, nil, nil) }
    defer { git_remote_disconnect(remote) }
    var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
    var count = 0
    try perform("list the refs of") { git_remote_ls(&heads, &count, remote) }
    var refs: [String: git_oid] = [:]
    guard let heads else { return refs }
    for i in 0..<count {
      guard let head = heads[i], let name = head.pointee.name else { continue }
      let ref = String(cString: name)
      if ref.hasPrefix("refs/gage/") { refs[ref] = head.pointee.oid }
    }
    return refs
  }

  /// Fetches `refspecs` (`+src:dst`) into the runs dir's repository.
  func fetch(_ refspecs: [String], into repository: RunRepository) throws {
    guard !refspecs.isEmpty else { return }
    let remote = try anonymous(location.url, repository)
    defer { git_remote_free(remote) }
    var options = git_fetch_options()
    git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
    options.callbacks = context.callbacks()
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
    options.update_fetchhead = 0
    try withStrings(refspecs) { specs in
      try perform("fetch from") { git_remote_fetch(remote, &specs, &options, "gage pull") }
    }
    context.progress?.finish()
  }

  /// Pushes `refspecs`; throws when the remote refuses any of them.
  func push(_ refspecs: [String], from repository: RunRepository) throws {
    guard !refspecs.isEmpty else { return }
    let remote = try anonymous(location.pushURL, repository)
    defer { git_remote_free(remote) }
    var options = git_push_options()
    git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION))
    options.callbacks = context.callbacks()
    context.remoteText = ""
    try withStrings(refspecs) { specs in
      try perform("push to") { git_remote_push(remote, &specs, &options) }
    }
    context.progress?.finish()
    if !context.rejected.isEmpty {
      let shown = context.rejected.prefix(5).map { "\($0.ref): \($0.reason)" }.joined(separator: "; ")
      let said = context.remoteMessages.suffix(10).map { "\n  remote: \($0)" }.joined()
      throw GageError.conflict(
        "\(location.display) refused \(context.rejected.count) ref\(context.rejected.count == 1 ? "" : "s"): \(shown)\(said)")
    }
  }

  /// The transfer went through: a credential helper's password is remembered.
  func succeeded() {
    context.approveCredential()
  }

  private func anonymous(_ url: String, _ repository: RunRepository) throws -> OpaquePointer {
    var remote: OpaquePointer?
    try Libgit2.check(git_remote_create_anonymous(&remote, repository.handle, url), "git_remote_create_anonymous")
    guard let remote else { throw GageError.git("cannot open the remote \(location.display)") }
    return remote
  }

  /// Runs a libgit2 call; a failure becomes the callbacks' reason, else libgit2's message.
  private func perform(_ action: String, _ call: () -> Int32) throws {
    context.failure = nil
    context.newConnection()
    let rc = call()
    guard rc < 0 else { return }
    let error = Libgit2.error(rc, "")
    context.progress?.finish()
    if let failure = context.failure { throw failure }
    var message = error.message
    if message.hasPrefix(": ") { message.removeFirst(2) }
    throw GageError.git("cannot \(action) \(location.display): \(message)")
  }

  private func withStrings(_ strings: [String], _ body: (inout git_strarray) throws -> Void) throws {
    var pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    try pointers.withUnsafeMutableBufferPointer { buffer in
      var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
      try body(&array)
    }
  }
}
