import Testing

@testable import GageKit

extension ProjectTests {
  /// An operation written to `opdef.json` and read back.
  @Suite struct OpDefJSON {
    @Test func operationBuiltInCodeRoundTrips() throws {
      var op = OpDef(
        name: "train", description: "Train", isDefault: true, version: "3",
        exec: ExecSpec(commands: [
          .run: .argv(["python", "train.py"]), .finalize: .shell("echo done"),
        ]),
        sourcecode: .patterns(["*.py"]),
        config: [ConfigSpec(keys: ["train.py"], prefix: "hp-"), ConfigSpec(keys: ["cfg.json"])],
        depends: [
          .projectFiles(files: ["data/*"], description: "data", link: true),
          .runFiles(select: "prepare", files: ["out/*"], description: nil),
          .runsSummary(select: "op = train", summaryFilename: "s.json", description: "all"),
        ],
        outputSummary: .pattern("^R: (.*)$"), summaryFilename: "metrics.json", env: ["SEED": "1"],
        listing: .object(["description": .string("seed")]), progress: "tqdm")
      #expect(op.raw == .object([:]))

      let json = op.json
      #expect(json["exec"]?["run"] == .array([.string("python"), .string("train.py")]))
      #expect(json["depends"]?.arrayValue?.first?["type"] == .string("project-files"))

      let decoded = try OpDef(name: "train", json: JSONValue.parse(json.prettyPrinted()))
      #expect(decoded.raw == json)
      op.raw = json
      #expect(decoded == op)
    }

    @Test func plainOperationsGiveShortJSON() throws {
      #expect(OpDef(name: "empty").json == .object([:]))
      let op = OpDef(
        name: "hello", exec: ExecSpec(commands: [.run: .shell("echo hi")]),
        config: [ConfigSpec(keys: ["a.py"])])
      #expect(
        op.json == .object(["exec": .string("echo hi"), "config": .array([.string("a.py")])]))
    }

    @Test func loadedOperationWritesItsTableAsWritten() throws {
      let project = try TempProject()
      let gageFile = try project.load(
        "gage.toml", "[train]\nexec = \"python train.py\"\nconfig = \"train.py\"\nversion = 2\n")
      let train = try #require(gageFile.operations.first)
      #expect(
        train.json.prettyPrinted() == """
          {
            "config": "train.py",
            "exec": "python train.py",
            "version": 2
          }
          """)
      #expect(try OpDef(name: "train", json: train.json) == train)
    }

    @Test func badOpdefJSONNamesTheFile() throws {
      #expect(
        throws: GageError.gageFile(
          location: "opdef.json", message: "operation \"x\" must be a table; found an array")
      ) {
        try OpDef(name: "x", json: .array([]))
      }
      #expect(
        throws: GageError.gageFile(
          location: "opdef.json",
          message:
            "unknown key \"exce\" in operation \"x\" (did you mean \"exec\"?); known keys: \(ProjectTests.knownOpKeys)"
        )
      ) {
        try OpDef(name: "x", json: .object(["exce": .string("true")]))
      }
    }

    @Test func suggestionsNeedACloseMatch() {
      #expect(KeySuggestion.editDistance("exce", "exec") == 1)
      #expect(KeySuggestion.editDistance("", "abc") == 3)
      #expect(KeySuggestion.closest(to: "exce", in: OpDefDecoder.knownKeys) == "exec")
      #expect(KeySuggestion.closest(to: "dependss", in: OpDefDecoder.knownKeys) == "depends")
      #expect(KeySuggestion.closest(to: "ev", in: OpDefDecoder.knownKeys) == "env")
      #expect(KeySuggestion.closest(to: "x", in: OpDefDecoder.knownKeys) == nil)
      #expect(KeySuggestion.closest(to: "color", in: OpDefDecoder.knownKeys) == nil)
    }
  }
}
