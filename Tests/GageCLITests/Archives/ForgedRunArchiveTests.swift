import Foundation
import GageKit
import GageTestSupport
import Testing

/// Archives whose runs were forged by a sender who recomputes every digest (the run's seal,
/// the bag's manifests and Payload-Oxum): integrity holds, so only the arrival rules can
/// refuse them. Import and pull share those rules (a run must be finished, unlocked, its
/// own, with possible values and well-formed annotations).
@Suite("forged runs in archives", .serialized)
struct ForgedRunArchiveTests {
  /// A forgery of the good archive (its kind) and what the refusal must say.
  typealias Case = HostileArchiveTests.Case

  static let refused: [Case] = [
    Case(kind: "lock", expected: [".meta/proc/lock", "a lock file"]),
    Case(kind: "unfinished", expected: [".meta/proc/exit", "has not finished"]),
    Case(kind: "runner-start-time", expected: [".meta/proc/runner.json", "impossible start_time"]),
    Case(kind: "runner-pid", expected: [".meta/proc/runner.json", "impossible pid"]),
    Case(kind: "started-max", expected: [".meta/started", "not a possible timestamp"]),
    Case(kind: "upper-case-id", expected: ["upper case"]),
    Case(kind: "other-id", expected: [".meta/id", "another run's meta"]),
    Case(kind: "comment-time", expected: [".user/", "impossible timestamp"]),
    Case(kind: "user-not-json", expected: [".user/", "not an annotation entry"]),
    Case(kind: "user-bad-name", expected: [".user/evil", "not an annotation entry"]),
    Case(kind: "oxum-twice", expected: ["bag-info.txt", "Payload-Oxum more than once"]),
  ]

  @Test("A forged run that passes every digest is still refused by the arrival rules, naming the entry", arguments: refused)
  func forgedRefused(_ c: Case) throws {
    let setup = try HostileArchiveTests.Setup()
    defer { setup.project.remove() }
    let forged = setup.project.tmp.path("forged-\(c.kind).tar")
    try ArchiveFixture.python(Self.forgeScript, [setup.good, forged, c.kind], in: setup.project.tmp.path)
    try setup.expectRejected(forged, c.expected)
  }

  @Test("bag-info.txt with CR LF line ends (RFC 8493 allows them) imports")
  func crlfBagInfo() throws {
    let setup = try HostileArchiveTests.Setup()
    defer { setup.project.remove() }
    let forged = setup.project.tmp.path("crlf.tar")
    try ArchiveFixture.python(Self.forgeScript, [setup.good, forged, "crlf"], in: setup.project.tmp.path)
    let verify = try setup.project.gage(["archive", "verify", forged])
    #expect(verify.exitCode == 0, "\(verify)")
    let result = try setup.project.gage(["archive", "import", forged, "--runs", setup.target])
    #expect(result.exitCode == 0, "\(result)")
    #expect(runs(in: setup.target).count == 2)
  }

  @Test("A run dir left without its meta by a killed import is adopted when it matches, refused by name when not")
  func orphanRunDir() throws {
    let setup = try HostileArchiveTests.Setup()
    defer { setup.project.remove() }
    let first = try setup.project.gage(["archive", "import", setup.good, "--runs", setup.target])
    #expect(first.exitCode == 0, "\(first)")
    let id = try #require(setup.project.runs().first?.id)
    let imported = Run(id: id, runDir: FileIO.join(setup.target, id))
    // What a kill between the two renames leaves: the run dir, no meta, no annotations.
    try FileIO.removeTree(imported.metaDir)
    try FileIO.removeTree(imported.userDir)
    let again = try setup.project.gage(["archive", "import", setup.good, "--runs", setup.target])
    #expect(again.exitCode == 0, "\(again)")
    #expect(try setup.project.gage(["verify", id, "--runs", setup.target]).exitCode == 0)

    // A run dir whose content differs is not taken for the run's.
    try FileIO.removeTree(imported.metaDir)
    try FileIO.makeWritable(imported.runDir)
    try writeFile(FileIO.join(imported.runDir, "planted.txt"), "planted\n")
    let conflict = try setup.project.gage(["archive", "import", setup.good, "--runs", setup.target])
    #expect(conflict.exitCode != 0, "\(conflict)")
    #expect(conflict.stderr.contains("exists without a meta dir and differs"), "\(conflict)")
    #expect(!FileIO.exists(imported.metaDir))
  }

  /// Rewrites the run of an archive made by gage as an attacker would, then recomputes the
  /// run's seal, the payload manifest, Payload-Oxum and the tag manifest:
  /// `forge.py SRC DST KIND`.
  static let forgeScript = #"""
    import hashlib, io, sys, tarfile

    src, dst, kind = sys.argv[1:4]
    with tarfile.open(src) as t:
        members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]
    top = members[0][0].name.rstrip("/")
    run = next(m.name for m, _ in members if m.name.endswith(".meta/manifest")).split("/")[2][: -len(".meta")]
    meta = f"{top}/data/{run}.meta/"

    def sha(b):
        return hashlib.sha256(b).hexdigest()

    def index(name):
        for i, (m, _) in enumerate(members):
            if m.name == name:
                return i
        return None

    def put(name, data):
        i = index(name)
        if i is None:
            ti = tarfile.TarInfo(name)
            ti.mode = 0o444
            ti.size = len(data)
            members.insert(index(meta + "manifest"), (ti, data))
        else:
            m, _ = members[i]
            m.size = len(data)
            members[i] = (m, data)

    def drop(name):
        del members[index(name)]

    def reseal():
        files = sorted((m.name[len(meta):], d) for m, d in members if m.isfile() and m.name.startswith(meta) and m.name != meta + "seal")
        text = "".join(f"{sha(d)} {p}\n" for p, d in files if p != "proc/lock" or kind == "lock")
        put(meta + "seal", text.encode())

    def rename_run(new):
        for m, _ in members:
            for old_prefix in (f"{top}/data/{run}/", f"{top}/data/{run}.meta/", f"{top}/data/{run}.user/"):
                if m.name.startswith(old_prefix) or m.name + "/" == old_prefix:
                    m.name = m.name.replace(f"/data/{run}", f"/data/{new}", 1)

    def fixup(info_lines=None, eol="\n"):
        payload = [(m.name[len(top) + 1 :], d) for m, d in members if m.isfile() and m.name.startswith(top + "/data/")]
        put(top + "/manifest-sha256.txt", "".join(f"{sha(d)}  {p.replace('%', '%25')}\n" for p, d in sorted(payload)).encode())
        info = members[index(top + "/bag-info.txt")][1].decode().splitlines()
        size = sum(len(d) for _, d in payload)
        info = [f"Payload-Oxum: {size}.{len(payload)}" if l.startswith("Payload-Oxum") else l for l in info]
        if kind == "upper-case-id":
            info = [l.replace(run, run.upper()) for l in info]
        info += info_lines or []
        put(top + "/bag-info.txt", (eol.join(info) + eol).encode())
        tags = [(m.name[len(top) + 1 :], d) for m, d in members if m.isfile() and m.name.count("/") == 1 and not m.name.endswith("/tagmanifest-sha256.txt")]
        put(top + "/tagmanifest-sha256.txt", "".join(f"{sha(d)}  {p}\n" for p, d in sorted(tags)).encode())

    user = f"{top}/data/{run}.user/"
    entry = "01a24e80-160e-4000-862a-d727254dbb9b.json"
    info_lines = None
    eol = "\n"
    if kind == "lock":
        put(meta + "proc/lock", b"1")
    elif kind == "unfinished":
        drop(meta + "proc/exit")
    elif kind == "runner-start-time":
        put(meta + "proc/runner.json", b'{"host": "h", "pid": 4242, "start_time": -1}')
    elif kind == "runner-pid":
        put(meta + "proc/runner.json", b'{"host": "h", "pid": 99999999999, "start_time": 1}')
    elif kind == "started-max":
        put(meta + "started", b"9223372036854775807")
    elif kind == "upper-case-id":
        rename_run(run.upper())
        meta = meta.replace(run, run.upper())
        put(meta + "id", run.upper().encode())
    elif kind == "other-id":
        put(meta + "id", b"00000000-0000-4000-8000-000000000000")
    elif kind == "comment-time":
        put(user + entry, b'{"author": "a", "set": {"comment:0001": {"msg": "hi", "timestamp": 1e300}}, "delete": []}')
    elif kind == "user-not-json":
        put(user + entry, b"not json")
    elif kind == "user-bad-name":
        put(user + "evil", b'{"author": "a", "set": {}, "delete": []}')
    elif kind == "oxum-twice":
        info_lines = ["Payload-Oxum: 1.1"]
    elif kind == "crlf":
        eol = "\r\n"
    else:
        raise SystemExit("unknown kind " + kind)
    reseal()
    fixup(info_lines, eol)

    with tarfile.open(dst, "w", format=tarfile.GNU_FORMAT, encoding="utf-8") as out:
        for m, d in members:
            out.addfile(m, io.BytesIO(d) if d is not None else None)
    """#
}
