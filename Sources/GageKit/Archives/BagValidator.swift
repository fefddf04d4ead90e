import Foundation

/// Checks a scanned bag completely: the declaration, both manifests (every file listed,
/// every listed file present, every digest), Payload-Oxum, the payload layout (runs only),
/// the link stand-ins, and each run's own `manifest` and `seal` against its files.
struct BagValidator {
  /// A bag that passed every check.
  struct Result {
    /// The bag's metadata.
    var info: BagInfo
    /// The runs, sorted.
    var runIDs: [String]
    /// Link stand-ins: path in the bag → link target.
    var links: [String: String]
  }

  let scan: BagScan

  /// Validates; the first problem found is thrown as a `BagProblem`.
  func validate() throws -> Result {
    guard let declaration = try scan.content(Bag.declarationFile) else {
      throw BagProblem(entry: Bag.declarationFile, reason: "missing: this is not a BagIt bag")
    }
    let declText = String(decoding: declaration, as: UTF8.self)
    guard declText.contains("BagIt-Version:"), declText.contains("Tag-File-Character-Encoding: UTF-8") else {
      throw BagProblem(entry: Bag.declarationFile, reason: "is not a BagIt declaration (BagIt-Version, Tag-File-Character-Encoding: UTF-8)")
    }
    let payload = try manifest(Bag.manifestFile)
    let tags = try manifest(Bag.tagManifestFile)

    // Tag files: every one (but the tag manifests) listed in the tag manifest, and intact.
    for (path, file) in scan.files where !path.hasPrefix(Bag.payloadDir + "/") && !path.hasPrefix("tagmanifest-") {
      guard let digest = tags[path] else { throw BagProblem(entry: path, reason: "a tag file not listed in \(Bag.tagManifestFile)") }
      guard digest == file.digest else {
        throw BagProblem(entry: path, reason: "tag file altered: its SHA-256 differs from \(Bag.tagManifestFile)")
      }
    }
    for path in tags.keys where scan.files[path] == nil {
      throw BagProblem(entry: path, reason: "listed in \(Bag.tagManifestFile) but not in the archive")
    }
    // Payload: complete both ways, every digest equal.
    var bytes: Int64 = 0
    var count = 0
    for (path, file) in scan.files where path.hasPrefix(Bag.payloadDir + "/") {
      guard let digest = payload[path] else { throw BagProblem(entry: path, reason: "a payload file not listed in \(Bag.manifestFile)") }
      guard digest == file.digest else {
        throw BagProblem(entry: path, reason: "digest mismatch: its SHA-256 differs from \(Bag.manifestFile)")
      }
      bytes += file.size
      count += 1
    }
    for path in payload.keys where scan.files[path] == nil {
      throw BagProblem(entry: path, reason: "listed in \(Bag.manifestFile) but not in the archive")
    }
    guard let infoBytes = try scan.content(Bag.infoFile) else {
      throw BagProblem(entry: Bag.infoFile, reason: "missing: Gage archives declare their runs and Payload-Oxum there")
    }
    let info = try BagInfo.parse(String(decoding: infoBytes, as: UTF8.self))
    if bytes > info.payloadBytes {
      throw BagProblem(
        entry: Bag.infoFile, reason: "the payload holds \(bytes) bytes, more than Payload-Oxum declares (\(info.payloadBytes))")
    }
    guard bytes == info.payloadBytes, count == info.payloadFiles else {
      throw BagProblem(
        entry: Bag.infoFile, reason: "Payload-Oxum \(info.payloadBytes).\(info.payloadFiles) does not match the payload (\(bytes).\(count))"
      )
    }
    let runIDs = try layout(info: info)
    let links = try symlinks()
    for id in runIDs { try checkRun(id) }
    return Result(info: info, runIDs: runIDs, links: links)
  }

  private func manifest(_ name: String) throws -> [String: String] {
    guard let bytes = try scan.content(name) else { throw BagProblem(entry: name, reason: "missing") }
    guard let text = String(validating: bytes, as: UTF8.self) else { throw BagProblem(entry: name, reason: "is not UTF-8") }
    return try Bag.parseManifest(text, name: name)
  }

  /// `data/` holds `<id>`, `<id>.meta` and `<id>.user` directories only, for the runs that
  /// `bag-info.txt` declares.
  private func layout(info: BagInfo) throws -> [String] {
    var ids: Set<String> = []
    var metas: Set<String> = []
    let tops = Set(scan.files.keys.map { $0 } + Array(scan.dirs)).compactMap { path -> String? in
      let parts = path.split(separator: "/", maxSplits: 2)
      guard parts.first == Substring(Bag.payloadDir), parts.count >= 2 else { return nil }
      if parts.count == 2, scan.files[path] != nil { return "file:" + path }
      return String(parts[1])
    }
    for name in Set(tops) {
      if name.hasPrefix("file:") {
        throw BagProblem(entry: String(name.dropFirst(5)), reason: "a file directly under data/; runs are directories")
      }
      var id = name
      if name.hasSuffix(".meta") {
        id = String(name.dropLast(5))
        metas.insert(id)
      } else if name.hasSuffix(".user") {
        id = String(name.dropLast(5))
      }
      guard RunID.isValid(id) else {
        throw BagProblem(entry: "data/" + name, reason: "not a run (data/ holds <id>, <id>.meta and <id>.user)")
      }
      guard RunID.isCanonical(id) else {
        throw BagProblem(entry: "data/" + name, reason: "a run id in upper case; run ids are lowercase")
      }
      ids.insert(id)
    }
    for id in ids where !metas.contains(id) {
      throw BagProblem(entry: "data/\(id).meta", reason: "missing: run \(id) has no meta dir")
    }
    if !info.runIDs.isEmpty, Set(info.runIDs) != ids {
      throw BagProblem(entry: Bag.infoFile, reason: "Gage-Run-Id lines do not match the runs in data/")
    }
    return ids.sorted()
  }

  /// Link stand-ins: each a payload file inside a run; its target neither absolute nor
  /// leaving the run's directory.
  private func symlinks() throws -> [String: String] {
    guard let bytes = try scan.content(Bag.symlinksFile) else { return [:] }
    var links: [String: String] = [:]
    for line in Bag.lines(String(decoding: bytes, as: UTF8.self)) {
      let path = PathEncoding.decode(String(line))
      guard path.hasPrefix(Bag.payloadDir + "/"), scan.files[path] != nil else {
        throw BagProblem(entry: Bag.symlinksFile, reason: "lists \"\(path)\", which is not a payload file")
      }
      guard let targetBytes = try scan.content(path), targetBytes.count <= 4096, !targetBytes.contains(0),
        let target = String(validating: targetBytes, as: UTF8.self), !target.isEmpty
      else {
        throw BagProblem(entry: path, reason: "not a valid link target")
      }
      // Depth below the run's own directory (data/<dir>/...): the link's parent dir.
      if let problem = ArrivingRunCheck.linkProblem(target, depth: path.split(separator: "/").count - 3) {
        throw BagProblem(entry: path, reason: problem)
      }
      links[path] = target
    }
    return links
  }

  /// The run's `manifest` lists exactly its run files with their digests; its `seal`
  /// (when present) exactly its meta files.
  private func checkRun(_ id: String) throws {
    func files(_ prefix: String) -> [String: String] {
      var out: [String: String] = [:]
      for (path, file) in scan.files where path.hasPrefix(prefix) { out[String(path.dropFirst(prefix.count))] = file.digest }
      return out
    }
    let metaPrefix = "data/\(id).meta/"
    var metaFiles = files(metaPrefix)
    metaFiles[MetaFile.seal] = nil
    try ArrivingRunCheck(id: id, prefix: "data/").checkRecord(
      runFiles: files("data/\(id)/"), manifest: try scan.content(metaPrefix + MetaFile.manifest),
      metaFiles: metaFiles, seal: try scan.content(metaPrefix + MetaFile.seal))
    let arriving = ArrivingRunCheck(id: id, prefix: "data/")
    try arriving.checkMeta { try content(metaPrefix + $0) }
    let userPrefix = "data/\(id).user/"
    for path in scan.dirs where path.hasPrefix(userPrefix) {
      throw BagProblem(entry: path, reason: "a directory among annotations; \(id).user/ holds entries only")
    }
    for name in files(userPrefix).keys.sorted() {
      let path = userPrefix + name
      try arriving.checkAnnotation(name: name, size: scan.files[path]?.size ?? 0) { try content(path) ?? [] }
    }
  }

  /// The content of a file of the bag, nil when it is absent; a present file that was not
  /// kept (too much to hold in memory while only verifying) cannot be checked.
  private func content(_ path: String) throws -> [UInt8]? {
    guard scan.files[path] != nil else { return nil }
    guard let bytes = try scan.content(path) else {
      throw BagProblem(entry: path, reason: "cannot be checked: the archive's small files exceed the memory budget")
    }
    return bytes
  }
}
