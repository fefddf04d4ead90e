import Foundation
import GageKit
import GageTestSupport
import Testing

/// `gage push` and `gage pull` over git's smart HTTP protocol (`git http-backend` behind a
/// server asking for Basic authentication), with credentials from git's credential helpers.
@Suite("gage push, pull over HTTP with git credential helpers", .serialized)
struct RemoteHTTPTests {
  /// A HOME whose git config stores credentials in `~/.git-credentials` holding `lines`.
  static func home(_ project: TestProject, _ name: String, credentials lines: [String]) throws -> String {
    let home = try project.tmp.makeDir(name)
    try writeFile(FileIO.join(home, ".gitconfig"), "[credential]\n\thelper = store\n")
    try writeFile(FileIO.join(home, ".git-credentials"), lines.map { $0 + "\n" }.joined())
    return home
  }

  /// A project with `runs` runs, and an HTTP server of a new bare repository `runs.git`
  /// under `root`.
  static func serve(runs: Int) throws -> (TestProject, HTTPGitServer, root: String) {
    let project = try ArchiveFixture.project(runs: runs)
    let root = try project.tmp.makeDir("served")
    try GitRepo.run(["init", "-q", "--bare", FileIO.join(root, "runs.git")], in: root)
    return (project, try HTTPGitServer.start(root: root, scratch: project.tmp.path()), root)
  }

  @Test("Push and pull through http:// with the password from `credential.helper store`; the runs verify on the other side")
  func pushPullWithStoredCredential() throws {
    let (project, server, _) = try Self.serve(runs: 2)
    defer { project.remove() }
    defer { server.stop() }
    let url = server.url("runs.git")
    let home = try Self.home(
      project, "home-a", credentials: ["http://\(server.user):\(server.password)@127.0.0.1:\(server.port)"])

    let push = try GageCLI.run(["push", url], in: project.dir, home: home)
    #expect(push.exitCode == 0, "\(push)")
    for run in project.runs() { #expect(push.stdout.contains("pushed \(run.name)"), "\(push)") }
    let again = try GageCLI.run(["push", url], in: project.dir, home: home)
    #expect(again.exitCode == 0 && again.stdout.contains("up to date (2 runs)"), "\(again)")

    let listed = try GageCLI.run(["runs", "--remote", url, "--json"], in: project.dir, home: home)
    #expect(listed.exitCode == 0, "\(listed)")
    #expect((try JSONValue.parse(listed.stdout)).arrayValue?.count == 2, "\(listed)")

    let other = project.tmp.path("host-b/runs")
    let homeB = try Self.home(
      project, "host-b/home", credentials: ["http://\(server.user):\(server.password)@127.0.0.1:\(server.port)"])
    let pull = try GageCLI.run(["pull", url, "--runs", other], in: project.tmp.path(), home: homeB)
    #expect(pull.exitCode == 0, "\(pull)")
    let verify = try GageCLI.run(["verify", "--all", "--runs", other], in: project.tmp.path(), home: homeB)
    #expect(verify.exitCode == 0 && verify.stdout.components(separatedBy: ": ok").count == 3, "\(verify)")
  }

  @Test("A refused password is named as the credential helper's and rejected from its store; no credential at all says how to set one up")
  func refusedCredentials() throws {
    let (project, server, root) = try Self.serve(runs: 1)
    defer { project.remove() }
    defer { server.stop() }
    let url = server.url("runs.git")
    let entries = { project.runsDirEntries().filter { $0 != ".index" && $0 != ".gage.git" } }
    let before = entries()

    let wrong = try Self.home(project, "home-wrong", credentials: ["http://\(server.user):wrong@127.0.0.1:\(server.port)"])
    for command in [["push", url], ["pull", url], ["runs", "--remote", url]] {
      let result = try GageCLI.run(command, in: project.dir, home: wrong)
      #expect(result.exitCode == 1, "\(command): \(result)")
      #expect(
        result.stderr.contains(
          "authentication to 127.0.0.1:\(server.port) failed: the user name and password from git's credential helper (git credential fill) were refused"
        ),
        "\(command): \(result)")
      // git credential reject removed the refused password from the store.
      #expect(try readFile(FileIO.join(wrong, ".git-credentials")) == "", "\(command)")
      try writeFile(FileIO.join(wrong, ".git-credentials"), "http://\(server.user):wrong@127.0.0.1:\(server.port)\n")
    }

    let none = try Self.home(project, "home-none", credentials: [])
    let push = try GageCLI.run(["push", url], in: project.dir, home: none)
    #expect(push.exitCode == 1, "\(push)")
    #expect(push.stderr.contains("git's credential helpers gave none"), "\(push)")
    #expect(entries() == before)
    let refs = try GitRepo.run(["--git-dir", FileIO.join(root, "runs.git"), "for-each-ref", "refs/gage"], in: root)
    #expect(refs.isEmpty, "nothing reached the server: \(refs)")
  }
}
