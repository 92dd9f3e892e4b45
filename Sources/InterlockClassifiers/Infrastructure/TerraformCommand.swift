import InterlockCore

/// `terraform`/`tofu`, `pulumi` and `cdk` command lines. Plans are analysed separately.
enum TerraformCommand {
    static func classify(_ invocation: InfrastructureInvocation) -> [Finding] {
        // `TF_CLI_ARGS` adds arguments to every command, `TF_CLI_ARGS_<verb>` to one.
        if !invocation.environment.isEmpty {
            let injected: [String]
            switch injectedArguments(invocation) {
            case .words(let words): injected = words
            case .computed(let key, let verb):
                return [Finding(operation: "terraform:\(verb)", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                                reason: "`\(key)` injects arguments computed at run time into `\(invocation.tool) \(verb)`")]
            }
            var expanded = invocation
            expanded.environment = [:]
            expanded.arguments.append(contentsOf: injected)
            expanded.displays.append(contentsOf: injected)
            return classify(expanded)
        }
        let tool = invocation.tool
        let words = invocation.arguments.compactMap { $0 }
        // `terragrunt run-all VERB` and `terragrunt run --all VERB` run VERB in every module below.
        if tool == "terragrunt", let first = words.first(where: { !$0.hasPrefix(ascii: "-") }), first == "run-all" || first == "run" && words.contains("--all") {
            var inner = invocation
            var dropped = false
            inner.arguments = invocation.arguments.filter { argument in
                guard !dropped, argument == first else { return argument != "--all" }
                dropped = true
                return false
            }
            inner.displays = inner.arguments.map { $0 ?? "?" }
            return classify(inner).map { finding in
                var every = finding
                every.targetsComplete = false
                every.blastRadius = .unknown
                every.reason = "in every module below the working directory: " + finding.reason
                return every
            }
        }
        // `-chdir=DIR` and other global options come first.
        let positional = words.filter { !$0.hasPrefix(ascii: "-") }
        guard let verb = positional.first else {
            return [Finding(operation: "terraform:unclassified", effect: .unknown, targetsComplete: false, reason: "`\(tool)` with a computed or missing subcommand")]
        }
        let op = "terraform:\(verb)"
        let flags = words.filter { $0.hasPrefix(ascii: "-") }
        func has(_ name: String) -> Bool { flags.contains { $0 == name || $0.hasPrefix(name + "=") } }
        let replaced = flags.filter { $0.hasPrefix("-replace=") }.map { String($0.dropFirst("-replace=".count)) }
        switch verb {
        // The state holds every secret the configuration handles (database passwords, keys):
        // `output -json`/`-raw` and `show -json` print sensitive values in plain text, and the
        // console evaluates `nonsensitive(…)` of anything in it. `show -json PLANFILE` is left a
        // read: it is how a plan reaches Interlock's plan analysis (`interlock check --plan -`).
        case "output" where has("-json") || has("-raw"), "show" where has("-json") && positional.count < 2, "console":
            return [Finding(operation: op, effect: .read, categories: [.credentialIssue],
                            reason: "`\(tool) \(verb)\(verb == "console" ? "" : has("-json") ? " -json" : " -raw")` prints the state's sensitive values, its secrets among them, in plain text")]
        case "plan", "show", "validate", "output", "version", "providers", "graph", "metadata":
            return [Finding(operation: op, effect: .read, reason: "`\(tool) \(verb)` changes no infrastructure")]
        case "fmt":
            return [Finding(operation: op, effect: has("-check") ? .read : .write, reason: has("-check") ? "checks formatting" : "rewrites configuration files")]
        case "destroy":
            return [Finding(operation: "terraform:destroy", effect: .destructive, targetsComplete: false, blastRadius: .unknown, categories: [.teardown], reason: "`\(tool) destroy` deletes every resource the configuration manages")]
        case "apply":
            if has("-destroy") {
                return [Finding(operation: "terraform:destroy", effect: .destructive, targetsComplete: false, blastRadius: .unknown, categories: [.teardown], reason: "`\(tool) apply -destroy` deletes every resource the configuration manages")]
            }
            if !replaced.isEmpty {
                return [Finding(operation: "terraform:replace", effect: .destructive, targets: replaced, categories: [.dataLoss], reason: "`-replace` destroys and recreates \(replaced.joined(separator: ", "))")]
            }
            return [Finding(operation: "terraform:apply", effect: .write, targetsComplete: false, blastRadius: .unknown,
                            reason: "`\(tool) apply` changes infrastructure; whether it also deletes or replaces is in the plan, not the command line")]
        case "taint":
            return [Finding(operation: "terraform:taint", effect: .destructive, targets: Array(positional.dropFirst()), reason: "`taint` makes the next apply destroy and recreate the resource")]
        case "untaint", "init", "get", "refresh", "import", "login", "logout":
            return [Finding(operation: op, effect: .write, targets: Array(positional.dropFirst()), reason: "`\(tool) \(verb)` changes state, modules or credentials")]
        case "force-unlock":
            return [Finding(operation: "terraform:force_unlock", effect: .destructive, reason: "`force-unlock` removes the state lock another run may hold")]
        case "state":
            let sub = positional.dropFirst().first ?? ""
            if sub == "pull" { return [Finding(operation: "terraform:state_pull", effect: .read, categories: [.credentialIssue], reason: "`state pull` prints the raw state, every secret in it in plain text")] }
            if ["list", "show"].contains(sub) { return [Finding(operation: op, effect: .read, reason: "reads state (sensitive values masked)")] }
            if ["rm", "mv", "push", "replace-provider"].contains(sub) {
                return [Finding(operation: "terraform:state_\(sub.replacing("-", with: "_"))", effect: .destructive, targets: Array(positional.dropFirst(2)), reason: "`state \(sub)` rewrites what Terraform believes exists")]
            }
            return [Finding(operation: op, effect: .unknown, targetsComplete: false, reason: "`state \(sub)` is not classified")]
        case "workspace":
            let sub = positional.dropFirst().first ?? ""
            if sub == "delete" { return [Finding(operation: "terraform:workspace_delete", effect: .destructive, targets: Array(positional.dropFirst(2)), categories: [.teardown], reason: "deletes a workspace and its state")] }
            if sub == "list" || sub == "show" { return [Finding(operation: op, effect: .read, reason: "lists workspaces")] }
            return [Finding(operation: "terraform:workspace_\(sub)", effect: .write, targets: Array(positional.dropFirst(2)), reason: "changes the selected workspace")]
        default:
            return [Finding(operation: op, effect: .unknown, targetsComplete: false, reason: "`\(tool) \(verb)` is not classified")]
        }
    }

    enum Injected {
        case words([String])
        /// `key` is computed at run time, for the command `verb`.
        case computed(key: String, verb: String)
    }

    /// What `TF_CLI_ARGS` and `TF_CLI_ARGS_<verb>` add to the command line.
    static func injectedArguments(_ invocation: InfrastructureInvocation) -> Injected {
        let verb = invocation.arguments.compactMap { $0 }.first { !$0.hasPrefix(ascii: "-") } ?? ""
        var injected: [String] = []
        for key in ["TF_CLI_ARGS", "TF_CLI_ARGS_\(verb)"] {
            guard let entry = invocation.environment[key] else { continue }
            guard let value = entry else { return .computed(key: key, verb: verb) }
            injected += value.pieces(between: " ").map(String.init)
        }
        return .words(injected)
    }

    /// The arguments with those `TF_CLI_ARGS` and `TF_CLI_ARGS_<verb>` add; nil when one is computed.
    static func effectiveArguments(_ invocation: InfrastructureInvocation) -> [String]? {
        guard !invocation.arguments.contains(where: { $0 == nil }), case .words(let injected) = injectedArguments(invocation) else { return nil }
        return invocation.arguments.compactMap { $0 } + injected
    }

    /// The plan file a `plan -destroy -out FILE` writes: a plan that deletes every resource,
    /// which a later `apply FILE` on the same line carries out.
    static func destroyPlanWritten(_ invocation: InfrastructureInvocation) -> String? {
        guard ["terraform", "tofu", "terragrunt"].contains(invocation.tool), let words = effectiveArguments(invocation),
              words.first(where: { !$0.hasPrefix(ascii: "-") }) == "plan", words.contains(where: { $0 == "-destroy" || $0 == "--destroy" }) else { return nil }
        for (index, word) in words.enumerated() {
            if word.hasPrefix("-out=") { return String(word.dropFirst("-out=".count)) }
            if word == "-out", index + 1 < words.count { return words[index + 1] }
        }
        return nil
    }

    /// The plan file an `apply FILE` applies.
    static func planFileApplied(_ invocation: InfrastructureInvocation) -> String? {
        guard ["terraform", "tofu", "terragrunt"].contains(invocation.tool), let words = effectiveArguments(invocation) else { return nil }
        let positional = words.filter { !$0.hasPrefix(ascii: "-") }
        guard positional.first == "apply", positional.count >= 2 else { return nil }
        return positional[1]
    }

    /// Options of `pulumi` and `cdk` that take the next word as their value (global ones such as
    /// `--cwd` may come before the verb: `pulumi -C infra destroy`).
    static let pulumiValuedOptions: Set<String> = [
        "-C", "--cwd", "-s", "--stack", "--color", "-v", "--verbose", "--tracing", "--config-file", "-m", "--message", "-p", "--parallel",
        "-c", "--config", "-t", "--target", "--replace", "--target-replace", "-x", "--exclude", "--profiling", "--secrets-provider",
        "--policy-pack", "--policy-pack-config", "--plan", "--exec-kind", "--exec-agent", "--suppress-permalink",
    ]
    static let cdkValuedOptions: Set<String> = [
        "-a", "--app", "-c", "--context", "--profile", "-r", "--role-arn", "-o", "--output", "-p", "--plugin", "--ca-bundle-path",
        "--toolkit-stack-name", "--require-approval", "--parameters", "-O", "--outputs-file", "--notification-arns", "-t", "--tags",
        "-m", "--method", "--change-set-name", "--concurrency", "--asset-parallelism", "-E", "--build-exclude", "--proxy", "--build",
    ]

    /// The words that are not options or option values, and the values given to `names`.
    static func pulumiOrCDKWords(_ invocation: InfrastructureInvocation, values names: Set<String>) -> (positional: [String], values: [String], computed: Bool) {
        let valued = invocation.tool == "pulumi" ? pulumiValuedOptions : cdkValuedOptions
        var positional: [String] = [], values: [String] = [], computed = false
        var index = 0
        let arguments = invocation.arguments
        while index < arguments.count {
            defer { index += 1 }
            guard let argument = arguments[index] else { computed = true; continue }
            if argument == "--" { break }
            guard argument.hasPrefix(ascii: "-") else { positional.append(argument); continue }
            if let (name, value) = InfrastructureInvocation.nameAndValue(argument) {
                if names.contains(String(name)) { values.append(String(value)) }
            } else if valued.contains(argument) {
                index += 1
                if names.contains(argument) {
                    if index < arguments.count, let value = arguments[index] { values.append(value) } else { computed = true }
                }
            }
        }
        return (positional, values, computed)
    }

    static func pulumiOrCDK(_ invocation: InfrastructureInvocation) -> [Finding] {
        let tool = invocation.tool
        let words = pulumiOrCDKWords(invocation, values: ["--replace", "--target-replace"])
        let positional = words.positional
        let verb = positional.first ?? ""
        let op = "\(tool):\(verb)"
        // A computed word before the verb could be the verb.
        if invocation.arguments.prefix(while: { $0 != verb }).contains(where: { $0 == nil }) {
            return [Finding(operation: "\(tool):dynamic", effect: .unknown, targetsComplete: false, blastRadius: .unknown, reason: "`\(tool)` with words computed at run time")]
        }
        // Secrets decrypted to the caller: `--show-secrets` on any command, and `config get`.
        if tool == "pulumi", invocation.arguments.contains("--show-secrets") || verb == "config" && positional.dropFirst().first == "get" {
            return [Finding(operation: "pulumi:show_secrets", effect: .read, categories: [.credentialIssue],
                            reason: "`pulumi \(positional.prefix(2).joined(separator: " "))` prints the stack's secrets decrypted")]
        }
        switch verb {
        case "destroy", "down", "dn":
            if tool == "pulumi", invocation.arguments.contains("--preview-only") {
                return [Finding(operation: "pulumi:destroy_preview", effect: .read, reason: "`pulumi destroy --preview-only` only shows what would be deleted")]
            }
            return [Finding(operation: "\(tool):destroy", effect: .destructive, targetsComplete: false, blastRadius: .unknown, categories: [.teardown], reason: "`\(tool) \(verb)` deletes every resource of the stack")]
        case "up" where tool == "pulumi" && words.computed, "update" where tool == "pulumi" && words.computed:
            return [Finding(operation: "pulumi:\(verb)", effect: .unknown, targetsComplete: false, blastRadius: .unknown,
                            reason: "`pulumi \(verb)` with a word computed at run time, which may be `--replace`")]
        case "up" where tool == "pulumi" && !words.values.isEmpty, "update" where tool == "pulumi" && !words.values.isEmpty:
            // `--replace URN` / `--target-replace URN` delete and recreate the resource, as
            // Terraform's `-replace` does.
            return [Finding(operation: "pulumi:replace", effect: .destructive, targets: words.values, categories: [.dataLoss],
                            reason: "`pulumi \(verb) --replace` destroys and recreates \(words.values.joined(separator: ", "))")]
        case "up", "deploy", "update", "refresh", "import", "bootstrap":
            return [Finding(operation: op, effect: .write, targetsComplete: false, blastRadius: .unknown, reason: "`\(tool) \(verb)` changes infrastructure")]
        case "preview", "diff", "synth", "synthesize", "ls", "list", "whoami", "about", "doctor", "version", "config", "logs", "context", "docs", "metadata", "notices":
            if tool == "pulumi" && verb == "config" && positional.dropFirst().first.map({ ["set", "rm"].contains($0) }) == true {
                return [Finding(operation: op, effect: .write, reason: "changes stack configuration")]
            }
            return [Finding(operation: op, effect: .read, reason: "`\(tool) \(verb)` changes nothing")]
        case "stack":
            let sub = positional.dropFirst().first ?? ""
            if sub == "rm" { return [Finding(operation: "pulumi:stack_rm", effect: .destructive, targets: Array(positional.dropFirst(2)), categories: [.teardown], reason: "`pulumi stack rm` deletes the stack and its history")] }
            if ["ls", "output", "history", "export", "graph"].contains(sub) || sub.isEmpty { return [Finding(operation: op, effect: .read, reason: "reads stacks")] }
            return [Finding(operation: "pulumi:stack_\(sub)", effect: .write, reason: "changes stacks")]
        case "state":
            return [Finding(operation: "pulumi:state", effect: .destructive, targets: Array(positional.dropFirst(2)), reason: "`pulumi state` edits what Pulumi believes exists")]
        default:
            return [Finding(operation: op, effect: .unknown, targetsComplete: false, reason: "`\(tool) \(verb)` is not classified")]
        }
    }
}
