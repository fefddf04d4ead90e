import Foundation
import GageKit
import GageTestSupport
import Testing

/// YAML "billion laughs": a few hundred bytes whose aliases expand to billions of values.
/// Gage files and YAML config files refuse aliases past a small bound, naming the file,
/// line and column, with bounded memory; `gage` runs under `ulimit -v` and `ulimit -t`, so
/// a document that expanded would end in an allocation failure or SIGXCPU instead.
@Suite("YAML aliases")
struct YAMLAliasTests {
  /// Address space for `gage`: about 150 MB of it is mapped before any work.
  static let memoryLimit = 512 << 10

  /// Nine levels of nine aliases each to the level above: 9^9 values once expanded.
  static func laughs(_ key: (Int, String) -> String = { "\($1): &\($1)" }) -> String {
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    var lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for (n, name) in names.enumerated().dropFirst() {
      lines.append("\(key(n, name)) [" + Array(repeating: "*\(names[n - 1])", count: 9).joined(separator: ", ") + "]")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The same growth in mapping keys (`? [n, *prev]`): Yams hashes every key while it
  /// composes, so this one never even reaches Gage's own reading.
  static let keyLaughs: String = {
    var lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]
    for (n, name) in names.enumerated().dropFirst() {
      let keys = (1...9).map { "[\($0), *\(names[n - 1])]: \($0)" }.joined(separator: ", ")
      lines.append("\(name): &\(name) {\(keys)}")
    }
    return lines.joined(separator: "\n") + "\n"
  }()

  @Test("a Gage file whose aliases expand past the bound is refused at the alias, file:line:column")
  func gageFileLaughs() throws {
    let p = try TestProject(files: ["gage.yaml": Self.laughs() + "train:\n  exec: echo hi\n  config: *i\n"])
    defer { p.remove() }
    let result = try GageCLI.runLimited(["check"], in: p.dir, home: p.home, kilobytes: Self.memoryLimit)
    #expect(result.exitCode == 1, "\(result)")
    // The first `*d` of line 5: the aliases before it expand to 8,289 values, it to 7,381.
    #expect(result.stderr.contains("gage.yaml:5:8: aliases (*name) expand to more than 10000 values"), "\(result)")
  }

  @Test("aliases in mapping keys are bounded the same way")
  func gageFileKeyLaughs() throws {
    let p = try TestProject(files: ["gage.yaml": Self.keyLaughs + "train:\n  exec: echo hi\n"])
    defer { p.remove() }
    let result = try GageCLI.runLimited(["check"], in: p.dir, home: p.home, kilobytes: Self.memoryLimit)
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("gage.yaml:"), "\(result)")
    #expect(result.stderr.contains("aliases (*name) expand to more than 10000 values"), "\(result)")
  }

  @Test("a YAML config file whose aliases expand past the bound is refused; no run is made")
  func configFileLaughs() throws {
    let p = try TestProject(
      operations: ["train": .object(["exec": .string("true"), "config": .string("params.yaml")])],
      files: ["params.yaml": "lr: 0.1\n" + Self.keyLaughs])
    defer { p.remove() }
    let result = try GageCLI.runLimited(["run", "-y", "-q", "train"], in: p.dir, home: p.home, kilobytes: Self.memoryLimit)
    #expect(result.exitCode == 1, "\(result)")
    #expect(result.stderr.contains("params.yaml:"), "\(result)")
    #expect(result.stderr.contains("aliases (*name) expand to more than 10000 values"), "\(result)")
    #expect(p.runs().isEmpty)
  }

  @Test("aliases within the bound still read: merged keys and repeated values")
  func smallAliases() throws {
    let text = """
      base: &base
        exec: echo hi
        description: shared
      train:
        <<: *base
        env: &env {LR: "0.1", EPOCHS: "2"}
      test:
        <<: *base
        env: *env

      """
    let p = try TestProject(files: ["gage.yaml": text])
    defer { p.remove() }
    let result = try GageCLI.runLimited(["operations"], in: p.dir, home: p.home, kilobytes: Self.memoryLimit)
    #expect(result.exitCode == 0, "\(result)")
    #expect(result.stdout.contains("train") && result.stdout.contains("shared"), "\(result)")
  }
}
