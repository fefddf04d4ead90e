import ArgumentParser
import Foundation
import GageKit

#if canImport(Glibc)
  import Glibc
#endif

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
