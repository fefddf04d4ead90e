import Foundation

/// HTTPS credentials from git's credential helpers: `git credential fill`, then `approve`
/// when they worked and `reject` when the server refused them (git's own protocol, so
/// whatever helper the user set up, a keychain or a store file, serves Gage too).
enum GitCredentialHelper {
  struct Credential {
    var username: String
    var password: String
  }

  /// Asks the helpers for `url`'s credential; nil when they have none. Never prompts:
  /// `GIT_TERMINAL_PROMPT=0`, and stdin is the request.
  static func fill(url: String, user: String?) -> Credential? {
    var request = "url=\(url)\n"
    if let user { request += "username=\(user)\n" }
    guard let output = run("fill", input: request + "\n") else { return nil }
    var fields: [String: String] = [:]
    for line in output.split(separator: "\n") {
      guard let eq = line.firstIndex(of: "=") else { continue }
      fields[String(line[..<eq])] = String(line[line.index(after: eq)...])
    }
    guard let username = fields["username"], let password = fields["password"] else { return nil }
    return Credential(username: username, password: password)
  }

  static func approve(_ credential: Credential, url: String) {
    _ = run("approve", input: text(credential, url: url))
  }

  static func reject(_ credential: Credential, url: String) {
    _ = run("reject", input: text(credential, url: url))
  }

  private static func text(_ credential: Credential, url: String) -> String {
    "url=\(url)\nusername=\(credential.username)\npassword=\(credential.password)\n\n"
  }

  /// Runs `git credential <action>`; its stdout, nil when it failed or git is missing.
  private static func run(_ action: String, input: String) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "credential", action]
    var env = ProcessInfo.processInfo.environment
    env["GIT_TERMINAL_PROMPT"] = "0"
    process.environment = env
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      return nil
    }
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try? stdin.fileHandleForWriting.close()
    let data = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self)
  }
}
