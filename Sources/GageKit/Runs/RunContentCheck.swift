/// The check a run arriving from elsewhere (an archive, a git remote) passes before it
/// appears in a runs dir: its `manifest` lists exactly its run files with their digests,
/// and its `seal` (when present) exactly its meta files.
struct RunContentCheck {
  /// The run id.
  var id: String
  /// How problems name an entry: `prefix + "<id>/" + path` or `prefix + "<id>.meta/" + path`.
  var prefix: String

  /// Checks `runFiles` (path → SHA-256, relative to the run dir) against the manifest
  /// text, and `metaFiles` (relative to the meta dir, the seal itself left out) against
  /// the seal text. The first problem is thrown as a `BagProblem`.
  func check(runFiles: [String: String], manifest: [UInt8]?, metaFiles: [String: String], seal: [UInt8]?) throws {
    let runPrefix = "\(prefix)\(id)/"
    let metaPrefix = "\(prefix)\(id).meta/"
    let manifestPath = metaPrefix + MetaFile.manifest
    guard let manifest else { throw BagProblem(entry: manifestPath, reason: "missing: run \(id) has no manifest") }
    let digests: [String: String]
    do {
      digests = try Manifest.parse(String(decoding: manifest, as: UTF8.self), source: manifestPath).digestsByPath
    } catch let error as GageError {
      throw BagProblem(entry: manifestPath, reason: error.message)
    }
    for (rel, digest) in runFiles.sorted(by: { $0.key < $1.key }) {
      guard let expected = digests[rel] else {
        throw BagProblem(entry: runPrefix + rel, reason: "run \(id)'s own manifest does not list this file")
      }
      guard expected == digest else {
        throw BagProblem(entry: runPrefix + rel, reason: "run \(id)'s own manifest disagrees with this file's digest")
      }
    }
    for rel in digests.keys.sorted() where runFiles[rel] == nil {
      throw BagProblem(entry: runPrefix + rel, reason: "run \(id)'s own manifest lists this file, which is missing")
    }
    guard let seal else { return }
    let sealed = try Bag.parseManifest(String(decoding: seal, as: UTF8.self), name: metaPrefix + MetaFile.seal)
    for (rel, digest) in metaFiles.sorted(by: { $0.key < $1.key }) {
      guard let expected = sealed[rel] else { throw BagProblem(entry: metaPrefix + rel, reason: "run \(id)'s seal does not cover this meta file") }
      guard expected == digest else { throw BagProblem(entry: metaPrefix + rel, reason: "run \(id)'s seal disagrees with this meta file's digest") }
    }
    for rel in sealed.keys.sorted() where metaFiles[rel] == nil {
      throw BagProblem(entry: metaPrefix + rel, reason: "run \(id)'s seal lists this meta file, which is missing")
    }
  }
}

extension RunContentCheck {
  /// Why a link `depth` directories below the top of its run, to `target`, may not be
  /// written; nil when it stays inside the run. `..` may only lead the target: after a
  /// name, that name could be a link itself and `..` climb out of where it points.
  static func linkProblem(_ target: String, depth: Int) -> String? {
    if target.hasPrefix("/") {
      return "a link to the absolute path \"\(target)\"; links must stay inside their run"
    }
    var level = depth
    var descended = false
    for part in target.split(separator: "/") where part != "." {
      if part != ".." {
        descended = true
      } else if descended {
        return "a link to \"\(target)\", with \"..\" after a name; through another link it could leave its run"
      } else {
        level -= 1
        if level < 0 { return "a link to \"\(target)\", which leaves its run" }
      }
    }
    return nil
  }
}
