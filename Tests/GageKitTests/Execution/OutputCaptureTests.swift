import Foundation
import GageKit
import GageTestSupport
import Testing

/// One 9-byte entry of an output index.
struct IndexEntry: Equatable {
  var millis: UInt64
  var stream: UInt8

  /// Decodes an index file: big-endian UInt64 epoch milliseconds + UInt8 stream per line.
  static func decode(_ bytes: [UInt8]) -> [IndexEntry] {
    stride(from: 0, to: bytes.count - bytes.count % 9, by: 9).map { start in
      let millis = bytes[start..<start + 8].reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
      return IndexEntry(millis: millis, stream: bytes[start + 8])
    }
  }
}

/// What one captured phase left in the meta dir.
struct CapturedPhase {
  var exitCode: Int32
  var output: [UInt8]
  var index: [UInt8]
  var startedMillis: UInt64
  var endedMillis: UInt64

  var text: String { String(decoding: output, as: UTF8.self) }
  var entries: [IndexEntry] { IndexEntry.decode(index) }
}

/// A run with its meta initialized, ready for a phase (the phase runner logs to `log/runner`).
func initializedRun(in tmp: TempDir) throws -> Run {
  let command = CommandSpec.shell("true")
  let run = try RunLifecycle.makeRun(
    opref: OpRef(namespace: "t", name: "op"), runDir: tmp.path("run"))
  try RunLifecycle.initRunMeta(
    run, opdef: OpDef(name: "op", raw: .object(["exec": command.json])), config: [:],
    command: RunCommand(command))
  return run
}

/// Output capture (`output/NN_phase` + `.index` of docs/run-layout.md, `progress = "tqdm"` of docs/gage-file.md), through
/// the phase runner that every run phase goes through.
@Suite("Output capture")
struct OutputCaptureTests {
  /// Runs `script` with `/bin/sh -c` as the run phase of a fresh run and reads back its
  /// output and index.
  static func capture(_ script: String, stripProgress: Bool = false) throws -> CapturedPhase {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = try initializedRun(in: tmp)
    let started = RunClock.nowMillis()
    let code = try PhaseRunner.run(
      run, phase: .run, command: .argv(["/bin/sh", "-c", script]),
      environment: ProcessInfo.processInfo.environment,
      output: OutputOptions(echo: false, stripProgress: stripProgress))
    let ended = RunClock.nowMillis()
    let outputPath = run.metaPath("output", "40_run")
    return CapturedPhase(
      exitCode: code, output: try FileIO.readBytes(outputPath),
      index: try FileIO.readBytes(outputPath + ".index"),
      startedMillis: started, endedMillis: ended)
  }

  @Test("stdout and stderr are merged, one 9-byte index entry per line with time and stream")
  func mergedOutputWithIndex() throws {
    let phase = try Self.capture("echo out; echo err >&2")
    #expect(phase.exitCode == 0)
    #expect(phase.text == "out\nerr\n")
    #expect(phase.index.count == 2 * 9)
    #expect(phase.entries.map(\.stream) == [0, 1], "0 is stdout, 1 is stderr")
    for entry in phase.entries {
      #expect(
        entry.millis >= phase.startedMillis && entry.millis <= phase.endedMillis,
        "timestamp \(entry.millis) within \(phase.startedMillis)...\(phase.endedMillis)")
    }
    #expect(phase.entries.map(\.millis) == phase.entries.map(\.millis).sorted())
  }

  @Test("Index timestamps are epoch milliseconds, not seconds or microseconds")
  func timestampsAreEpochMillis() throws {
    let before = UInt64(Date().timeIntervalSince1970 * 1000)
    let phase = try Self.capture("echo tick")
    let after = UInt64(Date().timeIntervalSince1970 * 1000)
    let millis = try #require(phase.entries.first).millis
    #expect(millis + 5 >= before && millis <= after + 5)
  }

  @Test("A last line without a newline is kept, and indexed")
  func lastLineWithoutNewline() throws {
    let phase = try Self.capture("printf 'first\\nlast'")
    #expect(phase.text == "first\nlast")
    #expect(phase.entries.count == 2)
    #expect(phase.entries.map(\.stream) == [0, 0])
  }

  @Test("Interleaved streams keep their own partial lines")
  func partialLinesPerStream() throws {
    let phase = try Self.capture(
      "printf 'a'; sleep 0.05; printf 'x\\n' >&2; sleep 0.05; printf 'b\\n'")
    #expect(phase.text == "x\nab\n")
    #expect(phase.entries.map(\.stream) == [1, 0])
  }

  @Test("progress = tqdm keeps only the text after the last carriage return of a line")
  func tqdmStripping() throws {
    let phase = try Self.capture("printf '10%%\\r50%%\\r100%%\\n'", stripProgress: true)
    #expect(phase.text == "100%\n")
    #expect(phase.entries.count == 1)
  }

  @Test("Without progress = tqdm carriage returns are kept as written")
  func carriageReturnsKeptByDefault() throws {
    let phase = try Self.capture("printf '10%%\\r50%%\\r100%%\\n'")
    #expect(phase.text == "10%\r50%\r100%\n")
  }

  @Test("100,000 lines are captured exactly")
  func manyLines() throws {
    let phase = try Self.capture("seq 1 100000")
    let expected = (1...100_000).map { "\($0)\n" }.joined()
    #expect(phase.exitCode == 0)
    #expect(phase.output.count == expected.utf8.count)
    #expect(phase.text == expected)
    #expect(phase.index.count == 100_000 * 9)
    #expect(phase.entries.allSatisfy { $0.stream == 0 })
  }

  @Test("A non-zero exit is data: the phase returns it and the output is still captured")
  func nonZeroExit() throws {
    let phase = try Self.capture("echo failing >&2; exit 7")
    #expect(phase.exitCode == 7)
    #expect(phase.text == "failing\n")
    #expect(phase.entries.map(\.stream) == [1])
  }

  @Test("A phase ended by a signal returns minus the signal number")
  func signalExit() throws {
    let phase = try Self.capture("kill -TERM $$")
    #expect(phase.exitCode == -15)
  }

  @Test("A background process that keeps the pipes open does not keep the phase alive")
  func backgroundProcessHoldingPipes() throws {
    let started = Date()
    let phase = try Self.capture("(sleep 3; echo late) & echo early")
    let elapsed = Date().timeIntervalSince(started)
    #expect(phase.exitCode == 0)
    #expect(phase.text == "early\n")
    #expect(elapsed < 2.5, "the phase ended \(elapsed)s after it started")
  }

  @Test("The line observer sees every complete line without its newline")
  func lineObserver() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let recorder = CallbackRecorder()
    let child = try ChildProcess(
      arguments: ["/bin/sh", "-c", "echo one; echo two >&2; printf three"], directory: tmp.path,
      environment: ProcessInfo.processInfo.environment)
    let capture = try OutputCapture(
      outputPath: tmp.path("out"), indexPath: tmp.path("out.index"), echo: false,
      lineObserver: { recorder.record($0) })
    var code: Int32? = nil
    try capture.capture(stdout: child.stdoutFD, stderr: child.stderrFD) {
      if code == nil { code = child.poll() }
      return code != nil
    }
    #expect((code ?? child.wait()) == 0)
    #expect(recorder.all == ["one", "two", "three"])
    #expect(capture.lineCount == 3)
    #expect(try readFile(tmp.path("out")) == "one\ntwo\nthree")
  }

  @Test("Output files are read-only once the phase ends, and proc/lock is gone")
  func outputReadOnlyAfterPhase() throws {
    let tmp = try TempDir()
    defer { tmp.remove() }
    let run = try initializedRun(in: tmp)
    _ = try PhaseRunner.run(
      run, phase: .stageRuntime, command: .shell("echo runtime"),
      environment: ProcessInfo.processInfo.environment,
      output: OutputOptions(echo: false))
    let files = try Listing.files(in: run.metaPath("output"))
    #expect(files.map(\.path) == ["20_runtime", "20_runtime.index"])
    #expect(files.allSatisfy { $0.mode == 0o444 })
    #expect(!FileIO.exists(run.metaPath(MetaFile.lock)))
  }
}
