import Testing

@testable import GageKit

/// The `--where` language: which runs an expression selects.
@Suite("Where expressions: evaluation")
struct WhereFilterTests {
  static let jan1 = Int64(1_767_225_600_000_000)  // 2026-01-01T00:00:00Z
  static let hour = Int64(3_600_000_000)

  static func record(
    id: String = "60a825b1-0000-4000-8000-000000000001", op: String = "train", status: RunStatus = .completed,
    label: String? = nil, started: Int64? = jan1 + 10 * hour, exit: Int32? = 0, config: String = "{}",
    metrics: String = "{}", attributes: String = "{}"
  ) -> RunRecord {
    RunRecord(
      runsDir: "/runs", id: id, form: .dir, files: [.meta], opref: OpRef(namespace: "p", name: op), status: status,
      reason: nil, host: nil, exitCode: exit, initialized: started, staged: started, started: started,
      stopped: started.map { $0 + hour }, label: label, container: RunMoves.active, configJSON: config,
      metricsJSON: metrics, attributesJSON: attributes, stamps: .init())
  }

  static func matches(_ expression: String, _ record: RunRecord) throws -> Bool {
    try WhereFilter(expression).matches(record)
  }

  @Test("Text fields: =, !=, in, ~ (regular expression or substring)")
  func text() throws {
    let r = Self.record(op: "train", status: .error, label: "best so far")
    #expect(try Self.matches("op = train", r))
    #expect(try !Self.matches("op = eval", r))
    #expect(try Self.matches("op != eval", r))
    #expect(try Self.matches("status in (completed, error)", r))
    #expect(try !Self.matches("status not in (completed, error)", r))
    #expect(try Self.matches("label ~ best", r))
    #expect(try Self.matches("label ~ \"^best .* far$\"", r))
    #expect(try !Self.matches("label ~ worst", r))
    #expect(try Self.matches("label !~ worst", r))
    #expect(try Self.matches("name ~ ^kafom", r), "60a825b1 is kafom-fikud")
    #expect(try Self.matches("id ~ ^60a8", r))
    #expect(try Self.matches("label = ''", Self.record()), "no label reads as empty")
  }

  @Test("Numbers compare as numbers; a value a run lacks matches only negations")
  func numbers() throws {
    let r = Self.record(config: #"{"lr": 0.05, "epochs": 10, "model": "resnet", "fast": true}"#, metrics: #"{"loss": 0.15}"#)
    #expect(try Self.matches("config.lr > 0.01", r))
    #expect(try Self.matches("config.lr = 0.05", r))
    #expect(try !Self.matches("config.lr < 0.01", r))
    #expect(try Self.matches("config.epochs >= 10 and config.epochs <= 10", r))
    #expect(try Self.matches("config.epochs > 9.5", r))
    #expect(try Self.matches("config.model = resnet", r))
    #expect(try Self.matches("config.fast = true", r))
    #expect(try Self.matches("metric.loss < 0.2", r))
    #expect(try !Self.matches("metric.loss < 0.1", r))
    #expect(try !Self.matches("metric.acc > 0", r), "a missing metric is not > 0")
    #expect(try Self.matches("metric.acc != 0", r), "... and is != 0")
    #expect(try Self.matches("not metric.acc > 0", r))
    #expect(try Self.matches("exit = 0", r))
    #expect(try !Self.matches("exit = 0", Self.record(status: .running, exit: nil)))
  }

  @Test("Times: a date is its whole day; > is after it, >= from it")
  func times() throws {
    let r = Self.record(started: Self.jan1 + 10 * Self.hour)
    #expect(try Self.matches("started = 2026-01-01Z", r))
    #expect(try Self.matches("started >= 2026-01-01Z", r))
    #expect(try !Self.matches("started > 2026-01-01Z", r))
    #expect(try Self.matches("started > 2025-12-31Z", r))
    #expect(try Self.matches("started < 2026-01-02Z", r))
    #expect(try Self.matches("started <= 2026-01-01Z", r))
    #expect(try Self.matches("started > 2026-01-01T09:59Z and started < 2026-01-01T10:01Z", r))
    #expect(try Self.matches("started = 2026Z and stopped = 2026-01Z", r))
    #expect(try !Self.matches("started > 2026-01-01Z", Self.record(started: nil)))
  }

  @Test("Comments and attributes")
  func annotations() throws {
    let attrs = #"{"comment:0190a": {"msg": "loss plateaus", "timestamp": 1}, "comment:0190b": {"msg": "rerun", "timestamp": 2}, "owner": "ana"}"#
    let r = Self.record(attributes: attrs)
    #expect(r.comments == ["loss plateaus", "rerun"])
    #expect(try Self.matches("comment ~ plateau", r))
    #expect(try Self.matches("comment = rerun", r))
    #expect(try !Self.matches("comment ~ diverges", r))
    #expect(try Self.matches("comment !~ diverges", r))
    #expect(try Self.matches("attr.owner = ana", r))
  }

  @Test("and, or, not and parentheses")
  func logic() throws {
    let r = Self.record(op: "train", status: .completed, label: "x")
    #expect(try Self.matches("op = eval or status = completed", r))
    #expect(try !Self.matches("op = eval and status = completed", r))
    #expect(try Self.matches("not (op = eval or status = error)", r))
    #expect(try !Self.matches("not op = train or op = eval", r))
  }
}
