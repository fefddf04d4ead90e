import Foundation
import GageKit
import GageTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What a runs dir can hold that another host, an archive or a damaged disk put there:
/// locks naming PID 1, runners without start times, impossible numbers, runs of other
/// hosts. None of it may make gage signal a process it did not verify, trap, or keep a
/// run that cannot be deleted. Runs naming PID 1 are only ever exercised inside a private
/// PID namespace, where PID 1 and every process `kill(-1)` could reach are the test's own.
@Suite("run state safety", .serialized)
struct RunStateSafetyTests {
  static let started = Int64(1_767_225_600_000_000)

  /// Runs `script` with `sh` as PID 1 of a new PID namespace (its own `/proc`), with
  /// `$GAGE` and `$RUNS` set.
  static func inPIDNamespace(_ script: String, runs: String, home: String, extra: [String] = []) throws -> CommandResult {
    try Command.run(
      "/usr/bin/unshare", extra + ["--pid", "--fork", "--mount-proc", "/bin/sh", "-c", script], in: home,
      environment: GageCLI.environment(home: home, extra: ["GAGE": GageCLI.binary, "RUNS": runs]))
  }

  /// `gage stop -a` in the namespace while a canary process lives there; prints
  /// `CANARY-ALIVE` when the canary outlived it.
  static let stopScript = """
    sleep 30 & canary=$!
    if [ -n "$RUNNER_OF_PID1" ]; then
      printf '{"host": "%s", "pid": 1, "start_time": %s}' "$(hostname)" "$(cut -d' ' -f22 /proc/1/stat)" > "$RUNNER_OF_PID1"
    fi
    "$GAGE" stop -a -y --timeout 0 --runs "$RUNS"; echo "stop-exit=$?"
    "$GAGE" runs --runs "$RUNS"
    if kill -0 $canary 2>/dev/null; then echo CANARY-ALIVE; kill $canary; fi
    """

  @Test("A lock of PID 1, with or without a runner record, reads terminated; gage stop signals nothing")
  func lockOfPIDOne() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let runs = tmp.path("runs")
    var legacy = HandMadeRun(started: Self.started, exit: nil)
    legacy.meta[MetaFile.lock] = "1"
    try legacy.write(in: runs)
    var noStartTime = HandMadeRun(started: Self.started + 1, exit: nil)
    noStartTime.meta[MetaFile.lock] = "1"
    noStartTime.meta[MetaFile.runner] = #"{"host": "\#(HostIdentity.current.name)", "pid": 1}"#
    try noStartTime.write(in: runs)
    let result = try Self.inPIDNamespace(Self.stopScript, runs: runs, home: tmp.path)
    #expect(result.stdout.contains("CANARY-ALIVE"), "\(result)")
    #expect(result.stdout.contains("stop-exit=0"), "\(result)")
    #expect(result.stderr.contains("Nothing to stop"), "\(result)")
    #expect(!result.stdout.contains("running"), "\(result)")
    #expect(result.stdout.components(separatedBy: "terminated").count == 3, "\(result)")
  }

  @Test("A run whose verified runner is PID 1 reads running, and gage stop refuses to signal it")
  func verifiedPIDOneIsNeverSignalled() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let runs = tmp.path("runs")
    var run = HandMadeRun(started: Self.started, exit: nil)
    run.meta[MetaFile.lock] = "1"
    let made = try run.write(in: runs)
    let script = "RUNNER_OF_PID1=\(made.metaPath(MetaFile.runner))\n" + Self.stopScript
    let result = try Self.inPIDNamespace(script, runs: runs, home: tmp.path)
    #expect(result.stdout.contains("CANARY-ALIVE"), "\(result)")
    #expect(result.stdout.contains("stop-exit=1"), "\(result)")
    #expect(result.stderr.contains("gage never signals"), "\(result)")
    #expect(result.stdout.contains("running"), "\(result)")
  }

  @Test("Impossible numbers in meta and annotations read unknown or unknown time, never trap; such runs delete")
  func impossibleNumbers() throws {
    let p = try TestProject(operations: ["op": .object(["exec": .string("true")])])
    defer { p.remove() }
    let runs = p.runsDir
    var badRunner = HandMadeRun(started: Self.started, exit: nil)
    badRunner.meta[MetaFile.runner] = #"{"host": "h", "pid": 4242, "start_time": -1}"#
    var hugePID = HandMadeRun(started: Self.started + 1, exit: nil)
    hugePID.meta[MetaFile.runner] = #"{"host": "h", "pid": 99999999999}"#
    var maxStarted = HandMadeRun(started: Self.started + 2)
    maxStarted.meta[MetaFile.started] = String(Int64.max)
    var minStopped = HandMadeRun(started: Self.started + 3)
    minStopped.meta[MetaFile.stopped] = String(Int64.min)
    var hugeComment = HandMadeRun(started: Self.started + 4)
    hugeComment.user["01a24e80-160e-4000-862a-d727254dbb9b.json"] =
      #"{"author": "a", "set": {"comment:01a24e80160e82942822": {"msg": "far", "timestamp": 1e300}}, "delete": []}"#
    for run in [badRunner, hugePID, maxStarted, minStopped, hugeComment] { try run.write(in: runs) }

    let listing = try p.gage(["runs"])
    #expect(listing.exitCode == 0, "\(listing)")
    #expect(listing.stdout.contains("impossible start_time"), "\(listing)")
    #expect(listing.stdout.contains("impossible pid"), "\(listing)")
    #expect(listing.stdout.contains("not a timestamp"), "\(listing)")
    #expect(try p.gage(["runs", "--json"]).exitCode == 0)
    for n in 1...5 {
      let show = try p.gage(["show", String(n)])
      #expect(show.exitCode == 0, "\(show)")
      #expect(try p.gage(["show", String(n), "--json"]).exitCode == 0)
    }
    let comments = try p.gage(["comment", hugeComment.name, "--list"])
    #expect(comments.exitCode == 0, "\(comments)")
    #expect(comments.stdout.contains("unknown time"), "\(comments)")
    #expect(try p.gage(["comment", hugeComment.name, "--list", "--json"]).exitCode == 0)
    let deleted = try p.gage(["comment", hugeComment.name, "--delete", "01a24e80"])
    #expect(deleted.exitCode == 0, "\(deleted)")
    #expect(!(try p.gage(["comment", hugeComment.name, "--list"]).stdout.contains("far")))
    let delete = try p.gage(["delete", "-y", badRunner.name, hugePID.name, maxStarted.name, minStopped.name])
    #expect(delete.exitCode == 0, "\(delete)")
    let purge = try p.gage(["purge", "-y", badRunner.name, hugePID.name])
    #expect(purge.exitCode == 0, "\(purge)")
  }

  @Test("A run that reads running on another host: stop and delete refuse it; delete --force removes it")
  func runningElsewhere() throws {
    let p = try TestProject(operations: ["op": .object(["exec": .string("true")])])
    defer { p.remove() }
    var run = HandMadeRun(started: Self.started, exit: nil)
    run.meta[MetaFile.runner] = #"{"host": "far-away.example", "pid": 4242, "start_time": 7}"#
    try run.write(in: p.runsDir)
    #expect(try p.gage(["runs"]).stdout.contains("far-away.example"))
    let stop = try p.gage(["stop", "-y", "--timeout", "0", run.name])
    #expect(stop.exitCode == 1, "\(stop)")
    #expect(stop.stderr.contains("runs on far-away.example; stop it there"), "\(stop)")
    for permanent in [[], ["-p"]] {
      let refused = try p.gage(["delete", "-y"] + permanent + [run.name])
      #expect(refused.exitCode == 1, "\(refused)")
      #expect(refused.stderr.contains("delete it with --force"), "\(refused)")
    }
    let forced = try p.gage(["delete", "-y", "--force", run.name])
    #expect(forced.exitCode == 0, "\(forced)")
    #expect(try p.gage(["runs", "-d"]).stdout.contains(run.name))
    #expect(try p.gage(["purge", "-y", run.name]).exitCode == 0)
    #expect(p.runs().isEmpty)
  }

  @Test("A runs dir shared with another host (here: another PID namespace, another host name) keeps the other's live working dirs")
  func sharedRunsDir() throws {
    let p = try TestProject(operations: ["op": .object(["exec": .string("true")])])
    defer { p.remove() }
    #expect(try p.gage(["run", "-y", "-q", "op"]).exitCode == 0)
    // A live import of this host: its PID means nothing in the other namespace.
    let importer = try RunningProcess(executable: "/bin/sleep", arguments: ["30"], directory: "/", environment: [:])
    defer { importer.send(SIGKILL) }
    let live = ".import-\(importer.pid)-\(HostIdentity.current.tag)-a1b2c3"
    try writeFile(FileIO.join(p.runsDir, live, "half.txt"), "half\n")
    let inNamespace = try Self.inPIDNamespace(#""$GAGE" runs --runs "$RUNS""#, runs: p.runsDir, home: p.home)
    #expect(inNamespace.exitCode == 0, "\(inNamespace)")
    #expect(p.runsDirEntries().contains(live), "the other namespace removed a live import's directory")

    // Seen from a host with another name, a dead PID of this host is not its to judge.
    let ended = try RunningProcess(executable: "/bin/true", arguments: [], directory: "/", environment: [:])
    _ = ended.wait()
    let dead = ".pull-\(ended.pid)-\(HostIdentity.current.tag)-d4e5f6"
    try writeFile(FileIO.join(p.runsDir, dead, "half.txt"), "half\n")
    let otherHost = try Command.run(
      "/usr/bin/unshare", ["--uts", "/bin/sh", "-c", #"hostname other-host.example && "$GAGE" runs --runs "$RUNS""#],
      in: p.dir, environment: GageCLI.environment(home: p.home, extra: ["GAGE": GageCLI.binary, "RUNS": p.runsDir]))
    #expect(otherHost.exitCode == 0, "\(otherHost)")
    #expect(p.runsDirEntries().contains(dead), "another host removed this host's working directory")

    // This host can prove its own dead process gone, and leaves the live one.
    #expect(try p.gage(["runs"]).exitCode == 0)
    #expect(!p.runsDirEntries().contains(dead))
    #expect(p.runsDirEntries().contains(live))
  }
}
