import Foundation

/// The typing rule of config assignments: a value set follows the type of the key's default.
///
/// - into a float: a float, or an integer which becomes a float (`1` gives `1.0`);
/// - into an integer: an integer only;
/// - into a boolean: a boolean only;
/// - into a string: anything, as the text the user typed (`msg=1` gives `"1"`);
/// - into a null default: anything, as is.
public enum ConfigTyping {
  /// The value to write for `assignment` into a key whose default is `defaultValue`.
  /// Throws `GageError.invalidInput` naming the key, the value and the expected type.
  public static func coerce(_ assignment: ConfigAssignment, toMatch defaultValue: ConfigValue) throws -> ConfigValue {
    let value = assignment.value
    switch (defaultValue, value) {
    case (.null, _):
      return value
    case (.string, .string):
      return value
    case (.string, _):
      return .string(assignment.text)
    case (.int, .int), (.float, .float), (.bool, .bool):
      return value
    case (.float, .int(let i)):
      return .float(Double(i))
    default:
      throw GageError.invalidInput(
        "value \(value.quotedDisplay) for \"\(assignment.key)\" is \(value.typeDescription); "
          + "the default \(defaultValue.quotedDisplay) is \(defaultValue.typeDescription)")
    }
  }
}
