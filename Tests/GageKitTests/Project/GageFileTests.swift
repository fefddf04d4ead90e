import Foundation
import Testing

@testable import GageKit

extension ProjectTests {
  /// Finding a Gage file and reading every format into typed operations.
  @Suite struct GageFileLoading {
    // MARK: - Discovery

    @Test func findPrefersTOMLThenYAMLThenJSON() throws {
      let project = try TempProject()
      try project.write("gage.json", "{}")
      try project.write("gage.yml", "")
      #expect(GageFile.find(from: project.path) == FileIO.join(project.path, "gage.yml"))
      try project.write("gage.yaml", "")
      #expect(GageFile.find(from: project.path) == FileIO.join(project.path, "gage.yaml"))
      try project.write("gage.toml", "")
      #expect(GageFile.find(from: project.path) == FileIO.join(project.path, "gage.toml"))
    }

    @Test func findLooksInDotGageAfterTheDirectoryItself() throws {
      let project = try TempProject()
      let hidden = try project.write(".gage/gage.json", "{\"hello\": {\"exec\": \"echo hi\"}}")
      #expect(GageFile.find(from: project.path) == hidden)

      let gageFile = try GageFile.load(path: hidden)
      #expect(gageFile.projectDir == project.path)
      #expect(gageFile.operations.map(\.name) == ["hello"])

      let visible = try project.write("gage.json", "{}")
      #expect(GageFile.find(from: project.path) == visible)
    }

    @Test func findWalksUpFromASubdirectory() throws {
      let project = try TempProject()
      let file = try project.write("gage.yaml", "train:\n  exec: python train.py\n")
      let deep = try project.makeDirectory("src/models/deep")
      #expect(GageFile.find(from: deep) == file)

      let gageFile = try GageFile.load(path: try #require(GageFile.find(from: deep)))
      #expect(gageFile.path == file)
      #expect(gageFile.projectDir == project.path)
    }

    @Test func findIgnoresADirectoryNamedLikeAGageFile() throws {
      let project = try TempProject()
      let sub = try project.makeDirectory("sub")
      _ = try project.makeDirectory("sub/gage.toml")
      let file = try project.write("gage.json", "{}")
      #expect(GageFile.find(from: sub) == file)
    }

    @Test func loadNormalizesThePath() throws {
      let project = try TempProject()
      try project.write("gage.toml", "[a]\nexec = \"true\"\n")
      _ = try project.makeDirectory("sub")
      let gageFile = try GageFile.load(path: project.path + "/sub/../gage.toml")
      #expect(gageFile.path == FileIO.join(project.path, "gage.toml"))
    }

    // MARK: - TOML

    @Test func realisticTOMLFile() throws {
      let project = try TempProject()
      let gageFile = try project.load(
        "gage.toml",
        ##"""
        # Runs live next to the project.
        "$runs-dir" = "runs"

        [prepare]
        description = """
        Prepare the data set
        Downloads and splits it."""
        exec = "python prepare.py"
        sourcecode = ["*.py", "-tests/**"]
        depends = {files = "data/raw.csv", link = true}

        [train]
        description = "Train a model"
        default = true
        version = 2
        exec = "python train.py"
        config = "train.py"
        depends = [{run-select = "prepare", files = ["data/*"]}]
        output-summary = '^RESULT: (.*)$'
        summary = {filename = "metrics.json"}
        env = {LR = 0.1, EPOCHS = 3, DEBUG = true, NAME = "resnet"}
        progress = "tqdm"
        listing = {description = "model"}

        [eval.exec]
        stage-runtime = "pip install -r requirements.txt"
        run = ["python", "eval.py", "--split", "test"]
        finalize = """#!python
        print('done')
        """
        """##)

      #expect(gageFile.runsDir == "runs")
      #expect(gageFile.runsDirPath == FileIO.join(project.path, "runs"))
      #expect(gageFile.operations.map(\.name) == ["prepare", "train", "eval"])
      #expect(gageFile.defaultOperation?.name == "train")

      let prepare = try #require(gageFile.operation(named: "prepare"))
      #expect(prepare.description == "Prepare the data set\nDownloads and splits it.")
      #expect(prepare.isDefault == false)
      #expect(prepare.exec.run == .shell("python prepare.py"))
      #expect(prepare.sourcecode == .patterns(["*.py", "-tests/**"]))
      #expect(
        prepare.depends == [.projectFiles(files: ["data/raw.csv"], description: nil, link: true)])

      let train = try #require(gageFile.operation(named: "train"))
      #expect(train.description == "Train a model")
      #expect(train.isDefault)
      #expect(train.version == "2")
      #expect(train.exec == ExecSpec(commands: [.run: .shell("python train.py")]))
      #expect(train.config == [ConfigSpec(keys: ["train.py"])])
      #expect(train.depends == [.runFiles(select: "prepare", files: ["data/*"], description: nil)])
      #expect(train.outputSummary == .pattern("^RESULT: (.*)$"))
      #expect(train.summaryFilename == "metrics.json")
      #expect(train.env == ["LR": "0.1", "EPOCHS": "3", "DEBUG": "true", "NAME": "resnet"])
      #expect(train.progress == "tqdm")
      #expect(train.listing == .object(["description": .string("model")]))
      #expect(train.sourcecode == .defaults)

      let eval = try #require(gageFile.operation(named: "eval"))
      #expect(
        eval.exec.commands == [
          .stageRuntime: .shell("pip install -r requirements.txt"),
          .run: .argv(["python", "eval.py", "--split", "test"]),
          .finalize: .shell("#!python\nprint('done')\n"),
        ])
      #expect(eval.exec.commands[.finalize]?.arguments == ["python", "-c", "print('done')\n"])
    }

    @Test func tomlKeepsEachOperationTableAsRawJSON() throws {
      let project = try TempProject()
      let gageFile = try project.load(
        "gage.toml",
        """
        [train]
        exec = ["python", "train.py"]
        version = 1.5
        env.SEED = 42
        """)
      let train = try #require(gageFile.operations.first)
      let expected: JSONValue = .object([
        "exec": .array([.string("python"), .string("train.py")]),
        "version": .double(1.5),
        "env": .object(["SEED": .int(42)]),
      ])
      #expect(train.raw == expected)
      #expect(train.json == expected)
      #expect(train.version == "1.5")
      #expect(train.env == ["SEED": "42"])
    }

    @Test func tomlDottedAndInlineOperations() throws {
      let project = try TempProject()
      let gageFile = try project.load(
        "gage.toml",
        """
        zeta.exec = "echo z"
        alpha = {exec = "echo a", default = true}

        [middle]
        exec.run = "echo m"
        """)
      #expect(gageFile.operations.map(\.name) == ["zeta", "alpha", "middle"])
      #expect(gageFile.operation(named: "middle")?.exec.run == .shell("echo m"))
      #expect(gageFile.defaultOperation?.name == "alpha")
    }

    // MARK: - YAML

    @Test func yamlFileWithEveryKey() throws {
      let project = try TempProject()
      let gageFile = try project.load(
        "gage.yaml",
        """
        $runs-dir: /var/runs
        train:
          description: |
            Train a model
            with all the options
          version: 1.5
          exec: [python, train.py]
          sourcecode: false
          config:
            - keys: [train.py, "-train.py#seed"]
              description: Hyperparameters
              prefix: hp-
            - keys: config.yaml
              strip-prefix: model.
              rename: lr learning_rate
          depends:
            - files: [data/*.csv]
              description: Raw data
            - type: run-files
              run-select: prepare
            - type: runs-summary
              runs-select: op = train
              summary-filename: summary.json
          output-summary: true
          summary:
            filename: out/summary.json
          env:
            QUOTED: "1"
            PLAIN: 1
            FLOAT: 2.5
            FLAG: false
          listing:
            description: [lr, epochs]
          progress: tqdm
        eval:
          exec: python eval.py
        """)
      #expect(gageFile.runsDir == "/var/runs")
      #expect(gageFile.runsDirPath == "/var/runs")
      #expect(gageFile.operations.map(\.name) == ["train", "eval"])
      #expect(gageFile.defaultOperation == nil)

      let train = try #require(gageFile.operation(named: "train"))
      #expect(train.description == "Train a model\nwith all the options\n")
      #expect(train.version == "1.5")
      #expect(train.exec.run == .argv(["python", "train.py"]))
      #expect(train.sourcecode == .enabled(false))
      #expect(
        train.config == [
          ConfigSpec(
            keys: ["train.py", "-train.py#seed"], description: "Hyperparameters", prefix: "hp-"),
          ConfigSpec(keys: ["config.yaml"], stripPrefix: "model.", rename: "lr learning_rate"),
        ])
      #expect(
        train.depends == [
          .projectFiles(files: ["data/*.csv"], description: "Raw data", link: false),
          .runFiles(select: "prepare", files: [], description: nil),
          .runsSummary(select: "op = train", summaryFilename: "summary.json", description: nil),
        ])
      #expect(train.outputSummary == .enabled(true))
      #expect(train.summaryFilename == "out/summary.json")
      #expect(train.env == ["QUOTED": "1", "PLAIN": "1", "FLOAT": "2.5", "FLAG": "false"])
      #expect(
        train.listing == .object(["description": .array([.string("lr"), .string("epochs")])]))
      #expect(train.progress == "tqdm")
      #expect(train.raw["env"]?["QUOTED"] == .string("1"))
      #expect(train.raw["env"]?["PLAIN"] == .int(1))
      #expect(train.raw["env"]?["FLOAT"] == .double(2.5))
      #expect(gageFile.operation(named: "eval")?.exec.run == .shell("python eval.py"))
    }

    @Test func ymlNameAndMergeKeys() throws {
      let project = try TempProject()
      let gageFile = try project.load(
        "gage.yml",
        """
        base: &base
          sourcecode: ["*.py"]
          exec: python base.py
        train:
          <<: *base
          exec: python train.py
        """)
      let train = try #require(gageFile.operation(named: "train"))
      #expect(train.exec.run == .shell("python train.py"))
      #expect(train.sourcecode == .patterns(["*.py"]))
    }

    @Test func emptyFilesHaveNoOperations() throws {
      let project = try TempProject()
      #expect(try project.load("gage.yaml", "").operations.isEmpty)
      #expect(try project.load("gage.toml", "# nothing yet\n").operations.isEmpty)
      #expect(try project.load("gage.json", "{}").operations.isEmpty)
      #expect(try project.load("gage.toml", "").defaultOperation == nil)
    }

    // MARK: - JSON

    @Test func jsonWithWholeLineComments() throws {
      let project = try TempProject()
      let gageFile = try project.load(
        "gage.json",
        """
        // The project's operations.
        {
          // Train it.
          "train": {
            "exec": "python train.py",
            "config": ["train.py", "-train.py#seed"],
            "sourcecode": "*.py",
            // Data comes from the project.
            "depends": {"type": "project-files", "files": ["data/*"], "description": "data", "link": false},
            "version": "v2",
            "description": "Train\\nSecond line"
          },
          "eval": {"exec": {"run": "python eval.py", "stage-dependencies": ""}}
        }
        """)
      #expect(gageFile.operations.map(\.name) == ["train", "eval"])
      let train = try #require(gageFile.operation(named: "train"))
      #expect(train.config == [ConfigSpec(keys: ["train.py", "-train.py#seed"])])
      #expect(train.sourcecode == .patterns(["*.py"]))
      #expect(train.depends == [.projectFiles(files: ["data/*"], description: "data", link: false)])
      #expect(train.version == "v2")
      #expect(train.outputSummary == .defaults)
      #expect(gageFile.defaultOperation == nil)
      // An empty phase command means "nothing to run in that phase".
      #expect(gageFile.operation(named: "eval")?.exec.commands == [.run: .shell("python eval.py")])
    }

    // MARK: - Queries

    @Test func theOnlyOperationIsTheDefault() throws {
      let project = try TempProject()
      let gageFile = try project.load("gage.toml", "[hello]\nexec = \"echo hello\"\n")
      #expect(gageFile.defaultOperation?.name == "hello")
      #expect(gageFile.operation(named: "nope") == nil)
    }

    @Test func operationsListingShowsFirstLineAndDefault() throws {
      let project = try TempProject()
      let gageFile = try project.load(
        "gage.toml",
        """
        [prepare]
        description = "Prepare data\\nLonger text"

        [train]
        default = true
        description = "Train"

        [eval]
        """)
      let listing = gageFile.operationsListing()
      #expect(listing.map(\.name) == ["prepare", "train", "eval"])
      #expect(listing.map(\.description) == ["Prepare data", "Train", ""])
      #expect(listing.map(\.isDefault) == [false, true, false])
    }

    @Test func runsDirIsResolvedAgainstTheProject() throws {
      let project = try TempProject()
      let gageFile = try project.load(".gage/gage.toml", "\"$runs-dir\" = \"../shared-runs\"\n")
      #expect(gageFile.runsDir == "../shared-runs")
      #expect(
        gageFile.runsDirPath == (project.path as NSString).deletingLastPathComponent
          + "/shared-runs")
      #expect(try project.load("gage.toml", "").runsDirPath == nil)
    }

    @Test func parseWithoutAFile() throws {
      let gageFile = try GageFile.parse("{\"a\": {}}", format: .json, path: "/p/gage.json")
      #expect(gageFile.projectDir == "/p")
      #expect(gageFile.operations == [OpDef(name: "a")])
      #expect(GageFileFormat(path: "/p/GAGE.YML") == .yaml)
      #expect(GageFileFormat(path: "/p/gage.ini") == nil)
    }
  }
}
