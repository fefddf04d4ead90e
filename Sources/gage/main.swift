import ArgumentParser
import Foundation
import GageKit

#if canImport(Glibc)
  import Glibc
#endif

// A file size limit (`ulimit -f`) makes a write fail with "File too large", reported like
// any other error, instead of killing gage halfway through a write.
signal(SIGXFSZ, SIG_IGN)

/// The one place errors are shown: `gage: message` on stderr (made printable, its lines
/// kept), then the exit status of the README: 1 for an error, 64 for a usage error (with
/// the usage), the command's own status for an `ExitCode` (3 for a mismatch). Help and
/// `--version` print on stdout and exit 0.
func exit(rendering error: Error) -> Never {
  switch error {
  case let error as GageError:
    Console.error(error.message)
    exit(1)
  case let error as ArchiveError:
    Console.error(error.message)
    exit(1)
  case let code as ExitCode:
    exit(code.rawValue)
  default:
    let code = Gage.exitCode(for: error)
    if code == .success { Gage.exit(withError: error) }
    var text = Gage.fullMessage(for: error)
    // Argument parser's own prefix gives way to the one prefix of every error.
    if text.hasPrefix("Error: ") { text.removeFirst("Error: ".count) }
    while text.hasSuffix("\n") { text.removeLast() }
    Console.error(text)
    exit(code.rawValue)
  }
}

do {
  var command = try Gage.parseAsRoot()
  try command.run()
} catch {
  exit(rendering: error)
}
