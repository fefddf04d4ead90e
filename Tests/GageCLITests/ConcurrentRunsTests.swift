import Foundation
import GageKit
import GageTestSupport
import Testing

/// Many runs at once in one runs dir (the runs dir stays right under load).
@Suite("Concurrent runs", .serialized)
struct ConcurrentRunsTests {
  @Test(
    "20 gage runs started at once finish with distinct ids and complete meta; gage runs sees them running"
  )
  func twenty() throws {
    let p = try TestProject(operations: ["nap": .object(["exec": .string("sleep 1")])])
    defer { p.remove() }
    let processes = try (0..<20).map { _ in try p.startGage(["run", "nap", "-q"]) }
    var sawRunning = 0
    var listings: [String] = []
    let deadline = Date().addingTimeInterval(20)
    while processes.contains(where: \.isRunning) && Date() < deadline {
      let listed = try p.gage(["runs", "-a", "--json"])
      #expect(listed.exitCode == 0, "\(listed)")
      if let items = try? JSONValue.parse(listed.stdout).arrayValue {
        let running = items.filter { $0["status"] == .string("running") }
        sawRunning = max(sawRunning, running.count)
        for item in items {
          #expect(item["status"] != .string("unknown"), "\(item)")
        }
      }
      listings.append(listed.stdout)
      usleep(100_000)
    }
    for process in processes {
      let result = process.wait(timeout: 30)
      #expect(result.exitCode == 0, "\(result)")
    }
    #expect(
      sawRunning >= 2,
      "gage runs listed runs as running while they ran (\(listings.count) listings)")

    let runs = p.runs()
    #expect(runs.count == 20)
    #expect(Set(runs.map(\.id)).count == 20)
    for run in runs {
      #expect(run.status == .completed, "\(run.id)")
      for file in [
        MetaFile.seal, MetaFile.manifest, MetaFile.exit, MetaFile.stopped, MetaFile.opref,
        "output/40_run",
      ] {
        #expect(FileIO.exists(run.metaPath(file)), "\(run.id): \(file)")
      }
    }
    let final = try JSONValue.parse(try p.gage(["runs", "-a", "--json"]).stdout).arrayValue ?? []
    #expect(final.count == 20)
    #expect(final.allSatisfy { $0["status"] == .string("completed") })
  }
}
