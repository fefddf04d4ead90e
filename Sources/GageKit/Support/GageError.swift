import Foundation

/// An error of Gage: what happened, and where possible what to do next.
public enum GageError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A user input (argument, flag, Gage file content) is invalid.
  case invalidInput(String)
  /// A file that should hold structured data does not.
  case invalidData(String)
  /// Something named by the user does not exist.
  case notFound(String)
  /// A file-system call failed; carries the path, the operation and errno's text.
  case io(path: String, operation: String, errno: Int32)
  /// The requested change conflicts with the state of a run.
  case conflict(String)
  /// A Gage file is malformed; `location` is `file:line:column`.
  case gageFile(location: String, message: String)
  /// A process could not be started.
  case exec(String)
  /// A libgit2 call failed; carries libgit2's message made readable.
  case git(String)

  /// The message shown to the user.
  public var message: String {
    switch self {
    case .invalidInput(let m), .invalidData(let m), .notFound(let m), .conflict(let m), .exec(let m), .git(let m):
      return m
    case .io(let path, let op, let errno):
      return "cannot \(op) \(path): \(String(cString: strerror(errno)))"
    case .gageFile(let location, let message):
      return "\(location): \(message)"
    }
  }

  public var description: String { message }
}
