/// What happened to one run that was pushed, pulled or imported: the word `--json` gives
/// and, when the run was refused, why.
public protocol RunTransferOutcome: Sendable {
  /// The outcome's word in `--json` (`pushed`, `already-present`, `conflict`...).
  var word: String { get }
  /// Why the run was refused (not sent, rejected, a conflict); nil when it was not.
  var refusal: String? { get }
}

extension RunTransferOutcome {
  /// `{"id", "name", "outcome", "reason"}` for run `id` (docs/json.md).
  public func json(id: String) -> JSONValue {
    .object([
      "id": .string(id), "name": .string(RunID.name(for: id)), "outcome": .string(word),
      "reason": refusal.map(JSONValue.string) ?? .null,
    ])
  }
}
