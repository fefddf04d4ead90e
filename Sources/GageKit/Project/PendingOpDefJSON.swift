extension OpDef {
  var json: JSONValue { raw }
  init(name: String, json: JSONValue) throws {
    var exec = ExecSpec()
    if let c = json["exec"].flatMap(CommandSpec.init(json:)) { exec.commands[.run] = c }
    if let t = json["exec"]?.objectValue {
      for p in Phase.allCases { if let c = t[p.rawValue].flatMap(CommandSpec.init(json:)) { exec.commands[p] = c } }
    }
    self.init(name: name, exec: exec, raw: json)
  }
}
