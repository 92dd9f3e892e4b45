import InterlockCore

/// `kubectl`/`oc` and `helm` command lines.
enum KubernetesCommand {
    static let valued: Set<String> = ["-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-l", "--selector", "-o", "--output", "-f", "--filename", "-c", "--container", "--field-selector", "--replicas", "--type", "-p", "--patch", "--image", "--timeout", "--grace-period", "--revision", "--to-revision", "-s", "--server", "--token", "--as", "--kube-context", "--values", "--set", "--version", "--repo", "--wait-for", "--for"]

    struct Parsed {
        var words: [String] = []
        var dynamic = false
        var flags: Set<String> = []
        var values: [String: String] = [:]
    }

    static func parse(_ invocation: InfrastructureInvocation) -> Parsed {
        var parsed = Parsed()
        var index = 0
        let arguments = invocation.arguments
        while index < arguments.count {
            guard let text = arguments[index] else {
                parsed.dynamic = true
                index += 1
                continue
            }
            if text == "--" { break }
            if text.hasPrefix("-") {
                if let equals = text.firstIndex(of: "=") {
                    let name = String(text[..<equals])
                    parsed.flags.insert(name)
                    parsed.values[name] = String(text[text.index(after: equals)...])
                } else {
                    parsed.flags.insert(text)
                    if valued.contains(text), index + 1 < arguments.count {
                        parsed.values[text] = arguments[index + 1] ?? "*"
                        index += 1
                    }
                }
            } else {
                parsed.words.append(text)
            }
            index += 1
        }
        return parsed
    }

    static func kubectl(_ invocation: InfrastructureInvocation) -> [Finding] {
        let p = parse(invocation)
        let tool = invocation.tool
        guard let verb = p.words.first else {
            return [Finding(operation: "\(tool):unclassified", effect: .unknown, targetsComplete: false, reason: "`\(tool)` with a computed or missing subcommand")]
        }
        let op = "kubectl:\(verb)"
        let objects = Array(p.words.dropFirst())
        let broad = p.flags.contains("--all") || p.flags.contains("-A") || p.flags.contains("--all-namespaces") || p.values["-l"] != nil || p.values["--selector"] != nil || p.values["--field-selector"] != nil || p.values["-f"] != nil || p.values["--filename"] != nil
        let targets = objects.count >= 2 ? objects.dropFirst().map { "\(objects[0])/\($0)" } : objects
        if let dryRun = p.values["--dry-run"], dryRun != "none" {
            return [Finding(operation: op, effect: .read, targets: targets, reason: "`\(tool) \(verb) --dry-run` changes nothing")]
        }
        if p.flags.contains("--dry-run") { return [Finding(operation: op, effect: .read, targets: targets, reason: "`\(tool) \(verb) --dry-run` changes nothing")] }
        switch verb {
        case "get", "describe", "logs", "top", "explain", "diff", "version", "api-resources", "api-versions", "cluster-info", "events", "wait", "port-forward_dummy":
            return [Finding(operation: op, effect: .read, targets: targets, reason: "`\(tool) \(verb)` only reads")]
        case "auth":
            return [Finding(operation: op, effect: objects.first == "can-i" || objects.first == "whoami" ? .read : .write, reason: "`\(tool) auth \(objects.first ?? "")`")]
        case "config":
            let sub = objects.first ?? ""
            if ["view", "get-contexts", "current-context", "get-clusters", "get-users"].contains(sub) { return [Finding(operation: op, effect: .read, reason: "reads kubeconfig")] }
            if sub.hasPrefix("delete") || sub == "unset" { return [Finding(operation: "kubectl:config", effect: .write, reason: "removes kubeconfig entries")] }
            return [Finding(operation: "kubectl:config", effect: .write, reason: "`\(tool) config \(sub)` changes kubeconfig")]
        case "delete":
            var categories: Set<Category> = []
            if objects.first.map({ ["namespace", "namespaces", "ns"].contains($0) }) == true { categories.insert(.teardown) }
            if objects.first.map({ ["pvc", "persistentvolumeclaim", "persistentvolumeclaims", "pv", "persistentvolume", "statefulset", "statefulsets", "sts", "secret", "secrets"].contains($0) }) == true { categories.insert(.dataLoss) }
            return [Finding(operation: op, effect: .destructive, targets: targets, targetsComplete: !broad && !p.dynamic, blastRadius: broad ? .unknown : nil, categories: categories,
                            reason: "`\(tool) delete` removes \(broad ? "every matching object" : targets.joined(separator: ", "))")]
        case "drain", "cordon", "taint":
            return [Finding(operation: op, effect: .destructive, targets: targets, reason: "`\(tool) \(verb)` takes nodes out of service or evicts their pods")]
        case "replace":
            if p.flags.contains("--force") { return [Finding(operation: "kubectl:replace_force", effect: .destructive, targets: targets, reason: "`\(tool) replace --force` deletes and recreates objects")] }
            return [Finding(operation: op, effect: .write, targets: targets, reason: "replaces objects")]
        case "scale":
            if let replicas = p.values["--replicas"], Int(replicas) == 0 {
                return [Finding(operation: "kubectl:scale_to_zero", effect: .destructive, targets: targets, reason: "`\(tool) scale --replicas=0` stops every pod")]
            }
            return [Finding(operation: op, effect: .write, targets: targets, reason: "scales workloads")]
        case "rollout":
            let sub = objects.first ?? ""
            if ["status", "history"].contains(sub) { return [Finding(operation: op, effect: .read, reason: "reads rollout state")] }
            if sub == "undo" { return [Finding(operation: "kubectl:rollout_undo", effect: .destructive, targets: Array(objects.dropFirst()), reason: "`rollout undo` reverts a deployment")] }
            if sub == "pause" { return [Finding(operation: "kubectl:rollout_pause", effect: .write, targets: Array(objects.dropFirst()), reason: "pauses a rollout")] }
            return [Finding(operation: "kubectl:rollout_\(sub)", effect: .write, targets: Array(objects.dropFirst()), reason: "`rollout \(sub)`")]
        case "exec", "debug", "attach", "run", "cp", "proxy", "port-forward":
            // What runs inside the container is unknown from here.
            return [Finding(operation: op, effect: .unknown, targets: targets, targetsComplete: false, categories: verb == "exec" ? [.opaqueExecution] : [], reason: "`\(tool) \(verb)` runs or moves data inside the cluster")]
        case "apply", "create", "patch", "label", "annotate", "set", "expose", "autoscale", "edit", "uncordon", "certificate", "kustomize":
            if verb == "apply", p.flags.contains("--prune") {
                return [Finding(operation: "kubectl:apply_prune", effect: .destructive, targets: targets, targetsComplete: false, blastRadius: .unknown, reason: "`apply --prune` deletes objects missing from the files")]
            }
            return [Finding(operation: op, effect: .write, targets: targets, targetsComplete: !broad, reason: "`\(tool) \(verb)` creates or changes objects")]
        default:
            return [Finding(operation: op, effect: .unknown, targets: targets, targetsComplete: false, reason: "`\(tool) \(verb)` is not classified")]
        }
    }

    static func helm(_ invocation: InfrastructureInvocation) -> [Finding] {
        let p = parse(invocation)
        guard let verb = p.words.first else {
            return [Finding(operation: "helm:unclassified", effect: .unknown, targetsComplete: false, reason: "`helm` with a computed or missing subcommand")]
        }
        let op = "helm:\(verb)"
        let release = Array(p.words.dropFirst().prefix(1))
        if p.flags.contains("--dry-run") { return [Finding(operation: op, effect: .read, targets: release, reason: "`helm \(verb) --dry-run` changes nothing")] }
        switch verb {
        case "uninstall", "delete", "del", "un":
            return [Finding(operation: "helm:uninstall", effect: .destructive, targets: release, categories: [.teardown], reason: "`helm uninstall` removes the release and its resources")]
        case "rollback":
            return [Finding(operation: op, effect: .destructive, targets: release, reason: "`helm rollback` replaces the release with an earlier revision")]
        case "install", "upgrade":
            return [Finding(operation: op, effect: .write, targets: release, reason: "`helm \(verb)` deploys a release")]
        case "list", "ls", "status", "get", "history", "template", "show", "search", "lint", "env", "version", "verify", "diff":
            return [Finding(operation: op, effect: .read, targets: release, reason: "`helm \(verb)` only reads")]
        case "repo", "dependency", "dep", "plugin", "registry", "pull", "fetch", "package", "create", "push":
            let sub = p.words.dropFirst().first ?? ""
            if sub == "list" || sub == "ls" { return [Finding(operation: op, effect: .read, reason: "lists")] }
            return [Finding(operation: op, effect: .write, reason: "`helm \(verb) \(sub)` changes local charts or repositories")]
        case "test":
            return [Finding(operation: op, effect: .unknown, targets: release, targetsComplete: false, reason: "`helm test` runs the release's test pods")]
        default:
            return [Finding(operation: op, effect: .unknown, targets: release, targetsComplete: false, reason: "`helm \(verb)` is not classified")]
        }
    }
}

/// `terraform`/`tofu`, `pulumi` and `cdk` command lines. Plans are analysed separately.
enum TerraformCommand {
    static func classify(_ invocation: InfrastructureInvocation) -> [Finding] {
        // `TF_CLI_ARGS` adds arguments to every command, `TF_CLI_ARGS_<verb>` to one.
        if !invocation.environment.isEmpty {
            let verb = invocation.arguments.compactMap { $0 }.first { !$0.hasPrefix("-") } ?? ""
            var injected: [String?] = []
            for key in ["TF_CLI_ARGS", "TF_CLI_ARGS_\(verb)"] {
                guard let entry = invocation.environment[key] else { continue }
                guard let value = entry else {
                    return [Finding(operation: "terraform:\(verb)", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                                    reason: "`\(key)` injects arguments computed at run time into `\(invocation.tool) \(verb)`")]
                }
                injected.append(contentsOf: value.split(separator: " ").map { String($0) })
            }
            var expanded = invocation
            expanded.environment = [:]
            expanded.arguments.append(contentsOf: injected)
            expanded.displays.append(contentsOf: injected.map { $0 ?? "?" })
            return classify(expanded)
        }
        let tool = invocation.tool
        let words = invocation.arguments.compactMap { $0 }
        // `-chdir=DIR` and other global options come first.
        let positional = words.filter { !$0.hasPrefix("-") }
        guard let verb = positional.first else {
            return [Finding(operation: "terraform:unclassified", effect: .unknown, targetsComplete: false, reason: "`\(tool)` with a computed or missing subcommand")]
        }
        let op = "terraform:\(verb)"
        let flags = words.filter { $0.hasPrefix("-") }
        func has(_ name: String) -> Bool { flags.contains { $0 == name || $0.hasPrefix(name + "=") } }
        let replaced = flags.filter { $0.hasPrefix("-replace=") }.map { String($0.dropFirst("-replace=".count)) }
        switch verb {
        case "plan", "show", "validate", "output", "version", "providers", "graph", "console", "metadata", "test_dummy":
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
        case "untaint", "init", "get", "refresh", "import", "login", "logout", "providers_dummy":
            return [Finding(operation: op, effect: .write, targets: Array(positional.dropFirst()), reason: "`\(tool) \(verb)` changes state, modules or credentials")]
        case "force-unlock":
            return [Finding(operation: "terraform:force_unlock", effect: .destructive, reason: "`force-unlock` removes the state lock another run may hold")]
        case "state":
            let sub = positional.dropFirst().first ?? ""
            if ["list", "show", "pull"].contains(sub) { return [Finding(operation: op, effect: .read, reason: "reads state")] }
            if ["rm", "mv", "push", "replace-provider"].contains(sub) {
                return [Finding(operation: "terraform:state_\(sub.replacingOccurrences(of: "-", with: "_"))", effect: .destructive, targets: Array(positional.dropFirst(2)), reason: "`state \(sub)` rewrites what Terraform believes exists")]
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

    static func pulumiOrCDK(_ invocation: InfrastructureInvocation) -> [Finding] {
        let tool = invocation.tool
        let positional = invocation.arguments.compactMap { $0 }.filter { !$0.hasPrefix("-") }
        let verb = positional.first ?? ""
        let op = "\(tool):\(verb)"
        switch verb {
        case "destroy":
            return [Finding(operation: "\(tool):destroy", effect: .destructive, targetsComplete: false, blastRadius: .unknown, categories: [.teardown], reason: "`\(tool) destroy` deletes every resource of the stack")]
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
            if ["ls", "output", "history", "export", "graph", "tag_dummy"].contains(sub) || sub.isEmpty { return [Finding(operation: op, effect: .read, reason: "reads stacks")] }
            return [Finding(operation: "pulumi:stack_\(sub)", effect: .write, reason: "changes stacks")]
        case "state":
            return [Finding(operation: "pulumi:state", effect: .destructive, targets: Array(positional.dropFirst(2)), reason: "`pulumi state` edits what Pulumi believes exists")]
        default:
            return [Finding(operation: op, effect: .unknown, targetsComplete: false, reason: "`\(tool) \(verb)` is not classified")]
        }
    }
}
