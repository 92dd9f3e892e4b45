import InterlockCore

/// Cloud and platform CLIs whose command trees Interlock does not model (`gcloud`, `az`, `doctl`,
/// `heroku`, `flyctl`, `vercel`, `rclone` …; not `mc`, which is also Midnight Commander). Their effect stays `unknown`, except that a command
/// word naming a destructive act makes the invocation destructive: `gcloud compute instances
/// delete`, `az group delete`, `heroku pg:reset`, `flyctl apps destroy`. The words only ever raise
/// the effect; nothing here calls such a command a read or a write, since a group (`gcloud run`)
/// and a verb cannot be told apart without the tool's command tree.
enum CloudCLICommand {
    static let tools: Set<String> = [
        "gcloud", "gsutil", "bq", "az", "eksctl", "doctl", "heroku", "flyctl", "fly", "vercel", "netlify", "railway", "hcloud",
        "linode-cli", "scw", "oci", "ibmcloud", "aliyun", "firebase", "wrangler", "serverless", "sls", "s3cmd", "rclone",
        "sam", "cdktf", "copilot", "vault", "consul", "nomad", "etcdctl",
    ]

    static let destructiveVerbs: Set<String> = [
        "delete", "destroy", "remove", "rm", "rb", "del", "terminate", "purge", "reset", "drop", "stop", "deprovision", "uninstall",
        "detach", "disable", "revoke", "kill", "wipe", "prune", "deletefile", "rmdir", "rmdirs", "cleanup", "suspend", "abandon", "truncate",
    ]

    static func classify(_ invocation: InfrastructureInvocation) -> [Finding]? {
        let tool = invocation.tool
        guard tools.contains(tool) else { return nil }
        // Command words: before `--` (what follows is a command for somewhere else), not options.
        var words: [String] = []
        var zeroValue = false
        for argument in invocation.arguments {
            guard let argument else { continue }
            if argument == "--" { break }
            if argument == "0" || argument.hasSuffix("=0") { zeroValue = true }
            if argument.hasPrefix("-") { continue }
            words.append(contentsOf: argument.lowercased().split(separator: ":").map(String.init))
        }
        // The operation names the command words up to the verb (`gcloud:compute:instances:delete`),
        // not the names and values after it, so that a policy can match it.
        func operation(through index: Int) -> String { "\(tool):" + words[...index].suffix(4).joined(separator: ":") }
        if let index = words.firstIndex(where: destructiveVerbs.contains) {
            return [Finding(operation: operation(through: index), effect: .destructive, targetsComplete: false, blastRadius: .unknown,
                            reason: "`\(tool) … \(words[index])` deletes, stops or resets what it names")]
        }
        if zeroValue, let index = words.firstIndex(where: { $0 == "scale" || $0 == "resize" }) {
            return [Finding(operation: operation(through: index), effect: .destructive, targetsComplete: false, blastRadius: .unknown,
                            reason: "`\(tool) … \(words[index])` to zero stops everything it runs")]
        }
        // Copies that delete at the destination what the source lacks.
        let flags = Set(invocation.arguments.compactMap { $0 }.filter { $0.hasPrefix("-") })
        let mirrorsWithDeletion = (tool == "rclone" && words.first == "sync")
            || (tool == "gsutil" && words.contains("rsync") && (flags.contains("-d") || flags.contains("--delete-unmatched-destination-objects")))
            || (tool == "s3cmd" && words.first == "sync" && flags.contains("--delete-removed"))
        if mirrorsWithDeletion, let verb = words.first {
            return [Finding(operation: "\(tool):\(verb)", effect: .destructive, targetsComplete: false, blastRadius: .unknown, categories: [.dataLoss],
                            reason: "`\(tool) \(verb)` makes the destination match the source, deleting what the source lacks")]
        }
        return nil
    }

    /// `ansible PATTERN -m MODULE -a ARGS`: the command and shell modules run ARGS as a command
    /// line on every host the pattern matches (`command`, the default module, without a shell);
    /// `ping` and `setup` only read. Other modules, and playbooks, stay unknown.
    static func ansibleAdHoc(_ invocation: InfrastructureInvocation) -> [Finding]? {
        guard invocation.tool == "ansible" else { return nil }
        var module = "command"
        var moduleArguments: String??
        var index = 0
        let arguments = invocation.arguments
        while index < arguments.count {
            defer { index += 1 }
            guard let argument = arguments[index] else { continue }
            let value = index + 1 < arguments.count ? arguments[index + 1] : nil
            switch argument {
            case "-m", "--module-name":
                guard let value else { return nil }
                module = value
                index += 1
            case "-a", "--args":
                moduleArguments = .some(value)
                index += 1
            default:
                if argument.hasPrefix("--module-name=") { module = String(argument.dropFirst("--module-name=".count)) }
                if argument.hasPrefix("--args=") { moduleArguments = .some(String(argument.dropFirst("--args=".count))) }
            }
        }
        let name = module.split(separator: ".").last.map(String.init) ?? module
        switch name {
        case "ping", "setup", "gather_facts":
            return [Finding(operation: "ansible:\(name)", effect: .read, targetsComplete: false, blastRadius: .unknown, reason: "`ansible -m \(name)` only reads")]
        case "command", "shell", "raw":
            guard case .some(.some(let commandLine)) = moduleArguments else {
                return [Finding(operation: "ansible:\(name)", effect: .unknown, targetsComplete: false, blastRadius: .unknown, categories: [.opaqueExecution],
                                reason: "`ansible -m \(name)` runs a command computed at run time on every host it matches")]
            }
            // Remote machines: nothing of this disk is known there.
            let facts = ShellClassifier().classify(commandLine: commandLine)
            return [Finding(operation: "ansible:\(name)", effect: facts.effect, targetsComplete: false, blastRadius: .unknown, categories: facts.categories,
                            reason: "`ansible -m \(name)` runs `\(commandLine)` on every host the pattern matches")] + facts.findings
        default:
            return nil
        }
    }
}
