import Testing

@testable import GageKit

extension ProjectTests {
  /// Malformed Gage files: every error names the file, line and column, and what was expected.
  @Suite struct GageFileErrors {
    // MARK: - Syntax

    @Test func tomlSyntaxError() throws {
      let project = try TempProject()
      let error = try project.loadError(
        "gage.toml",
        """
        [train]
        exec = "python train.py
        """)
      #expect(error.location == "gage.toml:2:24")
      #expect(error.message == "invalid TOML: Error while parsing string: encountered end-of-file")
    }

    @Test func tomlDuplicateKey() throws {
      let project = try TempProject()
      let error = try project.loadError("gage.toml", "[train]\nexec = \"a\"\nexec = \"b\"\n")
      #expect(error.location == "gage.toml:3:8")
      #expect(
        error.message
          == "invalid TOML: Error while parsing key-value pair: cannot redefine existing string 'exec'"
      )
    }

    @Test func yamlSyntaxError() throws {
      let project = try TempProject()
      let error = try project.loadError(
        "gage.yaml",
        """
        train:
          exec: [python, train.py
          default: true
        """)
      #expect(error.location == "gage.yaml:3:10")
      #expect(
        error.message
          == "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 2, column 9)"
      )
    }

    @Test func yamlDuplicateKey() throws {
      let project = try TempProject()
      let error = try project.loadError("gage.yaml", "train:\n  exec: a\n  exec: b\n")
      #expect(error.location == "gage.yaml:2:3")
      #expect(error.message == "invalid YAML: duplicate key \"exec\"")
    }

    @Test func jsonSyntaxErrorAfterComments() throws {
      let project = try TempProject()
      let error = try project.loadError(
        "gage.json",
        """
        // Operations of the project.
        {
          "train": {
            // The command.
            "exec": "python train.py"
            "default": true
          }
        }
        """)
      #expect(error.location == "gage.json:6:5")
      #expect(error.message == "invalid JSON: expected ',' or '}'")
    }

    // MARK: - Unknown keys

    @Test func unknownKeyInTOMLTable() throws {
      let project = try TempProject()
      let error = try project.loadError(
        "gage.toml",
        """
        [train]
        description = "Train"
        exce = "python train.py"
        """)
      #expect(error.location == "gage.toml:3:1")
      #expect(
        error.message
          == "unknown key \"exce\" in operation \"train\" (did you mean \"exec\"?); known keys: \(ProjectTests.knownOpKeys)"
      )
    }

    @Test func unknownKeyInTOMLDottedAndInlineForms() throws {
      let project = try TempProject()
      let dotted = try project.loadError("gage.toml", "# ops\ntrain.exce = \"x\"\n")
      #expect(dotted.location == "gage.toml:2:7")
      #expect(
        dotted.message.hasPrefix(
          "unknown key \"exce\" in operation \"train\" (did you mean \"exec\"?)"))

      let inline = try project.loadError("gage.toml", "train = { exec = \"a\", exce = \"b\" }\n")
      #expect(inline.location == "gage.toml:1:23")

      let indented = try project.loadError(
        "gage.toml", "[train]\n  'exec' = \"a\"\n  descripton = 'b'\n")
      #expect(indented.location == "gage.toml:3:3")
      #expect(indented.message.contains("(did you mean \"description\"?)"))
    }

    @Test func unknownKeyInTOMLNestedTables() throws {
      let project = try TempProject()
      let phase = try project.loadError(
        "gage.toml",
        """
        [train]
        description = "Train"

        [train.exec]
        runn = "python train.py"
        """)
      #expect(phase.location == "gage.toml:5:1")
      #expect(
        phase.message
          == "unknown key \"runn\" in \"exec\" of operation \"train\" (did you mean \"run\"?); "
          + "known keys: finalize, run, stage-dependencies, stage-runtime, stage-sourcecode")

      let dependency = try project.loadError(
        "gage.toml",
        """
        [[train.depends]]
        files = "a"

        [[train.depends]]
        run-select = "prepare"
        filez = "data/*"
        """)
      #expect(dependency.location == "gage.toml:6:1")
      #expect(
        dependency.message
          == "unknown key \"filez\" in \"depends[1]\" of operation \"train\" (did you mean \"files\"?); "
          + "known keys: description, files, run-select, type")
    }

    @Test func unknownKeyInYAML() throws {
      let project = try TempProject()
      let error = try project.loadError(
        "gage.yaml",
        """
        train:
          description: Train
          exce: python train.py
        """)
      #expect(error.location == "gage.yaml:3:3")
      #expect(
        error.message
          == "unknown key \"exce\" in operation \"train\" (did you mean \"exec\"?); known keys: \(ProjectTests.knownOpKeys)"
      )

      let nested = try project.loadError(
        "gage.yaml",
        """
        train:
          depends:
            - run-select: prepare
              filez: data/*
        """)
      #expect(nested.location == "gage.yaml:4:7")
      #expect(
        nested.message.hasPrefix(
          "unknown key \"filez\" in \"depends[0]\" of operation \"train\" (did you mean \"files\"?)"
        ))
    }

    @Test func unknownKeyInJSON() throws {
      let project = try TempProject()
      let error = try project.loadError(
        "gage.json",
        """
        {
          // train
          "train": {"exce": "python train.py"}
        }
        """)
      #expect(error.location == "gage.json:3:13")
      #expect(
        error.message
          == "unknown key \"exce\" in operation \"train\" (did you mean \"exec\"?); known keys: \(ProjectTests.knownOpKeys)"
      )
    }

    @Test func unknownKeyWithoutACloseMatch() throws {
      let project = try TempProject()
      let error = try project.loadError("gage.toml", "[train]\ncolor = \"blue\"\n")
      #expect(error.location == "gage.toml:2:1")
      #expect(
        error.message
          == "unknown key \"color\" in operation \"train\"; known keys: \(ProjectTests.knownOpKeys)"
      )
    }

    @Test func unknownTopLevelSetting() throws {
      let project = try TempProject()
      let error = try project.loadError("gage.toml", "\"$run-dir\" = \"runs\"\n")
      #expect(error.location == "gage.toml:1:1")
      #expect(
        error.message == "unknown top-level key \"$run-dir\" (did you mean \"$runs-dir\"?); "
          + "known top-level keys: $runs-dir (every other key names an operation)")
    }

    @Test func firstProblemInFileOrderIsReported() throws {
      let project = try TempProject()
      let error = try project.loadError(
        "gage.toml",
        """
        [zeta]
        exce = 1

        [alpha]
        defualt = true
        """)
      #expect(error.location == "gage.toml:2:1")
      #expect(error.message.hasPrefix("unknown key \"exce\" in operation \"zeta\""))
    }

    @Test func keyTheLocatorCannotFindPointsAtTheOperation() throws {
      let project = try TempProject()
      let error = try project.loadError("gage.toml", "[train]\n\"\\u0065xce\" = 1\n")
      #expect(error.location == "gage.toml:1:2")
      #expect(error.message.hasPrefix("unknown key \"exce\" in operation \"train\""))
    }

    // MARK: - Wrong types and values

    @Test func wrongTypes() throws {
      let project = try TempProject()
      let cases: [(text: String, location: String, message: String)] = [
        (
          "[train]\nexec = \"x\"\ndefault = \"yes\"\n", "gage.toml:3:1",
          "\"default\" of operation \"train\" must be true or false; found the string \"yes\""
        ),
        (
          "[train]\nexec = 1\n", "gage.toml:2:1",
          "\"exec\" of operation \"train\" must be a string (a shell command), an array of strings (a program and "
            + "its arguments), or a table of phases (stage-sourcecode, stage-runtime, stage-dependencies, run, "
            + "finalize); found the integer 1"
        ),
        (
          "[train]\nexec = [\"python\", 3]\n", "gage.toml:2:19",
          "\"exec[1]\" of operation \"train\" must be a string (each item of an argument array); found the integer 3"
        ),
        (
          "[train]\nexec = []\n", "gage.toml:2:1",
          "\"exec\" of operation \"train\" must not be an empty array; give the program and its arguments, "
            + "e.g. [\"python\", \"train.py\"]"
        ),
        (
          "[train]\nversion = true\n", "gage.toml:2:1",
          "\"version\" of operation \"train\" must be a string or a number; found the boolean true"
        ),
        (
          "[train]\nsourcecode = 1.5\n", "gage.toml:2:1",
          "\"sourcecode\" of operation \"train\" must be true, false, a pattern string, or a list of patterns; "
            + "found the number 1.5"
        ),
        (
          "[train]\nsourcecode = [\"*.py\", false]\n", "gage.toml:2:23",
          "\"sourcecode[1]\" of operation \"train\" must be a string; found the boolean false"
        ),
        (
          "[train]\ndepends = \"data\"\n", "gage.toml:2:1",
          "\"depends\" of operation \"train\" must be a table or a list of tables; found the string \"data\""
        ),
        (
          "[train]\ndepends = {type = \"run-file\", run-select = \"prepare\"}\n", "gage.toml:2:12",
          "\"depends.type\" of operation \"train\" has an unknown value \"run-file\" (did you mean \"run-files\"?); "
            + "known types: project-files, run-files, runs-summary"
        ),
        (
          "[train]\ndepends = [{description = \"x\"}]\n", "gage.toml:2:12",
          "\"depends[0]\" of operation \"train\" needs \"files\" (project files) or \"run-select\" (files of an earlier run)"
        ),
        (
          "[train]\nenv = {SEED = [1]}\n", "gage.toml:2:8",
          "\"env.SEED\" of operation \"train\" must be a string, a number or a boolean; found an array"
        ),
        (
          "[train]\nsummary = \"summary.json\"\n", "gage.toml:2:1",
          "\"summary\" of operation \"train\" must be a table like {filename = \"summary.json\"}; "
            + "found the string \"summary.json\""
        ),
        (
          "[train]\nprogress = [\"tqdm\"]\n", "gage.toml:2:1",
          "\"progress\" of operation \"train\" must be a string; found an array"
        ),
        (
          "train = \"python train.py\"\n", "gage.toml:1:1",
          "operation \"train\" must be a table (e.g. [train] with exec = \"...\"); found the string \"python train.py\""
        ),
        (
          "\"$runs-dir\" = 1\n", "gage.toml:1:1",
          "\"$runs-dir\" must be a string (a directory path); found the integer 1"
        ),
      ]
      for item in cases {
        let error = try project.loadError("gage.toml", item.text)
        #expect(error.location == item.location, "\(item.text)")
        #expect(error.message == item.message)
      }
    }

    @Test func wrongTypesInYAMLAndJSON() throws {
      let project = try TempProject()
      let config = try project.loadError(
        "gage.yaml",
        """
        train:
          config:
            description: no keys
        """)
      #expect(config.location == "gage.yaml:2:3")
      #expect(
        config.message
          == "\"config\" of operation \"train\" needs \"keys\": the files and keys that can be set, e.g. keys = \"train.py\""
      )

      let mixed = try project.loadError(
        "gage.yaml",
        """
        train:
          config:
            - keys: train.py
            - other.py
        """)
      #expect(mixed.location == "gage.yaml:4:7")
      #expect(
        mixed.message.hasPrefix(
          "\"config[1]\" of operation \"train\" must be a table with \"keys\""))

      let root = try project.loadError("gage.yaml", "- train\n")
      #expect(root.location == "gage.yaml:1:1")
      #expect(root.message == "a Gage file must be a table of operations; found an array")

      let listing = try project.loadError(
        "gage.json", "{\n  \"op\": {\n    \"listing\": 123\n  }\n}\n")
      #expect(listing.location == "gage.json:3:5")
      #expect(
        listing.message
          == "\"listing\" of operation \"op\" must be a table like {description = \"...\"}; found the integer 123"
      )

      let emptyArgv = try project.loadError("gage.yaml", "train:\n  exec: []\n")
      #expect(emptyArgv.location == "gage.yaml:2:3")
    }

    @Test func badOutputSummaryRegex() throws {
      let project = try TempProject()
      let invalid = try project.loadError(
        "gage.toml", "[train]\nexec = \"x\"\noutput-summary = 'RESULT: ('\n")
      #expect(invalid.location == "gage.toml:3:1")
      #expect(
        invalid.message
          == "\"output-summary\" of operation \"train\" is not a valid regular expression: RESULT: ("
      )

      let noGroup = try project.loadError("gage.yaml", "train:\n  output-summary: 'RESULT: .*'\n")
      #expect(noGroup.location == "gage.yaml:2:3")
      #expect(
        noGroup.message
          == "\"output-summary\" of operation \"train\" needs a capture group whose match is JSON, "
          + "e.g. \"^RESULT: (.*)$\"; found none in RESULT: .*")
    }

    @Test func unknownProgress() throws {
      let project = try TempProject()
      let error = try project.loadError("gage.json", "{\"train\": {\n  \"progress\": \"tdqm\"}}\n")
      #expect(error.location == "gage.json:2:3")
      #expect(
        error.message
          == "\"progress\" of operation \"train\" has an unknown value \"tdqm\" (did you mean \"tqdm\"?); "
          + "known values: tqdm")
    }

    @Test func twoDefaultOperations() throws {
      let project = try TempProject()
      let error = try project.loadError(
        "gage.toml", "[a]\ndefault = true\n\n[b]\ndefault = true\n")
      #expect(error.location == "gage.toml:5:1")
      #expect(
        error.message
          == "operation \"b\" is marked default, but so is \"a\"; only one operation can be the default"
      )
    }

    @Test func unknownExtension() throws {
      let project = try TempProject()
      let file = try project.write("gage.ini", "")
      #expect(throws: GageError.self) { try GageFile.load(path: file) }
    }
  }
}
