import Foundation
import GageKit
import GageTestSupport
import Testing

/// `gage pull` from a hostile remote: sealed commits, trees and refs made by hand with plain
/// git (raw tree objects through `git hash-object --literally`, `git fast-import`,
/// `git commit-tree`, `git update-ref`) in the bare repository gage pushed a run to. Each bad
/// run must be refused by name with exit 3 and leave nothing in the runs dir pulled into: no
/// run, no `.pull-*` dir, no ref of it in `.gage.git`, nothing written beside the runs dir.
///
/// Every forgery starts from the run gage pushed and keeps its manifest and seal consistent
/// with what it changes (unless the test is about them), so that only the check under test
/// can refuse it; the positive control pulls the run re-made by the same helpers.
@Suite("gage pull from a hostile remote", .serialized)
struct HostileRemoteTests {
  @Test(
    "Positive control: a run gage pushed pulls whole (links, an executable, control characters in names), and so does the run re-made by hand from its objects"
  )
  func controlPullsFine() throws {
    let names = ["tab\there.txt", "line\nbreak.txt", "bell\u{07}.txt"]
    var files = ["train.py": "print('train')\n"]
    for name in names { files[name] = name }
    let project = try TestProject(operations: ArchiveFixture.operations, files: files)
    defer { project.remove() }
    let made = try project.gage(["run", "-y", "-q", "make"])
    #expect(made.exitCode == 0, "\(made)")
    let scene = try HostileScene(project)
    let run = scene.run

    let (pulled, runsDir) = try scene.pull()
    #expect(pulled.exitCode == 0, "\(pulled)")
    #expect(pulled.stdout.contains("pulled \(run.name) (\(run.id.prefix(8)))"), "\(pulled)")
    let copy = Run(id: run.id, runDir: FileIO.join(runsDir, run.id))
    #expect(try Listing.snapshot(copy.runDir) == Listing.snapshot(run.runDir))
    #expect(try Listing.snapshot(copy.metaDir) == Listing.snapshot(run.metaDir))
    for name in names { #expect(try FileIO.readText(FileIO.join(copy.runDir, name)) == name) }
    #expect(try FileDigest.linkTarget(FileIO.join(copy.runDir, "link")) == "out.txt")
    #expect(project.runsDirEntries(runsDir).allSatisfy { !$0.hasPrefix(".pull-") }, "\(project.runsDirEntries(runsDir))")
    let verify = try GageCLI.run(["verify", "--all", "--runs", runsDir], in: project.tmp.path(), home: scene.home)
    #expect(verify.exitCode == 0, "\(verify)")

    // The same objects put back together by the helpers the other tests forge with: a new
    // commit (another author), the same run; it pulls, so their refusals are the checks'.
    try scene.forge.setRef("refs/gage/runs/\(run.id)", try scene.base.commit(scene.forge))
    let (remade, again) = try scene.pull()
    #expect(remade.exitCode == 0, "\(remade)")
    #expect(try Listing.snapshot(FileIO.join(again, run.id)) == Listing.snapshot(run.runDir))
    #expect(try Listing.snapshot(FileIO.join(again, run.id + ".meta")) == Listing.snapshot(run.metaDir))
  }

  /// Commits that are not a run, or not a commit.
  enum NotARun: String, CaseIterable, Sendable {
    case noMetaDir, noManifest, emptyTree, metaIsAFile, extraEntry, refToATree, refToABlob
  }

  @Test(
    "A ref whose object is not a run: no meta dir, no manifest, an empty tree, meta as a file, an extra entry, a tree or blob instead of a commit",
    arguments: NotARun.allCases)
  func notARun(_ shape: NotARun) throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let scene = try HostileScene(project)
    let (forge, id, base) = (scene.forge, scene.id, scene.base)
    let object: String
    let messages: [String]
    switch shape {
    case .noMetaDir:
      object = try forge.commit(forge.tree([ForgedEntry("40000", id, try forge.tree(base.files))]))
      messages = ["\(id).meta: missing: the commit holds no meta dir for run \(id)"]
    case .noManifest:
      var parts = base
      parts.withManifest = false
      object = try parts.commit(forge)
      messages = ["\(id).meta/manifest: missing: run \(id) has no manifest"]
    case .emptyTree:
      object = try forge.commit(forge.tree([]))
      messages = ["\(id).meta: missing: the commit holds no meta dir for run \(id)"]
    case .metaIsAFile:
      object = try forge.commit(
        forge.tree([
          ForgedEntry("40000", id, try forge.tree(base.files)), ForgedEntry("100644", id + ".meta", try forge.blob("meta\n")),
        ]))
      messages = ["\(id).meta: not part of a run: the commit of run \(id) holds only \(id)/ and \(id).meta/"]
    case .extraEntry:
      let user = try forge.tree([ForgedEntry("100644", "x.json", try forge.blob("{}"))])
      object = try forge.commit(forge.tree(try base.top(forge) + [ForgedEntry("40000", id + ".user", user)]))
      messages = ["\(id).user: not part of a run: the commit of run \(id) holds only \(id)/ and \(id).meta/"]
    case .refToATree:
      object = try forge.tree(try base.top(forge))
      messages = ["the requested type does not match the type in the ODB"]
    case .refToABlob:
      object = try forge.blob("not a commit\n")
      messages = ["the requested type does not match the type in the ODB"]
    }
    try scene.expectRejected(object, messages)
  }

  /// A name no entry of a run may have.
  struct BadName: Sendable, CustomTestStringConvertible {
    var label: String
    var bytes: [UInt8]
    /// A directory holding `inner.txt`, rather than a file.
    var directory = false
    /// Inside a directory `nest/`, rather than at the run dir's top.
    var nested = false
    /// What stderr says, `<id>` standing for the run id.
    var expected: [String]
    /// Refused by git itself as the objects arrive (exit 1), rather than by gage's checks.
    var refusedByGit = false
    var testDescription: String { label }
  }

  static let unsafe = ": an unsafe name (empty, \".\", \"..\", \".git\", or holding \"/\" or NUL)"

  @Test(
    "Names git trees can hold but a run may not: .., ., .git in any case or disguise, nested .git, empty, with a slash, not UTF-8",
    arguments: [
      BadName(label: "..", bytes: Array("..".utf8), directory: true, expected: ["<id>/.." + unsafe]),
      BadName(label: ".", bytes: Array(".".utf8), expected: ["<id>/." + unsafe]),
      BadName(label: ".git", bytes: Array(".git".utf8), directory: true, expected: ["<id>/.git" + unsafe]),
      BadName(label: ".GIT", bytes: Array(".GIT".utf8), directory: true, expected: ["<id>/.GIT" + unsafe]),
      BadName(label: ".git. (NTFS)", bytes: Array(".git.".utf8), expected: ["<id>/.git." + unsafe]),
      BadName(label: ".g\\u{200C}it (HFS+)", bytes: Array(".g\u{200C}it".utf8), directory: true, expected: ["<id>/.g\u{200C}it" + unsafe]),
      BadName(label: "nest/.git", bytes: Array(".git".utf8), directory: true, nested: true, expected: ["<id>/nest/.git" + unsafe]),
      BadName(label: "empty", bytes: [], expected: ["failed to parse tree: can't parse filename"], refusedByGit: true),
      BadName(label: "a/b", bytes: Array("a/b".utf8), expected: ["<id>/a/b" + unsafe]),
      BadName(label: "not UTF-8", bytes: [0x66, 0xFF], expected: ["<id>: tree ", " holds a name that is not UTF-8"]),
    ])
  func badNames(_ bad: BadName) throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let scene = try HostileScene(project)
    let (forge, id) = (scene.forge, scene.id)
    var parts = scene.base
    // Listed in the manifest: only the name check stands in the way.
    let text = "name \(bad.label)\n"
    let path = (bad.nested ? "nest/" : "") + String(decoding: bad.bytes, as: UTF8.self)
    var entry: ForgedEntry
    if bad.directory {
      entry = ForgedEntry("40000", bytes: bad.bytes, try forge.tree([ForgedEntry("100644", "inner.txt", try forge.blob(text))]))
      parts.list(path + "/inner.txt", text)
    } else {
      entry = ForgedEntry("100644", bytes: bad.bytes, try forge.blob(text))
      parts.list(path, text)
    }
    if bad.nested { entry = ForgedEntry("40000", "nest", try forge.tree([entry])) }
    parts.files.append(entry)
    try scene.expectRejected(
      try parts.commit(forge), bad.expected.map { $0.replacingOccurrences(of: "<id>", with: id) }, refusedByGit: bad.refusedByGit)
  }

  @Test("A control-character name the manifest does not list is refused by name, the name escaped on the terminal and exact in --json")
  func controlCharacterName() throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let scene = try HostileScene(project)
    let (forge, id) = (scene.forge, scene.id)
    let name = "esc\u{1B}]0;owned\u{07}\r.txt"
    var parts = scene.base
    parts.files.append(ForgedEntry("100644", name, try forge.blob("x\n")))
    let commit = try parts.commit(forge)
    try scene.expectRejected(commit, ["\(id)/esc\\u{1B}]0;owned\\u{7}\\r.txt: run \(id)'s own manifest does not list this file"])

    let (json, runsDir) = try scene.pull(["--json"])
    #expect(json.exitCode == 3, "\(json)")
    let item = try JSONValue.parse(json.stdout).arrayValue?.first
    #expect(item?["outcome"]?.stringValue == "rejected", "\(json)")
    #expect(item?["reason"]?.stringValue?.contains("\(id)/\(name): run \(id)'s own manifest does not list this file") == true, "\(json)")
    #expect(project.runsDirEntries(runsDir) == [".gage.git"], "\(project.runsDirEntries(runsDir))")
  }

  /// Links that would reach outside their run, or be written through.
  enum LinkCase: String, CaseIterable, Sendable {
    case climbsOut, absolute, climbsThroughALink, directoryThroughALink, fileThroughALink
  }

  @Test(
    "Links: out of the run by .., absolute, out through another link, a directory or a file of the same name written through one",
    arguments: LinkCase.allCases)
  func links(_ shape: LinkCase) throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let scene = try HostileScene(project)
    let (forge, id) = (scene.forge, scene.id)
    var parts = scene.base
    func link(_ name: String, _ target: String) throws -> ForgedEntry {
      parts.list(name, target)
      return ForgedEntry("120000", name, try forge.blob(target))
    }
    let messages: [String]
    switch shape {
    case .climbsOut:
      parts.files.append(try link("escape", "../../outside"))
      messages = ["\(id)/escape: a link to \"../../outside\", which leaves its run"]
    case .absolute:
      parts.files.append(try link("escape", project.tmp.path("outside")))
      messages = ["\(id)/escape: a link to the absolute path \"\(project.tmp.path("outside"))\"; links must stay inside their run"]
    case .climbsThroughALink:
      // hop/step/up leads back to the run's top, lexically inside; escape climbs from there
      // to the runs dir, though each target alone looks inside the run.
      let up = try link("hop/step/up", "../..")
      let step = try forge.tree([ForgedEntry(up.mode, "up", up.oid)])
      let hop = try forge.tree([ForgedEntry("40000", "step", step)])
      parts.files += [try link("escape", "hop/step/up/.."), ForgedEntry("40000", "hop", hop)]
      messages = ["\(id)/escape: a link to \"hop/step/up/..\", with \"..\" after a name; through another link it could leave its run"]
    case .directoryThroughALink:
      let inner = try forge.tree([ForgedEntry("100644", "file", try forge.blob("through\n"))])
      parts.files += [try link("escape", "sub"), ForgedEntry("40000", "escape", inner)]
      parts.list("escape/file", "through\n")
      messages = ["\(id)/escape: named twice in one tree"]
    case .fileThroughALink:
      // Written through the link, "owned" would replace gage.json, listed with its old
      // digest, while the manifest's line for escape matched the bytes written.
      parts.files += [try link("escape", "gage.json"), ForgedEntry("100644", "escape", try forge.blob("owned\n"))]
      parts.list("escape", "owned\n")
      messages = ["\(id)/escape: named twice in one tree"]
    }
    try scene.expectRejected(try parts.commit(forge), messages)
    #expect(!FileIO.exists(project.tmp.path("outside")))
  }

  /// Files and meta files whose bytes disagree with the run's manifest or seal.
  enum Tampered: String, CaseIterable, Sendable {
    case modifiedFile, unlistedFile, missingFile, modifiedLink, modifiedMetaFile
  }

  @Test("Bytes that disagree with the run's own manifest or seal: each refused, the file named", arguments: Tampered.allCases)
  func tampered(_ shape: Tampered) throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let scene = try HostileScene(project)
    let (forge, id) = (scene.forge, scene.id)
    var parts = scene.base
    let message: String
    switch shape {
    case .modifiedFile:
      try parts.replace(file: "out.txt", with: ForgedEntry("100755", "out.txt", try forge.blob("tampered\n")))
      message = "\(id)/out.txt: run \(id)'s own manifest disagrees with this file's digest"
    case .unlistedFile:
      parts.files.append(ForgedEntry("100644", "extra.txt", try forge.blob("extra\n")))
      message = "\(id)/extra.txt: run \(id)'s own manifest does not list this file"
    case .missingFile:
      parts.files.removeAll { $0.text == "sub" }
      message = "\(id)/sub/100%.txt: run \(id)'s own manifest lists this file, which is missing"
    case .modifiedLink:
      try parts.replace(file: "link", with: ForgedEntry("120000", "link", try forge.blob("train.py")))
      message = "\(id)/link: run \(id)'s own manifest disagrees with this file's digest"
    case .modifiedMetaFile:
      try parts.replace(meta: "opref", with: ForgedEntry("100644", "opref", try forge.blob("forged\n")))
      message = "\(id).meta/opref: run \(id)'s seal disagrees with this meta file's digest"
    }
    try scene.expectRejected(try parts.commit(forge), [message])
  }

  /// One name twice in one tree.
  enum Twice: String, CaseIterable, Sendable {
    case file, fileInSubdirectory, runDir, metaFile, annotation
  }

  @Test(
    "The same name twice in one tree (run dir, subdirectory, top, meta, annotations): refused before anything is written over or through the first",
    arguments: Twice.allCases)
  func namedTwice(_ shape: Twice) throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let scene = try HostileScene(project)
    let (forge, id) = (scene.forge, scene.id)
    var parts = scene.base
    switch shape {
    case .file:
      // The manifest lists the second: written over the first, the run would pass.
      parts.files += [
        ForgedEntry("100644", "dup.txt", try forge.blob("first\n")), ForgedEntry("100644", "dup.txt", try forge.blob("second\n")),
      ]
      parts.list("dup.txt", "second\n")
      try scene.expectRejected(try parts.commit(forge), ["\(id)/dup.txt: named twice in one tree"])
    case .fileInSubdirectory:
      var sub = try forge.entries("refs/gage/runs/\(id):\(id)/sub")
      sub += [ForgedEntry("100644", "twice.txt", try forge.blob("1\n")), ForgedEntry("100644", "twice.txt", try forge.blob("2\n"))]
      parts.list("sub/twice.txt", "2\n")
      try parts.replace(file: "sub", with: ForgedEntry("40000", "sub", try forge.tree(sub)))
      try scene.expectRejected(try parts.commit(forge), ["\(id)/sub/twice.txt: named twice in one tree"])
    case .runDir:
      let other = try forge.tree([ForgedEntry("100644", "gage.json", try forge.blob("other\n"))])
      let top = try parts.top(forge)
      try scene.expectRejected(try forge.commit(forge.tree(top + [ForgedEntry("40000", id, other)])), ["\(id): named twice in one tree"])
    case .metaFile:
      parts.meta.append(ForgedEntry("100644", "manifest", try forge.blob("s \(String(repeating: "0", count: 64)) gage.json\n")))
      try scene.expectRejected(try parts.commit(forge), ["\(id).meta/manifest: named twice in one tree"])
    case .annotation:
      let name = "01HZZZZZZZZZZZZZZZZZZZZZZZ.json"
      let entries = try forge.tree([
        ForgedEntry("100644", name, try forge.blob("{\"label\": \"a\"}")),
        ForgedEntry("100644", name, try forge.blob("{\"label\": \"b\"}")),
      ])
      let commit = try forge.commit(forge.tree([ForgedEntry("40000", id + ".user", entries)]))
      // The sealed commit stays the one gage pushed: only the annotations are hostile.
      try scene.expectRejected(refs: ["refs/gage/user/\(id)": commit], id: id, ["\(id).user/\(name): named twice in one tree"])
      // Pushing a new comment on top of that tip: refused with the reason, the remote unchanged.
      #expect(try project.gage(["comment", "1", "-m", "on top"]).exitCode == 0)
      let push = try project.gage(["push", scene.remote])
      #expect(push.exitCode == 1, "\(push)")
      #expect(
        push.stderr.contains(
          "holds annotations of run \(scene.run.name) (\(id.prefix(8))) that are not valid (\(id).user/\(name): named twice in one tree); nothing was pushed"
        ),
        "\(push)")
      #expect(try forge.git(["rev-parse", "refs/gage/user/\(id)"]) == commit)
    }
  }

  @Test(
    "Refs under refs/gage/runs/ that are not run ids (not an id, in capitals, with a fullwidth digit) are no runs: never fetched nor placed"
  )
  func refsThatAreNotRunIDs() throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let scene = try HostileScene(project)
    let (forge, id) = (scene.forge, scene.id)
    let pushed = try forge.git(["rev-parse", "refs/gage/runs/\(id)"])
    try forge.setRef("refs/gage/runs/not-an-id", pushed)
    // The same run under ids of the right shape but not as gage writes them; each commit
    // names its own id, so only the ref's name stands in the way.
    var bad: [String] = [id.uppercased()]
    if let first = id.unicodeScalars.first {
      let wide = first.properties.numericType != nil ? 0xFF10 + first.value - 0x30 : 0xFF41 + first.value - 0x61
      if let scalar = Unicode.Scalar(wide) { bad.append(String(Character(scalar)) + id.dropFirst()) }
    }
    for other in bad {
      var parts = scene.base
      parts.id = other
      try parts.setMeta(MetaFile.id, other, forge: forge)
      try forge.setRef("refs/gage/runs/\(other)", try parts.commit(forge))
    }
    let (pulled, runsDir) = try scene.pull()
    #expect(pulled.exitCode == 0, "\(pulled)")
    #expect(pulled.stdout.contains("pulled \(scene.run.name)"), "\(pulled)")
    #expect(pulled.stderr.isEmpty, "\(pulled)")
    let entries = project.runsDirEntries(runsDir).filter { $0 != ".gage.git" && $0 != ".index" }
    #expect(entries == [id, id + ".meta"], "\(entries)")
    let refs = try GitRepo.run(["--git-dir", FileIO.join(runsDir, ".gage.git"), "for-each-ref", "--format=%(refname)"], in: project.dir)
    #expect(refs.split(separator: "\n") == ["refs/gage/runs/\(id)"], "\(refs)")

    // Named explicitly, such a ref is no run either.
    let named = try GageCLI.run(
      ["pull", scene.remote, "not-an-id", "--runs", project.tmp.path("named")], in: project.tmp.path(), home: scene.home)
    #expect(named.exitCode == 1, "\(named)")
    #expect(named.stderr.contains("no run of \(scene.remote) matches \"not-an-id\""), "\(named)")
    #expect(project.runsDirEntries(project.tmp.path("named")).filter { $0 != ".gage.git" }.isEmpty)
  }

  /// A ref naming one run, its commit holding another.
  enum OtherID: String, CaseIterable, Sendable {
    case anotherRunsDirs, anotherRunsMeta, anotherRunRenamed
  }

  @Test(
    "The ref's id differs from the run the commit holds: another run's dirs, another run's meta dir, another run re-filed under the ref's id",
    arguments: OtherID.allCases)
  func idMismatch(_ shape: OtherID) throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let scene = try HostileScene(project)
    let (forge, id) = (scene.forge, scene.id)
    let other = RunID.make()
    switch shape {
    case .anotherRunsDirs:
      // refs/gage/runs/<other> → the commit gage made for <id>, the only run of the remote.
      let pushed = try forge.git(["rev-parse", "refs/gage/runs/\(id)"])
      try forge.git(["update-ref", "-d", "refs/gage/runs/\(id)"])
      try scene.expectRejected(
        pushed, id: other, ["\(id).meta: not part of a run: the commit of run \(other) holds only \(other)/ and \(other).meta/"])
    case .anotherRunsMeta:
      let top = try scene.base.top(forge)
      let metaOID = try #require(top.first { $0.text == id + ".meta" }).oid
      let runOID = try #require(top.first { $0.text == id }).oid
      let commit = try forge.commit(forge.tree([ForgedEntry("40000", id, runOID), ForgedEntry("40000", other + ".meta", metaOID)]))
      try scene.expectRejected(commit, ["\(other).meta: not part of a run: the commit of run \(id) holds only \(id)/ and \(id).meta/"])
    case .anotherRunRenamed:
      // Every byte of <id>, manifest and seal intact, filed under <other>: only the meta's
      // own id tells.
      var parts = scene.base
      parts.id = other
      try forge.git(["update-ref", "-d", "refs/gage/runs/\(id)"])
      try scene.expectRejected(
        try parts.commit(forge), id: other,
        ["\(other).meta/id: names the run \"\(id)\": another run's meta under the id \(other)"])
    }
  }

  @Test(
    "A sealed part carrying proc/lock (which would make the run read as running here, and gage stop signal its PID) is refused, even sealed"
  )
  func lockFile() throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let scene = try HostileScene(project)
    let (forge, id) = (scene.forge, scene.id)
    var parts = scene.base
    var proc = try forge.entries("refs/gage/runs/\(id):\(id).meta/proc")
    proc.append(ForgedEntry("100644", "lock", try forge.blob("1")))
    parts.seal["proc/lock"] = FileDigest.hex(Array("1".utf8))
    try parts.replace(meta: "proc", with: ForgedEntry("40000", "proc", try forge.tree(proc)))
    try scene.expectRejected(
      try parts.commit(forge), ["\(id).meta/proc/lock: a lock file: only a running run has one, and only finished runs travel"])
  }

  @Test(
    "An unfinished run whose runner names this host and a PID without a start time is refused, even sealed (it would read running here and point gage stop at that PID)"
  )
  func unfinishedRun() throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let scene = try HostileScene(project)
    let (forge, id) = (scene.forge, scene.id)
    var parts = scene.base
    let runner = #"{"host": "\#(HostIdentity.current.name)", "pid": \#(getpid())}"#
    var proc = try forge.entries("refs/gage/runs/\(id):\(id).meta/proc").filter { $0.text != "exit" && $0.text != "runner.json" }
    proc.append(ForgedEntry("100644", "runner.json", try forge.blob(runner)))
    parts.seal["proc/exit"] = nil
    parts.seal["proc/runner.json"] = FileDigest.hex(Array(runner.utf8))
    try parts.replace(meta: "proc", with: ForgedEntry("40000", "proc", try forge.tree(proc)))
    try scene.expectRejected(try parts.commit(forge), ["\(id).meta/proc/exit: missing: run \(id) has not finished"])
  }

  @Test("Annotations holding an impossible comment time (which trapped show) or a label that is not text are refused")
  func impossibleAnnotations() throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let scene = try HostileScene(project)
    let (forge, id) = (scene.forge, scene.id)
    let name = "01a24e80-160e-4000-862a-d727254dbb9b.json"
    let cases = [
      (
        #"{"author": "a", "set": {"comment:0001": {"msg": "hi", "timestamp": 1e300}}, "delete": []}"#,
        "comment 0001 holds an impossible timestamp"
      ),
      (#"{"author": "a", "set": {"label": 7}, "delete": []}"#, "its label is not a string"),
    ]
    for (entry, message) in cases {
      let entries = try forge.tree([ForgedEntry("100644", name, try forge.blob(entry))])
      let commit = try forge.commit(forge.tree([ForgedEntry("40000", id + ".user", entries)]))
      try scene.expectRejected(refs: ["refs/gage/user/\(id)": commit], id: id, ["\(id).user/\(name): \(message)"])
    }
  }

  /// Tree entries whose mode is not one gage writes, or whose object is not what the mode says.
  enum OddEntry: String, CaseIterable, Sendable {
    case submodule, groupWritable, allBitsSet, fileThatIsATree, directoryThatIsABlob
  }

  @Test("Entries of other modes (a submodule, 100664, 100777) or whose object is not what their mode says", arguments: OddEntry.allCases)
  func oddEntries(_ shape: OddEntry) throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let scene = try HostileScene(project)
    let (forge, id) = (scene.forge, scene.id)
    var parts = scene.base
    var message: String
    var refusedByGit = false
    switch shape {
    case .submodule:
      let commit = try forge.git(["rev-parse", "refs/gage/runs/\(id)"])
      parts.files.append(ForgedEntry("160000", "vendor", commit))
      message =
        "\(id)/vendor: git mode 160000 is not a file (100644, 100755), link (120000) or directory (40000); submodules are not run files"
    case .groupWritable, .allBitsSet:
      let mode = shape == .groupWritable ? "100664" : "100777"
      parts.files.append(ForgedEntry(mode, "odd.txt", try forge.blob("odd\n")))
      parts.list("odd.txt", "odd\n")
      message = "\(id)/odd.txt: git mode \(mode) is not a file (100644, 100755), link (120000) or directory (40000)"
    case .fileThatIsATree:
      parts.files.append(ForgedEntry("100644", "file.txt", try forge.tree(parts.files)))
      message = "\(id)/file.txt: "
    case .directoryThatIsABlob:
      parts.files.append(ForgedEntry("40000", "dir", try forge.blob("not a tree\n")))
      message = "the requested type does not match the type in the ODB"
      refusedByGit = true
    }
    try scene.expectRejected(try parts.commit(forge), [message], refusedByGit: refusedByGit)
  }

  @Test("Nesting: 255 directories below the run dir pull; 256 are refused, nothing left however deep it went")
  func deepTree() throws {
    let project = try ArchiveFixture.project(runs: 1)
    defer { project.remove() }
    let scene = try HostileScene(project)
    let (forge, id) = (scene.forge, scene.id)
    func nested(_ levels: Int) throws -> String {
      var parts = scene.base
      parts.files.append(ForgedEntry("40000", "d", try forge.deepTree(levels: levels, leaf: "bottom\n")))
      parts.list(Array(repeating: "d", count: levels).joined(separator: "/") + "/leaf.txt", "bottom\n")
      return try parts.commit(forge)
    }
    try scene.expectRejected(
      try nested(256), ["\(id)/" + Array(repeating: "d", count: 256).joined(separator: "/") + ": nested more than 256 directories deep"])

    try forge.setRef("refs/gage/runs/\(id)", try nested(255))
    let (pulled, runsDir) = try scene.pull()
    #expect(pulled.exitCode == 0, "\(pulled)")
    let leaf = FileIO.join(runsDir, id, Array(repeating: "d", count: 255).joined(separator: "/"), "leaf.txt")
    #expect(try FileIO.readText(leaf) == "bottom\n")
  }
}

// MARK: - Forging with plain git

/// One entry of a tree written by hand: any mode, any name bytes.
private struct ForgedEntry {
  /// The mode as git writes it in a tree (`40000`, `100644`, `100755`, `120000`, `160000`...).
  var mode: String
  var name: [UInt8]
  /// The object's id (40 hex digits).
  var oid: String

  init(_ mode: String, _ name: String, _ oid: String) {
    self.init(mode, bytes: Array(name.utf8), oid)
  }

  init(_ mode: String, bytes: [UInt8], _ oid: String) {
    self.mode = mode
    self.name = bytes
    self.oid = oid
  }

  /// The name as text.
  var text: String { String(decoding: name, as: UTF8.self) }
}

/// Plain git on a bare repository, writing objects as a hostile remote could: trees in any
/// order, with any names, twice the same name, through `git hash-object --literally`.
private struct Forge {
  /// The repository.
  let gitDir: String
  /// A directory for the files objects are written from.
  let scratch: String

  /// `git --git-dir <repo> args...`; its output, trimmed.
  @discardableResult
  func git(_ args: [String], stdin: String? = nil) throws -> String {
    try GitRepo.text(["--git-dir", gitDir] + args, in: scratch, stdin: stdin)
  }

  /// A blob of `text`.
  func blob(_ text: String) throws -> String {
    try git(["hash-object", "-w", "--stdin"], stdin: text)
  }

  /// A tree of `entries` in git's order (a directory sorts as if its name ended in `/`;
  /// the same name twice stays twice, in the order given), written unchecked.
  func tree(_ entries: [ForgedEntry]) throws -> String {
    func key(_ entry: ForgedEntry) -> [UInt8] { entry.name + (entry.mode == "40000" ? [UInt8(ascii: "/")] : []) }
    let ordered = entries.enumerated().sorted { a, b in
      let (ka, kb) = (key(a.element), key(b.element))
      return ka == kb ? a.offset < b.offset : ka.lexicographicallyPrecedes(kb)
    }
    var bytes: [UInt8] = []
    for (_, entry) in ordered {
      bytes += Array("\(entry.mode) ".utf8) + entry.name + [0] + (try Self.rawID(entry.oid))
    }
    let file = FileIO.join(scratch, "tree")
    try FileIO.write(bytes, to: file)
    return try git(["hash-object", "-t", "tree", "--literally", "-w", file])
  }

  /// The entries of a tree (`<rev>:<path>`), as `git ls-tree` lists them.
  func entries(_ treeish: String) throws -> [ForgedEntry] {
    try git(["ls-tree", "-z", treeish]).split(separator: "\0").map { record in
      let fields = record.split(separator: "\t", maxSplits: 1)
      let head = fields.first?.split(separator: " ") ?? []
      guard fields.count == 2, head.count == 3 else { throw GageError.invalidData("git ls-tree: \(record)") }
      return ForgedEntry(head[0] == "040000" ? "40000" : String(head[0]), String(fields[1]), String(head[2]))
    }
  }

  /// A commit of `tree` (no parent).
  func commit(_ tree: String) throws -> String {
    try git(["-c", "user.name=Hostile", "-c", "user.email=hostile@example.com", "commit-tree", tree, "-m", "hostile"])
  }

  /// Points `ref` at `oid`, whatever object it is.
  func setRef(_ ref: String, _ oid: String) throws {
    try git(["update-ref", ref, oid])
  }

  /// A chain of `levels` directories named `d`, the innermost holding `leaf.txt`, made by one
  /// `git fast-import` (one process, not one per tree); returns the outermost `d`.
  func deepTree(levels: Int, leaf: String) throws -> String {
    let ref = "refs/forge/deep"
    let path = Array(repeating: "d", count: levels).joined(separator: "/") + "/leaf.txt"
    let script = """
      commit \(ref)
      committer Hostile <hostile@example.com> 0 +0000
      data 0
      M 100644 inline \(path)
      data \(leaf.utf8.count)
      \(leaf)

      """
    try git(["fast-import", "--quiet"], stdin: script)
    let tree = try git(["rev-parse", "\(ref):d"])
    try git(["update-ref", "-d", ref])
    return tree
  }

  /// The 20 bytes of a hex object id.
  static func rawID(_ hex: String) throws -> [UInt8] {
    let digits = Array(hex.utf8)
    guard digits.count == 40 else { throw GageError.invalidData("not an object id: \(hex)") }
    return try stride(from: 0, to: 40, by: 2).map { i in
      guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else {
        throw GageError.invalidData("not an object id: \(hex)")
      }
      return byte
    }
  }
}

/// The sealed commit of a run gage pushed, taken apart with plain git so that a test can
/// change it and put it back together consistently: the manifest as listed here, the seal
/// over the meta files as they are then.
private struct SealedParts {
  /// The id the tree files the run under (`<id>/`, `<id>.meta/`).
  var id: String
  /// The run dir's top entries.
  var files: [ForgedEntry]
  /// The meta dir's top entries, the manifest and seal left out.
  var meta: [ForgedEntry]
  /// The manifest's lines.
  var manifest: [String]
  /// The seal: meta path → SHA-256, the manifest's left out (computed on commit).
  var seal: [String: String] = [:]
  /// Whether the meta dir gets a manifest.
  var withManifest = true

  init(forge: Forge, id: String) throws {
    let ref = "refs/gage/runs/\(id)"
    self.id = id
    files = try forge.entries("\(ref):\(id)")
    meta = try forge.entries("\(ref):\(id).meta").filter { $0.text != MetaFile.manifest && $0.text != MetaFile.seal }
    manifest = try forge.git(["cat-file", "blob", "\(ref):\(id).meta/\(MetaFile.manifest)"]).split(separator: "\n").map(String.init)
    for line in try forge.git(["cat-file", "blob", "\(ref):\(id).meta/\(MetaFile.seal)"]).split(separator: "\n") {
      let parts = line.split(separator: " ", maxSplits: 1)
      if parts.count == 2, parts[1] != MetaFile.manifest { seal[String(parts[1])] = String(parts[0]) }
    }
  }

  /// Lists a run file (or link, by its target) in the manifest.
  mutating func list(_ path: String, _ content: String) {
    manifest.append("g \(FileDigest.hex(Array(content.utf8))) \(PathEncoding.encode(path))")
  }

  /// Replaces the run dir's top entry `file`.
  mutating func replace(file: String, with entry: ForgedEntry) throws {
    guard let index = files.firstIndex(where: { $0.text == file }) else { throw GageError.notFound("no \(file) in the run dir") }
    files[index] = entry
  }

  /// Replaces the meta dir's top entry `name` (a directory, or a file left out of the seal).
  mutating func replace(meta name: String, with entry: ForgedEntry) throws {
    guard let index = meta.firstIndex(where: { $0.text == name }) else { throw GageError.notFound("no \(name) in the meta dir") }
    meta[index] = entry
  }

  /// Replaces the meta file `name` (at the meta dir's top) with `text`, and its digest in the
  /// seal.
  mutating func setMeta(_ name: String, _ text: String, forge: Forge) throws {
    try replace(meta: name, with: ForgedEntry("100644", name, try forge.blob(text)))
    seal[name] = FileDigest.hex(Array(text.utf8))
  }

  /// The meta dir's tree: the meta files, the manifest, a seal over all of them.
  func metaTree(_ forge: Forge) throws -> String {
    let manifestText = manifest.map { $0 + "\n" }.joined()
    var digests = seal
    var entries = meta
    if withManifest {
      digests[MetaFile.manifest] = FileDigest.hex(Array(manifestText.utf8))
      entries.append(ForgedEntry("100644", MetaFile.manifest, try forge.blob(manifestText)))
    }
    let sealText = digests.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { "\($0.value) \($0.key)\n" }.joined()
    entries.append(ForgedEntry("100644", MetaFile.seal, try forge.blob(sealText)))
    return try forge.tree(entries)
  }

  /// The commit's top entries: `<id>/` and `<id>.meta/`.
  func top(_ forge: Forge) throws -> [ForgedEntry] {
    [ForgedEntry("40000", id, try forge.tree(files)), ForgedEntry("40000", id + ".meta", try metaTree(forge))]
  }

  /// The sealed commit, put back together.
  func commit(_ forge: Forge) throws -> String {
    try forge.commit(forge.tree(top(forge)))
  }
}

/// A project whose one run gage pushed to a bare remote made by plain git, the run's
/// sealed commit taken apart, and a second host (its own HOME) to pull into fresh runs dirs.
private final class HostileScene {
  let project: TestProject
  /// The remote gage pushed to, and the hostile refs are written in.
  let remote: String
  let forge: Forge
  /// The pushed run, in the project's runs dir.
  let run: Run
  /// Its sealed commit, taken apart.
  let base: SealedParts
  /// HOME of the second host.
  let home: String
  private var pulls = 0

  var id: String { run.id }

  init(_ project: TestProject) throws {
    self.project = project
    remote = try RemoteCommandTests.bare(project)
    let push = try project.gage(["push", remote])
    guard push.exitCode == 0, let run = project.runs().first else { throw GageError.exec("gage push failed: \(push)") }
    self.run = run
    forge = Forge(gitDir: remote, scratch: try project.tmp.makeDir("forge"))
    base = try SealedParts(forge: forge, id: run.id)
    home = try project.tmp.makeDir("host-b/home")
  }

  /// `gage pull REMOTE args... --runs <a new runs dir>` on the second host.
  func pull(_ args: [String] = []) throws -> (result: CommandResult, runsDir: String) {
    pulls += 1
    let runsDir = project.tmp.path("host-b/runs-\(pulls)")
    let result = try GageCLI.run(["pull", remote] + args + ["--runs", runsDir], in: project.tmp.path(), home: home)
    return (result, runsDir)
  }

  /// Points `refs/gage/runs/<id>` at `object` and expects the pull to refuse it.
  func expectRejected(
    _ object: String, id: String? = nil, _ messages: [String], refusedByGit: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let id = id ?? self.id
    try expectRejected(
      refs: ["refs/gage/runs/\(id)": object], id: id, messages, refusedByGit: refusedByGit, sourceLocation: sourceLocation)
  }

  /// Points `refs` at their objects, pulls into a new runs dir, and expects run `id` refused:
  /// exit 3, the run and each of `messages` named on stderr (exit 1 and the fetch named when
  /// `refusedByGit`: libgit2 refuses the objects as they arrive), no control character sent
  /// raw to the terminal, and nothing left: no run, no `.pull-*` dir, no ref in the runs
  /// dir's repository, nothing new beside the runs dir.
  func expectRejected(
    refs: [String: String], id: String, _ messages: [String], refusedByGit: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    for (ref, object) in refs { try forge.setRef(ref, object) }
    let tmp = Self.entries(project.tmp.path())
    let hostB = Self.entries(project.tmp.path("host-b"))
    let (result, runsDir) = try pull()
    if refusedByGit {
      #expect(result.exitCode == 1, "\(result)", sourceLocation: sourceLocation)
      #expect(result.stderr.hasPrefix("gage: cannot fetch from \(remote): "), "\(result)", sourceLocation: sourceLocation)
      #expect(result.stderr.contains(" (fetching run \(id))"), "\(result)", sourceLocation: sourceLocation)
    } else {
      #expect(result.exitCode == 3, "\(result)", sourceLocation: sourceLocation)
      #expect(result.stderr.contains("gage: rejected: run \(id) from \(remote): "), "\(result)", sourceLocation: sourceLocation)
      #expect(result.stderr.contains("; nothing of it was pulled"), "\(result)", sourceLocation: sourceLocation)
    }
    for message in messages {
      #expect(result.stderr.contains(message), "expected \"\(message)\" in \(result)", sourceLocation: sourceLocation)
    }
    #expect(
      !result.stderr.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) },
      "no raw control character on stderr: \(result)", sourceLocation: sourceLocation)
    #expect(project.runsDirEntries(runsDir) == [".gage.git"], "\(project.runsDirEntries(runsDir))", sourceLocation: sourceLocation)
    let kept = try GitRepo.run(["--git-dir", FileIO.join(runsDir, ".gage.git"), "for-each-ref"], in: project.tmp.path())
    #expect(kept.isEmpty, "no ref of a refused run: \(kept)", sourceLocation: sourceLocation)
    #expect(Self.entries(project.tmp.path()) == tmp, "nothing beside the runs dir", sourceLocation: sourceLocation)
    #expect(
      Self.entries(project.tmp.path("host-b")) == (hostB + [(runsDir as NSString).lastPathComponent]).sorted(),
      "nothing beside the runs dir", sourceLocation: sourceLocation)
  }

  /// The names in a directory, sorted.
  static func entries(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
  }
}
