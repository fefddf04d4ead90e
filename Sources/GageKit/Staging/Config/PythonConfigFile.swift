import Foundation

/// The configuration of a Python module: its module-level assignments of scalar literals.
///
/// A config assignment is a statement at column 0 of the form `name = literal`, optionally
/// followed by a comment, where the literal is a string (`'...'`, `"..."`, also triple
/// quoted), an integer, a float (`1e-3`, `-0.5`), `True`, `False` or `None`. Other
/// statements, indented code, values that are not literals and names starting with `_`
/// are not configuration. A name assigned more than once has the value of its last
/// assignment, the one the rest of the module sees.
///
/// Applying values rewrites only the literals' text; everything else stays byte for byte.
public struct PythonConfigFile: ConfigDocument, Equatable {
  /// One module-level assignment of a literal.
  public struct Assignment: Sendable, Equatable {
    /// The variable name.
    public var name: String
    /// The literal's value.
    public var value: ConfigValue
    /// The literal's range in the source, in UTF-8 byte offsets.
    public var range: Range<Int>
    /// The literal's source text.
    public var literal: String
    /// How a string literal is quoted, reused when writing a new string.
    var quote: PythonLiteral.Quote?
  }

  /// The module's source text.
  public let text: String
  /// The config assignments, in source order.
  public let assignments: [Assignment]

  /// Reads the config assignments of a module's source text.
  public init(text: String) {
    self.text = text
    let src = Array(text.utf8)
    assignments = PythonSource.moduleStatements(src).compactMap { Self.assignment(in: $0, of: src) }
  }

  /// The configurable names, in order of first assignment.
  public var names: [String] {
    var seen: Set<String> = []
    return assignments.map(\.name).filter { seen.insert($0).inserted }
  }

  /// Each name's value (the last assignment's when a name is assigned more than once).
  public var values: [String: ConfigValue] {
    var result: [String: ConfigValue] = [:]
    for assignment in assignments { result[assignment.name] = assignment.value }
    return result
  }

  /// The source with the literals of the given names replaced by the given values (every
  /// assignment of a name is rewritten). Values are written as Python literals: strings
  /// with the original quote character where possible, `True`/`False`, `None`, floats as
  /// Python's `repr` writes them. Throws `GageError.invalidInput` for a name the module
  /// does not assign.
  public func applying(_ values: [String: ConfigValue]) throws -> String {
    let known = Set(assignments.map(\.name))
    if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
      throw GageError.invalidInput("there is no module-level assignment of \"\(unknown)\" to a literal")
    }
    let replacements = assignments.compactMap { assignment in
      values[assignment.name].map { (range: assignment.range, text: PythonLiteral.render($0, quote: assignment.quote)) }
    }
    return ConfigText.replacing(replacements, in: text)
  }

  /// The assignment a logical line holds, if it is `name = literal [# comment]`.
  private static func assignment(in line: Range<Int>, of src: [UInt8]) -> Assignment? {
    var i = line.lowerBound
    guard PythonSource.isIdentifierStart(src[i]), src[i] != UInt8(ascii: "_") else { return nil }
    while i < line.upperBound, PythonSource.isIdentifierChar(src[i]) { i += 1 }
    let name = String(decoding: src[line.lowerBound..<i], as: UTF8.self)
    i = skipSpaces(src, from: i, to: line.upperBound)
    guard i < line.upperBound, src[i] == UInt8(ascii: "=") else { return nil }
    i += 1
    guard i < line.upperBound, src[i] != UInt8(ascii: "=") else { return nil }
    i = skipSpaces(src, from: i, to: line.upperBound)
    guard let literal = PythonLiteral.parse(src, at: i), literal.end <= line.upperBound else { return nil }
    let range = i..<literal.end
    i = skipSpaces(src, from: literal.end, to: line.upperBound)
    guard i == line.upperBound || src[i] == UInt8(ascii: "#") else { return nil }
    return Assignment(
      name: name, value: literal.value, range: range,
      literal: String(decoding: src[range], as: UTF8.self), quote: literal.quote)
  }

  private static func skipSpaces(_ src: [UInt8], from start: Int, to end: Int) -> Int {
    var i = start
    while i < end,
      src[i] == UInt8(ascii: " ") || src[i] == UInt8(ascii: "\t") || src[i] == UInt8(ascii: "\r")
        || src[i] == 0x0C
    {
      i += 1
    }
    return i
  }
}
