import Foundation

/// What the callbacks of one transfer share: credentials tried so far, the host keys to
/// check against, progress, and the precise reason of a failure (libgit2's own messages
/// say less).
final class TransferContext: GitTransferDelegate {
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

  func credential(usernameFromURL: String?, allowed: GitCredentialTypes) -> GitCredential? {
    let user = usernameFromURL ?? location.user ?? AttributeLog.currentUser
    if allowed.contains(.sshKey) {
      return sshCredential(user: user)
    }
    if allowed.contains(.username) {
      return .username(user)
    }
    if allowed.contains(.userPassPlaintext) {
      return httpCredential(user: usernameFromURL ?? location.user)
    }
    failure = .git(
      "authentication to \(hostShown) failed: the server asks for a method gage does not support (allowed: \(allowed.rawValue))")
    return nil
  }

  private func sshCredential(user: String) -> GitCredential? {
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
          "authentication to \(hostShown) failed: no SSH credentials (no ssh-agent: SSH_AUTH_SOCK is unset; no key in \(home)/.ssh: id_ed25519, id_ecdsa, id_rsa; GAGE_SSH_KEY names another)"
        )
      } else {
        failure = .git(
          "authentication to \(hostShown) as \(user) failed: the server refused SSH public key authentication with \(tried.joined(separator: ", ")); add the public key to the server's authorized_keys, or load the right key into ssh-agent"
        )
      }
      return nil
    }
    let method = methods[tried.count]
    tried.append(method.shown)
    switch method {
    case .agent:
      return .sshAgent(user: user)
    case .key(let path):
      let pub = path + ".pub"
      return .sshKey(user: user, publicKey: FileIO.exists(pub) ? pub : nil, privateKey: path)
    }
  }

  private func httpCredential(user: String?) -> GitCredential? {
    if httpTried, let rejected = httpCredential {
      GitCredentialHelper.reject(rejected, url: location.url)
      httpCredential = nil
      failure = .git(
        "authentication to \(hostShown) failed: the user name and password from git's credential helper (git credential fill) were refused")
      return nil
    }
    httpTried = true
    // A credential that an earlier connection of this command got through with is used again.
    guard let credential = httpCredential ?? GitCredentialHelper.fill(url: location.url, user: user) else {
      failure = .git(
        "authentication to \(hostShown) failed: it asks for a user name and password, and git's credential helpers gave none (git credential fill); set one up, e.g. git config --global credential.helper store"
      )
      return nil
    }
    httpCredential = credential
    return .userPassword(user: credential.username, password: credential.password)
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

  func trustsHostKey(_ key: [UInt8]?, host: String) -> Bool {
    let name = location.host ?? host
    let file = FileIO.join(home, ".ssh", "known_hosts")
    let portOption = location.port.map { "-p \($0) " } ?? ""
    guard let key else {
      failure = .git("cannot check the host key of \(hostShown): the SSH library gave no key")
      return false
    }
    switch knownHosts.check(host: name, port: location.port, key: key) {
    case .known:
      return true
    case .unknown:
      failure = .git(
        "the host \(hostShown) is not known (its key is not in \(file)); refusing to connect. If you trust it, check its key and add it with:\n  ssh-keyscan \(portOption)\(name) >> \(file)"
      )
    case .mismatch(let at):
      failure = .git(
        "the host key of \(hostShown) differs from the one in \(at): refusing to connect (the server may be impersonated). If its key changed for a good reason, remove the old one with:\n  ssh-keygen -R '\(hostShown)'"
      )
    case .revoked:
      failure = .git("the host key of \(hostShown) is marked @revoked in known_hosts: refusing to connect")
    }
    return false
  }

  // MARK: What the server says

  func received(remoteText text: String) {
    remoteText += text
    if remoteText.utf8.count > 16_384 { remoteText = String(remoteText.suffix(8_192)) }
  }

  func progress(bytes: Int64, objects: Int, totalObjects: Int) {
    progress?.set(bytes: bytes, files: objects, totalFiles: totalObjects)
  }

  func refused(ref: String, reason: String) {
    rejected.append((ref, reason))
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
  func listRefs(forPush: Bool = false) throws -> [String: GitOID] {
    try location.checkLocalRepository()
    let remote = try GitRemote(
      detachedURL: forPush ? location.pushURL : location.url, shown: location.display, delegate: context)
    try perform("connect to") { try remote.connect(forPush: forPush) }
    var refs: [String: GitOID] = [:]
    for (ref, oid) in try perform("list the refs of", { try remote.refs() }) where ref.hasPrefix("refs/gage/") {
      refs[ref] = oid
    }
    return refs
  }

  /// Fetches `refspecs` (`+src:dst`) into the runs dir's repository.
  func fetch(_ refspecs: [String], into repository: RunRepository) throws {
    guard !refspecs.isEmpty else { return }
    let remote = try GitRemote(url: location.url, shown: location.display, repository: repository, delegate: context)
    try perform("fetch from") { try remote.fetch(refspecs, reflogMessage: "gage pull") }
    context.progress?.finish()
  }

  /// Pushes `refspecs`; throws when the remote refuses any of them.
  func push(_ refspecs: [String], from repository: RunRepository) throws {
    guard !refspecs.isEmpty else { return }
    let remote = try GitRemote(url: location.pushURL, shown: location.display, repository: repository, delegate: context)
    context.remoteText = ""
    try perform("push to") { try remote.push(refspecs) }
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

  /// Runs a network call of the remote; a failure becomes the callbacks' reason, else
  /// libgit2's message.
  private func perform<T>(_ action: String, _ call: () throws -> T) throws -> T {
    context.failure = nil
    context.newConnection()
    do {
      return try call()
    } catch let error as GageError {
      context.progress?.finish()
      if let failure = context.failure { throw failure }
      var message = error.message
      if message.hasPrefix(": ") { message.removeFirst(2) }
      throw GageError.git("cannot \(action) \(location.display): \(message)")
    }
  }
}
