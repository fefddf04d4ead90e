import Foundation
import GageKit
import GageTestSupport
import Testing

/// The presentation layer: one error prefix, one byte convention, the attest subcommands
/// beside their old flag spellings.
@Suite("Presentation")
struct PresentationTests {
  @Test("A usage error has the one prefix gage: (never Error:), then the usage; exit 64")
  func usageErrorPrefix() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    for args in [["runs", "--limit", "0"], ["runs", "--no-such-option"], ["label", "1"]] {
      let result = try project.gage(args)
      #expect(result.exitCode == 64, "\(args): \(result)")
      #expect(result.stderr.hasPrefix("gage: "), "\(args): \(result)")
      #expect(!result.stderr.contains("Error:"), "\(args): \(result)")
      #expect(result.stderr.contains("Usage: gage "), "\(args): \(result)")
    }
    let unknown = try project.gage(["no-such-command"])
    #expect(unknown.exitCode == 64 && unknown.stderr.hasPrefix("gage: "), "\(unknown)")
    let help = try project.gage(["runs", "--help"])
    #expect(help.exitCode == 0 && help.stdout.contains("USAGE") && help.stderr.isEmpty, "\(help)")
  }

  @Test("Sizes are decimal with one decimal wherever they are printed: staging, export, verify")
  func byteConvention() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let size = #/\((\d+ B|\d+\.\d (kB|MB|GB))\)/#
    let staged = try project.gage(["run", "-y", "test"])
    #expect(staged.exitCode == 0, "\(staged)")
    #expect(staged.stderr.contains(size), "\(staged)")
    let archive = project.tmp.path("runs.tar")
    let exported = try project.gage(["archive", "export", "1", "-o", archive])
    #expect(exported.exitCode == 0, "\(exported)")
    #expect(exported.stdout.contains(#/files, (\d+ B|\d+\.\d (kB|MB))\)/#), "\(exported)")
    let verified = try project.gage(["archive", "verify", archive])
    #expect(verified.stdout.contains(#/files, (\d+ B|\d+\.\d (kB|MB))\)/#), "\(verified)")
    for result in [staged, exported, verified] {
      #expect(!(result.stdout + result.stderr).contains(" KB") && !(result.stdout + result.stderr).contains("bytes)"), "\(result)")
    }
  }

  @Test("A stage limit reads K, M, G as powers of 1000 and Ki, Mi, Gi as powers of 1024")
  func stageLimitUnits() throws {
    let project = try TestProject.seed()
    defer { project.remove() }
    let refused = try project.gage(["run", "-q", "--stage-limit", "0.01K", "test"])
    #expect(refused.exitCode == 1, "\(refused)")
    #expect(refused.stderr.contains("above the limit of 10 B"), "\(refused)")
    let binary = try project.gage(["run", "-q", "--stage-limit", "0.01Ki", "test"])
    #expect(binary.stderr.contains("above the limit of 10 B"), "\(binary)")
    let bad = try project.gage(["run", "-q", "--stage-limit", "5Q", "test"])
    #expect(bad.exitCode == 1 && bad.stderr.contains("invalid size \"5Q\""), "\(bad)")
    #expect(project.runs().isEmpty)
  }

  @Test("attest keygen, sign and verify are subcommands; the flag spellings do the same")
  func attestSubcommands() throws {
    let project = try AttestFixture.project()
    defer { project.remove() }
    try AttestFixture.run(project, ["train"])
    let key = project.tmp.path("me")
    let keygen = try project.gage(["attest", "keygen", key])
    #expect(keygen.exitCode == 0 && keygen.stdout.contains("key id "), "\(keygen)")
    let signed = project.tmp.path("run.att")
    let sign = try project.gage(["attest", "sign", "1", "--key", key, "-o", signed])
    #expect(sign.exitCode == 0 && sign.stdout.contains("signed attestation"), "\(sign)")
    let verify = try project.gage(["attest", "verify", signed, "--pub", key + ".pub"])
    #expect(verify.exitCode == 0 && verify.stdout.contains(": ok (signed by key id"), "\(verify)")
    let old = try project.gage(["attest", "--verify", signed, "--pub", key + ".pub"])
    #expect(old.exitCode == 0 && old.stdout == verify.stdout, "\(old)")
    #expect(try project.gage(["attest", "sign", "1"]).stdout == (try project.gage(["attest", "1"]).stdout))
    let other = project.tmp.path("other")
    #expect(try project.gage(["attest", "--keygen", other]).exitCode == 0)
    let wrong = try project.gage(["attest", "verify", signed, "--pub", other + ".pub"])
    #expect(wrong.exitCode == 3, "\(wrong)")
    let help = try project.gage(["attest", "--help"])
    for word in ["keygen", "sign", "verify"] { #expect(help.stdout.contains(word), "\(help)") }
  }
}
