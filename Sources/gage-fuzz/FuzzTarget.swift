import Foundation
import GageKit

#if canImport(Glibc)
  import Glibc
#endif

/// The readers of untrusted input, fed one input at a time: the first byte picks the
/// reader, the rest is its input. Any result or thrown error is fine; a crash is a finding.
enum FuzzTarget {
  /// The readers, in the order the first byte picks them.
  static let readers = [
    "gage.toml", "gage.yaml", "gage.json", "where", "manifest+seal", "log/patched", "archive", "runner.json", "user-entry",
    "bag-info",
  ]

  /// A file the archive reader reads its input from (one per process).
  static let archivePath = FileIO.join(NSTemporaryDirectory(), "gage-fuzz-\(getpid()).tar")

  /// The reader `GAGE_FUZZ_READER` names: every input goes to it whole.
  static let fixed: Int? = ProcessInfo.processInfo.environment["GAGE_FUZZ_READER"].flatMap { readers.firstIndex(of: $0) }

  /// Feeds `bytes` to the fixed reader, or to the one its first byte picks.
  static func run(_ bytes: [UInt8]) {
    let reader: Int
    let body: [UInt8]
    if let fixed {
      reader = fixed
      body = bytes
    } else {
      guard let first = bytes.first else { return }
      reader = Int(first) % readers.count
      body = Array(bytes.dropFirst())
    }
    let text = String(decoding: body, as: UTF8.self)
    switch reader {
    case 0: _ = try? GageFile.parse(text, format: .toml, path: "gage.toml")
    case 1: _ = try? GageFile.parse(text, format: .yaml, path: "gage.yaml")
    case 2: _ = try? GageFile.parse(text, format: .json, path: "gage.json")
    case 3: _ = try? WhereFilter(text)
    case 4:
      _ = try? Manifest.parse(text)
      _ = try? Seal.parse(text)
    case 5: _ = try? UnifiedPatch(body, source: "log/patched")
    case 6:
      guard (try? FileIO.write(body, to: archivePath)) != nil else { return }
      _ = try? Verifier().verify(archivePath)
    case 7:
      // A runner record of an unfinished run, and the same text as each timestamp.
      let meta = [MetaFile.runner: text, MetaFile.lock: text, MetaFile.started: text, MetaFile.staged: text]
      let reading = StatusReading.read(exists: { meta[$0] != nil }, text: { meta[$0] })
      _ = reading.reason
      if let micros = RunClock.micros(text) { _ = RunClock.iso(micros: micros) + RunClock.local(micros: micros) }
    case 8:
      // An annotation entry: checked as an arriving one, and replayed as a local one.
      _ = AttributeLogEntry.problem(in: body)
      if let value = try? JSONValue.parse(text), let entry = AttributeLogEntry(name: "e.json", json: value) {
        let attributes = AttributeLog.replay([entry])
        _ = RunAnnotations.messages(in: attributes)
        for (_, comment) in attributes { _ = RunClock.millis(comment["timestamp"]).map { RunClock.iso(micros: $0 * 1000) } }
      }
    default:
      _ = try? BagInfo.parse(text)
      _ = try? Bag.parseManifest(text, name: "manifest-sha256.txt")
    }
  }
}

/// libFuzzer's entry point (`Scripts/fuzz` builds with `--sanitize fuzzer`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data else { return 0 }
  FuzzTarget.run(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

#if !FUZZING
  /// Without libFuzzer: replays inputs (files, or directories of files) given as arguments,
  /// e.g. a corpus or the crashes a fuzzing session kept.
  @main
  struct Replay {
    static func main() {
      var count = 0
      for argument in CommandLine.arguments.dropFirst() {
        let paths: [String]
        if FileIO.isDirectory(argument) {
          paths = ((try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []).sorted().map {
            FileIO.join(argument, $0)
          }
        } else {
          paths = [argument]
        }
        for path in paths {
          guard let bytes = try? FileIO.readBytes(path) else {
            FileHandle.standardError.write(Data("gage-fuzz: cannot read \(path)\n".utf8))
            exit(1)
          }
          FuzzTarget.run(bytes)
          count += 1
        }
      }
      unlink(FuzzTarget.archivePath)
      print("replayed \(count) inputs")
    }
  }
#endif
