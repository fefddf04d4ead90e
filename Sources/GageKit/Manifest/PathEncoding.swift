/// The one rule for names in line-oriented files (`manifest`, `log/files`, `seal`, BagIt
/// manifests): `%`, CR and LF become `%25`, `%0D`, `%0A` (RFC 8493 §2.1.3).
public enum PathEncoding {
  /// Encodes a relative path for a manifest line.
  public static func encode(_ path: String) -> String {
    guard path.contains(where: { $0 == "%" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return path }
    var out = ""
    for scalar in path.unicodeScalars {
      switch scalar {
      case "%": out += "%25"
      case "\r": out += "%0D"
      case "\n": out += "%0A"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// Decodes a path written by `encode`; other `%` sequences are kept as written.
  public static func decode(_ encoded: String) -> String {
    guard encoded.contains("%") else { return encoded }
    var out = ""
    var scalars = Array(encoded.unicodeScalars)[...]
    while let first = scalars.first {
      if first == "%", scalars.count >= 3 {
        let code = String(String.UnicodeScalarView(scalars.dropFirst().prefix(2))).uppercased()
        switch code {
        case "25":
          out += "%"
          scalars = scalars.dropFirst(3)
          continue
        case "0D":
          out += "\r"
          scalars = scalars.dropFirst(3)
          continue
        case "0A":
          out += "\n"
          scalars = scalars.dropFirst(3)
          continue
        default: break
        }
      }
      out.unicodeScalars.append(first)
      scalars = scalars.dropFirst()
    }
    return out
  }
}
