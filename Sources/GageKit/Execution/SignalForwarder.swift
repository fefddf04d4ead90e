#if canImport(Glibc)
  import Glibc
#endif

nonisolated(unsafe) private var forwardGroup: pid_t = 0
nonisolated(unsafe) private var lastSignal: sig_atomic_t = 0

private let forward: @convention(c) (Int32) -> Void = { sig in
  lastSignal = sig
  let group = forwardGroup
  // Only the phase's own group, never PID 0 or 1 (kill(-1) would reach every process).
  if group > 1 { kill(-group, sig) }
}

/// Passes Ctrl-C (SIGINT) and SIGTERM on to the process group of the running phase, and
/// remembers that the run was interrupted so it is finalized as terminated.
public enum SignalForwarder {
  /// Installs the handlers (idempotent).
  public static func install() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = forward
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, nil)
    sigaction(SIGTERM, &action, nil)
    sigaction(SIGHUP, &action, nil)
    // A closed output pipe must not kill the runner mid-run; children get the default back.
    signal(SIGPIPE, SIG_IGN)
    // A file size limit fails the write (EFBIG) instead of killing the runner mid-write.
    signal(SIGXFSZ, SIG_IGN)
    // A mask inherited from the parent must not make the runner deaf to Ctrl-C and SIGTERM.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&unblock, sig) }
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
  }

  /// Sets the process group that receives forwarded signals (0: none).
  public static func setTarget(_ group: pid_t) {
    forwardGroup = group
  }

  /// The last signal received since `reset()`, or 0.
  public static var received: Int32 { lastSignal }

  /// Forgets a received signal.
  public static func reset() {
    lastSignal = 0
  }
}
