import ArgumentParser
import GageKit

extension Annotation {
  /// `gage label`.
  struct Label: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Set or clear run labels.",
      discussion: """
        Labels go to the run's attribute log (<id>.user/); the sealed run is not touched.
          gage label 1 --set best
          gage label -w "metric.loss < 0.1" --set keep
          gage label kafom-fikud --clear
        """
    )

    @OptionGroup var selection: RunSelectionOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("The label.", valueName: "LABEL"))
    var set: String?

    @Flag(name: .shortAndLong, help: "Clear the label.")
    var clear = false

    @Flag(
      name: .shortAndLong,
      help: "Do not ask (labels are not destructive; accepted for Gage compatibility).")
    var yes = false

    @OptionGroup var runs: RunsOptions

    func validate() throws {
      if (set == nil) == !clear { throw ValidationError("give either --set LABEL or --clear") }
      try selection.requireRuns("to label")
    }

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      let selected = try selection.query().select(catalog)
      for (_, record) in selected {
        let annotations = RunAnnotations(run: record.run)
        if let set { try annotations.setLabel(set) } else { try annotations.clearLabel() }
      }
      Console.note(
        "\(set == nil ? "Cleared the label of" : "Labeled") \(Confirmation.count(selected.count))")
    }
  }
}
