import Foundation

/// How a phase is run: a shell command line, or an argument vector.
public enum CommandSpec: Sendable, Equatable, Hashable {
  /// A command line run by `/bin/sh -c`; a line starting `#!prog` runs the rest with `prog -c`.
  case shell(String)
  /// An argument vector run directly (the first item is looked up on `PATH`).
  case argv([String])

  /// The command as stored in `proc/cmd.json`: a JSON string or array.
  public var json: JSONValue {
    switch self {
    case .shell(let s): return .string(s)
    case .argv(let a): return .array(a.map(JSONValue.string))
    }
  }

  /// Reads a command back from its JSON form.
  public init?(json: JSONValue) {
    switch json {
    case .string(let s): self = .shell(s)
    case .array(let items):
      let strings = items.compactMap(\.stringValue)
      guard strings.count == items.count, !strings.isEmpty else { return nil }
      self = .argv(strings)
    default: return nil
    }
  }

  /// The argument vector that runs this command.
  public var arguments: [String] {
    switch self {
    case .argv(let a): return a
    case .shell(let s):
      if s.hasPrefix("#!") {
        let body = s.dropFirst(2)
        let firstLine = body.prefix { $0 != "\n" }
        let rest = body.dropFirst(firstLine.count).drop { $0 == "\n" }
        let prog = firstLine.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init)
        if !prog.isEmpty { return prog + ["-c", String(rest)] }
      }
      return ["/bin/sh", "-c", s]
    }
  }

  /// A one-line rendering for listings and prompts.
  public var display: String {
    switch self {
    case .shell(let s): return s
    case .argv(let a): return a.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }
  }
}

/// The five phases of a run, in order, with their output file names.
public enum Phase: String, Sendable, CaseIterable {
  case stageSourcecode = "stage-sourcecode"
  case stageRuntime = "stage-runtime"
  case stageDependencies = "stage-dependencies"
  case run = "run"
  case finalize = "finalize"

  /// The output file name under `output/` (`10_sourcecode` … `50_finalize`).
  public var outputName: String {
    switch self {
    case .stageSourcecode: return "10_sourcecode"
    case .stageRuntime: return "20_runtime"
    case .stageDependencies: return "30_dependencies"
    case .run: return "40_run"
    case .finalize: return "50_finalize"
    }
  }
}

/// The `exec` key: a command for each phase (a plain string or array is the `run` phase).
public struct ExecSpec: Sendable, Equatable {
  /// Commands by phase; absent phases are skipped.
  public var commands: [Phase: CommandSpec]

  /// An exec spec with the given phase commands.
  public init(commands: [Phase: CommandSpec] = [:]) {
    self.commands = commands
  }

  /// The `run` phase command.
  public var run: CommandSpec? { commands[.run] }
}

/// The `sourcecode` key.
public enum SourceCodeSpec: Sendable, Equatable {
  /// Key absent: the default selection.
  case defaults
  /// `false` copies nothing; `true` is the default selection.
  case enabled(Bool)
  /// Gage patterns (`[-]glob [filters]`), last match wins.
  case patterns([String])
}

/// One entry of the `config` key: files (with optional key patterns) that are configurable.
public struct ConfigSpec: Sendable, Equatable {
  /// Key patterns: `file-glob[#key-pattern]`, a leading `-` excludes.
  public var keys: [String]
  /// Optional description.
  public var description: String?
  /// Prefix added to the keys of these files.
  public var prefix: String?
  /// Prefix removed from the keys of these files.
  public var stripPrefix: String?
  /// Alternative name for keys.
  public var rename: String?

  /// A config entry.
  public init(keys: [String], description: String? = nil, prefix: String? = nil, stripPrefix: String? = nil, rename: String? = nil) {
    self.keys = keys
    self.description = description
    self.prefix = prefix
    self.stripPrefix = stripPrefix
    self.rename = rename
  }
}

/// One entry of the `depends` key.
public enum DependencySpec: Sendable, Equatable {
  /// Project files (`{files: [...]}`, optional `link`).
  case projectFiles(files: [String], description: String?, link: Bool)
  /// Files of an earlier run (`{run-select: ..., files: [...]}`).
  case runFiles(select: String, files: [String], description: String?)
  /// A summary of several runs (`{type: runs-summary, runs-select: ...}`).
  case runsSummary(select: String, summaryFilename: String?, description: String?)
}

/// The `output-summary` key.
public enum OutputSummarySpec: Sendable, Equatable {
  /// Not set: Gage's default (JSON lines are not parsed).
  case defaults
  /// `true`/`false`.
  case enabled(Bool)
  /// A regular expression whose group 1 is JSON.
  case pattern(String)
}

/// An operation of a Gage file, typed.
public struct OpDef: Sendable, Equatable {
  /// The operation's name (its key in the Gage file).
  public var name: String
  /// `description`.
  public var description: String?
  /// `default`.
  public var isDefault: Bool
  /// `version`, as text.
  public var version: String?
  /// `exec`.
  public var exec: ExecSpec
  /// `sourcecode`.
  public var sourcecode: SourceCodeSpec
  /// `config`.
  public var config: [ConfigSpec]
  /// `depends`.
  public var depends: [DependencySpec]
  /// `output-summary`.
  public var outputSummary: OutputSummarySpec
  /// `summary.filename`, the summary file in the run dir (default `summary.json`).
  public var summaryFilename: String?
  /// `env`: variables added to the run's environment.
  public var env: [String: String]
  /// `listing`, kept as written.
  public var listing: JSONValue?
  /// `progress` (`"tqdm"` strips carriage-return updates).
  public var progress: String?
  /// The operation's table as written, for `opdef.json`.
  public var raw: JSONValue

  /// An operation with only a name and a run command (what library users build directly).
  public init(
    name: String, description: String? = nil, isDefault: Bool = false, version: String? = nil,
    exec: ExecSpec = ExecSpec(), sourcecode: SourceCodeSpec = .defaults, config: [ConfigSpec] = [],
    depends: [DependencySpec] = [], outputSummary: OutputSummarySpec = .defaults,
    summaryFilename: String? = nil, env: [String: String] = [:], listing: JSONValue? = nil,
    progress: String? = nil, raw: JSONValue? = nil
  ) {
    self.name = name
    self.description = description
    self.isDefault = isDefault
    self.version = version
    self.exec = exec
    self.sourcecode = sourcecode
    self.config = config
    self.depends = depends
    self.outputSummary = outputSummary
    self.summaryFilename = summaryFilename
    self.env = env
    self.listing = listing
    self.progress = progress
    self.raw = raw ?? .object([:])
  }
}
