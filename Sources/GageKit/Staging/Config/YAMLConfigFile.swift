import Yams

/// The configuration of a YAML file: every scalar of its top-level mapping outside
/// sequences, by its dotted path (`model: {lr: 0.1}` has the key `model.lr`).
///
/// Values are typed as Yams resolves them (`1` an integer, `1.5` a float, `true` and
/// `yes` booleans, `null`, `~` and an empty value null, anything else a string). Sequence
/// items, block scalars (`|`, `>`), plain scalars over several lines, aliases (`*a`),
/// merged keys (`<<`), explicitly tagged values, dates and keys that are not dotted-key
/// parts are not configurable; they are listed in `skipped`. Applying values replaces
/// only the scalars' text and reads the result again to check it.
public struct YAMLConfigFile: ConfigDocument, Equatable {
  private let leaves: ConfigLeaves<YAMLScalarStyle>

  /// Reads a YAML file's text; `file` names it in errors. Invalid YAML is a
  /// `GageError.invalidInput` starting with `file:line:column:`.
  public init(text: String, file: String) throws {
    let root: Node?
    do {
      root = try YAMLText.compose(text)
    } catch {
      throw GageError.invalidInput("\(file):\(error.position.line):\(error.position.column): \(error.message)")
    }
    var walker = Walker(locator: YAMLScalarLocator(text))
    switch root {
    case .none: break
    case .mapping(let mapping)?:
      walker.mapping(mapping, path: [], flow: walker.isFlow(root?.mark))
    case .some:
      walker.skip([], "its top level is not a mapping")
    }
    leaves = ConfigLeaves(file: file, text: text, leaves: walker.found, skipped: walker.skipped)
  }

  /// The file's text.
  public var text: String { leaves.text }
  /// The dotted paths of the scalars, in source order.
  public var names: [String] { leaves.names }
  /// Each scalar's value.
  public var values: [String: ConfigValue] { leaves.values }
  /// Sequences, block scalars, aliases and other values that are not configurable.
  public var skipped: [ConfigSkippedKey] { leaves.skipped }

  /// The text with the given keys' values replaced by YAML scalars written in the style
  /// of the ones they replace (see `YAMLScalarWriter`).
  public func applying(_ values: [String: ConfigValue]) throws -> String {
    try leaves.applying(
      values, render: { value, leaf in YAMLScalarWriter.text(value, style: leaf.style) },
      reread: { try YAMLConfigFile(text: $0, file: leaves.file).values })
  }
}

/// Walks the composed node tree and collects its configurable scalars.
private struct Walker {
  let locator: YAMLScalarLocator
  var found: [ConfigLeaf<YAMLScalarStyle>] = []
  var skipped: [ConfigSkippedKey] = []

  init(locator: YAMLScalarLocator) {
    self.locator = locator
  }

  mutating func skip(_ path: [String], _ reason: String) {
    skipped.append(ConfigSkippedKey(name: path.joined(separator: "."), reason: reason))
  }

  func isFlow(_ mark: Mark?) -> Bool {
    guard let mark, let offset = locator.offset(of: mark) else { return false }
    return locator.isFlowCollection(at: offset)
  }

  mutating func mapping(_ mapping: Node.Mapping, path: [String], flow: Bool) {
    for (key, value) in mapping {
      if Tag.Name(rawValue: key.tag.rawValue) == .merge {
        skip(path + ["<<"], "merged keys (<<) are not configurable")
        continue
      }
      guard case .scalar(let keyScalar) = key else {
        skip(path + ["?"], "keys that are not scalars are not configurable")
        continue
      }
      let childPath = path + [keyScalar.string]
      if let keyMark = key.mark, let valueMark = value.mark,
        (valueMark.line, valueMark.column) < (keyMark.line, keyMark.column)
      {
        skip(childPath, "aliases (*name) are not configurable")
        continue
      }
      switch value {
      case .mapping(let child):
        self.mapping(child, path: childPath, flow: flow || isFlow(value.mark))
      case .sequence:
        skip(childPath, ConfigLeafName.arrayReason)
      case .scalar(let scalar):
        self.scalar(scalar, node: value, key: keyScalar, path: childPath, flow: flow)
      case .alias:
        skip(childPath, "aliases (*name) are not configurable")
      }
    }
  }

  private mutating func scalar(_ scalar: Node.Scalar, node: Node, key: Node.Scalar, path: [String], flow: Bool) {
    guard let name = ConfigLeafName.dotted(path) else {
      skip(path, ConfigLeafName.unnamableReason)
      return
    }
    let value: ConfigValue
    switch Tag.Name(rawValue: node.tag.rawValue) {
    case .null: value = .null
    case .bool:
      guard let b = node.bool else { return skip(path, "its boolean cannot be read") }
      value = .bool(b)
    case .int:
      guard let i = node.int else { return skip(path, "its integer is out of range") }
      value = .int(i)
    case .float:
      guard let d = node.float, d.isFinite else { return skip(path, "inf and nan are not configurable") }
      value = .float(d)
    case .str: value = .string(scalar.string)
    case .timestamp: return skip(path, "dates and times are not configurable")
    default: return skip(path, "values tagged \(node.tag.rawValue) are not configurable")
    }
    if !scalar.string.isEmpty, let mark = scalar.mark, let start = locator.offset(of: mark),
      locator.contentStart(from: start).tagged
    {
      return skip(path, "values with an explicit tag (!) are not configurable")
    }
    let style: YAMLScalarStyle
    let range: Range<Int>
    switch scalar.style {
    case .literal, .folded:
      return skip(path, "block scalars (| and >) are not configurable")
    case .singleQuoted, .doubleQuoted:
      guard let found = locator.range(of: scalar, flow: flow) else {
        return skip(path, "its quoted text cannot be found")
      }
      style = scalar.style == .singleQuoted ? .singleQuoted : .doubleQuoted
      range = found
    case .plain, .any:
      if scalar.string.isEmpty {
        guard let keyRange = locator.range(of: key, flow: flow),
          let offset = locator.emptyValueOffset(afterKey: keyRange, flow: flow)
        else {
          return skip(path, "an empty value written this way is not configurable")
        }
        style = .empty(flow: flow)
        range = offset..<offset
      } else {
        guard let found = locator.range(of: scalar, flow: flow) else {
          return skip(path, "plain scalars over several lines are not configurable")
        }
        style = .plain(flow: flow)
        range = found
      }
    }
    found.append(ConfigLeaf(name: name, value: value, range: range, style: style))
  }
}
