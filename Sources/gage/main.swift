import ArgumentParser
import Foundation
import GageKit

#if canImport(Glibc)
  import Glibc
#endif

// A file size limit (`ulimit -f`) makes a write fail with "File too large", reported like
// any other error, instead of killing gage halfway through a write.
signal(SIGXFSZ, SIG_IGN)

do {
  var command = try Gage.parseAsRoot()
  try command.run()
} catch let error as GageError {
  Console.error(error.message)
  exit(1)
} catch let code as ExitCode {
  exit(code.rawValue)
} catch {
  Gage.exit(withError: error)
}
