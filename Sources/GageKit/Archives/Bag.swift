import Foundation

/// The layout of a Gage archive: a BagIt 1.0 bag (RFC 8493) whose payload holds, per run,
/// `data/<id>/` (run dir), `data/<id>.meta/` (meta dir) and `data/<id>.user/` (annotations).
public enum Bag {
  /// `bagit.txt`: the bag declaration.
  public static let declarationFile = "bagit.txt"
  /// `bag-info.txt`: metadata (dates, Payload-Oxum, run ids).
  public static let infoFile = "bag-info.txt"
  /// `manifest-sha256.txt`: every payload file.
  public static let manifestFile = "manifest-sha256.txt"
  /// `tagmanifest-sha256.txt`: every other tag file.
  public static let tagManifestFile = "tagmanifest-sha256.txt"
  /// `gage-symlinks.txt`: payload files that stand for symlinks (BagIt has no links).
  public static let symlinksFile = "gage-symlinks.txt"
  /// The payload dir.
  public static let payloadDir = "data"
  /// The version of Gage's archive layout, in `Gage-Archive-Version`.
  public static let archiveVersion = "1"
  /// The text of `bagit.txt`.
  public static let declarationText = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

  /// The bag's top directory, named from the run ids (never from the output file name):
  /// `gage-` and the first 8 hex digits of the SHA-256 of the sorted ids joined by `\n`.
  public static func directoryName(ids: [String]) -> String {
    let joined = ids.sorted().joined(separator: "\n")
    return "gage-" + String(FileDigest.hex(joined.utf8).prefix(8))
  }

  /// Manifest text: `<sha256>  <path>` per file, sorted by path, names encoded (RFC 8493).
  public static func manifestText(_ digests: [String: String]) -> String {
    digests.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      .map { "\(digests[$0] ?? "")  \(PathEncoding.encode($0))\n" }.joined()
  }

  /// Parses a manifest (`<sha256> <path>`, one or more spaces): path → digest. A repeated
  /// path or a malformed line is an error naming the line.
  public static func parseManifest(_ text: String, name: String) throws -> [String: String] {
    var result: [String: String] = [:]
    for (n, line) in lines(text).enumerated() {
      guard let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
        throw BagProblem(entry: name, reason: "line \(n + 1) is not `<sha256>  <path>`")
      }
      let digest = String(line[..<space]).lowercased()
      let path = PathEncoding.decode(String(line[space...].drop { $0 == " " || $0 == "\t" }))
      guard ManifestLines.isDigest(digest), !path.isEmpty else {
        throw BagProblem(entry: name, reason: "line \(n + 1) is not `<sha256>  <path>`")
      }
      guard result[path] == nil else {
        throw BagProblem(entry: name, reason: "lists \"\(path)\" twice")
      }
      result[path] = digest
    }
    return result
  }

  /// The non-empty lines of a tag file, ended by LF, CR LF or CR (RFC 8493 allows each).
  static func lines(_ text: String) -> [Substring] {
    text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
  }

  /// The `YYYY-MM-DD` date (UTC) of an epoch time in microseconds.
  public static func baggingDate(micros: Int64) -> String {
    var seconds = time_t(micros / 1_000_000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
  }
}

/// The fields of `bag-info.txt` that Gage writes and reads.
public struct BagInfo: Sendable, Equatable {
  /// `Bagging-Date`: the latest stop time of the runs, in UTC.
  public var baggingDate: String
  /// `Payload-Oxum`: total payload bytes.
  public var payloadBytes: Int64
  /// `Payload-Oxum`: number of payload files.
  public var payloadFiles: Int
  /// `Bag-Software-Agent`.
  public var agent: String
  /// `Gage-Archive-Version`.
  public var archiveVersion: String
  /// `Gage-Run-Id`, one per run, sorted.
  public var runIDs: [String]
  /// `Gage-Source-Commit`, one per run in the order of `runIDs` (`none` outside git).
  public var sourceCommits: [String]

  /// The file's text.
  public var text: String {
    var lines = [
      "Bag-Software-Agent: \(agent)",
      "Bagging-Date: \(baggingDate)",
      "Payload-Oxum: \(payloadBytes).\(payloadFiles)",
      "Gage-Archive-Version: \(archiveVersion)",
    ]
    lines += runIDs.map { "Gage-Run-Id: \($0)" }
    lines += sourceCommits.map { "Gage-Source-Commit: \($0)" }
    return lines.map { $0 + "\n" }.joined()
  }

  /// A bag-info value set.
  public init(
    baggingDate: String, payloadBytes: Int64, payloadFiles: Int, agent: String, archiveVersion: String,
    runIDs: [String], sourceCommits: [String]
  ) {
    self.baggingDate = baggingDate
    self.payloadBytes = payloadBytes
    self.payloadFiles = payloadFiles
    self.agent = agent
    self.archiveVersion = archiveVersion
    self.runIDs = runIDs
    self.sourceCommits = sourceCommits
  }

  /// Parses `bag-info.txt` (labels, values, continuation lines); needs Payload-Oxum.
  public static func parse(_ text: String) throws -> BagInfo {
    var fields: [(String, String)] = []
    for l in Bag.lines(text) {
      if let first = l.first, first == " " || first == "\t", let last = fields.popLast() {
        fields.append((last.0, last.1 + " " + l.trimmingCharacters(in: .whitespaces)))
        continue
      }
      guard let colon = l.firstIndex(of: ":") else {
        throw BagProblem(entry: Bag.infoFile, reason: "line \"\(l)\" is not `Label: value`")
      }
      fields.append(
        (String(l[..<colon]).trimmingCharacters(in: .whitespaces), String(l[l.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
      )
    }
    func values(_ label: String) -> [String] {
      fields.filter { $0.0.lowercased() == label.lowercased() }.map(\.1)
    }
    for label in ["Payload-Oxum", "Bagging-Date", "Gage-Archive-Version"] where values(label).count > 1 {
      throw BagProblem(entry: Bag.infoFile, reason: "has \(label) more than once")
    }
    guard let oxum = values("Payload-Oxum").first else {
      throw BagProblem(entry: Bag.infoFile, reason: "has no Payload-Oxum")
    }
    let parts = oxum.split(separator: ".")
    guard parts.count == 2, let bytes = Int64(parts[0]), let count = Int(parts[1]), bytes >= 0, count >= 0 else {
      throw BagProblem(entry: Bag.infoFile, reason: "Payload-Oxum \"\(oxum)\" is not `<bytes>.<files>`")
    }
    return BagInfo(
      baggingDate: values("Bagging-Date").first ?? "", payloadBytes: bytes, payloadFiles: count,
      agent: values("Bag-Software-Agent").first ?? "", archiveVersion: values("Gage-Archive-Version").first ?? "",
      runIDs: values("Gage-Run-Id"), sourceCommits: values("Gage-Source-Commit"))
  }
}

/// Something wrong inside a bag: the entry (path in the bag) and why.
public struct BagProblem: Error, Sendable, Equatable {
  /// The entry, relative to the bag's top directory.
  public var entry: String
  /// What is wrong with it.
  public var reason: String

  /// A problem with `entry`.
  public init(entry: String, reason: String) {
    self.entry = entry
    self.reason = reason
  }
}
