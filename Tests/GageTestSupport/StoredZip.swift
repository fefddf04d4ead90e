/// Writes a zip archive whose entries are stored (not compressed): the form later Gage
/// gives a finished run's meta (`<id>.meta.zip`). Written by hand from the PKWARE format
/// (local headers, central directory, end record) so that reading it is tested against an
/// independent writer.
public enum StoredZip {
  /// The zip bytes holding `files` (path → bytes), in the given order.
  public static func bytes(_ files: [(String, [UInt8])]) -> [UInt8] {
    var out: [UInt8] = []
    var central: [UInt8] = []
    for (name, data) in files {
      let offset = UInt32(out.count)
      let crc = crc32(data)
      let nameBytes = Array(name.utf8)
      var local: [UInt8] = []
      le32(&local, 0x0403_4b50)
      le16(&local, 20)  // version needed
      le16(&local, 0)  // flags
      le16(&local, 0)  // method: stored
      le16(&local, 0)  // time
      le16(&local, 0x21)  // date: 1980-01-01
      le32(&local, crc)
      le32(&local, UInt32(data.count))
      le32(&local, UInt32(data.count))
      le16(&local, UInt16(nameBytes.count))
      le16(&local, 0)
      out += local + nameBytes + data

      le32(&central, 0x0201_4b50)
      le16(&central, 0x031E)  // made by: Unix, 3.0
      le16(&central, 20)
      le16(&central, 0)
      le16(&central, 0)
      le16(&central, 0)
      le16(&central, 0x21)
      le32(&central, crc)
      le32(&central, UInt32(data.count))
      le32(&central, UInt32(data.count))
      le16(&central, UInt16(nameBytes.count))
      le16(&central, 0)  // extra
      le16(&central, 0)  // comment
      le16(&central, 0)  // disk
      le16(&central, 0)  // internal attributes
      le32(&central, UInt32(0o100444) << 16)  // external: regular file, r--r--r--
      le32(&central, offset)
      central += nameBytes
    }
    let centralOffset = UInt32(out.count)
    out += central
    le32(&out, 0x0605_4b50)
    le16(&out, 0)
    le16(&out, 0)
    le16(&out, UInt16(files.count))
    le16(&out, UInt16(files.count))
    le32(&out, UInt32(central.count))
    le32(&out, centralOffset)
    le16(&out, 0)
    return out
  }

  /// CRC-32 (IEEE), as zip uses it; `crc32("123456789")` is `0xCBF43926`.
  public static func crc32(_ data: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }

  private static func le16(_ out: inout [UInt8], _ v: UInt16) {
    out.append(UInt8(v & 0xFF))
    out.append(UInt8(v >> 8))
  }

  private static func le32(_ out: inout [UInt8], _ v: UInt32) {
    for i in 0..<4 { out.append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) }
  }
}
