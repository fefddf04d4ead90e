import Foundation
import GageKit
import GageTestSupport

/// A project with one finished run holding a nested file, a name with `%`, an executable
/// file and two symlinks, for the archive tests.
enum ArchiveFixture {
  /// The operation: writes files, a link inside the run, and makes one file executable.
  static let operations: [String: JSONValue] = [
    "make": .object([
      "exec": .string(
        "sh -c 'echo hello > out.txt; mkdir -p sub; echo x > \"sub/100%.txt\"; ln -s out.txt link; ln -s ../out.txt sub/up; chmod +x out.txt'"
      )
    ]),
    // No `%` in names: bagit-python does not decode `%25` (LibraryOfCongress/bagit-python#157).
    "plain": .object(["exec": .string("sh -c 'echo hello > out.txt; mkdir -p sub; echo x > sub/x.txt; ln -s out.txt link'")]),
  ]

  /// A project with completed runs of `operation`.
  static func project(runs count: Int = 1, operation: String = "make") throws -> TestProject {
    let project = try TestProject(operations: operations, files: ["train.py": "print('train')\n"])
    for _ in 0..<count {
      let result = try project.gage(["run", "-y", "-q", operation])
      guard result.exitCode == 0 else { throw GageError.exec("gage run failed: \(result)") }
    }
    return project
  }

  /// Runs Python `script` with `arguments` (the script is written to a file first).
  @discardableResult
  static func python(_ script: String, _ arguments: [String], in dir: String) throws -> CommandResult {
    let path = FileIO.join(dir, "script-\(UUID().uuidString).py")
    try writeFile(path, script)
    let python = HostTools.findOnPath(HostTools.python) ?? "/usr/bin/python3"
    let result = try Command.run(python, [path] + arguments, in: dir)
    guard result.exitCode == 0 else { throw GageError.exec("python failed: \(result)") }
    return result
  }

  /// Rewrites an archive made by gage into a hostile one: `hostile.py SRC DST KIND`.
  static let hostileScript = #"""
    import hashlib, io, sys, tarfile

    src, dst, kind = sys.argv[1:4]
    with tarfile.open(src) as t:
        members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]
    top = members[0][0].name.rstrip("/")
    run = next(m.name for m, _ in members if m.name.endswith(".meta/manifest")).split("/")[2][: -len(".meta")]

    def sha(b):
        return hashlib.sha256(b).hexdigest()

    def find(suffix):
        for i, (m, d) in enumerate(members):
            if m.name.endswith(suffix):
                return i
        raise SystemExit("no member " + suffix)

    def set_data(suffix, data):
        i = find(suffix)
        m, _ = members[i]
        m.size = len(data)
        members[i] = (m, data)

    def entry(name, data=b"", type=tarfile.REGTYPE, linkname=""):
        ti = tarfile.TarInfo(name)
        ti.type = type
        ti.linkname = linkname
        ti.mode = 0o444
        ti.size = len(data) if type == tarfile.REGTYPE else 0
        return (ti, data if type == tarfile.REGTYPE else None)

    def fixup(oxum_delta=0, manifest=True):
        """Recompute manifest-sha256, Payload-Oxum and tagmanifest from the members."""
        payload = [(m.name[len(top) + 1 :], d) for m, d in members if m.isfile() and m.name.startswith(top + "/data/")]
        text = "".join(f"{sha(d)}  {p.replace('%', '%25')}\n" for p, d in sorted(payload))
        if manifest:
            set_data("/manifest-sha256.txt", text.encode())
        info = members[find("/bag-info.txt")][1].decode().splitlines()
        size = sum(len(d) for _, d in payload) + oxum_delta
        info = [f"Payload-Oxum: {size}.{len(payload)}" if l.startswith("Payload-Oxum") else l for l in info]
        set_data("/bag-info.txt", ("\n".join(info) + "\n").encode())
        tags = [(m.name[len(top) + 1 :], d) for m, d in members if m.isfile() and m.name.count("/") == 1 and not m.name.endswith("/tagmanifest-sha256.txt")]
        set_data("/tagmanifest-sha256.txt", "".join(f"{sha(d)}  {p}\n" for p, d in sorted(tags)).encode())

    fmt = tarfile.GNU_FORMAT
    if kind == "absolute":
        members.append(entry("/tmp/gage-evil"))
    elif kind == "dotdot":
        members.append(entry(top + "/data/../../gage-evil"))
    elif kind == "symlink-escape":
        set_data(f"{run}/link", b"../../../../etc/passwd")
        fixup()
    elif kind == "symlink-through-name":
        set_data(f"{run}/link", b"sub/../out.txt")
        fixup()
    elif kind == "symlink-entry":
        members.append(entry(top + f"/data/{run}/evil", type=tarfile.SYMTYPE, linkname="/etc/passwd"))
    elif kind == "hardlink":
        members.append(entry(top + f"/data/{run}/evil", type=tarfile.LNKTYPE, linkname="/etc/passwd"))
    elif kind == "device":
        members.append(entry(top + f"/data/{run}/evil", type=tarfile.CHRTYPE))
    elif kind == "fifo":
        members.append(entry(top + f"/data/{run}/evil", type=tarfile.FIFOTYPE))
    elif kind == "duplicate":
        members.append(members[find(f"{run}/out.txt")])
    elif kind == "not-in-manifest":
        members.insert(find("/gage-symlinks.txt"), entry(top + f"/data/{run}/extra.txt", b"extra\n"))
        fixup(manifest=False)
    elif kind == "missing-file":
        del members[find(f"{run}/out.txt")]
    elif kind == "digest":
        set_data(f"{run}/out.txt", b"HELLO\n")
    elif kind == "tag-altered":
        i = find("/bag-info.txt")
        set_data("/bag-info.txt", members[i][1].replace(b"Bag-Software-Agent: gage", b"Bag-Software-Agent: evil"))
    elif kind == "no-bagit":
        del members[find("/bagit.txt")]
        fixup()
    elif kind == "oxum":
        fixup(oxum_delta=-3)
    elif kind == "run-manifest":
        set_data(f"{run}/out.txt", b"HELLO\n")
        fixup()
    elif kind == "not-utf8":
        members.insert(find("/gage-symlinks.txt"), entry(top + "/data/\udcff\udcfe"))
    else:
        raise SystemExit("unknown kind " + kind)

    with tarfile.open(dst, "w", format=fmt, encoding="utf-8", errors="surrogateescape") as out:
        for m, d in members:
            out.addfile(m, io.BytesIO(d) if d is not None else None)
    """#
}
