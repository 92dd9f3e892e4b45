import FoundationEssentials
import InterlockCore

/// User data: the script cloud-init runs as root when an instance first boots, with the
/// instance profile's permissions. A call that starts instances, or a template or launch
/// configuration that starts them later, is decided by what its user data runs: `run-instances
/// --user-data file://boot.sh` whose script deletes a database is that deletion, done where
/// Interlock will not see it.
extension AWSOperation {
    /// The user data a call carries, by where each operation keeps it; nil when it has none.
    static func userData(service: String, key: String, parameters: JSONValue) -> JSONValue? {
        switch (service, key) {
        case ("ec2", "runinstances"), ("autoscaling", "createlaunchconfiguration"):
            parameter(parameters, "UserData")
        case ("ec2", "createlaunchtemplate"), ("ec2", "createlaunchtemplateversion"):
            parameter(parameters, "LaunchTemplateData").flatMap { parameter($0, "UserData") }
        case ("ec2", "requestspotinstances"):
            parameter(parameters, "LaunchSpecification").flatMap { parameter($0, "UserData") }
        default:
            nil
        }
    }

    /// What user data runs: a shell script (`#!/bin/sh`, `#!/bin/bash` …, or a `#cloud-boothook`)
    /// read as a command line run elsewhere; a `#cloud-config`'s `bootcmd` and `runcmd`; anything
    /// else (another interpreter, MIME parts, gzip, PowerShell, a value known only at run time) is
    /// unknown. The API carries it base64-encoded; the CLI's `--user-data` takes the text itself.
    static func userDataCommands(_ value: JSONValue) -> (commands: [String]?, what: String) {
        guard let raw = value.stringValue, raw != "*" else { return (nil, "user data computed at run time") }
        // Base64 has no `#`, `!` or newline inside a line, so a script as written never decodes.
        var text = raw
        if let data = Data(base64Encoded: raw.filter { !$0.isWhitespace }), !data.isEmpty, let decoded = String(data: data, encoding: .utf8) {
            text = decoded
        }
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r" }.trimmingEnds { $0 == " " || $0 == "\t" }
        if firstLine.hasPrefix("#!") {
            let interpreter = firstLine.dropFirst(2).split(separator: " ").map(String.init)
            let program = interpreter.first.map { Paths.basename($0) } == "env" ? interpreter.dropFirst().first : interpreter.first.map { Paths.basename($0) }
            guard let program, ["sh", "bash", "dash", "zsh", "ksh", "ash"].contains(program) else {
                return (nil, "a `\(firstLine)` script, which is not read here")
            }
            return ([text], "a shell script")
        }
        if firstLine == "#cloud-boothook" { return ([text], "a boot hook, run at every boot") }
        if firstLine == "#cloud-config" {
            guard let document = YAMLDocuments.parse(text)?.first else { return (nil, "a cloud-config that is not YAML read here") }
            var commands: [String] = []
            for key in ["bootcmd", "runcmd"] {
                for item in document[key]?.arrayValue ?? [] {
                    if let line = item.stringValue {
                        commands.append(line)
                    } else if let words = item.arrayValue?.map(\.stringValue), words.allSatisfy({ $0 != nil }) {
                        commands.append(ShellAnalysis.commandLine(words.map { $0! }))
                    } else {
                        return (nil, "a cloud-config with a `\(key)` entry that is not read here")
                    }
                }
            }
            return (commands, "a cloud-config's `bootcmd` and `runcmd`")
        }
        return (nil, "user data that is not a shell script or a cloud-config (MIME parts, gzip, PowerShell …)")
    }

    /// The findings for a call's user data, or nil when it carries none.
    static func userDataFindings(service: String, key: String, operation: String, parameters: JSONValue) -> (Effect, Set<Category>, String, [Finding])? {
        guard let value = userData(service: service, key: key, parameters: parameters) else { return nil }
        let starts = key == "runinstances" || key == "requestspotinstances" ? "starts instances that run" : "defines instances that will run, when something launches them,"
        let (commands, what) = userDataCommands(value)
        guard let commands else {
            return (.unknown, [.opaqueExecution], "`\(operation)` \(starts) \(what) as root at boot, with the instance profile's permissions", [])
        }
        let calls = classifiedCommands(commands)
        return (Effect.worst([.write] + calls.map(\.effect)), calls.reduce(into: []) { $0.formUnion($1.categories) },
                "`\(operation)` \(starts) \(what) as root at boot, with the instance profile's permissions; what it does is what its commands do", calls)
    }
}
