import Foundation

/// What a listing knows about a run: status, operation, times, label, container, config and
/// metrics. Read from the run's meta, `.user` and `.move`, and kept in the runs dir's index
/// (`RunIndex`) with the stamps that tell whether it still holds.
public struct RunRecord: Sendable {
  /// The runs dir.
  public var runsDir: String
  /// The run id.
  public var id: String
  /// How the meta is kept.
  public var form: MetaForm
  /// The files the run has in the runs dir.
  public var files: RunFiles
  /// The opref, when readable.
  public var opref: OpRef?
  /// The status.
  public var status: RunStatus
  /// Why the status is `unknown`.
  public var reason: String?
  /// The host of a run running elsewhere.
  public var host: String?
  /// The exit code, once finished.
  public var exitCode: Int32?
  /// Epoch µs timestamps.
  public var initialized: Int64?
  /// When staging finished.
  public var staged: Int64?
  /// When the run phase started.
  public var started: Int64?
  /// When the run stopped.
  public var stopped: Int64?
  /// The label (the `label` attribute, else the summary's).
  public var label: String?
  /// The container: `active`, `trash`, or an archive id.
  public var container: String
  /// `config.json`, compact.
  public var configJSON: String
  /// The summary's `metrics`, compact.
  public var metricsJSON: String
  /// The user attributes, compact.
  public var attributesJSON: String
  /// Stamps of the files the record was read from.
  var stamps: Stamps
  /// The run, when it does not follow the runs dir layout (a library user's own run dir).
  var explicitRun: Run? = nil

  /// Stamps of the files a record depends on (see `FileStamp`).
  struct Stamps: Sendable, Equatable {
    var meta: UInt64 = FileStamp.absent
    var exit: UInt64 = FileStamp.absent
    var user: UInt64 = FileStamp.absent
    var move: UInt64 = FileStamp.absent
  }

  /// The run.
  public var run: Run { explicitRun ?? form.run(id: id, runsDir: runsDir) }
  /// The run name.
  public var name: String { RunID.name(for: id) }
  /// How messages name the run: `name (id8)` (`RunID.label`).
  public var nameAndID: String { RunID.label(id) }
  /// The operation's name (`?` when the opref is unreadable).
  public var operation: String { opref?.name ?? "?" }
  /// The time the list is sorted by: started, else staged, else initialized.
  public var sortTime: Int64 { started ?? staged ?? initialized ?? 0 }
  /// The flat config.
  public var config: [String: JSONValue] { Self.object(configJSON) }
  /// The metrics (a metric given as `{"value": x, ...}` is read as `x`).
  public var metrics: [String: JSONValue] { Self.object(metricsJSON) }
  /// The user attributes.
  public var attributes: [String: JSONValue] { Self.object(attributesJSON) }
  /// The comment texts, oldest first.
  public var comments: [String] { RunAnnotations.messages(in: attributes) }

  /// Whether the record can be kept as it is while its stamps hold: the run has finished
  /// for good. Unfinished runs are read again every time.
  var isSettled: Bool { exitCode != nil && status != .unknown }

  private static func object(_ json: String) -> [String: JSONValue] {
    guard json != "{}" else { return [:] }
    return (try? JSONValue.parse(json))?.objectValue ?? [:]
  }

  /// Reads the record of the run with id `id`, kept in `form`, from its files.
  ///
  /// - Parameter now: the time (epoch ns) stamps are judged racy against.
  public static func read(
    id: String, form: MetaForm, files: RunFiles, runsDir: String, now: Int64 = FileStamp.now()
  ) -> RunRecord {
    read(
      run: form.run(id: id, runsDir: runsDir), form: form, files: files, runsDir: runsDir, now: now)
  }

  /// Reads the record of `run`, wherever its files are.
  public static func read(run: Run) -> RunRecord {
    var form = MetaForm.dir
    if run.metaIsZip {
      form = run.isRenamedDeleted ? .deletedZip : .zip
    } else if run.isRenamedDeleted {
      form = .deletedDir
    }
    var files: RunFiles = []
    if FileIO.exists(run.userDir) { files.insert(form.isRenamedDeleted ? .userDeleted : .user) }
    if FileIO.exists(run.moveDir) { files.insert(.move) }
    let runsDir = (run.runDir as NSString).deletingLastPathComponent
    var record = read(run: run, form: form, files: files, runsDir: runsDir, now: FileStamp.now())
    if form.run(id: run.id, runsDir: runsDir) != run { record.explicitRun = run }
    return record
  }

  private static func read(
    run: Run, form: MetaForm, files: RunFiles, runsDir: String, now: Int64
  )
    -> RunRecord
  {
    let id = run.id
    var stamps = Stamps()
    stamps.meta = FileStamp.of(run.metaDir, now: now)
    if form == .dir { stamps.exit = FileStamp.of(run.metaPath(MetaFile.exit), now: now) }
    if files.contains(form.userFile) { stamps.user = FileStamp.of(run.userDir, now: now) }
    if files.contains(.move) { stamps.move = FileStamp.of(run.moveDir, now: now) }

    var record = RunRecord(
      runsDir: runsDir, id: id, form: form, files: files, opref: nil, status: .unknown, reason: nil,
      host: nil,
      exitCode: nil, initialized: nil, staged: nil, started: nil, stopped: nil, label: nil,
      container: RunMoves.active, configJSON: "{}", metricsJSON: "{}", attributesJSON: "{}",
      stamps: stamps)
    record.explicitRun = run
    record.readUserFiles(run)

    let exists: (String) -> Bool
    let text: (String) -> String?
    if run.metaIsZip {
      do {
        let meta = try RunMeta(run: run)
        exists = meta.exists
        text = meta.text
      } catch {
        record.reason = "\((run.metaDir as NSString).lastPathComponent) cannot be read: \(error)"
        record.explicitRun = nil
        return record
      }
    } else {
      exists = { FileIO.exists(run.metaPath($0)) }
      text = { FileIO.readTextIfPresent(run.metaPath($0)) }
    }
    record.readMeta(exists: exists, text: text)
    record.explicitRun = nil
    return record
  }

  /// Reads the parts kept outside the sealed meta: attributes and container.
  private mutating func readUserFiles(_ run: Run) {
    let attributes = AttributeLog.replay(AttributeLog(run: run).entries())
    attributesJSON = JSONValue.object(attributes).compact()
    label = attributes["label"]?.stringValue
    container = form.isRenamedDeleted ? RunMoves.trash : RunMoves.container(of: run)
  }

  private mutating func readMeta(exists: (String) -> Bool, text: (String) -> String?) {
    let reading = StatusReading.read(exists: exists, text: text)
    status = reading.status
    exitCode = reading.exitCode
    host = reading.host
    var problems: [String] = []
    if let reason = reading.reason { problems.append(reason) }

    if let oprefText = text(MetaFile.opref) {
      do {
        opref = try OpRef.decode(oprefText)
      } catch {
        problems.append("opref holds \"\(oprefText.prefix(40))\", not an opref")
      }
    } else if status.isFinal || !FileStamp.isRecent(run.metaDir, seconds: 10) {
      problems.append("opref is missing")
    }
    func time(_ name: String) -> Int64? {
      guard let t = text(name) else { return nil }
      if let value = RunClock.micros(t) { return value }
      problems.append("\(name) holds \"\(t.prefix(40))\", not a timestamp")
      return nil
    }
    initialized = time(MetaFile.initialized)
    staged = time(MetaFile.staged)
    started = time(MetaFile.started)
    stopped = time(MetaFile.stopped)
    func json(_ name: String) -> JSONValue? {
      guard let t = text(name) else { return nil }
      do {
        return try JSONValue.parse(t)
      } catch let error as JSONParseError {
        problems.append(
          "\(name) is not valid JSON (line \(error.line), column \(error.column): \(error.message))"
        )
      } catch {
        problems.append("\(name) is not valid JSON")
      }
      return nil
    }
    if let config = json(MetaFile.config) {
      configJSON = JSONValue.object(config.objectValue ?? [:]).compact()
    }
    if let summary = json(MetaFile.summary) {
      var metrics = summary["metrics"]?.objectValue ?? [:]
      for (key, value) in metrics {
        if let inner = value["value"] { metrics[key] = inner }
      }
      metricsJSON = JSONValue.object(metrics).compact()
      if label == nil, let summaryLabel = summary["attributes"]?["label"]?.stringValue {
        label = summaryLabel
      }
    }
    // Files change while a run is made or runs; only a finished run's damage is real.
    if !problems.isEmpty,
      status.isFinal || status == .unknown
        || !FileStamp.isRecent(run.metaDir, seconds: 10)
          && status != .running
    {
      status = .unknown
      reason = problems.joined(separator: "; ")
    }
  }
}

extension FileStamp {
  /// Whether `path` changed within the last `seconds` seconds.
  static func isRecent(_ path: String, seconds: Int64) -> Bool {
    var st = stat()
    guard lstat(path, &st) == 0 else { return false }
    let now = FileStamp.now()
    let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    return mtime > now - seconds * 1_000_000_000
  }
}
