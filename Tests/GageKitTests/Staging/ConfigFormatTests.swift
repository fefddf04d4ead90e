import Foundation
import GageTestSupport
import Testing

@testable import GageKit

/// The message of a `GageError.invalidInput` thrown by `body`, or nil.
private func invalidInputMessage(_ body: () throws -> Void) -> String? {
  do {
    try body()
  } catch GageError.invalidInput(let message) {
    return message
  } catch {
    return "unexpected error: \(error)"
  }
  return nil
}

// MARK: - YAML

@Suite struct YAMLConfigFileTests {
  static let text = """
    # Training parameters
    model:
      name: resnet50        # architecture
      lr: 0.001
      layers: [64, 128, 256]
      dropout: 0.5
      pretrained: yes
      checkpoint:
    train:
      epochs: 10
      batch-size: 32
      optimizer: 'adam'   # or 'sgd'
      label: "baseline run"
      seed: ~
      flow: {a: 1, b: x}
    data:
      path: data/train.csv
      splits:
        - train
        - val
    notes: |
      free text
    base: &base
      width: 3
    copy: *base

    """

  let config: YAMLConfigFile

  init() throws {
    config = try YAMLConfigFile(text: Self.text, file: "params.yaml")
  }

  @Test func readsEveryScalarByItsDottedPath() {
    #expect(
      config.names == [
        "model.name", "model.lr", "model.dropout", "model.pretrained", "model.checkpoint", "train.epochs",
        "train.batch-size", "train.optimizer", "train.label", "train.seed", "train.flow.a", "train.flow.b",
        "data.path", "base.width",
      ])
    #expect(
      config.values == [
        "model.name": .string("resnet50"), "model.lr": .float(0.001), "model.dropout": .float(0.5),
        "model.pretrained": .bool(true), "model.checkpoint": .null, "train.epochs": .int(10),
        "train.batch-size": .int(32), "train.optimizer": .string("adam"), "train.label": .string("baseline run"),
        "train.seed": .null, "train.flow.a": .int(1), "train.flow.b": .string("x"),
        "data.path": .string("data/train.csv"), "base.width": .int(3),
      ])
    #expect(
      config.skipped == [
        ConfigSkippedKey(name: "model.layers", reason: "array items are not configurable"),
        ConfigSkippedKey(name: "data.splits", reason: "array items are not configurable"),
        ConfigSkippedKey(name: "notes", reason: "block scalars (| and >) are not configurable"),
        ConfigSkippedKey(name: "copy", reason: "aliases (*name) are not configurable"),
      ])
  }

  @Test func patchesOnlyTheValues() throws {
    let patched = try config.applying([
      "model.lr": .float(0.01), "model.name": .string("vit"), "model.dropout": .float(1.0),
      "model.pretrained": .bool(false), "model.checkpoint": .string("ckpt/last.pt"), "train.epochs": .int(20),
      "train.optimizer": .string("sgd"), "train.label": .string("café ☕ \"v2\""), "train.seed": .int(42),
      "train.flow.b": .string("y"), "base.width": .int(4),
    ])
    #expect(
      patched == """
        # Training parameters
        model:
          name: vit        # architecture
          lr: 0.01
          layers: [64, 128, 256]
          dropout: 1.0
          pretrained: false
          checkpoint: ckpt/last.pt
        train:
          epochs: 20
          batch-size: 32
          optimizer: 'sgd'   # or 'sgd'
          label: "café ☕ \\"v2\\""
          seed: 42
          flow: {a: 1, b: y}
        data:
          path: data/train.csv
          splits:
            - train
            - val
        notes: |
          free text
        base: &base
          width: 4
        copy: *base

        """)
  }

  @Test(arguments: [
    ("true", "\"true\""), ("1", "\"1\""), ("null", "\"null\""), ("", "\"\""), (": x", "\": x\""),
    ("a: b", "\"a: b\""), ("x #y", "\"x #y\""), ("- item", "\"- item\""), ("yes", "\"yes\""),
    ("1.5", "\"1.5\""), ("2024-01-01", "\"2024-01-01\""), (" padded", "\" padded\""), ("two\nlines", "\"two\\nlines\""),
    ("it's", "it's"), ("-debug", "-debug"), ("a:b", "a:b"), ("naïve", "naïve"), ("~", "\"~\""),
  ])
  func quotesPlainStringsThatWouldReadAsSomethingElse(value: String, written: String) throws {
    let file = try YAMLConfigFile(text: "msg: hello  # greeting\n", file: "m.yaml")
    let patched = try file.applying(["msg": .string(value)])
    #expect(patched == "msg: \(written)  # greeting\n")
    #expect(try YAMLConfigFile(text: patched, file: "m.yaml").values == ["msg": .string(value)])
  }

  @Test func keepsQuoteStyles() throws {
    let file = try YAMLConfigFile(text: "a: 'x'\nb: \"y\"\nc: {d: e}\n", file: "q.yaml")
    #expect(try file.applying(["a": .string("it's")]) == "a: 'it''s'\nb: \"y\"\nc: {d: e}\n")
    #expect(try file.applying(["a": .string("tab\there")]) == "a: 'tab\there'\nb: \"y\"\nc: {d: e}\n")
    #expect(try file.applying(["a": .string("new\nline")]) == "a: \"new\\nline\"\nb: \"y\"\nc: {d: e}\n")
    #expect(try file.applying(["b": .string("back\\slash")]) == "a: 'x'\nb: \"back\\\\slash\"\nc: {d: e}\n")
    #expect(try file.applying(["c.d": .string("f, g")]) == "a: 'x'\nb: \"y\"\nc: {d: \"f, g\"}\n")
  }

  @Test func writesFloatsWithADot() throws {
    let file = try YAMLConfigFile(text: "lr: 0.1\n", file: "f.yaml")
    #expect(try file.applying(["lr": .float(1e-5)]) == "lr: 1.0e-05\n")
    #expect(try file.applying(["lr": .float(2.5e20)]) == "lr: 2.5e+20\n")
    #expect(try file.applying(["lr": .float(3)]) == "lr: 3.0\n")
  }

  @Test func keepsWindowsLineEndingsAndAByteOrderMark() throws {
    let file = try YAMLConfigFile(text: "\u{FEFF}# c\r\na: 1\r\nb: 'é'\r\n", file: "w.yaml")
    #expect(file.values == ["a": .int(1), "b": .string("é")])
    #expect(try file.applying(["a": .int(2), "b": .string("ü")]) == "\u{FEFF}# c\r\na: 2\r\nb: 'ü'\r\n")
  }

  @Test func skipsWhatCannotBePatched() throws {
    let text = """
      long: this plain scalar
        goes on
      tagged: !!str 12
      day: 2024-05-01
      "odd key": 1
      <<: {merged: 1}
      folded: >
        text
      inf: .inf

      """
    let file = try YAMLConfigFile(text: text, file: "s.yaml")
    #expect(file.names.isEmpty)
    #expect(
      file.skipped.map(\.name) == ["long", "tagged", "day", "odd key", "<<", "folded", "inf"])
    let list = try YAMLConfigFile(text: "- a\n- b\n", file: "l.yaml")
    #expect(list.skipped == [ConfigSkippedKey(name: "", reason: "its top level is not a mapping")])
    #expect(try YAMLConfigFile(text: "", file: "e.yaml").names.isEmpty)
  }

  @Test func anchoredValuesKeepTheirAnchor() throws {
    let file = try YAMLConfigFile(text: "a: &x 1\nb: *x\n", file: "a.yaml")
    #expect(file.names == ["a"])
    #expect(file.skipped == [ConfigSkippedKey(name: "b", reason: "aliases (*name) are not configurable")])
    // The alias follows the anchored value: that is YAML, and the check reads it back.
    #expect(try file.applying(["a": .int(2)]) == "a: &x 2\nb: *x\n")
  }

  @Test func aMalformedFileIsAnErrorWithItsLine() throws {
    let message = invalidInputMessage {
      _ = try YAMLConfigFile(text: "a: 1\nb: [1, 2\nc: 3\n", file: "params.yaml")
    }
    #expect(
      message
        == "params.yaml:3:2: invalid YAML: did not find expected ',' or ']' "
        + "(while parsing a flow sequence at line 2, column 4)")
    #expect(
      invalidInputMessage { _ = try YAMLConfigFile(text: "a: 1\na: 2\n", file: "d.yaml") }
        == "d.yaml:1:1: invalid YAML: duplicate key \"a\"")
  }
}

// MARK: - TOML

@Suite struct TOMLConfigFileTests {
  static let text = """
    # Experiment settings
    title = "mnist"   # shown in listings
    data.path = './data'

    [model]
    name = 'cnn'
    lr = 1e-3
    layers = [
      32,  # first
      64,
    ]
    activation = { kind = "relu", slope = 0.0 }

    [model.optimizer]
    "name" = "adam"
    beta = 0.9

    [train]
    epochs = 1_000
    verbose = false
    started = 1979-05-27 07:32:00Z
    notes = \"\"\"
    several
    lines\"\"\"
    "odd key" = 1
    weight = +inf

    [[stages]]
    name = "warmup"

    """

  let config: TOMLConfigFile

  init() throws {
    config = try TOMLConfigFile(text: Self.text, file: "settings.toml")
  }

  @Test func readsEveryScalarByItsDottedPath() {
    #expect(
      config.names == [
        "title", "data.path", "model.name", "model.lr", "model.activation.kind", "model.activation.slope",
        "model.optimizer.name", "model.optimizer.beta", "train.epochs", "train.verbose",
      ])
    #expect(
      config.values == [
        "title": .string("mnist"), "data.path": .string("./data"), "model.name": .string("cnn"),
        "model.lr": .float(0.001), "model.activation.kind": .string("relu"), "model.activation.slope": .float(0),
        "model.optimizer.name": .string("adam"), "model.optimizer.beta": .float(0.9), "train.epochs": .int(1000),
        "train.verbose": .bool(false),
      ])
    #expect(
      config.skipped == [
        ConfigSkippedKey(name: "model.layers", reason: "array items are not configurable"),
        ConfigSkippedKey(name: "stages", reason: "array items are not configurable"),
        ConfigSkippedKey(name: "train.started", reason: "dates and times are not configurable"),
        ConfigSkippedKey(name: "train.notes", reason: "multi-line strings are not configurable"),
        ConfigSkippedKey(name: "train.odd key", reason: ConfigLeafName.unnamableReason),
        ConfigSkippedKey(name: "train.weight", reason: "inf and nan are not configurable"),
      ])
  }

  @Test func patchesOnlyTheValues() throws {
    let patched = try config.applying([
      "title": .string("fashion \"mnist\""), "data.path": .string("/mnt/données"), "model.name": .string("it's"),
      "model.lr": .float(0.1), "model.activation.slope": .float(1), "model.optimizer.name": .string("sgd"),
      "train.epochs": .int(2000), "train.verbose": .bool(true),
    ])
    #expect(
      patched == """
        # Experiment settings
        title = "fashion \\"mnist\\""   # shown in listings
        data.path = '/mnt/données'

        [model]
        name = "it's"
        lr = 0.1
        layers = [
          32,  # first
          64,
        ]
        activation = { kind = "relu", slope = 1.0 }

        [model.optimizer]
        "name" = "sgd"
        beta = 0.9

        [train]
        epochs = 2000
        verbose = true
        started = 1979-05-27 07:32:00Z
        notes = \"\"\"
        several
        lines\"\"\"
        "odd key" = 1
        weight = +inf

        [[stages]]
        name = "warmup"

        """)
  }

  @Test func followsInlineTablesDottedKeysAndWindowsLineEndings() throws {
    let text =
      "a . b = 1\r\n[t]\r\nx = {y = {z = 'q'}, w = [{v = 1}]}  # c\r\n'lit key' = 2\r\n"
      + "[t.u]\r\nd = 1979-05-27\r\n"
    let file = try TOMLConfigFile(text: text, file: "i.toml")
    #expect(file.names == ["a.b", "t.x.y.z"])
    #expect(file.skipped.map(\.name) == ["t.x.w", "t.lit key", "t.u.d"])
    #expect(
      try file.applying(["a.b": .int(2), "t.x.y.z": .string("r")])
        == "a . b = 2\r\n[t]\r\nx = {y = {z = 'r'}, w = [{v = 1}]}  # c\r\n'lit key' = 2\r\n"
        + "[t.u]\r\nd = 1979-05-27\r\n")
  }

  @Test func writesStringsWithTOMLEscapes() throws {
    let file = try TOMLConfigFile(text: "s = \"x\"\n", file: "s.toml")
    #expect(try file.applying(["s": .string("a\\b\n\t\u{1}")]) == "s = \"a\\\\b\\n\\t\\u0001\"\n")
    #expect(try file.applying(["s": .string("😀")]) == "s = \"😀\"\n")
  }

  @Test func aMalformedFileIsAnErrorWithItsLine() throws {
    let message = invalidInputMessage {
      _ = try TOMLConfigFile(text: "a = 1\n[b]\nc = \n", file: "settings.toml")
    }
    #expect(
      message == "settings.toml:3:5: invalid TOML: Error while parsing key-value pair: expected value, saw '\\n'")
  }
}

// MARK: - JSON

@Suite struct JSONConfigFileTests {
  static let text = """
    {
      "model": {
        "name": "bert",
        "lr": 5e-05,
        "layers": [12, {"heads": 8}],
        "dropout": 0.1,
        "frozen": false
      },
      "train": {"epochs": 3, "seed": null, "tag": "a\\"b"},
      "weird.key": 1,
      "empty": {}
    }

    """

  let config: JSONConfigFile

  init() throws {
    config = try JSONConfigFile(text: Self.text, file: "cfg.json")
  }

  @Test func readsEveryScalarByItsDottedPath() {
    #expect(
      config.names == [
        "model.name", "model.lr", "model.dropout", "model.frozen", "train.epochs", "train.seed", "train.tag",
      ])
    #expect(
      config.values == [
        "model.name": .string("bert"), "model.lr": .float(5e-5), "model.dropout": .float(0.1),
        "model.frozen": .bool(false), "train.epochs": .int(3), "train.seed": .null, "train.tag": .string("a\"b"),
      ])
    #expect(
      config.skipped == [
        ConfigSkippedKey(name: "model.layers", reason: "array items are not configurable"),
        ConfigSkippedKey(name: "weird.key", reason: ConfigLeafName.unnamableReason),
      ])
  }

  @Test func patchesOnlyTheValues() throws {
    let patched = try config.applying([
      "model.name": .string("größe\n"), "model.lr": .float(1e-4), "model.dropout": .float(1),
      "model.frozen": .bool(true), "train.seed": .int(7), "train.tag": .string("plain"),
    ])
    #expect(
      patched == """
        {
          "model": {
            "name": "größe\\n",
            "lr": 0.0001,
            "layers": [12, {"heads": 8}],
            "dropout": 1.0,
            "frozen": true
          },
          "train": {"epochs": 3, "seed": 7, "tag": "plain"},
          "weird.key": 1,
          "empty": {}
        }

        """)
  }

  @Test func aMalformedFileIsAnErrorWithItsLine() throws {
    let message = invalidInputMessage {
      _ = try JSONConfigFile(text: "{\n  \"a\": 1,\n  \"b\": \n}\n", file: "cfg.json")
    }
    #expect(message == "cfg.json:4:1: invalid JSON: unexpected character, expected a value")
    #expect(try JSONConfigFile(text: "[1]", file: "l.json").skipped.map(\.reason) == ["its top level is not an object"])
  }
}

// MARK: - Every format

@Suite struct ConfigDocumentTests {
  @Test(arguments: [
    ("p.py", ConfigFileFormat.python), ("a/b.json", .json), ("c.yaml", .yaml), ("c.YML", .yaml), ("d.toml", .toml),
  ])
  func formatsByExtension(path: String, format: ConfigFileFormat) {
    #expect(ConfigFileFormat(path: path) == format)
  }

  @Test func otherFilesHaveNoFormat() {
    for path in ["notes.txt", "Makefile", ".json", "dir.yaml/file"] {
      #expect(ConfigFileFormat(path: path) == nil, "\(path)")
    }
  }

  @Test(arguments: [
    ("c.json", "{\"lr\": 0.1}", "{\"lr\": 1.0}"), ("c.yaml", "lr: 0.1\n", "lr: 1.0\n"),
    ("c.toml", "lr = 0.1\n", "lr = 1.0\n"), ("c.py", "lr = 0.1\n", "lr = 1.0\n"),
  ])
  func anIntegerIntoAFloatKeyIsAFloat(file: String, text: String, expected: String) throws {
    let document = try #require(ConfigFileFormat(path: file)).read(text, file: file)
    let value = try ConfigTyping.coerce(ConfigAssignment(parsing: "lr=1"), toMatch: .float(0.1))
    #expect(try document.applying(["lr": value]) == expected)
  }

  @Test(arguments: ["c.json", "c.yaml", "c.toml"])
  func refusesUnknownKeys(file: String) throws {
    let text = file.hasSuffix(".json") ? "{\"a\": 1}" : file.hasSuffix(".yaml") ? "a: 1\n" : "a = 1\n"
    let document = try #require(ConfigFileFormat(path: file)).read(text, file: file)
    #expect(invalidInputMessage { _ = try document.applying(["b": .int(1)]) } == "\(file) has no config key \"b\"")
    #expect(try document.applying([:]) == text)
    #expect(try document.applying(["a": .int(1)]) == text)
  }

  @Test func tomlHasNoNull() throws {
    let document = try TOMLConfigFile(text: "a = 'x'\n", file: "c.toml")
    #expect(
      invalidInputMessage { _ = try document.applying(["a": .null]) }
        == "TOML has no null value; \"a\" cannot be set to null")
  }
}

@Suite struct ConfigLeavesTests {
  @Test func refusesATextThatDoesNotReadBackAsTheValuesSet() throws {
    let text = "a: 1\nb: 2\n"
    let leaves = ConfigLeaves(
      file: "c.yaml", text: text,
      leaves: [ConfigLeaf(name: "a", value: .int(1), range: 3..<4, style: YAMLScalarStyle.plain(flow: false))],
      skipped: [])
    let reread = { (text: String) in try YAMLConfigFile(text: text, file: "c.yaml").values }
    let suffix = "after setting its config values; it is left as it is"
    #expect(throws: GageError.invalidData("c.yaml would read 2 for \"a\" instead of 3 \(suffix)")) {
      try leaves.applying(["a": .int(3)], render: { _, _ in "2" }, reread: { try reread($0).filter { $0.key == "a" } })
    }
    #expect(throws: GageError.invalidData("c.yaml would read 2 for \"b\" instead of no key \(suffix)")) {
      try leaves.applying(["a": .int(3)], render: { _, _ in "3" }, reread: reread)
    }
    #expect(throws: GageError.self) {
      try leaves.applying(["a": .int(3)], render: { _, _ in "[3" }, reread: reread)
    }
  }
}

// MARK: - Through RunConfigPlan

@Suite struct StructuredConfigPlanTests {
  let project: TempDir

  init() throws {
    project = try TempDir(prefix: "gage-config")
    try project.write("params.yaml", "# params\nmodel:\n  lr: 0.1  # rate\n  layers: [1, 2]\ndebug: false\n")
    try project.write("settings.toml", "[model]\nlr = 0.2\nwidth = 64\n[model.opt]\nname = \"adam\"\n")
    try project.write("cfg.json", "{\"debug\": true, \"batch\": 32}\n")
    try project.write("bad.yaml", "a: 1\n  b: 2\n")
  }

  private func plan(_ specs: [ConfigSpec]) throws -> RunConfigPlan {
    try RunConfigPlan.resolve(specs: specs, in: project.path, operation: "train")
  }

  @Test func resolvesNestedKeysWithPatternsAndTheFirstFileWinning() throws {
    let plan = try plan([ConfigSpec(keys: ["params.yaml", "settings.toml#model.*", "cfg.json#-debug"])])
    #expect(
      plan.keys == [
        .init(name: "model.lr", file: "params.yaml", fileKey: "model.lr", defaultValue: .float(0.1)),
        .init(name: "debug", file: "params.yaml", fileKey: "debug", defaultValue: .bool(false)),
        .init(name: "model.width", file: "settings.toml", fileKey: "model.width", defaultValue: .int(64)),
        .init(name: "batch", file: "cfg.json", fileKey: "batch", defaultValue: .int(32)),
      ])
    #expect(
      plan.notes == [
        "config key model.layers in params.yaml is skipped: array items are not configurable",
        "config key model.lr in settings.toml is ignored: params.yaml defines it first",
      ])
  }

  @Test func keyPatternsAndExcludes() throws {
    func names(_ keys: [String]) throws -> [String] { try plan([ConfigSpec(keys: keys)]).keys.map(\.name) }
    #expect(try names(["settings.toml"]) == ["model.lr", "model.width", "model.opt.name"])
    #expect(try names(["settings.toml#**.name"]) == ["model.opt.name"])
    #expect(try names(["settings.toml#*"]).isEmpty)
    #expect(try names(["settings.toml#-model.opt.*"]) == ["model.lr", "model.width"])
    #expect(try names(["settings.toml", "-#model.w*"]) == ["model.lr", "model.opt.name"])
    #expect(try names(["params.yaml#model.lr,debug", "-params.yaml#debug"]) == ["model.lr"])
  }

  @Test func prefixesAndStrippedPrefixes() throws {
    let plan = try plan([
      ConfigSpec(keys: ["settings.toml"], prefix: "toml.", stripPrefix: "model."),
      ConfigSpec(keys: ["cfg.json"], prefix: "json."),
    ])
    #expect(plan.keys.map(\.name) == ["toml.lr", "toml.width", "toml.opt.name", "json.debug", "json.batch"])
    #expect(plan.key(named: "toml.opt.name")?.fileKey == "model.opt.name")
  }

  @Test func aMalformedFileIsAnErrorBeforeAnyRun() {
    let message = invalidInputMessage { _ = try plan([ConfigSpec(keys: ["*.yaml"])]) }
    #expect(message == "bad.yaml:2:4: invalid YAML: mapping values are not allowed in this context")
  }

  @Test func appliesToStagedFilesKeepingTheirModeAndDiffs() throws {
    let plan = try plan([ConfigSpec(keys: ["params.yaml", "settings.toml", "cfg.json"])])
    let staged = try project.copy()
    #expect(chmod(FileIO.join(staged.path, "settings.toml"), 0o444) == 0)
    let result = try plan.apply(
      [
        ConfigAssignment(parsing: "model.lr=1"), ConfigAssignment(parsing: "model.width=128"),
        ConfigAssignment(parsing: "model.opt.name=true"), ConfigAssignment(parsing: "batch=64"),
      ], stagedDir: staged.path)
    #expect(try staged.read("params.yaml") == "# params\nmodel:\n  lr: 1.0  # rate\n  layers: [1, 2]\ndebug: false\n")
    #expect(try staged.read("settings.toml") == "[model]\nlr = 0.2\nwidth = 128\n[model.opt]\nname = \"true\"\n")
    #expect(try staged.read("cfg.json") == "{\"debug\": true, \"batch\": 64}\n")
    #expect(staged.mode("settings.toml") == 0o444)
    #expect(try project.read("settings.toml") == "[model]\nlr = 0.2\nwidth = 64\n[model.opt]\nname = \"adam\"\n")
    #expect(result.changedFiles == ["cfg.json", "params.yaml", "settings.toml"])
    #expect(
      result.config == [
        "model.lr": .float(1.0), "debug": .bool(false), "model.width": .int(128), "model.opt.name": .string("true"),
        "batch": .int(64),
      ])
    #expect(
      result.diff == """
        --- a/cfg.json
        +++ b/cfg.json
        @@ -1 +1 @@
        -{"debug": true, "batch": 32}
        +{"debug": true, "batch": 64}
        --- a/params.yaml
        +++ b/params.yaml
        @@ -1,5 +1,5 @@
         # params
         model:
        -  lr: 0.1  # rate
        +  lr: 1.0  # rate
           layers: [1, 2]
         debug: false
        --- a/settings.toml
        +++ b/settings.toml
        @@ -1,5 +1,5 @@
         [model]
         lr = 0.2
        -width = 64
        +width = 128
         [model.opt]
        -name = "adam"
        +name = "true"

        """)
  }

  @Test func refusesBadTypesBeforeWritingAnything() throws {
    let plan = try plan([ConfigSpec(keys: ["settings.toml"])])
    let staged = try project.copy()
    let message = invalidInputMessage {
      _ = try plan.apply([ConfigAssignment(parsing: "model.width=wide")], stagedDir: staged.path)
    }
    #expect(message == "value \"wide\" for \"model.width\" is a string; the default 64 is an integer")
    #expect(try staged.read("settings.toml") == project.read("settings.toml"))
  }
}
