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

// MARK: - KEY=VALUE

@Suite struct ConfigAssignmentTests {
  @Test(arguments: [
    ("lr=0.1", "lr", ConfigValue.float(0.1)),
    ("epochs=10", "epochs", .int(10)),
    ("x=-3", "x", .int(-3)),
    ("x=+3", "x", .int(3)),
    ("x=1e-3", "x", .float(0.001)),
    ("x=-2.5E+2", "x", .float(-250)),
    ("x=.5", "x", .float(0.5)),
    ("x=1.", "x", .float(1)),
    ("x=true", "x", .bool(true)),
    ("x=False", "x", .bool(false)),
    ("x=null", "x", .null),
    ("x=~", "x", .null),
    ("msg=Hi there", "msg", .string("Hi there")),
    ("msg='a=b'", "msg", .string("a=b")),
    ("msg=\"1\"", "msg", .string("1")),
    ("msg=", "msg", .string("")),
    ("msg=1.2.3", "msg", .string("1.2.3")),
    ("msg=0x10", "msg", .string("0x10")),
    ("msg=yes", "msg", .string("yes")),
    ("msg=inf", "msg", .string("inf")),
    ("model.lr=1", "model.lr", .int(1)),
    ("batch-size=32", "batch-size", .int(32)),
  ])
  func parsesGoodForms(arg: String, key: String, value: ConfigValue) throws {
    let parsed = try ConfigAssignment.parse(arg)
    #expect(parsed.key == key)
    #expect(parsed.value == value)
  }

  @Test func keepsTheTextAsTyped() throws {
    #expect(try ConfigAssignment(parsing: "msg=1.50").text == "1.50")
    #expect(try ConfigAssignment(parsing: "msg='quoted'").text == "quoted")
    #expect(ConfigAssignment(key: "x", value: .float(0.5)).text == "0.5")
  }

  @Test(arguments: ["x", "", "=1", "a b=1", ".a=1", "a..b=1", "a.=1", "-x=1", "a/b=1"])
  func refusesBadForms(arg: String) {
    let message = invalidInputMessage { _ = try ConfigAssignment.parse(arg) }
    #expect(message?.contains("expected KEY=VALUE") == true, "\(message ?? "no error")")
  }

  @Test func namesTheProblem() {
    #expect(
      invalidInputMessage { _ = try ConfigAssignment.parse("x") }
        == "invalid config assignment \"x\": expected KEY=VALUE")
    #expect(invalidInputMessage { _ = try ConfigAssignment.parse("=1") }?.contains("the key is missing") == true)
    #expect(invalidInputMessage { _ = try ConfigAssignment.parse("a b=1") }?.contains("\"a b\"") == true)
  }
}

// MARK: - Typing

@Suite struct ConfigTypingTests {
  private func coerce(_ arg: String, into defaultValue: ConfigValue) throws -> ConfigValue {
    try ConfigTyping.coerce(ConfigAssignment(parsing: arg), toMatch: defaultValue)
  }

  @Test(arguments: [
    ("x=2.5", ConfigValue.float(0.5), ConfigValue.float(2.5)),
    ("x=1", .float(0.5), .float(1.0)),
    ("x=-3", .float(0.5), .float(-3.0)),
    ("x=1e-3", .float(0.5), .float(0.001)),
    ("x=4", .int(3), .int(4)),
    ("x=true", .bool(false), .bool(true)),
    ("x=Ho there", .string("Hi"), .string("Ho there")),
    ("x=1", .string("Hi"), .string("1")),
    ("x=1.50", .string("Hi"), .string("1.50")),
    ("x=true", .string("Hi"), .string("true")),
    ("x=null", .string("Hi"), .string("null")),
    ("x='7'", .string("Hi"), .string("7")),
    ("x=1", .null, .int(1)),
    ("x=abc", .null, .string("abc")),
    ("x=1.5", .null, .float(1.5)),
    ("x=null", .null, .null),
  ])
  func accepts(arg: String, defaultValue: ConfigValue, expected: ConfigValue) throws {
    #expect(try coerce(arg, into: defaultValue) == expected)
  }

  @Test(arguments: [
    ("x=abc", ConfigValue.float(0.1), "value \"abc\" for \"x\" is a string; the default 0.1 is a float"),
    ("x=true", .float(0.1), "value true for \"x\" is a boolean; the default 0.1 is a float"),
    ("x=null", .float(0.1), "value null for \"x\" is null; the default 0.1 is a float"),
    ("x=4.5", .int(3), "value 4.5 for \"x\" is a float; the default 3 is an integer"),
    ("x=4.0", .int(3), "value 4.0 for \"x\" is a float; the default 3 is an integer"),
    ("x=abc", .int(3), "value \"abc\" for \"x\" is a string; the default 3 is an integer"),
    ("x='4'", .int(3), "value \"4\" for \"x\" is a string; the default 3 is an integer"),
    ("x=1", .bool(true), "value 1 for \"x\" is an integer; the default true is a boolean"),
    ("x=yes", .bool(true), "value \"yes\" for \"x\" is a string; the default true is a boolean"),
  ])
  func refuses(arg: String, defaultValue: ConfigValue, message: String) {
    #expect(invalidInputMessage { _ = try coerce(arg, into: defaultValue) } == message)
  }
}

// MARK: - Python config files

@Suite struct PythonConfigFileTests {
  static let module = """
    # Hyperparameters
    lr = 0.1  # learning rate
    epochs = 10
    name = 'mnist'
    debug = False
    seed = None
    scale = -0.5
    tiny = 1e-3
    big = 1_000_000
    mask = 0xFF
    _private = 1
    a = b = 1
    total = epochs * 2
    items = [1, 2]
    s2 = "a" "b"
    fs = f"x{lr}"
    raw = r"\\d"
    flag = True; other = 1
    cmp == 1
    lr2 : float = 0.5

    def train():
        inner = 1
        return inner

    class Model:
        attr = 2

    if debug:
        cond = 3
    text = \"\"\"
    not_a_key = 1
    \"\"\"
    call = dict(
    kw = 1
    )
    cont = 1 + \\
    2
    last = "end"
    """

  @Test func findsModuleLevelLiteralAssignments() {
    let config = PythonConfigFile(text: Self.module)
    #expect(config.names == ["lr", "epochs", "name", "debug", "seed", "scale", "tiny", "big", "mask", "text", "last"])
    #expect(
      config.values == [
        "lr": .float(0.1), "epochs": .int(10), "name": .string("mnist"), "debug": .bool(false), "seed": .null,
        "scale": .float(-0.5), "tiny": .float(0.001), "big": .int(1_000_000), "mask": .int(255),
        "text": .string("\nnot_a_key = 1\n"), "last": .string("end"),
      ])
  }

  @Test func keepsEachLiteralsSourceRange() throws {
    let config = PythonConfigFile(text: "x = 1\nname  =   'Joe' # who\n")
    let name = try #require(config.assignments.last)
    #expect(name.literal == "'Joe'")
    #expect(name.range == 16..<21)
    let bytes = Array(config.text.utf8)
    #expect(String(decoding: bytes[name.range], as: UTF8.self) == "'Joe'")
  }

  @Test func patchesOnlyTheLiterals() throws {
    let config = PythonConfigFile(text: Self.module)
    let patched = try config.applying([
      "lr": .float(0.01), "name": .string("cifar"), "debug": .bool(true), "seed": .int(42),
      "scale": .float(-1.5), "tiny": .float(0.00001), "mask": .int(7),
    ])
    let expected =
      Self.module
      .replacingOccurrences(of: "lr = 0.1  #", with: "lr = 0.01  #")
      .replacingOccurrences(of: "name = 'mnist'", with: "name = 'cifar'")
      .replacingOccurrences(of: "debug = False", with: "debug = True")
      .replacingOccurrences(of: "seed = None", with: "seed = 42")
      .replacingOccurrences(of: "scale = -0.5", with: "scale = -1.5")
      .replacingOccurrences(of: "tiny = 1e-3", with: "tiny = 1e-05")
      .replacingOccurrences(of: "mask = 0xFF", with: "mask = 7")
    #expect(patched == expected)
    #expect(PythonConfigFile(text: patched).values["tiny"] == .float(0.00001))
  }

  @Test func noValuesGiveTheSameText() throws {
    #expect(try PythonConfigFile(text: Self.module).applying([:]) == Self.module)
  }

  @Test func refusesAnUnknownName() {
    let message = invalidInputMessage { _ = try PythonConfigFile(text: "x = 1\n").applying(["y": .int(1)]) }
    #expect(message?.contains("\"y\"") == true)
  }

  @Test func readsStringEscapes() {
    let config = PythonConfigFile(
      text: #"""
        a = 'It\'s'
        b = "C:\\temp\\new"
        c = "tab\there\nnext"
        d = "\x41\u00e9\U0001F600\101"
        e = "héllo ✓"
        f = u"unicode prefix"
        g = '''single line triple'''
        h = "keeps \d as is"
        i = ""
        """#)
    #expect(config.values["a"] == .string("It's"))
    #expect(config.values["b"] == .string(#"C:\temp\new"#))
    #expect(config.values["c"] == .string("tab\there\nnext"))
    #expect(config.values["d"] == .string("Aé😀A"))
    #expect(config.values["e"] == .string("héllo ✓"))
    #expect(config.values["f"] == .string("unicode prefix"))
    #expect(config.values["g"] == .string("single line triple"))
    #expect(config.values["h"] == .string(#"keeps \d as is"#))
    #expect(config.values["i"] == .string(""))
  }

  @Test func writesStringsWithTheOriginalQuotes() throws {
    let config = PythonConfigFile(text: "a = 'x'\nb = \"x\"\nc = '''x'''\nd = None\n")
    let patched = try config.applying([
      "a": .string(#"He said "hi""#), "b": .string("it's \"both\"\n\\"), "c": .string("two\nlines'''"),
      "d": .string("new"),
    ])
    #expect(
      patched == #"""
        a = 'He said "hi"'
        b = "it's \"both\"\n\\"
        c = '''two
        lines\'\'\''''
        d = "new"

        """#)
    let reread = PythonConfigFile(text: patched).values
    #expect(reread["a"] == .string(#"He said "hi""#))
    #expect(reread["b"] == .string("it's \"both\"\n\\"))
    #expect(reread["c"] == .string("two\nlines'''"))
  }

  @Test func switchesQuotesToAvoidEscapes() throws {
    #expect(try PythonConfigFile(text: "a = 'x'\n").applying(["a": .string("it's")]) == "a = \"it's\"\n")
    #expect(try PythonConfigFile(text: "a = \"x\"\n").applying(["a": .string("say \"hi\"")]) == "a = 'say \"hi\"'\n")
  }

  @Test(arguments: [
    (1.0, "1.0"), (0.001, "0.001"), (0.0001, "0.0001"), (0.00001, "1e-05"), (1e16, "1e+16"),
    (9.1e15, "9100000000000000.0"), (123.456, "123.456"), (-0.5, "-0.5"), (0.1 + 0.2, "0.30000000000000004"),
    (2.5e-7, "2.5e-07"), (1.5e300, "1.5e+300"), (0.0, "0.0"), (-0.0, "-0.0"),
  ])
  func writesFloatsLikePythonRepr(value: Double, text: String) {
    #expect(PythonLiteral.floatRepr(value) == text)
    #expect(ConfigValue.float(value).display == text)
  }

  @Test func writesOtherScalars() throws {
    let config = PythonConfigFile(text: "a = 1\nb = 2\nc = 3\nd = 4\n")
    let patched = try config.applying(["a": .bool(true), "b": .bool(false), "c": .null, "d": .int(-12)])
    #expect(patched == "a = True\nb = False\nc = None\nd = -12\n")
  }

  @Test func keepsWindowsLineEndings() throws {
    let text = "a = 1\r\nb = \"x\"  # note\r\nprint(a)\r\n"
    let config = PythonConfigFile(text: text)
    #expect(config.values == ["a": .int(1), "b": .string("x")])
    #expect(try config.applying(["b": .string("y")]) == "a = 1\r\nb = \"y\"  # note\r\nprint(a)\r\n")
  }

  @Test func rewritesEveryAssignmentOfAName() throws {
    let config = PythonConfigFile(text: "mode = 'train'\nprint(mode)\nmode = 'eval'\n")
    #expect(config.values["mode"] == .string("eval"))
    #expect(try config.applying(["mode": .string("test")]) == "mode = 'test'\nprint(mode)\nmode = 'test'\n")
  }

  @Test func ignoresWhatIsNotALiteral() {
    let config = PythonConfigFile(
      text: """
        a = -True
        b = 1j
        c = 007
        d = 1e
        e = "unterminated
        f = 1.5.real
        g = 99999999999999999999
        h = 1e400
        i = "\\N{BULLET}"
        j = b"bytes"
          k = 1
        l = (1)
        """)
    #expect(config.names.isEmpty)
  }

  @Test func aMultiLineStringHidesColumnZeroLines() {
    let config = PythonConfigFile(text: "doc = '''\nx = 1\n'''  \ny = 2\n")
    #expect(config.names == ["doc", "y"])
  }
}

// MARK: - Resolving config specs

@Suite struct RunConfigPlanResolveTests {
  let project: TempDir

  init() throws {
    project = try TempDir(prefix: "gage-config")
    try project.write("train.py", "lr = 0.1\nepochs = 10\ndebug = False\nname = \"x\"\n")
    try project.write("eval.py", "lr = 0.2\nbatch = 32\ndebug = True\n")
    try project.write("src/models/net.py", "width = 64\ndepth = 3\n")
    try project.write("src/util.py", "verbose = True\n")
    try project.write(".hidden/secret.py", "token = 'abc'\n")
    try project.write("config.json", "{\"a\": 1}\n")
    try project.write("notes.txt", "lr = 1\n")
  }

  private func plan(_ keys: [String]) throws -> RunConfigPlan {
    try RunConfigPlan.resolve(specs: [ConfigSpec(keys: keys)], in: project.path, operation: "train")
  }

  private func names(_ keys: [String]) throws -> [String] {
    try plan(keys).keys.map(\.name)
  }

  @Test func selectsAllKeysOfAFile() throws {
    let plan = try plan(["train.py"])
    #expect(
      plan.keys == [
        .init(name: "lr", file: "train.py", fileKey: "lr", defaultValue: .float(0.1)),
        .init(name: "epochs", file: "train.py", fileKey: "epochs", defaultValue: .int(10)),
        .init(name: "debug", file: "train.py", fileKey: "debug", defaultValue: .bool(false)),
        .init(name: "name", file: "train.py", fileKey: "name", defaultValue: .string("x")),
      ])
    #expect(plan.notes.isEmpty)
    #expect(plan.defaults["epochs"] == .int(10))
  }

  @Test func keyPatternsSelectKeys() throws {
    #expect(try names(["train.py#lr,epochs"]) == ["lr", "epochs"])
    #expect(try names(["train.py#e*, n?me"]) == ["epochs", "name"])
    #expect(try names(["train.py#"]).isEmpty)
    #expect(try names(["train.py#", "#lr"]) == ["lr"])
  }

  @Test func excludesKeysOfOneFileOrEveryFile() throws {
    let plan = try plan(["*.py", "-train.py#debug"])
    #expect(plan.keys.map(\.name) == ["lr", "batch", "debug", "epochs", "name"])
    #expect(plan.key(named: "debug")?.file == "eval.py")
    #expect(plan.key(named: "lr")?.defaultValue == .float(0.2))
    #expect(plan.notes == ["config key lr in train.py is ignored: eval.py defines it first"])
    #expect(try names(["*.py", "-#debug"]) == ["lr", "batch", "epochs", "name"])
  }

  @Test func globsAndFileExcludes() throws {
    #expect(Set(try plan(["**/*.py"]).keys.map(\.file)) == ["eval.py", "train.py", "src/models/net.py", "src/util.py"])
    #expect(try names(["src/**/*.py", "-src/util.py"]) == ["width", "depth"])
    #expect(try names(["src/**"]) == ["width", "depth", "verbose"])
    #expect(try names(["*.py", "-eval.py"]) == ["lr", "epochs", "debug", "name"])
    #expect(try names(["t?ain.py#lr"]) == ["lr"])
    #expect(try names(["[!e]*.py#lr"]) == ["lr"])
    #expect(try plan(["[e]*.py#lr"]).keys.first?.file == "eval.py")
    #expect(try names(["./src/util.py"]) == ["verbose"])
    #expect(try names([".hidden/*.py"]) == ["token"])
  }

  @Test func linksAreNotConfigFiles() throws {
    #expect(symlink("train.py", FileIO.join(project.path, "link.py")) == 0)
    #expect(try plan(["*.py"]).keys.allSatisfy { $0.file != "link.py" })
  }

  @Test func notesUnsupportedAndUnmatchedFiles() throws {
    let plan = try plan(["*.json", "notes.txt", "missing.py", "train.py#lr"])
    #expect(plan.keys.map(\.name) == ["a", "lr"])
    #expect(
      plan.notes == [
        "config path missing.py matches no file",
        "config file notes.txt is skipped: only Python, JSON, YAML and TOML config files are supported",
      ])
  }

  @Test func namingOptions() throws {
    let specs = [
      ConfigSpec(keys: ["train.py#lr,epochs"]),
      ConfigSpec(keys: ["eval.py"], prefix: "eval."),
      ConfigSpec(keys: ["src/models/net.py"], prefix: "model.", rename: "width size"),
      ConfigSpec(keys: ["src/util.py"], stripPrefix: "verb"),
    ]
    let plan = try RunConfigPlan.resolve(specs: specs, in: project.path)
    #expect(
      plan.keys.map(\.name) == [
        "lr", "epochs", "eval.lr", "eval.batch", "eval.debug", "model.size", "model.depth", "ose",
      ])
    #expect(plan.key(named: "model.size")?.fileKey == "width")
  }

  @Test func theFirstSpecWins() throws {
    let specs = [ConfigSpec(keys: ["eval.py#lr"]), ConfigSpec(keys: ["train.py#lr"])]
    let plan = try RunConfigPlan.resolve(specs: specs, in: project.path)
    #expect(plan.keys.map(\.file) == ["eval.py"])
  }

  @Test func refusesBadSpecs() throws {
    for keys in [["../x.py"], ["/etc/x.py"], [""], ["-"]] {
      #expect(invalidInputMessage { _ = try plan(keys) } != nil, "\(keys)")
    }
    let message = invalidInputMessage {
      _ = try RunConfigPlan.resolve(specs: [ConfigSpec(keys: ["train.py"], rename: "lr")], in: project.path)
    }
    #expect(message == "invalid config rename \"lr\": expected \"FROM TO\"")
    #expect(throws: GageError.notFound("config directory \(project.path)/nope does not exist")) {
      try RunConfigPlan.resolve(specs: [], in: project.path + "/nope")
    }
  }
}

// MARK: - Applying config to a staged run

@Suite struct RunConfigPlanApplyTests {
  let project: TempDir
  let plan: RunConfigPlan

  init() throws {
    project = try TempDir(prefix: "gage-config")
    try project.write("train.py", "# Training\nlr = 0.1  # learning rate\nepochs = 10\nname = 'x'\n\nprint(lr)\n")
    try project.write("run.py", "#!/usr/bin/env python3\nx = 1\nprint(x)\n", mode: 0o755)
    plan = try RunConfigPlan.resolve(specs: [ConfigSpec(keys: ["*.py"])], in: project.path, operation: "train")
  }

  @Test func runsTheSeedScenario() throws {
    let dir = try TempDir(prefix: "gage-config")
    try dir.write("say.py", "msg = \"Hi there\"\nprint(msg)\n")
    let plan = try RunConfigPlan.resolve(specs: [ConfigSpec(keys: ["say.py"])], in: dir.path, operation: "test")
    let staged = try dir.copy()
    let result = try plan.apply([ConfigAssignment(parsing: "msg=Ho there")], stagedDir: staged.path)
    #expect(try staged.read("say.py") == "msg = \"Ho there\"\nprint(msg)\n")
    #expect(try dir.read("say.py") == "msg = \"Hi there\"\nprint(msg)\n")
    #expect(
      result.diff == """
        --- a/say.py
        +++ b/say.py
        @@ -1,2 +1,2 @@
        -msg = "Hi there"
        +msg = "Ho there"
         print(msg)

        """)
    #expect(result.config == ["msg": .string("Ho there")])
    #expect(result.changedFiles == ["say.py"])
    if let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: FileManager.default.isExecutableFile) {
      let output = try Command.run(python, ["say.py"], in: staged.path)
      #expect(output.exitCode == 0)
      #expect(output.stdout == "Ho there\n")
    }
  }

  @Test func rewritesReadOnlyAndExecutableFilesKeepingTheirMode() throws {
    let staged = try project.copy()
    #expect(chmod(FileIO.join(staged.path, "train.py"), 0o444) == 0)
    let result = try plan.apply(["lr": .float(0.01), "x": .int(2), "name": .string("y")], stagedDir: staged.path)
    #expect(
      try staged.read("train.py") == "# Training\nlr = 0.01  # learning rate\nepochs = 10\nname = 'y'\n\nprint(lr)\n")
    #expect(try staged.read("run.py") == "#!/usr/bin/env python3\nx = 2\nprint(x)\n")
    #expect(staged.mode("train.py") == 0o444)
    #expect(staged.mode("run.py") == 0o755)
    #expect(result.changedFiles == ["run.py", "train.py"])
    #expect(
      result.diff == """
        --- a/run.py
        +++ b/run.py
        @@ -1,3 +1,3 @@
         #!/usr/bin/env python3
        -x = 1
        +x = 2
         print(x)
        --- a/train.py
        +++ b/train.py
        @@ -1,6 +1,6 @@
         # Training
        -lr = 0.1  # learning rate
        +lr = 0.01  # learning rate
         epochs = 10
        -name = 'x'
        +name = 'y'
         
         print(lr)

        """)
    #expect(
      result.config == ["lr": .float(0.01), "epochs": .int(10), "name": .string("y"), "x": .int(2)])
    #expect(
      result.configJSON == .object(["lr": .double(0.01), "epochs": .int(10), "name": .string("y"), "x": .int(2)]))
  }

  @Test func refusesUnknownKeysBeforeWritingAnything() throws {
    let staged = try project.copy()
    let message = invalidInputMessage {
      _ = try plan.apply(["lr": .float(0.01), "lrr": .int(1)], stagedDir: staged.path)
    }
    #expect(message == "unknown config key \"lrr\" for operation \"train\"; known keys: epochs, lr, name, x")
    #expect(try staged.read("train.py") == project.read("train.py"))
    let two = invalidInputMessage { _ = try plan.validate(["b": .int(1), "a": .int(1)]) }
    #expect(two == "unknown config keys \"a\", \"b\" for operation \"train\"; known keys: epochs, lr, name, x")
  }

  @Test func refusesBadTypesBeforeWritingAnything() throws {
    let staged = try project.copy()
    let message = invalidInputMessage {
      _ = try plan.apply(
        [ConfigAssignment(parsing: "x=2"), ConfigAssignment(parsing: "lr=abc")], stagedDir: staged.path)
    }
    #expect(message == "value \"abc\" for \"lr\" is a string; the default 0.1 is a float")
    #expect(try staged.read("run.py") == project.read("run.py"))
  }

  @Test func saysWhenAnOperationHasNoConfig() {
    let empty = RunConfigPlan(keys: [], operation: "train")
    #expect(
      invalidInputMessage { _ = try empty.validate(["lr": .int(1)]) }
        == "unknown config key \"lr\" for operation \"train\": this operation has no config")
    #expect(
      invalidInputMessage { _ = try RunConfigPlan(keys: []).validate(["lr": .int(1)]) }
        == "unknown config key \"lr\": this operation has no config")
  }

  @Test func validateConvertsValues() throws {
    let values = try plan.validate([ConfigAssignment(parsing: "lr=1"), ConfigAssignment(parsing: "name=1.50")])
    #expect(values == ["lr": .float(1.0), "name": .string("1.50")])
    #expect(try plan.validate([ConfigAssignment(parsing: "x=1"), ConfigAssignment(parsing: "x=3")]) == ["x": .int(3)])
  }

  @Test func anIntegerIntoAFloatIsWrittenAsAFloat() throws {
    let staged = try project.copy()
    let result = try plan.apply([ConfigAssignment(parsing: "lr=1")], stagedDir: staged.path)
    #expect(try staged.read("train.py").contains("lr = 1.0  # learning rate"))
    #expect(result.config["lr"] == .float(1.0))
  }

  @Test func defaultValuesLeaveFilesAlone() throws {
    let staged = try project.copy()
    let result = try plan.apply(["lr": .float(0.1), "x": .int(1)], stagedDir: staged.path)
    #expect(result.diff == "")
    #expect(result.changedFiles.isEmpty)
    #expect(result.config == plan.defaults)
  }

  @Test func refusesToWriteThroughALink() throws {
    let staged = try project.copy()
    try FileIO.removeFile(FileIO.join(staged.path, "run.py"))
    #expect(symlink(FileIO.join(project.path, "run.py"), FileIO.join(staged.path, "run.py")) == 0)
    #expect(throws: GageError.self) {
      try plan.apply(["x": .int(2), "lr": .float(0.5)], stagedDir: staged.path)
    }
    #expect(try project.read("run.py") == "#!/usr/bin/env python3\nx = 1\nprint(x)\n")
    #expect(try staged.read("train.py") == project.read("train.py"))
  }

  @Test func reportsTheFirstBadValueInKeyOrder() {
    let message = invalidInputMessage { _ = try plan.validate(["x": .string("b"), "epochs": .string("a")]) }
    #expect(message == "value \"a\" for \"epochs\" is a string; the default 10 is an integer")
  }

  @Test func aMissingStagedFileIsAnError() throws {
    let staged = try TempDir(prefix: "gage-config")
    #expect(throws: GageError.notFound("config file run.py is not in the staged run (\(staged.path))")) {
      try plan.apply(["x": .int(2)], stagedDir: staged.path)
    }
  }
}
