import Foundation

/// The `opref` meta file: `2 <namespace> <op-name>[ <op-version>]` (older Gage: `1 <ns> <op>`).
public struct OpRef: Sendable, Equatable {
  /// Namespace: the project dir's base name.
  public var namespace: String
  /// Operation name.
  public var name: String
  /// Operation version, if the op has one.
  public var version: String?

  /// An opref.
  public init(namespace: String, name: String, version: String? = nil) {
    self.namespace = namespace
    self.name = name
    self.version = version
  }

  /// The encoded form (no trailing newline).
  public var encoded: String {
    var parts = ["2", OpRef.escape(namespace), OpRef.escape(name)]
    if let version { parts.append(OpRef.escape(version)) }
    return parts.joined(separator: " ")
  }

  /// Decodes `1 ns op` or `2 ns op [version]` (surrounding whitespace ignored).
  public static func decode(_ text: String) throws -> OpRef {
    let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }).map(String.init)
    guard parts.count >= 3, parts[0] == "1" || parts[0] == "2" else {
      throw GageError.invalidData("unsupported opref: \(text)")
    }
    let version = parts.count > 3 && parts[0] == "2" ? unescape(parts[3]) : nil
    return OpRef(namespace: unescape(parts[1]), name: unescape(parts[2]), version: version)
  }

  private static func escape(_ s: String) -> String {
    s.isEmpty ? "''" : s.replacingOccurrences(of: " ", with: "%20")
  }

  private static func unescape(_ s: String) -> String {
    if s == "''" { return "" }
    return s.contains("%20") ? s.replacingOccurrences(of: "%20", with: " ") : s
  }
}
