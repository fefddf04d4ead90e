import Foundation
import GageTestSupport
import Testing

@testable import GageKit

#if canImport(Glibc)
  import Glibc
#endif

/// Numbers read from disk (meta, `.user`, indexes, archives, remotes) go through checked
/// conversions: an impossible value is refused or read as absent, never a trap.
@Suite("Impossible values")
struct ImpossibleValuesTests {
  @Test(
    "proc/runner.json with impossible values is refused with the reason",
    arguments: [
      (#"{"host": "h", "pid": 42, "start_time": -1}"#, "impossible start_time"),
      (#"{"host": "h", "pid": 42, "start_time": 1.5}"#, "impossible start_time"),
      (#"{"host": "h", "pid": 0}"#, "impossible pid"),
      (#"{"host": "h", "pid": -1}"#, "impossible pid"),
      (#"{"host": "h", "pid": 4294967297}"#, "impossible pid"),
      (#"{"host": "h", "pid": 1e300}"#, "impossible pid"),
      (#"{"pid": 42}"#, "no host name"),
      (#"{"host": "h", "pid": 42, "boot_id": 7}"#, "impossible boot_id"),
      (#"[1]"#, "not a JSON object"),
      (#"{"host": "#, "not valid JSON"),
    ])
  func runnerRefused(text: String, reason: String) {
    guard case .failure(let invalid) = RunnerIdentity.parse(text: text) else {
      Issue.record("accepted: \(text)")
      return
    }
    #expect(invalid.reason.contains(reason), "\(invalid.reason)")
  }

  @Test("A runner is alive here only with its host, boot, PID and start time")
  func runnerVerification() throws {
    let me = RunnerIdentity.current()
    #expect(me.isAliveHere)
    #expect(try RunnerIdentity.parse(text: me.json.prettyPrinted()).get() == me)
    var noStart = me
    noStart.startTime = nil
    #expect(!noStart.isAliveHere, "without a start time a live PID may be a reused one")
    var rebooted = me
    rebooted.bootID = "00000000-0000-4000-8000-000000000000"
    #expect(!rebooted.isAliveHere && !rebooted.isOfThisBoot)
    var elsewhere = me
    elsewhere.host += "-elsewhere"
    #expect(!elsewhere.isAliveHere)
  }

  @Test("Nothing may signal PID 0 or 1, a negative PID (a group, or every process), or this process")
  func signallable() {
    for pid: Int32 in [0, 1, -1, -2, Int32.min, getpid()] { #expect(!ProcessSignals.isSignallable(pid), "\(pid)") }
    #expect(ProcessSignals.isSignallable(getppid()) || getppid() <= 1)
  }

  @Test("Times: impossible epoch values are refused when read and shown as ? when formatted")
  func times() {
    #expect(RunClock.micros(String(Int64.max)) == nil)
    #expect(RunClock.micros("-1") == nil)
    #expect(RunClock.micros(" 1700000000000000\n") == 1_700_000_000_000_000)
    #expect(RunClock.millis(.double(1e300)) == nil)
    #expect(RunClock.millis(.double(.nan)) == nil)
    #expect(RunClock.millis(.double(-.infinity)) == nil)
    #expect(RunClock.millis(.int(Int.max)) == nil)
    #expect(RunClock.millis(.int(1_796_613_346_830)) == 1_796_613_346_830)
    #expect(RunClock.millis(.double(1_796_613_346_830.7)) == 1_796_613_346_830)
    for value in [Int64.max, Int64.min, -1] {
      #expect(RunClock.iso(micros: value) == "?")
      #expect(RunClock.local(micros: value) == "?")
    }
  }

  @Test("An index number at or past the Int64 limits reads without trapping")
  func indexNumbers() {
    func read(_ text: String) -> Int64? {
      let bytes = Array(text.utf8)
      return bytes.withUnsafeBufferPointer { RunIndexFormat.int($0, 0..<bytes.count) }
    }
    #expect(read("-9223372036854775808") == Int64.min)
    #expect(read("9223372036854775807") == Int64.max)
    #expect(read("-99999999999999999999999") != nil)
    #expect(read("12x") == nil)
  }

  @Test(
    "Annotation entries that would not read back whole are refused with the reason",
    arguments: [
      (#"{"author": "a", "set": {"comment:1": {"msg": "m", "timestamp": 1e300}}}"#, "impossible timestamp"),
      (#"{"author": "a", "set": {"comment:1": {"msg": "m", "timestamp": -5}}}"#, "impossible timestamp"),
      (#"{"author": "a", "set": {"comment:1": {"timestamp": 5}}}"#, "has no text"),
      (#"{"author": 7, "set": {}}"#, "author is not a string"),
      (#"{"set": {"label": ["x"]}}"#, "label is not a string"),
      (#"{"set": []}"#, "\"set\" is not an object"),
      (#"{"delete": [1]}"#, "\"delete\" is not a list of names"),
      ("[]", "a JSON object"),
      ("\u{FF}", "a JSON object"),
    ])
  func annotationRefused(text: String, reason: String) {
    let problem = AttributeLogEntry.problem(in: Array(text.utf8))
    #expect(problem?.contains(reason) == true, "\(problem ?? "accepted")")
  }

  @Test("Annotation entries as Gage and gage write them are accepted")
  func annotationAccepted() {
    let entries = [
      #"{"author": "root", "delete": [], "set": {"comment:01a24e80160e82942822": {"msg": "hi", "timestamp": 1796613346830}}}"#,
      #"{"author": "root", "set": {"label": "best"}, "delete": ["comment:0001"]}"#,
      #"{"set": {"msg": "hello!"}}"#,
    ]
    for entry in entries { #expect(AttributeLogEntry.problem(in: Array(entry.utf8)) == nil, "\(entry)") }
  }

  @Test("bag-info.txt: CR LF and CR line ends read like LF (RFC 8493); a repeated Payload-Oxum is refused")
  func bagInfoLines() throws {
    let lf = "Bag-Software-Agent: gage\nBagging-Date: 2026-01-01\nPayload-Oxum: 12.3\nGage-Run-Id: a\nGage-Run-Id: b\n"
    let expected = try BagInfo.parse(lf)
    #expect(expected.payloadBytes == 12 && expected.payloadFiles == 3 && expected.runIDs == ["a", "b"])
    for eol in ["\r\n", "\r"] {
      #expect(try BagInfo.parse(lf.replacingOccurrences(of: "\n", with: eol)) == expected)
    }
    #expect(throws: BagProblem(entry: Bag.infoFile, reason: "has Payload-Oxum more than once")) {
      try BagInfo.parse(lf + "Payload-Oxum: 1.1\n")
    }
    let manifest = "\(String(repeating: "a", count: 64))  data/x\r\n\(String(repeating: "b", count: 64))  data/y\r\n"
    #expect(
      try Bag.parseManifest(manifest, name: "m") == [
        "data/x": String(repeating: "a", count: 64), "data/y": String(repeating: "b", count: 64),
      ])
  }

  @Test("A sourcecode size past a byte count is an unknown filter, not an overflow trap")
  func hugeSourceSize() {
    #expect(throws: GageError.self) { try SourceRule(parsing: "*.dat size<99999999999999999g") }
    #expect(throws: GageError.self) { try SourceRule(parsing: "*.dat size>9223372036854775807k") }
    #expect(SourceRule.parseSize("2k") == 2048)
  }
}
