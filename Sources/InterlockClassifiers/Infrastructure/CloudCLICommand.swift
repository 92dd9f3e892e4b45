import InterlockCore
import InterlockSyntax

/// Cloud and platform CLIs whose command trees Interlock does not model (`gcloud`, `az`, `doctl`,
/// `heroku`, `flyctl`, `vercel`, `rclone` …; not `mc`, which is also Midnight Commander). Their effect stays `unknown`, except that a command
/// word naming a destructive act makes the invocation destructive: `gcloud compute instances
/// delete`, `az group delete`, `heroku pg:reset`, `flyctl apps destroy` (but not a name after a
/// reading verb: `describe stop-server` stays unknown). The words only ever raise
/// the effect; nothing here calls such a command a read or a write, since a group (`gcloud run`)
/// and a verb cannot be told apart without the tool's command tree.
enum CloudCLICommand {
    static let tools: Set<String> = [
        "gcloud", "gsutil", "bq", "az", "eksctl", "doctl", "heroku", "flyctl", "fly", "vercel", "netlify", "railway", "hcloud",
        "linode-cli", "scw", "oci", "ibmcloud", "aliyun", "firebase", "wrangler", "serverless", "sls", "s3cmd", "rclone",
        "sam", "cdktf", "copilot", "vault", "consul", "nomad", "etcdctl",
        // More platforms: GitOps and cluster tools, local clusters, PaaS and cloud CLIs, message
        // brokers, container runtimes and hypervisors, hosted databases.
        "argocd", "flux", "velero", "istioctl", "kops", "k3d", "kind", "minikube", "vagrant", "skaffold", "tilt", "garden", "amplify",
        "cf", "openstack", "exoscale", "civo", "vultr-cli", "upctl", "nats", "rabbitmqctl", "rabbitmqadmin", "influx", "crictl", "ctr",
        "virsh", "pscale", "neonctl", "turso",
    ]

    static let destructiveVerbs: Set<String> = [
        "delete", "destroy", "remove", "rm", "rb", "del", "terminate", "purge", "reset", "drop", "stop", "deprovision", "uninstall",
        "detach", "disable", "revoke", "kill", "wipe", "prune", "deletefile", "rmdir", "rmdirs", "cleanup", "suspend", "abandon", "truncate",
        // `tilt down`, `railway down`, `vagrant halt`, `virsh undefine`, `crictl rmi`/`rmp` (images, pod
        // sandboxes), `crictl stopp` (stop a pod sandbox), `pscale … undeploy`.
        "down", "halt", "undefine", "rmi", "rmp", "stopp", "undeploy", "nuke",
    ]

    /// Verbs that read what the words after them name.
    static let readingVerbs: Set<String> = ["describe", "show", "get", "list", "ls", "view", "read"]

    /// The destructive verb a command word is or begins with: `delete`, and `delete` in
    /// `az storage blob delete-batch` or `gcloud compute instances delete-access-config`, whose
    /// verbs carry a hyphenated qualifier. Only a leading verb counts, so that a resource named
    /// `rg-delete-me` stays a name.
    static func destructiveVerb(in word: String) -> String? {
        if destructiveVerbs.contains(word) { return word }
        guard let hyphen = word.utf8.firstIndex(of: UInt8(ascii: "-")) else { return nil }
        let head = String(word[..<hyphen])
        return destructiveVerbs.contains(head) ? head : nil
    }

    /// Global options whose value is a separate argument that could read as a command word
    /// (`gsutil -h "Content-Type:text/plain" rm …`: a request header).
    static let optionsWithValues: [String: Set<String>] = ["gsutil": ["-h", "-o", "-u", "-i"]]

    /// Tools whose command words are joined by another character: `virsh vol-delete`, `cf
    /// delete-space`, `rabbitmqctl delete_vhost`. Split there, the verb and its object are words
    /// of their own (`vol`, `delete`), as they are for the other tools.
    static let wordSeparators: [String: Unicode.Scalar] = ["virsh": "-", "cf": "-", "rabbitmqctl": "_"]

    /// What a deletion takes with it, read from the noun the verb acts on, so that the same act
    /// is the same fact by whichever door it comes: `gcloud projects delete`, `az group delete`
    /// and `eksctl delete cluster` tear an environment down as `aws cloudformation delete-stack`
    /// and `aws eks delete-cluster` do (`teardown`); `gcloud sql instances delete`, `az disk
    /// delete` or `gsutil rm` lose data as `rds:DeleteDBInstance` and `s3:DeleteObject` do.
    static func categories(tool: String, words: [String], verbAt index: Int) -> Set<Category> {
        let verb = words[index]
        // The object: the command word just before the verb (`gcloud container clusters delete`),
        // or the one after it when the verb comes first (`eksctl delete cluster`); the words
        // before it qualify it. Names and option values come later and are not read as nouns.
        let object = index > 0 ? words[index - 1] : words.count > 1 ? words[1] : nil
        let qualifiers = words[..<max(index - 1, 0)]
        var categories: Set<Category> = []
        if DeletedThings.deletionVerbs.contains(verb) {
            categories = DeletedThings.categories(object: object, qualifiers: qualifiers)
            if objectStores.contains(tool) { categories.insert(.dataLoss) }
            // `serverless remove`, `sam delete` and `cdktf destroy` delete the whole deployed stack.
            if index == 0, stackTools.contains(tool) { categories.insert(.teardown) }
        }
        if ["purge", "wipe", "truncate", "drop", "rb"].contains(verb) { categories.insert(.dataLoss) }
        if verb == "reset" { categories.formUnion(DeletedThings.categories(object: object, qualifiers: qualifiers).intersection([.dataLoss])) }
        // `vault secrets disable` revokes the engine's leases and deletes everything stored in it.
        if tool == "vault", verb == "disable", object == "secrets" { categories.insert(.dataLoss) }
        return categories
    }

    /// Subcommands that print a credential: access tokens, stored secrets. The index is the
    /// word the operation is named through.
    static func credentialIssue(tool: String, words: [String]) -> (Int, String)? {
        func at(_ word: String) -> Int? { words.firstIndex(of: word) }
        switch tool {
        case "gcloud":
            if let i = at("print-access-token") ?? at("print-identity-token") ?? at("print-refresh-token") { return (i, "an access token") }
            if words.first == "secrets", let i = at("access") { return (i, "a secret's value") }
        case "az":
            if let i = at("get-access-token") { return (i, "an access token") }
            if words.contains("keyvault"), words.contains("secret"), let i = at("show") ?? at("download") { return (i, "a Key Vault secret") }
            if let i = at("list-keys") ?? at("keys"), words.contains("storage") || words.contains("cosmosdb") || words.contains("redis") { return (i, "account keys") }
        case "heroku":
            if words.starts(with: ["auth", "token"]) { return (1, "the Heroku API token") }
            // `heroku config` and `config:get` (not `config:set`/`unset`; the app's name may follow).
            if words.first == "config", words.count == 1 || !["set", "unset", "add", "remove", "edit", "push"].contains(words[1]) {
                return (0, "the app's config vars, its secrets among them")
            }
        case "vault":
            if words.first == "read" { return (0, "a secret") }
            if words.first == "kv", words.count > 1, words[1] == "get" { return (1, "a secret") }
            if words.starts(with: ["token", "create"]) { return (1, "a new Vault token") }
        case "doctl":
            if words.starts(with: ["kubernetes", "cluster", "kubeconfig", "show"]) { return (3, "the cluster's kubeconfig and its token") }
        case "firebase":
            if let i = at("login:ci") ?? at("ci") { return (i, "a CI token") }
        default:
            break
        }
        return nil
    }

    /// Tools whose deletions are always of stored objects.
    static let objectStores: Set<String> = ["gsutil", "s3cmd", "rclone", "bq", "etcdctl", "influx"]

    /// Tools whose first-word deletion removes the whole stack they deployed.
    static let stackTools: Set<String> = ["serverless", "sls", "sam", "cdktf"]

    static func classify(_ invocation: InfrastructureInvocation) -> [Finding]? {
        let tool = invocation.tool
        guard tools.contains(tool) || remoteShellTools.contains(tool) else { return nil }
        if let remote = remoteCommand(invocation) { return remote }
        guard tools.contains(tool) else { return nil }
        if let query = BigQueryCommand.query(invocation) { return query }
        if let query = D1Command.execute(invocation) { return query }
        // Command words: before `--` (what follows is a command for somewhere else), not options.
        var words: [String] = []
        var zeroValue = false
        let valued = optionsWithValues[tool] ?? []
        var skipValue = false
        for argument in invocation.arguments {
            if skipValue {
                skipValue = false
                continue
            }
            guard let argument else { continue }
            if argument == "--" { break }
            if valued.contains(argument) {
                skipValue = true
                continue
            }
            if argument == "0" || argument.hasSuffix("=0") { zeroValue = true }
            if argument.hasPrefix(ascii: "-") { continue }
            let separated = argument.lowercased().pieces(between: ":")
            if let separator = wordSeparators[tool] {
                for piece in separated { words.append(contentsOf: piece.pieces(between: separator).map(String.init)) }
            } else {
                words.append(contentsOf: separated.map(String.init))
            }
        }
        if let (index, what) = credentialIssue(tool: tool, words: words) {
            return [Finding(operation: operation(through: index), effect: .read, targetsComplete: false, categories: [.credentialIssue],
                            reason: "`\(tool) \(words[...index].joined(separator: " "))` prints \(what) to the agent")]
        }
        // The operation names the command words up to the verb (`gcloud:compute:instances:delete`),
        // not the names and values after it, so that a policy can match it.
        func operation(through index: Int) -> String { "\(tool):" + words[...index].suffix(4).joined(separator: ":") }
        // Words after a reading verb are the names it reads (`gcloud compute instances describe
        // stop-server`, `az group show -n delete-me`), not verbs: such a command stays unknown
        // rather than destructive, never a read (the command tree is not modelled).
        let commandWords = words.prefix { !readingVerbs.contains($0) }
        if let index = commandWords.firstIndex(where: { destructiveVerb(in: $0) != nil }) {
            var verbs = words
            verbs[index] = destructiveVerb(in: words[index])!
            return [Finding(operation: operation(through: index), effect: .destructive, targetsComplete: false, blastRadius: .unknown,
                            categories: categories(tool: tool, words: verbs, verbAt: index),
                            reason: "`\(tool) … \(words[index])` deletes, stops or resets what it names")]
        }
        if zeroValue, let index = words.firstIndex(where: { $0 == "scale" || $0 == "resize" }) {
            return [Finding(operation: operation(through: index), effect: .destructive, targetsComplete: false, blastRadius: .unknown,
                            reason: "`\(tool) … \(words[index])` to zero stops everything it runs")]
        }
        // Copies that delete at the destination what the source lacks.
        let flags = Set(invocation.arguments.compactMap { $0 }.filter { $0.hasPrefix(ascii: "-") })
        let mirrorsWithDeletion = (tool == "rclone" && words.first == "sync")
            || (tool == "gsutil" && words.contains("rsync") && (flags.contains("-d") || flags.contains("--delete-unmatched-destination-objects")))
            || (tool == "s3cmd" && words.first == "sync" && flags.contains("--delete-removed"))
        if mirrorsWithDeletion, let verb = words.first {
            return [Finding(operation: "\(tool):\(verb)", effect: .destructive, targetsComplete: false, blastRadius: .unknown, categories: [.dataLoss],
                            reason: "`\(tool) \(verb)` makes the destination match the source, deleting what the source lacks")]
        }
        return nil
    }

    /// Tools whose subcommands run a command line on a machine or container of theirs.
    static let remoteShellTools: Set<String> = ["gcloud", "heroku", "fly", "flyctl", "az", "doctl"]

    /// A command line a cloud CLI runs remotely, classified as that command line, as `ssh HOST
    /// CMD` is: `gcloud compute ssh VM --command CMD` (or `-- CMD`), `heroku run CMD` (a one-off
    /// dyno with the app's config, its database URL among it), `fly ssh console -C CMD`, `az vm
    /// run-command invoke --scripts …`, `az aks command invoke --command CMD`, `doctl compute ssh
    /// --ssh-command CMD`. Words after `--` are joined with spaces, as ssh joins them for the
    /// remote shell to read again. An interactive session, or a command computed at run time, is
    /// `unknown`: whatever is typed there runs.
    static func remoteCommand(_ invocation: InfrastructureInvocation) -> [Finding]? {
        let tool = invocation.tool
        let arguments = invocation.arguments
        let words = arguments.prefix { $0 != "--" }.compactMap { $0 }.filter { !$0.hasPrefix(ascii: "-") }.map { $0.lowercased() }
        func value(_ names: String...) -> String?? {
            for (index, argument) in arguments.enumerated() {
                guard let argument else { continue }
                for name in names {
                    if argument == name { return index + 1 < arguments.count ? .some(arguments[index + 1]) : .some(nil) }
                    if argument.hasPrefix(name + "=") { return .some(String(argument.dropFirst(name.count + 1))) }
                }
            }
            return .none
        }
        var place: String
        var command: String??
        switch tool {
        case "gcloud" where words.contains("ssh"):
            place = "on the VM over SSH"
            if let given = value("--command") {
                command = given
            } else if let dashes = arguments.firstIndex(of: "--") {
                let rest = arguments[(dashes + 1)...]
                command = rest.contains(where: { $0 == nil }) ? .some(nil) : rest.isEmpty ? .none : .some(rest.compactMap { $0 }.joined(separator: " "))
            }
        case "heroku" where words.first.map { $0 == "run" || $0.hasPrefix("run:") } == true:
            place = "in a one-off dyno with the app's config (its database URL among it)"
            // The command: the words after `run`, less heroku's own options and their values.
            let valued: Set<String> = ["-a", "--app", "-r", "--remote", "-s", "--size", "-e", "--env", "--type"]
            var parts: [String] = []
            var computed = false
            var index = (arguments.firstIndex { $0?.lowercased().hasPrefix("run") == true } ?? arguments.count) + 1
            while index < arguments.count {
                defer { index += 1 }
                guard let argument = arguments[index] else { computed = true; continue }
                if argument == "--" { continue }
                if valued.contains(argument) { index += 1; continue }
                if valued.contains(where: { argument.hasPrefix($0 + "=") }) || ["-x", "--exit-code", "--no-tty", "--no-notify"].contains(argument) { continue }
                parts.append(argument)
            }
            command = computed ? .some(nil) : parts.isEmpty ? .none : .some(parts.joined(separator: " "))
        case "fly" where words.starts(with: ["ssh", "console"]), "flyctl" where words.starts(with: ["ssh", "console"]):
            place = "in the app's machine over SSH"
            command = value("-C", "--command")
        case "az" where words.starts(with: ["vm", "run-command"]) && (words.contains("invoke") || words.contains("create")):
            place = "on the VM as root (Run Command)"
            // `--scripts` takes every word up to the next option.
            if let start = arguments.firstIndex(of: "--scripts") {
                let rest = arguments[(start + 1)...].prefix { $0?.hasPrefix(ascii: "-") != true }
                command = rest.contains(where: { $0 == nil }) ? .some(nil) : .some(rest.compactMap { $0 }.joined(separator: "\n"))
            } else {
                command = .some(nil)
            }
        case "az" where words.starts(with: ["aks", "command", "invoke"]):
            // `kubectl …` and the like, run inside the cluster's network with its admin credentials.
            place = "against the AKS cluster (`aks command invoke`)"
            command = value("--command", "-c")
        case "doctl" where words.starts(with: ["compute", "ssh"]):
            place = "on the droplet over SSH"
            command = value("--ssh-command")
        default:
            return nil
        }
        let operation = "\(tool):remote_command"
        guard case .some(let given) = command else {
            return [Finding(operation: operation, effect: .unknown, targetsComplete: false, blastRadius: .unknown, categories: [.opaqueExecution],
                            reason: "`\(tool)` opens an interactive session \(place): whatever is typed there runs")]
        }
        guard let commandLine = given else {
            return [Finding(operation: operation, effect: .unknown, targetsComplete: false, blastRadius: .unknown, categories: [.opaqueExecution],
                            reason: "`\(tool)` runs a command computed at run time \(place)")]
        }
        // A remote machine: nothing of this disk is known there.
        let facts = ShellClassifier().classify(commandLineElsewhere: commandLine)
        return [Finding(operation: operation, effect: facts.effect, targetsComplete: false, blastRadius: .unknown, categories: facts.categories,
                        reason: "`\(tool)` runs `\(commandLine)` \(place)")] + facts.findings
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
        let name = module.pieces(between: ".").last.map(String.init) ?? module
        switch name {
        case "ping", "setup", "gather_facts":
            return [Finding(operation: "ansible:\(name)", effect: .read, targetsComplete: false, blastRadius: .unknown, reason: "`ansible -m \(name)` only reads")]
        case "command", "shell", "raw":
            guard case .some(.some(let commandLine)) = moduleArguments else {
                return [Finding(operation: "ansible:\(name)", effect: .unknown, targetsComplete: false, blastRadius: .unknown, categories: [.opaqueExecution],
                                reason: "`ansible -m \(name)` runs a command computed at run time on every host it matches")]
            }
            // Remote machines: nothing of this disk is known there.
            let facts = ShellClassifier().classify(commandLineElsewhere: commandLine)
            return [Finding(operation: "ansible:\(name)", effect: facts.effect, targetsComplete: false, blastRadius: .unknown, categories: facts.categories,
                            reason: "`ansible -m \(name)` runs `\(commandLine)` on every host the pattern matches")] + facts.findings
        default:
            return nil
        }
    }
}

/// `bq query 'SQL'`: the statement BigQuery runs, classified as SQL (backquoted names and `#`
/// comments, as MySQL writes them), and where its results go: `--destination_table` writes a
/// table, and with `--replace` empties it first. `--dry_run` only validates the query.
enum BigQueryCommand {
    /// bq's flags that take their value as the next word when not written `--flag=value`.
    static let valued: Set<String> = [
        "--destination_table", "--parameter", "--project_id", "--dataset_id", "--location", "--max_rows", "-n", "--format", "--job_id",
        "--label", "--maximum_bytes_billed", "--schedule", "--display_name", "--target_dataset", "--time_partitioning_field",
        "--time_partitioning_type", "--clustering_fields", "--external_table_definition", "--udf_resource", "--destination_kms_key",
        "--range_partitioning", "--connection_property", "--destination_schema", "--api", "--apilog", "--job_timeout_ms", "--reservation_id",
    ]

    static func query(_ invocation: InfrastructureInvocation) -> [Finding]? {
        guard invocation.tool == "bq" else { return nil }
        let arguments = invocation.arguments
        var index = 0
        var verb: String?
        var flags: [String] = []
        var destination: String?
        var operands: [String?] = []
        while index < arguments.count {
            defer { index += 1 }
            guard let argument = arguments[index] else {
                if verb != nil { operands.append(nil) }
                continue
            }
            if argument.hasPrefix(ascii: "-") {
                let name = String(argument.prefix { $0 != "=" })
                flags.append(name)
                var value: String?
                if argument.contains("=") {
                    value = String(argument.drop { $0 != "=" }.dropFirst())
                } else if valued.contains(name), index + 1 < arguments.count {
                    index += 1
                    value = arguments[index]
                }
                if name == "--destination_table" { destination = value }
                continue
            }
            if verb == nil { verb = argument; continue }
            operands.append(argument)
        }
        guard verb == "query" else { return nil }
        let flagSet = Set(flags)
        if flagSet.contains("--dry_run") {
            return [Finding(operation: "bq:query:dry_run", effect: .read, targetsComplete: false, reason: "`bq query --dry_run` only validates the query")]
        }
        guard !operands.isEmpty else {
            return [Finding(operation: "bq:query", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                            reason: "`bq query` without a query reads it from its input")]
        }
        guard operands.allSatisfy({ $0 != nil }) else {
            return [Finding(operation: "bq:query", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                            reason: "`bq query` runs SQL computed at run time")]
        }
        let text = operands.compactMap { $0 }.joined(separator: " ")
        var findings = SQLClassifier.findings(for: text, dialect: .mysql).findings
        if let destination {
            let replaces = flagSet.contains("--replace")
            findings.append(Finding(operation: "bq:query:destination", effect: replaces ? .destructive : .write, targets: [destination],
                                    categories: replaces ? [.dataLoss] : [],
                                    reason: replaces ? "`bq query --replace` empties `\(destination)` and fills it with the results"
                                                     : "`bq query --destination_table` writes the results into `\(destination)`"))
        }
        return findings
    }
}

/// Cloudflare D1 through wrangler: `wrangler d1 execute DB --command SQL` runs SQLite's SQL on
/// the database (`--remote`, the deployed one; otherwise the local copy). The SQL is read as
/// SQL is; SQL from a file (`--file`) is not read here and stays unknown.
enum D1Command {
    static func execute(_ invocation: InfrastructureInvocation) -> [Finding]? {
        let arguments = invocation.arguments
        guard invocation.tool == "wrangler", arguments.count > 1, arguments[0] == "d1", arguments[1] == "execute" else { return nil }
        var commands: [String?] = []
        var index = 2
        while index < arguments.count {
            defer { index += 1 }
            guard let argument = arguments[index] else { continue }
            if argument == "--command", index + 1 < arguments.count {
                index += 1
                commands.append(arguments[index])
            } else if argument.hasPrefix("--command=") {
                commands.append(String(argument.dropFirst("--command=".count)))
            }
        }
        guard !commands.isEmpty else { return nil }
        guard commands.allSatisfy({ $0 != nil }) else {
            return [Finding(operation: "wrangler:d1:execute", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                            reason: "`wrangler d1 execute --command` runs SQL computed at run time")]
        }
        return commands.compactMap { $0 }.flatMap { SQLClassifier.findings(for: $0, dialect: .sqlite).findings }
    }
}

/// Tools that delete everything in a cloud account their filters do not spare: `aws-nuke` (and
/// its `azure-nuke`, `gcp-nuke` siblings) and gruntwork's `cloud-nuke`. Each has a dry run that
/// only lists what would go; anything else is an account torn down.
enum AccountNukeCommand {
    static let tools: Set<String> = ["aws-nuke", "azure-nuke", "gcp-nuke", "cloud-nuke"]

    static func classify(_ invocation: InfrastructureInvocation) -> [Finding]? {
        guard tools.contains(invocation.tool) else { return nil }
        let tool = invocation.tool
        // A computed argument could be the flag that turns the dry run off, or on.
        if invocation.arguments.contains(where: { $0 == nil }) {
            return [Finding(operation: "\(tool):dynamic", effect: .unknown, targetsComplete: false, blastRadius: .unknown,
                            reason: "`\(tool)` with arguments computed at run time may delete every resource of an account")]
        }
        let words = invocation.arguments.compactMap { $0 }
        let flags = Set(words.filter { $0.hasPrefix(ascii: "-") }.map { String($0.prefix { $0 != "=" }) })
        let verbs = words.filter { !$0.hasPrefix(ascii: "-") }
        func read(_ reason: String) -> [Finding] {
            [Finding(operation: "\(tool):dry_run", effect: .read, targetsComplete: false, reason: reason)]
        }
        let deletes: Bool
        if tool == "cloud-nuke" {
            // `cloud-nuke aws|gcp|defaults-aws` delete unless `--dry-run`; `inspect-aws` only lists.
            guard let verb = verbs.first else { return nil }
            if verb.hasPrefix("inspect-") { return read("`cloud-nuke \(verb)` lists resources") }
            guard ["aws", "gcp", "defaults-aws"].contains(verb) else { return nil }
            deletes = !flags.contains("--dry-run")
        } else {
            // aws-nuke's run is a dry run unless `--no-dry-run` is given (`aws-nuke run` in v3,
            // the bare command before it, whose first operand may be an option's value).
            if let verb = verbs.first, ["version", "resource-types", "explain-account", "explain-config", "help", "completion"].contains(verb) {
                return read("`\(tool) \(verb)` only prints")
            }
            deletes = flags.contains("--no-dry-run")
        }
        guard deletes else { return read("`\(tool)` without its deleting flag only lists what it would delete") }
        return [Finding(operation: "\(tool):nuke", effect: .destructive, targetsComplete: false, blastRadius: .unknown, categories: [.teardown, .dataLoss],
                        reason: "`\(tool)` deletes every resource of the account that its configuration does not exclude")]
    }
}

/// Kafka's administration scripts, whose verbs are options: `kafka-topics --delete --topic x`.
enum KafkaAdminCommand {
    static let tools: Set<String> = [
        "kafka-topics", "kafka-topics.sh", "kafka-consumer-groups", "kafka-consumer-groups.sh", "kafka-configs", "kafka-configs.sh",
        "kafka-acls", "kafka-acls.sh", "kafka-delete-records", "kafka-delete-records.sh",
    ]

    static func classify(_ invocation: InfrastructureInvocation) -> [Finding]? {
        guard tools.contains(invocation.tool) else { return nil }
        let tool = invocation.tool.hasSuffix(".sh") ? String(invocation.tool.dropLast(3)) : invocation.tool
        let words = invocation.arguments.compactMap { $0 }
        let flags = Set(words.filter { $0.hasPrefix("--") }.map { String($0.prefix { $0 != "=" }) })
        let topic = invocation.option("--topic", "--group", "--entity-name").map { [$0] } ?? []
        func finding(_ effect: Effect, _ suffix: String, _ reason: String, categories: Set<Category> = []) -> [Finding] {
            // kafka-topics reads `--topic` as a regular expression (`orders.v1` also matches
            // `ordersXv1`), so what it names is never a complete list.
            [Finding(operation: "\(tool):\(suffix)", effect: effect, targets: topic, targetsComplete: effect == .read || !topic.isEmpty && tool != "kafka-topics",
                     categories: categories, reason: reason)]
        }
        // A computed argument could be any verb.
        if invocation.arguments.contains(where: { $0 == nil }) {
            return [Finding(operation: "\(tool):dynamic", effect: .unknown, targetsComplete: false, reason: "`\(tool)` with arguments computed at run time")]
        }
        if tool == "kafka-delete-records" {
            return finding(.destructive, "delete_records", "`kafka-delete-records` deletes messages from partitions", categories: [.dataLoss])
        }
        if tool == "kafka-acls" {
            if flags.contains("--list") { return finding(.read, "list", "`kafka-acls --list` only reads") }
            return finding(.destructive, "acl_change", "`kafka-acls` changes who may do what on the cluster", categories: [.permissionChange])
        }
        if flags.contains("--delete") {
            return finding(.destructive, "delete", "`\(tool) --delete` deletes \(topic.isEmpty ? "what it matches" : topic.joined(separator: ", "))", categories: [.dataLoss])
        }
        if tool == "kafka-consumer-groups", flags.contains("--reset-offsets") {
            if flags.contains("--execute") {
                return finding(.destructive, "reset_offsets", "`kafka-consumer-groups --reset-offsets --execute` moves where consumers read from, skipping or replaying messages")
            }
            return finding(.read, "reset_offsets_plan", "`--reset-offsets` without `--execute` only prints the plan")
        }
        if tool == "kafka-configs", flags.contains("--alter") {
            // `retention.ms` lowered deletes older messages on the broker's next pass.
            if words.contains(where: { $0.contains("retention.ms") || $0.contains("retention.bytes") }) {
                return finding(.destructive, "alter_retention", "`kafka-configs --alter` of retention deletes messages older or larger than the new limit", categories: [.dataLoss])
            }
            return finding(.write, "alter", "`kafka-configs --alter` changes configuration")
        }
        if flags.contains("--list") || flags.contains("--describe") || flags.contains("--version") || flags.contains("--help") {
            return finding(.read, "describe", "`\(tool)` lists or describes")
        }
        if flags.contains("--create") || flags.contains("--alter") {
            return finding(.write, flags.contains("--create") ? "create" : "alter", "`\(tool)` creates or changes topics")
        }
        return [Finding(operation: "\(tool):unclassified", effect: .unknown, targetsComplete: false, reason: "`\(tool)` without an action this reads")]
    }
}
