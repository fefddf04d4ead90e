import Foundation
public struct GageFile: Sendable {
  public var path: String
  public var runsDir: String?
  public var operations: [OpDef]
  public static func load(path: String) throws -> GageFile {
    let v = try JSONValue.read(path: path)
    var ops: [OpDef] = []
    for (k, t) in v.objectValue ?? [:] where !k.hasPrefix("$") { ops.append(try OpDef(name: k, json: t)) }
    return GageFile(path: FileIO.absolute(path), runsDir: v["$runs-dir"]?.stringValue, operations: ops)
  }
  public static func find(from directory: String) -> String? {
    let p = FileIO.join(directory, "gage.json"); return FileIO.exists(p) ? p : nil
  }
  public func operation(named name: String) -> OpDef? { operations.first { $0.name == name } }
  public var defaultOperation: OpDef? { operations.first(where: \.isDefault) ?? (operations.count == 1 ? operations.first : nil) }
  public var projectDir: String { (path as NSString).deletingLastPathComponent }
}
