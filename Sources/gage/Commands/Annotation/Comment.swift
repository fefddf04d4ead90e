import ArgumentParser
import Foundation
import GageKit

extension Annotation {
  /// `gage comment`.
  struct Comment: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Comment on runs, list, edit or delete comments.",
      discussion: """
        Comments go to the run's attribute log (<id>.user/), each with its author and time.
          gage comment 1 -m "loss plateaus after epoch 3"
          gage comment 1 --list
          gage comment 1 --edit 0190f3a1-2b4c -m "plateaus after epoch 4"
          gage comment 1 --delete 0190f3a1-2b4c
        Without -m the message is read from stdin, or from $EDITOR on a terminal.
        """
    )

    @OptionGroup var selection: RunSelectionOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("The comment.", valueName: "MSG"))
    var msg: String?

    @Flag(name: .shortAndLong, help: "List the comments.")
    var list = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Delete comment ID.", valueName: "ID"))
    var delete: String?

    @Option(
      name: .shortAndLong, help: ArgumentHelp("Replace the text of comment ID.", valueName: "ID"))
    var edit: String?

    @Flag(
      help:
        "With --list: print JSON, [{\"id\", \"name\", \"comments\": [{\"id\", \"author\", \"message\", \"time\"}]}]."
    )
    var json = false

    @Flag(name: .shortAndLong, help: "Do not ask (accepted for Gage compatibility).")
    var yes = false

    @OptionGroup var runs: RunsOptions

    func validate() throws {
      if [list, delete != nil, edit != nil].filter({ $0 }).count > 1 {
        throw ValidationError("choose one of --list, --delete, --edit")
      }
      if (list || delete != nil) && msg != nil {
        throw ValidationError("-m goes with adding or editing a comment")
      }
      try selection.requireRuns("to comment on")
    }

    func run() throws {
      let catalog = try runs.catalog()
      defer { catalog.save() }
      let selected = try selection.query().select(catalog)
      if list && json {
        let items = selected.map { _, record in
          RunAnnotations(run: record.run).commentsJSON
        }
        Console.print(JSONValue.array(items).prettyPrinted())
        return
      }
      if list {
        for (_, record) in selected {
          let comments = RunAnnotations(run: record.run).comments()
          Console.print(Console.bold(record.name) + (comments.isEmpty ? "  (no comments)" : ""))
          for c in comments {
            Console.print(
              "  \(Console.printable(c.id))  \(Console.printable(c.author))  \(c.micros.map { RunClock.local(micros: $0) } ?? "unknown time")"
            )
            for line in c.message.split(separator: "\n", omittingEmptySubsequences: false) {
              Console.print("    \(Console.printable(String(line)))")
            }
          }
        }
        return
      }
      if let delete {
        for (_, record) in selected { try RunAnnotations(run: record.run).deleteComment(delete) }
        Console.note("Deleted comment \(Console.printable(delete)) of \(Confirmation.count(selected.count))")
        return
      }
      guard !selected.isEmpty else { throw GageError.notFound("no runs selected") }
      let message = try msg ?? Self.readMessage()
      guard !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        throw GageError.invalidInput("the comment is empty; nothing was written")
      }
      for (_, record) in selected {
        let annotations = RunAnnotations(run: record.run)
        if let edit {
          try annotations.editComment(edit, message: message)
        } else {
          try annotations.addComment(message)
        }
      }
      Console.note(
        "\(edit == nil ? "Commented on" : "Edited a comment of") \(Confirmation.count(selected.count))"
      )
    }

    /// The message from stdin, or from an editor on a terminal.
    static func readMessage() throws -> String {
      guard Console.stdinIsTerminal else {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      }
      let env = ProcessInfo.processInfo.environment
      let editor = env["VISUAL"] ?? env["EDITOR"] ?? "vi"
      let file = FileIO.join(NSTemporaryDirectory(), "gage-comment-\(RunID.make()).txt")
      try FileIO.write("", to: file)
      defer { try? FileIO.removeFile(file) }
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", "\(editor) \"$1\"", "sh", file]
      try process.run()
      process.waitUntilExit()
      guard process.terminationStatus == 0 else {
        throw GageError.exec(
          "the editor (\(editor)) exited with \(process.terminationStatus); nothing was written")
      }
      return try FileIO.readText(file).trimmingCharacters(in: .whitespacesAndNewlines)
    }
  }
}
