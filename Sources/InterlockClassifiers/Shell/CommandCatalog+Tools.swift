import InterlockCore
import InterlockSyntax

/// Containers, package managers and database clients.
extension ShellAnalysis {
    // MARK: Containers

    mutating func classifyContainerCLI(_ name: String, _ args: [Argument], stdin: StandardInput = .inherited) {
        // Global options come before the subcommand.
        let options = CommandOptions(args, valued: ["-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey", "--url", "--connection", "--root", "--runroot", "--storage-driver", "--namespace", "-n", "--address", "-a"], stopAtOperand: true)
        let words = options.operands.map(\.value)
        guard let sub = words.first ?? nil else {
            add("shell:\(name)", .read, "prints usage")
            return
        }
        let rest = Array(options.operands.dropFirst())
        let op = "shell:\(name):\(sub)"
        let object = rest.first?.value ?? ""
        switch sub {
        case "compose":
            classifyCompose(name + " compose", rest)
        case "rm", "rmi", "kill", "stop":
            let targets = CommandOptions(rest, valued: ["-s", "--signal", "-t", "--time"]).operands
            add(op, .destructive, names: targets, categories: sub == "rm" || sub == "rmi" ? [.dataLoss] : [], "`\(name) \(sub)` removes or stops \(Self.list(targets))")
        case "container", "image", "volume", "network", "system", "builder", "buildx", "secret", "config", "service", "stack", "node", "plugin", "context", "swarm", "pod", "machine", "manifest":
            let verb = object
            let targets = CommandOptions(Array(rest.dropFirst()), valued: ["-f", "--filter", "--format"]).operands
            if ["rm", "remove", "prune", "kill", "stop", "leave", "destroy", "reset", "rmi", "delete"].contains(verb) {
                // The same act as its short spelling (`docker container rm` is `docker rm`), and as
                // its Kubernetes counterpart: a removed stack is every service it deployed.
                var categories: Set<Category> = []
                if ["volume", "system", "secret"].contains(sub) || ["container", "image"].contains(sub) && ["rm", "remove", "rmi", "delete", "prune"].contains(verb) {
                    categories.insert(.dataLoss)
                }
                if sub == "stack", ["rm", "remove", "delete", "destroy"].contains(verb) { categories.insert(.teardown) }
                add("shell:\(name):\(sub):\(verb)", .destructive, names: targets, blastRadius: verb == "prune" ? .unknown : nil, categories: categories,
                    "`\(name) \(sub) \(verb)` removes \(verb == "prune" ? "every unused \(sub == "system" ? "container, image, network and volume" : sub)" : Self.list(targets))")
            } else if ["ls", "list", "inspect", "df", "info", "events", "ps", "logs", "history", "top", "port", "diff", "stats", "show", "exists"].contains(verb) {
                add("shell:\(name)", .read, "`\(name) \(sub) \(verb)` only reads")
            } else if verb == "exec" || verb == "run" {
                classifyContainerCLI(name, [.known(verb)] + Array(rest.dropFirst()), stdin: stdin)
            } else if sub == "service", verb == "scale" || verb == "update", Self.scalesServiceToZero(verb, Array(rest.dropFirst())) {
                add("shell:\(name):service:scale_to_zero", .destructive, names: targets, "`\(name) service \(verb)` sets a service's replicas to 0, which stops every task")
            } else {
                add("shell:\(name):\(sub):\(verb)", .write, names: targets, "`\(name) \(sub) \(verb)` changes container state")
            }
        case "exec":
            let execOptions = CommandOptions(rest, valued: ["-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--detach-keys"], stopAtOperand: true)
            guard execOptions.operands.count >= 2 else {
                unknown(op, "`\(name) exec` without a command")
                return
            }
            let container = execOptions.operands[0]
            let command = Array(execOptions.operands.dropFirst())
            environmentFacts.add(.host, container.text)
            // With `-i`, what is piped in reaches the command (`echo … | docker exec -i c sh`).
            let input = execOptions.has("-i", "--interactive") ? Self.fixedText(stdin) : nil
            elsewhere { $0.run(command, stdin: input.map { .text($0) } ?? .inherited) }
        case "run", "create":
            add(op, .write, "`\(name) \(sub)` creates a container")
            let runOptions = CommandOptions(rest, valued: [
                "-e", "--env", "-v", "--volume", "-p", "--publish", "--name", "-w", "--workdir", "-u", "--user", "--entrypoint", "--network", "--net",
                "-m", "--memory", "--cpus", "--env-file", "--mount", "-h", "--hostname", "--label", "-l", "--restart", "--platform", "--pull", "--add-host",
                "--device", "--cap-add", "--cap-drop", "--security-opt", "--ulimit", "--log-driver", "--log-opt", "--tmpfs", "--shm-size", "--gpus", "--ipc", "--pid", "--dns",
            ], stopAtOperand: true)
            if runOptions.has("--privileged") || runOptions.allValues("-v", "--volume").contains(where: { $0.hasPrefix("/:") || $0.hasPrefix("/var/run/docker.sock") }) {
                add(op, .unknown, categories: [.opaqueExecution], "`\(name) \(sub)` gives the container the host (privileged, or the host's root or docker socket mounted)")
            }
            if runOptions.operands.count >= 2 {
                elsewhere { $0.run(Array(runOptions.operands.dropFirst()), stdin: .inherited) }
            }
        case "ps", "images", "logs", "inspect", "version", "info", "stats", "top", "port", "diff", "history", "events", "search":
            add("shell:\(name)", .read, "`\(name) \(sub)` only reads")
        case "cp":
            // `cp CONTAINER:SRC DEST` writes DEST on this machine; `cp SRC CONTAINER:DEST` writes in the container.
            let paths = CommandOptions(rest).operands
            if paths.count == 2, let destination = paths[1].value, !destination.contains(":") {
                // What comes out of the container is the agent's to read: its credentials too.
                noteCredentialReads([paths[0]], by: "\(name) cp")
                classifyWrite(to: paths[1], truncates: true, by: "`\(name) cp`", operation: op)
            } else {
                add(op, .write, names: Array(paths.suffix(1)), "`\(name) cp` copies files into a container")
            }
        case "save", "export":
            if let file = CommandOptions(rest, valued: ["-o", "--output"]).value("-o", "--output") {
                classifyWrite(to: .known(file), truncates: true, by: "`\(name) \(sub) -o`", operation: op)
            } else {
                add(op, .read, "`\(name) \(sub)` writes the archive to standard output")
            }
        case "attach":
            unknown(op, "`\(name) attach` connects to a container's input, where whatever is typed or piped runs", opaque: true)
        case "build", "push", "pull", "tag", "start", "restart", "pause", "unpause", "update", "rename", "commit", "load", "import", "wait",
             "login", "logout", "checkpoint", "trust", "scout", "init", "generate", "healthcheck", "mount", "umount":
            add(op, .write, "`\(name) \(sub)` changes images, containers or stored credentials")
        default:
            // Anything else is a CLI plugin or a command this catalog does not know.
            unknown(op, "`\(name) \(sub)` is not a \(name) command this catalog knows (a plugin, perhaps); its effect is unknown")
        }
    }

    mutating func classifyCompose(_ name: String, _ args: [Argument]) {
        let options = CommandOptions(args, valued: ["-f", "--file", "-p", "--project-name", "--project-directory", "--profile", "--env-file", "--ansi", "--parallel", "--progress"], stopAtOperand: true)
        guard let verb = options.operands.first?.value else {
            add("shell:compose", .read, "prints usage")
            return
        }
        let rest = CommandOptions(Array(options.operands.dropFirst()), valued: ["-t", "--timeout", "--rmi"])
        switch verb {
        case "down":
            let volumes = rest.has("-v", "--volumes")
            add("shell:compose:down", .destructive, blastRadius: .unknown, categories: volumes ? [.teardown, .dataLoss] : [.teardown],
                "`\(name) down` removes the project's containers and networks\(volumes ? " and its volumes, with their data" : "")")
        case "rm", "kill", "stop":
            add("shell:compose:\(verb)", .destructive, names: rest.operands, categories: rest.has("-v", "--volumes") ? [.dataLoss] : [], "`\(name) \(verb)` stops or removes services")
        case "up" where rest.has("-V", "--renew-anon-volumes"), "create" where rest.has("-V", "--renew-anon-volumes"):
            add("shell:compose:\(verb)", .destructive, categories: [.dataLoss], "`\(name) \(verb) --renew-anon-volumes` recreates the services' anonymous volumes empty")
        case "up" where rest.has("--remove-orphans"):
            // Orphans are the project's containers whose services the file no longer names: which
            // ones depends on what is running, not on the line.
            add("shell:compose:up_remove_orphans", .destructive, blastRadius: .unknown,
                "`\(name) up --remove-orphans` stops and removes the project's running containers that the compose file no longer names")
        case "ps", "logs", "config", "top", "images", "ls", "port", "version", "events":
            add("shell:compose", .read, "`\(name) \(verb)` only reads")
        case "exec", "run":
            let execOptions = CommandOptions(Array(options.operands.dropFirst()), valued: ["-e", "--env", "-u", "--user", "-w", "--workdir", "--index", "--name", "-p", "--publish", "-v", "--volume", "--entrypoint", "-l", "--label"], stopAtOperand: true)
            if verb == "run" { add("shell:compose:run", .write, "`\(name) run` starts a one-off container") }
            if execOptions.operands.count >= 2 {
                elsewhere { $0.run(Array(execOptions.operands.dropFirst()), stdin: .inherited) }
            } else if verb == "exec" {
                unknown("shell:compose:exec", "`\(name) exec` without a command")
            }
        default:
            add("shell:compose:\(verb)", .write, "`\(name) \(verb)` changes the project's containers")
        }
    }

    /// `docker service scale web=0` or `docker service update --replicas 0 web`.
    static func scalesServiceToZero(_ verb: String, _ args: [Argument]) -> Bool {
        if verb == "scale" {
            return args.contains { argument in
                guard let text = argument.value, let equals = text.lastIndex(of: "=") else { return false }
                return Int(text[text.index(after: equals)...]) == 0
            }
        }
        let options = CommandOptions(args, valued: ["--replicas", "--image", "--env-add", "--label-add", "--constraint-add", "--publish-add", "--mount-add", "--network-add", "--secret-add", "--config-add", "--limit-cpu", "--limit-memory", "--reserve-cpu", "--reserve-memory", "--update-parallelism", "--update-delay", "--rollback-parallelism", "--args", "--entrypoint", "--user", "-u", "--workdir", "-w", "--hostname", "--replicas-max-per-node"])
        return options.value("--replicas").flatMap { Int($0) } == 0
    }

    // MARK: Network interfaces and routes

    /// `ip OBJECT COMMAND` and `ifconfig`: showing reads; adding writes; deleting, flushing and
    /// taking an interface down cut the machine off, destructive.
    mutating func classifyNetworkInterfaces(_ name: String, _ args: [Argument], stdin: StandardInput) {
        let op = "shell:" + name
        let operands = args.filter { $0.value.map { !$0.hasPrefix(ascii: "-") } ?? true }
        switch name {
        case "ifdown":
            add(op, .destructive, names: operands, "`ifdown` takes \(Self.list(operands)) down")
            return
        case "ifup":
            add(op, .write, names: operands, "`ifup` brings \(Self.list(operands)) up")
            return
        case "route":
            // `route` and `route -n` show the table; `del` removes a route (the default one cuts
            // the machine off), `add` adds one.
            if operands.contains(where: { $0.value == "del" || $0.value == "delete" || $0.value == "flush" }) {
                add(op, .destructive, "`route del` removes a route")
            } else if operands.contains(where: { $0.value == "add" || $0.value == "change" }) {
                add(op, .write, "`route add` changes the routing table")
            } else if operands.allSatisfy({ $0.value != nil }) {
                add(op, .read, "`route` shows the routing table")
            } else {
                unknown(op, "a `route` argument is computed at run time")
            }
            return
        case "nmcli":
            // Turning networking or radios off, taking a connection or device down, deleting
            // one: the machine may be cut off. Showing and status read; the rest changes settings.
            // nmcli takes any prefix of a command (`nmcli c dow prod`): after the object, a word
            // that begins one of the cutting commands counts as it.
            let words = operands.map { $0.value?.lowercased() }
            let cutting = ["off", "down", "delete", "disconnect"]
            if words.contains(nil) {
                unknown(op, "an `nmcli` argument is computed at run time")
            } else if words.dropFirst().contains(where: { word in cutting.contains { $0.hasPrefix(word!) } }) {
                add(op, .destructive, "`nmcli` turns networking off, takes a connection or device down, or deletes one")
            } else if words.isEmpty || words == ["general"] || words.count == 2 && ["show", "status", "list", "monitor", "help", "connectivity", "permissions"].contains(words[1]!) {
                add(op, .read, "`nmcli` shows network state")
            } else {
                add(op, .write, "`nmcli` changes network settings")
            }
            return
        default:
            break
        }
        if name == "ifconfig" {
            if operands.count <= 1 {
                add(op, .read, "`ifconfig` shows interfaces")
            } else if operands.contains(where: { $0.value == "down" }) {
                add(op, .destructive, targets: [], "`ifconfig \(operands[0].text) down` takes the interface down")
            } else {
                add(op, .write, "`ifconfig` changes an interface's configuration")
            }
            return
        }
        // Global options first; `-b FILE` and `-batch` run commands from a file.
        var index = 0
        while index < args.count, let text = args[index].value, text.hasPrefix(ascii: "-") {
            if ["-b", "-batch", "--batch"].contains(text) {
                unknown(op, "`ip -batch` runs the commands a file holds", opaque: true)
                return
            }
            index += ["-n", "-netns", "--netns", "-f", "-family", "--family", "-l", "-loops", "-rc", "-rcvbuf"].contains(text) ? 2 : 1
        }
        // An option that takes a value may end the line without one (`ip -n`).
        index = min(index, args.count)
        let words = args[index...].map { $0.value }
        guard let object = words.first else {
            add(op, .read, "`ip` without an object prints usage")
            return
        }
        guard let object else {
            unknown(op, "the `ip` object is computed at run time")
            return
        }
        let command = words.count > 1 ? words[1] : "show"
        guard let command else {
            unknown(op, "the `ip \(object)` command is computed at run time")
            return
        }
        if object == "netns", command == "exec", args.count > index + 3 {
            // `ip netns exec NAME CMD …` runs CMD in the namespace.
            run(Array(args[(index + 3)...]), stdin: stdin)
            return
        }
        if object.hasPrefix("mo") {
            add(op, .read, "`ip monitor` watches for changes")
            return
        }
        let rest = words.dropFirst(2).compactMap { $0 }
        switch command {
        case "show", "sh", "s", "list", "ls", "lst", "l", "get", "g", "help", "showdump":
            add(op, .read, "`ip \(object) \(command)` only reads")
        case "del", "delete", "d", "flush", "f":
            add(op, .destructive, "`ip \(object) \(command)` removes addresses, routes or links, which can cut the machine off")
        case "set":
            if rest.contains("down") {
                add(op, .destructive, "`ip \(object) set … down` takes an interface down")
            } else {
                add(op, .write, "`ip \(object) set` changes an interface")
            }
        case "add", "a", "append", "change", "chg", "replace", "prepend", "save", "restore", "attach", "detach", "up":
            add(op, .write, "`ip \(object) \(command)` changes network configuration")
        default:
            unknown(op, "`ip \(object) \(command)` is not classified")
        }
    }

    // MARK: Package managers

    static let packageRemoveVerbs: Set<String> = ["remove", "purge", "autoremove", "autopurge", "erase", "uninstall", "un", "rm", "r", "del", "unlink"]

    static let packageReadVerbs: Set<String> = ["list", "ls", "la", "ll", "show", "search", "info", "policy", "depends", "rdepends", "view", "outdated", "freeze",
                                                "check", "doctor", "why", "explain", "audit", "help", "config", "env", "version", "vet", "madison", "showpkg", "query", "q", "provides", "whoowns", "deps", "tree", "home", "bugs", "docs", "leaves", "uses", "desc", "--version"]

    mutating func classifyPackageManager(_ name: String, _ args: [Argument], stdin: StandardInput) {
        var arguments = args
        if name == "uv" || name == "pipx" {
            if arguments.first?.value == "pip" { arguments.removeFirst() }
        }
        let options = CommandOptions(arguments, valued: ["-o", "--option", "-c", "--config", "-t", "--target-release", "--root", "-r", "--requirement", "-e", "--editable", "-i", "--index-url", "--prefix", "-C", "--cwd", "--registry", "-w", "--workspace", "--filter", "-F"], stopAtOperand: name != "dpkg" && name != "pacman")
        let op = "shell:\(name)"
        let texts = options.operands.compactMap(\.value)
        let verb = texts.first ?? ""
        let packages = Array(options.operands.dropFirst())
        if name == "dpkg" {
            if options.has("-r", "--remove", "-P", "--purge") {
                add(op + ":remove", .destructive, names: options.operands, "`dpkg` removes packages \(Self.list(options.operands))")
            } else if options.has("-i", "--install", "--configure", "--unpack") {
                add(op + ":install", .write, names: options.operands, "`dpkg` installs packages")
            } else {
                add(op, .read, "`dpkg` queries packages")
            }
            return
        }
        if name == "pacman" {
            if options.flags.contains(where: { $0 == "-R" || $0 == "--remove" }) {
                add(op + ":remove", .destructive, names: options.operands, "`pacman -R` removes packages")
            } else if options.has("-Q", "--query", "-F", "--files", "-Ss", "-Si") || (options.has("-S") && options.has("-s", "-i")) {
                add(op, .read, "`pacman` queries packages")
            } else {
                add(op + ":install", .write, names: options.operands, "`pacman` installs or upgrades packages")
            }
            return
        }
        if name == "go" {
            switch verb {
            case "build", "install", "get", "mod", "clean", "work": add(op + ":" + verb, .write, "`go \(verb)` writes modules or build products")
            case "version", "env", "list", "vet", "doc": add(op, .read, "`go \(verb)` only reads")
            default: unknown(op, "`go \(verb)` runs project code")
            }
            return
        }
        if name == "cargo" {
            switch verb {
            case "build", "check", "fetch", "install", "update", "add", "new", "init", "doc", "package", "clean", "fmt", "clippy": add(op + ":" + verb, .write, "`cargo \(verb)` writes build products or manifests")
            case "uninstall", "remove", "rm", "yank": add(op + ":" + verb, .destructive, names: packages, "`cargo \(verb)` removes \(Self.list(packages))")
            case "tree", "metadata", "search", "version", "--version", "-V", "verify-project", "locate-project", "pkgid": add(op, .read, "`cargo \(verb)` only reads")
            default: unknown(op, "`cargo \(verb)` runs project code")
            }
            return
        }
        // Verbs that only read by themselves and change things with a second word:
        // `conda env remove`, `npm config set`, `npm audit fix`, `npm version patch`.
        let second = texts.dropFirst().first { !$0.hasPrefix(ascii: "-") }
        if ["env", "config", "audit", "version", "cache"].contains(verb), second != nil || options.has("--add", "--append", "--prepend", "--remove", "--remove-key", "--set", "--fix") {
            let action = second ?? ""
            if verb == "env", ["remove", "rm", "delete"].contains(action) {
                add(op + ":env:remove", .destructive, names: Array(packages.dropFirst()), "`\(name) env \(action)` deletes an environment and what is installed in it")
                return
            }
            // Settings that name a program the tool runs later: npm's `script-shell`, `node-options`,
            // `shell`, `editor`, `git`, `browser`, `viewer`; yarn's `yarnPath`; pip's, none.
            if verb == "config", ["set", "put"].contains(action),
               let key = texts.dropFirst(2).first(where: { !$0.hasPrefix(ascii: "-") })?.pieces(between: "=").first.map({ $0.lowercased() }),
               ["script-shell", "node-options", "shell", "editor", "git", "browser", "viewer", "yarnpath", "onlybuiltdependencies"].contains(key) {
                unknown(op + ":config", "`\(name) config set \(key)` names a program or options the tool runs later, unseen", opaque: true)
                return
            }
            if !["list", "ls", "get", "show", "info", "export", "dir", "verify", "path"].contains(action) {
                add(op + ":\(verb)", .write, names: Array(packages.dropFirst()), "`\(name) \(verb) \(action)` changes \(verb == "version" ? "the project's version (npm also commits and tags it)" : verb == "audit" ? "installed packages" : verb == "cache" ? "the package cache" : "settings or environments")")
                return
            }
        }
        // Installing the project itself runs the project's own code: npm's lifecycle scripts, the
        // setup code of a local Python project.
        if ["npm", "pnpm", "yarn"].contains(name), ["install", "i", "ci", ""].contains(verb) {
            // Options may follow the verb: `npm ci --prefix dir`.
            let verbOptions = CommandOptions(packages, valued: ["--prefix", "-C", "--cwd", "--registry", "-w", "--workspace", "--filter", "-F", "--omit", "--include", "--install-strategy"])
            if verbOptions.operands.isEmpty, !options.has("--ignore-scripts"), !verbOptions.has("--ignore-scripts") {
                classifyLifecycleScripts(name, in: verbOptions.value("--prefix", "-C", "--cwd") ?? options.value("--prefix", "-C", "--cwd") ?? ".")
            }
        }
        if ["pip", "pip3", "uv"].contains(name), verb == "install" {
            let local = options.allValues("-e", "--editable") + packages.compactMap(\.value).filter { path in
                (path.hasPrefix(ascii: ".") || path.hasPrefix(ascii: "/") || path.hasPrefix("file:")) && !path.hasSuffix(".whl")
            }
            if let project = local.first {
                unknown(op + ":install", "`\(name) install \(project)` builds a local project, running its setup code", opaque: true)
            }
        }
        // Options after the verb (`apt-get remove -y nginx`) are not packages.
        let named = packages.filter { !($0.value?.hasPrefix(ascii: "-") ?? false) }
        if Self.packageRemoveVerbs.contains(verb) {
            add(op + ":remove", .destructive, names: named, "`\(name) \(verb)` removes packages \(Self.list(named))")
        } else if Self.packageReadVerbs.contains(verb) || verb.isEmpty && (options.has("--version", "-v", "-V", "--help", "-h")) {
            add(op, .read, "`\(name) \(verb)` only reads")
        } else if ["run", "run-script", "test", "t", "start", "exec", "x", "dlx", "restart", "create"].contains(verb) && ["npm", "pnpm", "yarn", "poetry", "uv", "pipx", "composer", "conda", "mamba"].contains(name) {
            unknown(op + ":" + verb, "`\(name) \(verb)` runs project scripts whose effect is unknown")
            // The program it runs is still seen: a teardown through `uv run` is still a teardown.
            if let runner = CommandRunner.projectPrograms["\(name) \(verb)"] { _ = runThroughRunner(name, runner, packages, stdin: stdin) }
            if ["npm", "pnpm", "yarn"].contains(name), let scripts = Self.packageScriptsRun(name, verb: verb, packages) {
                classifyPackageScripts(name, scripts, in: options.value("--prefix", "-C", "--cwd") ?? ".", verb: verb)
            }
        } else if ["install", "i", "add", "ci", "update", "upgrade", "up", "dist-upgrade", "full-upgrade", "reinstall", "sync", "lock", "build", "publish", "link", "tap", "refresh", "fetch", "download", "makecache", "clean", "autoclean", "prune", "dedupe", "rebuild", "init", "new", "cache", "pack", "set", "pin", "hold", "unhold", "mark", "venv", "tool", "inject", "ensurepath", "self", "global", "workspace", "import", "export"].contains(verb) || verb.isEmpty {
            add(op + ":" + (verb.isEmpty ? "install" : verb), .write, names: named, "`\(name) \(verb)` installs or updates software")
        } else {
            unknown(op, "`\(name) \(verb)` is not catalogued")
            // `yarn deploy` and `pnpm deploy-prod` run the script of that name when there is one.
            if name == "yarn" || name == "pnpm", !verb.isEmpty {
                classifyPackageScripts(name, ["pre" + verb, verb, "post" + verb], in: options.value("--cwd", "-C", "--dir") ?? ".", verb: verb)
            }
        }
    }

    /// The scripts `npm install` (and pnpm, yarn) runs from the project's own `package.json`:
    /// classified as the command lines they are; unknown when the manifest cannot be read.
    mutating func classifyLifecycleScripts(_ name: String, in directory: String) {
        classifyPackageScripts(name, Self.installLifecycleScripts, in: directory, verb: "install")
    }

    /// Scripts of a `package.json` that `NAME VERB` runs (`npm run deploy` runs `predeploy`,
    /// `deploy` and `postdeploy`), each classified as the command line it is: a script the agent
    /// just wrote is judged by what it says. A manifest that cannot be read is unknown; one
    /// that does not exist, or is not a JSON object, runs nothing.
    mutating func classifyPackageScripts(_ name: String, _ scripts: [String], in directory: String, verb: String) {
        let op = "shell:\(name)"
        let path = resolvePath(directory == "." ? "package.json" : directory + "/package.json")
        guard path.hasPrefix(ascii: "/"), fileSystem.kind(of: path) != .missing else {
            if !path.hasPrefix(ascii: "/") { unknown(op, "`\(name) \(verb)` runs the scripts of a `package.json` whose place is not known here", opaque: true) }
            return
        }
        guard let text = fileSystem.contents(of: path) else {
            unknown(op, "`\(name) \(verb)` runs scripts of `\(path)`, which cannot be read here", opaque: true)
            return
        }
        // npm refuses a manifest that is not a JSON object, and runs nothing.
        guard let manifest = (try? JSONValue.parse(text))?.objectValue else { return }
        let table = manifest["scripts"]?.objectValue ?? [:]
        for hook in scripts {
            guard let script = table[hook] else { continue }
            guard let command = script.stringValue else {
                unknown(op, "the `\(hook)` script of `\(path)` is not a command line", opaque: true)
                continue
            }
            analyzeSourceText(command, origin: "the `\(hook)` script of `\(path)`")
        }
    }

    /// The scripts of `package.json` that `npm run NAME` (and `test`, `start`, `stop`,
    /// `restart`; pnpm, yarn and bun alike) runs, with the hooks around them: npm runs `preNAME`
    /// and `postNAME`; the others may not, and counting them only ever raises the effect.
    static func packageScriptsRun(_ name: String, verb: String, _ rest: [Argument]) -> [String]? {
        let script: String
        switch verb {
        case "run", "run-script", "rum", "urn":
            guard let named = rest.first(where: { !($0.value?.hasPrefix(ascii: "-") ?? true) })?.value else { return nil }
            script = named
        case "test", "t", "tst": script = "test"
        case "start", "stop": script = verb
        case "restart": return ["prestop", "stop", "poststop", "prerestart", "restart", "postrestart", "prestart", "start", "poststart"]
        default: return nil
        }
        return ["pre" + script, script, "post" + script]
    }

    /// What npm runs of the project's own scripts when it installs the project.
    static let installLifecycleScripts = ["preinstall", "install", "postinstall", "preprepare", "prepare", "postprepare"]

    // MARK: Database clients

    mutating func classifyDatabaseCLI(_ name: String, _ args: [Argument], stdin: StandardInput) {
        let op = "shell:\(name)"
        switch name {
        case "psql":
            let options = CommandOptions(args, valued: ["-c", "--command", "-f", "--file", "-h", "--host", "-p", "--port", "-U", "--username", "-d", "--dbname", "-v", "--set", "--variable", "-o", "--output", "-P", "--pset", "-F", "-R", "-T", "-L", "--log-file"])
            var host = options.value("-h", "--host")
            for operand in options.operands where operand.value?.containsASCII("://") == true || operand.value?.containsASCII("host=") == true {
                host = host ?? Self.hostFromConnectionString(operand.text)
            }
            // A connection string's `options` sets server settings for the session, in a syntax
            // (quoted, URL-encoded) this classifier does not take apart.
            if options.operands.contains(where: { $0.value?.containsASCII("options=") == true }) {
                unknown(op, "the connection string sets server options for the session (`options=`), which may turn triggers or checks off", opaque: false)
            }
            if let host { environmentFacts.add(.databaseHost, host) }
            // Where the results go: `-o FILE` replaces FILE, `-o '|cmd'` feeds them to a command,
            // `-L FILE` appends a log of them.
            if let output = options.value("-o", "--output") { classifyClientOutput(output, by: "`\(name) -o`", operation: op) }
            if let log = options.value("-L", "--log-file") { classifyWrite(to: .known(log), truncates: false, by: "`\(name) -L`", operation: op) }
            if options.has("-l", "--list") {
                add(op, .read, "lists databases")
                return
            }
            runSQL(commands: options.allValues("-c", "--command"), files: options.allValues("-f", "--file"), dialect: .postgresql, client: name, host: host, stdin: stdin)
        case "mysql", "mariadb":
            let options = CommandOptions(args, valued: ["-e", "--execute", "-h", "--host", "-P", "--port", "-u", "--user", "-D", "--database", "-S", "--socket", "--defaults-file", "--default-character-set", "--init-command", "--tee", "--pager"])
            let host = options.value("-h", "--host")
            if let host { environmentFacts.add(.databaseHost, host) }
            // `--tee FILE` appends the session to FILE; `--pager CMD` sends every result to CMD.
            if let tee = options.value("--tee") { classifyWrite(to: .known(tee), truncates: false, by: "`\(name) --tee`", operation: op) }
            // The pager is a command line run with the results as its input: `less` only shows them,
            // `sh` would run them.
            if let pager = options.value("--pager") { analyzeText(pager, origin: "the pager `\(name) --pager` sends results to") }
            runSQL(commands: options.allValues("-e", "--execute", "--init-command"), files: [], dialect: .mysql, client: name, host: host, stdin: stdin)
        case "sqlite3", "sqlite", "duckdb":
            // DuckDB's shell is sqlite3's, with `-c`/`-s COMMAND` (run it and exit) and `-f FILE`.
            let options = CommandOptions(args, valued: ["-cmd", "-init", "-separator", "-nullvalue", "-newline", "-mmap", "-vfs", "-pagecache", "-lookaside", "-maxsize"]
                                         + (name == "duckdb" ? ["-c", "-s", "-f"] : []))
            var commands = options.allValues("-cmd", "-c", "-s")
            let statements = options.operands.dropFirst()
            // The database file is what changes: a policy (and `GuardedPaths`) can name it.
            let before = findings.count
            defer {
                if let database = options.operands.first, let worst = findings[before...].map(\.effect).max(), worst != .read {
                    add(op + ":database", worst, targets: [database], "`\(name)` changes the database file `\(database.text)`")
                }
            }
            if name == "duckdb" {
                for file in options.valueArguments("-f") {
                    if let text = contentsOfFile(named: file.argument) {
                        // A script: dot-commands in it are not SQL, so they come out unknown.
                        findings.append(contentsOf: SQLClassifier.findings(for: text, dialect: .sqlite).findings)
                    } else {
                        unknown(op, "`duckdb -f` runs `\(file.argument.display)`, whose contents cannot be read here", opaque: true)
                    }
                }
            }
            commands.append(contentsOf: statements.compactMap(\.value))
            if statements.contains(where: { $0.value == nil }) {
                unknown(op, "`\(name)` runs SQL computed at run time", opaque: true)
                return
            }
            // Dot-commands are sqlite3's own; some run shell commands or write files.
            var sqlCommands: [String] = []
            for command in commands {
                let trimmed = command.drop { $0 == " " || $0 == "\n" || $0 == "\t" }
                if trimmed.hasPrefix(ascii: ".") {
                    classifySqliteDotCommand(String(trimmed), client: name)
                } else {
                    sqlCommands.append(command)
                }
            }
            if commands.isEmpty && !sqlCommands.isEmpty { return }
            if commands.isEmpty {
                if name == "duckdb" && options.has("-f") { return }
                runSQL(commands: [], files: [], dialect: .sqlite, client: name, host: nil, stdin: stdin)
            } else if !sqlCommands.isEmpty {
                runSQL(commands: sqlCommands, files: [], dialect: .sqlite, client: name, host: nil, stdin: .inherited, stdinUnused: true)
            }
        case "mongo", "mongosh":
            let options = CommandOptions(args, valued: ["--eval", "--host", "--port", "-u", "--username", "-p", "--password", "--authenticationDatabase", "-f", "--file", "--tls", "--tlsCAFile"])
            if let host = options.value("--host") { environmentFacts.add(.databaseHost, host) }
            if let code = options.value("--eval") {
                classifyMongo(code, client: name)
            } else if options.operands.contains(where: { $0.value?.hasSuffix(".js") == true }) || options.value("-f", "--file") != nil {
                let file = options.operands.first { $0.value?.hasSuffix(".js") == true } ?? .known(options.value("-f", "--file")!)
                if let text = contentsOfFile(named: file) {
                    classifyMongo(text, client: name)
                } else {
                    unknown(op, "`\(name)` runs `\(file.text)`, whose contents cannot be read here", opaque: true)
                }
            } else {
                runProgramFromStandardInput(name, stdin: stdin) { analysis, text in analysis.classifyMongo(text, client: name) }
            }
        case "redis-cli":
            let options = CommandOptions(args, valued: ["-h", "-p", "-a", "-n", "-u", "--user", "--pass", "-s", "-r", "-i", "--eval", "--pattern", "--count", "--rdb", "--functions-rdb"])
            if let host = options.value("-h") { environmentFacts.add(.databaseHost, host) }
            if let file = options.value("--rdb", "--functions-rdb") {
                classifyWrite(to: .known(file), truncates: true, by: "`redis-cli --rdb`", operation: op)
                return
            }
            if options.value("--eval") != nil {
                unknown(op + ":eval", "`redis-cli --eval` runs a server-side script that may call any command", opaque: true)
                return
            }
            guard let verb = options.operands.first?.value?.uppercased() else {
                // Reporting modes that send no command of the caller's.
                if options.has("--scan", "--bigkeys", "--memkeys", "--hotkeys", "--keystats", "--stat", "--latency", "--latency-history", "--latency-dist", "--intrinsic-latency") {
                    add(op, .read, "`redis-cli` scans keys or reports statistics")
                } else {
                    unknown(op, "`redis-cli` without a command reads commands from its input", opaque: true)
                }
                return
            }
            classifyRedisCommand(verb, arguments: Array(options.operands.dropFirst()), operation: op)
        case "dropdb", "dropuser":
            let options = CommandOptions(args, valued: ["-h", "--host", "-p", "--port", "-U", "--username", "--maintenance-db"])
            if let host = options.value("-h", "--host") { environmentFacts.add(.databaseHost, host) }
            add(op, .destructive, names: options.operands, categories: name == "dropdb" ? [.dataLoss, .teardown] : [.permissionChange],
                "`\(name)` drops \(Self.list(options.operands))")
        case "createdb", "createuser":
            let options = CommandOptions(args, valued: ["-h", "--host", "-p", "--port", "-U", "--username", "-O", "--owner", "-T", "--template", "-E", "-c", "-g", "--role"])
            if let host = options.value("-h", "--host") { environmentFacts.add(.databaseHost, host) }
            add(op, name == "createuser" ? .destructive : .write, names: options.operands, categories: name == "createuser" ? [.permissionChange] : [], "`\(name)` creates \(Self.list(options.operands))")
        case "pg_dump", "pg_dumpall", "mysqldump", "mongodump":
            let options = CommandOptions(args, valued: ["-h", "--host", "-p", "--port", "-U", "--username", "-u", "--user", "-f", "--file", "-d", "--dbname", "-t", "--table", "-n", "--schema", "-F", "--format", "-o", "--out", "--result-file", "-r", "--db", "-c", "--collection"])
            if let host = options.value("-h", "--host") { environmentFacts.add(.databaseHost, host) }
            if let file = options.value("-f", "--file", "--result-file", "-r") {
                classifyWrite(to: .known(file), truncates: true, by: "`\(name)`", operation: op)
            } else if name == "mongodump", let archive = options.value("--archive") {
                classifyWrite(to: .known(archive), truncates: true, by: "`mongodump --archive`", operation: op)
            } else if name == "mongodump", !options.has("--archive") {
                // Without `--archive` mongodump writes one file per collection into a directory,
                // `dump` unless `--out` names another, replacing files of the same names.
                let directory = options.valueArguments("-o", "--out").last?.argument ?? .known("dump")
                add(op, .write, targets: [directory], "`mongodump` writes its files into `\(directory.display)`, replacing those of the same names")
            } else {
                add(op, .read, "`\(name)` exports data")
            }
        case "pg_restore", "mongorestore":
            let options = CommandOptions(args, valued: ["-h", "--host", "-p", "--port", "-U", "--username", "-d", "--dbname", "-n", "-t", "-j", "-f", "--file", "--db", "-c", "--collection", "--nsInclude"])
            if let host = options.value("-h", "--host") { environmentFacts.add(.databaseHost, host) }
            if options.has("-c", "--clean", "--drop") {
                add(op, .destructive, names: options.value("-d", "--dbname", "--db").map { [.known($0)] } ?? [], categories: [.dataLoss], "`\(name) --clean` drops objects before restoring")
            } else if options.has("-l", "--list") || name == "pg_restore" && options.value("-d", "--dbname") == nil && options.value("-f", "--file") != nil {
                add(op, .read, "lists or converts an archive")
            } else {
                add(op, .write, names: options.value("-d", "--dbname", "--db").map { [.known($0)] } ?? [], "`\(name)` loads data")
            }
        case "mysqladmin":
            let verbs = CommandOptions(args, valued: ["-h", "--host", "-P", "--port", "-u", "--user"]).operands.compactMap(\.value)
            if verbs.contains(where: { ["password", "old-password"].contains($0) }) {
                add(op, .destructive, categories: [.permissionChange], "`mysqladmin password` changes the account's password")
            } else if verbs.contains(where: { ["drop", "shutdown", "kill", "purge", "flush-hosts", "stop-slave", "stop-replica"].contains($0) }) {
                add(op, .destructive, categories: verbs.contains("drop") ? [.dataLoss] : [], "`mysqladmin \(verbs.joined(separator: " "))` drops, kills or stops")
            } else if verbs.allSatisfy({ ["status", "ping", "version", "processlist", "variables", "extended-status"].contains($0) }) {
                add(op, .read, "`mysqladmin` reports status")
            } else {
                add(op, .write, "`mysqladmin` changes the server")
            }
        case "pg_ctl":
            let verb = CommandOptions(args, valued: ["-D", "--pgdata", "-l", "--log", "-m", "--mode", "-o", "-p", "-t", "--timeout"]).operands.first?.value ?? ""
            switch verb {
            case "stop", "kill": add(op + ":" + verb, .destructive, "`pg_ctl \(verb)` stops the database server")
            case "status": add(op, .read, "`pg_ctl status`")
            default: add(op + ":" + verb, .write, "`pg_ctl \(verb)` changes the database server")
            }
        default:
            if classifyOtherDatabaseClient(name, args, stdin: stdin) { return }
            unknown(op, "`\(name)` is not catalogued")
        }
    }

    /// One Redis command as `redis-cli CMD ARGS` sends it.
    mutating func classifyRedisCommand(_ verb: String, arguments: [Argument], operation op: String) {
        let sub = arguments.first?.value?.uppercased() ?? ""
        let verbOp = op + ":" + verb.lowercased()
        if ["EVAL", "EVALSHA", "FCALL"].contains(verb) {
            // A Lua script or stored function can call any command, FLUSHALL included; a cached
            // script (EVALSHA) or function (FCALL) cannot even be read here.
            unknown(verbOp, "`redis-cli \(verb)` runs a server-side script that may call any command", opaque: true)
        } else if verb == "MODULE", sub == "LOAD" || sub == "LOADEX" {
            unknown(verbOp, "`redis-cli MODULE LOAD` loads native code into the Redis server", opaque: true)
        } else if ["FLUSHALL", "FLUSHDB", "DEL", "UNLINK", "SHUTDOWN", "SWAPDB", "GETDEL", "HDEL", "LREM", "SREM", "ZREM", "EXPIRE", "PEXPIRE", "LTRIM", "XDEL", "XTRIM", "SCRIPT", "FUNCTION", "RESTORE", "MIGRATE", "DEBUG", "REPLICAOF", "SLAVEOF", "FAILOVER", "CLUSTER"].contains(verb) {
            add(verbOp, .destructive, names: arguments, categories: verb.hasPrefix("FLUSH") ? [.dataLoss] : [], "`redis-cli \(verb)` deletes or reconfigures data")
        } else if verb == "RENAME" || (verb == "COPY" && arguments.contains { $0.value?.uppercased() == "REPLACE" }) {
            add(verbOp, .destructive, names: arguments, categories: [.dataLoss], "`redis-cli \(verb)` replaces the destination key if it exists")
        } else if verb == "ACL" {
            if ["LIST", "USERS", "WHOAMI", "GETUSER", "CAT", "LOG", "GENPASS", "DRYRUN", "HELP"].contains(sub) {
                add(op, .read, "`redis-cli ACL \(sub)` only reads")
            } else {
                add(verbOp, .destructive, targets: Array(arguments.dropFirst()), categories: [.permissionChange], "`redis-cli ACL \(sub)` changes who may do what")
            }
        } else if verb == "CONFIG" {
            if sub == "GET" || sub == "HELP" {
                add(op, .read, "`redis-cli CONFIG \(sub)` only reads")
            } else if sub == "SET" {
                // Parameter/value pairs. Where the server writes its dump and log files is the
                // classic way to make Redis write a file of the caller's choosing (SAVE then writes it).
                let parameters = stride(from: 1, to: arguments.count, by: 2).compactMap { arguments[$0].value?.lowercased() }
                if parameters.contains(where: { ["dir", "dbfilename", "logfile", "appendfilename", "appenddirname"].contains($0) }) {
                    add(verbOp, .destructive, categories: [.permissionChange], "`redis-cli CONFIG SET` moves the server's dump or log files: its next save writes wherever this says")
                } else if parameters.contains(where: { ["protected-mode", "requirepass", "masterauth", "rename-command", "enable-debug-command", "enable-module-command", "enable-protected-configs"].contains($0) }) {
                    add(verbOp, .destructive, categories: [.protectionOff], "`redis-cli CONFIG SET` changes the server's access protections")
                } else {
                    add(verbOp, .write, "`redis-cli CONFIG SET` changes server settings")
                }
            } else {
                add(verbOp, .write, "`redis-cli CONFIG \(sub)` changes server settings")
            }
        } else if verb == "CLIENT" {
            if sub == "KILL" || sub == "PAUSE" {
                add(verbOp, .destructive, "`redis-cli CLIENT \(sub)` cuts off or stalls other clients")
            } else if ["LIST", "INFO", "ID", "GETNAME", "GETREDIR", "TRACKINGINFO", "HELP", "NO-EVICT", "NO-TOUCH", "SETNAME", "SETINFO", "REPLY", "CACHING", "TRACKING", "UNPAUSE"].contains(sub) {
                add(op, .read, "`redis-cli CLIENT \(sub)` concerns only this connection or reads")
            } else {
                add(verbOp, .write, "`redis-cli CLIENT \(sub)` changes client state")
            }
        } else if ["GET", "MGET", "KEYS", "SCAN", "INFO", "PING", "TTL", "PTTL", "TYPE", "EXISTS", "HGET", "HGETALL", "HKEYS", "LRANGE", "LLEN", "SMEMBERS", "SCARD", "ZRANGE", "ZCARD", "DBSIZE", "MONITOR", "MEMORY", "LATENCY", "SLOWLOG", "STRLEN", "XRANGE", "XLEN", "HLEN", "SISMEMBER", "ZSCORE", "TIME", "LASTSAVE", "ROLE", "COMMAND", "OBJECT", "EVAL_RO", "EVALSHA_RO", "FCALL_RO"].contains(verb) {
            add(op, .read, "`redis-cli \(verb)` only reads")
        } else {
            add(verbOp, .write, targets: Array(arguments.prefix(1)), "`redis-cli \(verb)` writes data")
        }
    }

    static func hostFromConnectionString(_ text: String) -> String? {
        if let range = text.firstRange(of: "://") {
            var rest = text[range.upperBound...]
            if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
            let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" }
            return host.isEmpty ? nil : String(host)
        }
        for field in text.pieces(between: " ") where field.hasPrefix("host=") {
            return String(field.dropFirst(5))
        }
        return nil
    }

    /// Hands SQL to the SQL classifier: from `-c`/`-e` arguments, files, or standard input.
    mutating func runSQL(commands: [String], files: [String], dialect: SQLDialect, client: String, host: String?, stdin: StandardInput, stdinUnused: Bool = false) {
        for command in commands {
            // psql reads its input with meta-commands in it (`\gexec`, `\g |sh`, `\!`), anywhere.
            if dialect == .postgresql {
                runPsqlInput(command, client: client)
                continue
            }
            if dialect == .mysql {
                runMySQLClientInput(command, client: client)
                continue
            }
            findings.append(contentsOf: SQLClassifier.findings(for: command, dialect: dialect).findings)
        }
        for file in files {
            if file == "-" {
                runSQLFromStandardInput(dialect: dialect, client: client, stdin: stdin)
                continue
            }
            let resolved = resolvePath(file)
            if let text = fileSystem.contents(of: resolved) {
                if dialect == .postgresql {
                    runPsqlInput(text, client: client)
                } else {
                    findings.append(contentsOf: SQLClassifier.findings(for: text, dialect: dialect).findings)
                }
            } else {
                unknown("shell:\(client)", "`\(client)` runs the SQL file `\(file)`, whose contents cannot be read here", opaque: true)
            }
        }
        if commands.isEmpty && files.isEmpty && !stdinUnused {
            runSQLFromStandardInput(dialect: dialect, client: client, stdin: stdin)
        }
    }

    mutating func runSQLFromStandardInput(dialect: SQLDialect, client: String, stdin: StandardInput) {
        runProgramFromStandardInput(client, stdin: stdin) { analysis, text in
            if dialect == .postgresql {
                analysis.runPsqlInput(text, client: client)
            } else if dialect == .mysql {
                analysis.runMySQLClientInput(text, client: client)
            } else {
                analysis.findings.append(contentsOf: SQLClassifier.findings(for: text, dialect: dialect).findings)
            }
        }
    }

    /// A database client's input split into SQL and the client's own commands; nil, with an
    /// `unknown` finding, when it cannot be read.
    mutating func clientInput<Piece>(_ text: String, client: String, split: (String) throws(SQLSyntaxError) -> [Piece]) -> [Piece]? {
        do {
            return try split(text)
        } catch {
            unknown("shell:\(client)", "the input given to `\(client)` cannot be read (\(error.message)); its effect is unknown")
            return nil
        }
    }

    /// Where a client sends query output: after `|` into a command, which runs whatever the output
    /// says if it is a shell; otherwise into a file, replacing it. `what` names the command.
    mutating func classifyClientOutput(_ target: String, by what: String, operation op: String) {
        if target.hasPrefix(ascii: "|") {
            unknown(op, "\(what) with `|` feeds query output to a command, which runs whatever that output says if it is a shell", opaque: true)
            analyzeText(String(target.dropFirst()), origin: "the command \(what) writes to")
        } else {
            classifyWrite(to: .known(target), truncates: true, by: what, operation: op)
        }
    }

    /// Text psql reads as a script: its SQL goes to the SQL classifier, its meta-commands are
    /// classified here, and the shell commands in their backquotes are followed.
    mutating func runPsqlInput(_ text: String, client: String) {
        let op = "shell:\(client)"
        guard let pieces = clientInput(text, client: client, split: PsqlInput.pieces) else { return }
        for piece in pieces {
            switch piece {
            case .sql(let sql):
                if PsqlInput.interpolatesVariables(sql) {
                    unknown(op, "the SQL given to `\(client)` interpolates psql variables (`:name`), so the statement that runs is set at run time", opaque: true)
                }
                findings.append(contentsOf: SQLClassifier.findings(for: sql, dialect: .postgresql).findings)
            case .metaCommand(let name, let arguments, let shellCommands):
                for command in shellCommands {
                    analyzeText(command, origin: "the backquoted command in psql `\\\(name)`")
                }
                classifyPsqlMetaCommand(name, arguments: arguments, client: client)
            }
        }
    }

    /// sqlite3's dot-commands that only display or set display options. Any other is classified
    /// by name below, or `unknown`.
    static let sqliteReadOnlyDotCommands: Set<String> = [
        "bail", "changes", "databases", "dbinfo", "dump", "echo", "eqp", "exit", "explain", "fullschema", "headers", "help", "indexes",
        "indices", "limit", "lint", "mode", "nullvalue", "parameter", "print", "progress", "prompt", "quit", "recover", "scanstats",
        "schema", "separator", "sha3sum", "show", "stats", "tables", "timeout", "timer", "version", "vfsinfo", "vfslist", "vfsname",
        "width", "cd", "expert", "auth", "connection", "crnl", "binary",
    ]

    mutating func classifySqliteDotCommand(_ command: String, client: String) {
        let op = "shell:\(client)"
        let words = command.dropFirst().split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        let name = words.first.map(String.init) ?? ""
        var rest = words.count > 1 ? words[1] : ""
        while let last = rest.last, last == " " || last == "\t" || last == "\n" { rest = rest.dropLast() }
        switch name {
        case "shell", "system":
            analyzeText(String(rest), origin: "the `\(client) .\(name)` command")
        case "output", "once", "log", "trace", "iotrace", "backup", "save", "clone":
            // `.output |cmd` pipes every later result into a command, which runs them if it is a shell.
            let target = rest.hasPrefix(ascii: "'") || rest.hasPrefix("\"") ? String(rest.dropFirst().dropLast()) : String(rest)
            if target.isEmpty || target == "stdout" || target == "stderr" || target == "off" {
                add(op, .read, "`\(client) .\(name)` sends output to the terminal")
            } else if target.hasPrefix(ascii: "-") {
                unknown(op, "`\(client) .\(name) \(target)` opens the output in another program", opaque: true)
            } else {
                classifyClientOutput(target, by: "`\(client) .\(name)`", operation: op)
            }
        case "restore":
            // `.restore ?DB? FILE` copies FILE over the open database: every table as FILE has it.
            add(op, .destructive, categories: [.dataLoss], "`\(client) .restore` replaces the database's contents with a backup's")
        case "excel", "edit", "read", "import", "load", "open", "archive", "ar", "filectrl", "testctrl", "dbconfig", "nonce", "imposter":
            unknown(op, "`\(client) .\(name)` runs a program, loads code or changes another file", opaque: name == "excel" || name == "edit" || name == "load")
        default:
            if Self.sqliteReadOnlyDotCommands.contains(name) {
                add(op, .read, "a sqlite3 dot-command that only displays or sets display options")
            } else {
                unknown(op, "`\(client) .\(name)` is not a dot-command Interlock knows; its effect is unknown")
            }
        }
    }

    /// Text the mysql client reads: SQL to the SQL classifier, client commands (`\!`, `\.`, `\T`
    /// ...) classified here.
    mutating func runMySQLClientInput(_ text: String, client: String) {
        let op = "shell:\(client)"
        guard let pieces = clientInput(text, client: client, split: MySQLClientInput.pieces) else { return }
        for piece in pieces {
            switch piece {
            case .sql(let sql):
                findings.append(contentsOf: SQLClassifier.findings(for: sql, dialect: .mysql).findings)
            case .clientCommand(let command, let argument):
                switch command {
                case "!":
                    if argument.isEmpty {
                        unknown(op, "`\(client)` `\\!` without a command opens a shell", opaque: true)
                    } else {
                        analyzeText(argument, origin: "the shell command given to `\(client)` `\\!`")
                    }
                case "T":
                    classifyWrite(to: .known(argument), truncates: false, by: "`\(client)` `\\T` (tee)", operation: op)
                case "P":
                    unknown(op, "`\(client)` `\\P` sends every result through a command of its choosing", opaque: true)
                    if !argument.isEmpty { analyzeText(argument, origin: "the pager given to `\(client)` `\\P`") }
                case ".", "e", "r":
                    unknown(op, "`\(client)` `\\\(command)` runs another file, an editor or connects elsewhere", opaque: true)
                case "?", "c", "G", "g", "q", "h", "n", "t", "p", "R", "#", "s", "W", "w", "x", "C", "d", "u":
                    add(op, .read, "a `\(client)` client command that runs the statement or sets display options")
                default:
                    unknown(op, "`\(client)` `\\\(command)` is not a client command Interlock knows; its effect is unknown")
                }
            }
        }
    }

    /// psql's meta-commands that only describe, display or set psql's own state. Any other is
    /// classified by name below, or `unknown`.
    static let psqlReadOnlyMetaCommands: Set<String> = [
        "?", "h", "help", "echo", "qecho", "warn", "set", "unset", "if", "elif", "else", "endif", "x", "timing", "a", "t", "H", "C", "f",
        "T", "pset", "encoding", "conninfo", "q", "quit", "watch", "prompt", "errverbose", "crosstabview", "gdesc", "gset", "bind", "cd",
        "r", "reset", "p", "print", "sf", "sv", "getenv", "l", "list", "z", "lo_list", "dconfig",
    ]

    mutating func classifyPsqlMetaCommand(_ name: String, arguments: String, client: String) {
        let op = "shell:\(client)"
        switch name {
        case "!":
            if arguments.isEmpty {
                unknown(op, "psql `\\!` without a command opens an interactive shell", opaque: true)
            } else {
                analyzeText(arguments, origin: "the shell command given to psql `\\!`")
            }
        case "g", "gx", "o", "out", "w", "write", "s":
            // Output to a file or, after `|`, into a command.
            if arguments.isEmpty {
                add(op, .read, name.hasPrefix(ascii: "g") ? "psql `\\\(name)` runs the query it holds" : "psql `\\\(name)` without a target only prints")
            } else {
                let target = arguments.hasPrefix(ascii: "'") ? String(arguments.dropFirst().dropLast()) : arguments
                classifyClientOutput(target, by: "psql `\\\(name)`", operation: op)
            }
        case "gexec":
            unknown(op, "psql `\\gexec` runs each value the query returns as SQL: what runs is data, not this text", opaque: true)
        case "i", "ir", "include", "include_relative", "copy", "e", "edit", "ef", "ev", "lo_import", "lo_export":
            unknown(op, "psql `\\\(name)` runs, edits or moves another file", opaque: true)
        case "lo_unlink":
            add(op, .destructive, categories: [.dataLoss], "psql `\\lo_unlink` deletes a large object")
        case "password":
            add(op, .destructive, categories: [.permissionChange], "psql `\\password` changes a role's password")
        case "c", "connect":
            unknown(op, "psql `\\\(name)` connects to another database; what follows runs there", opaque: true)
        case "setenv":
            unknown(op, "psql `\\setenv` sets an environment variable the pager, editor and shell commands psql runs read", opaque: true)
        default:
            if Self.psqlReadOnlyMetaCommands.contains(name) || name.hasPrefix(ascii: "d") {
                add(op, .read, "a psql meta-command that only describes or sets display options")
            } else {
                unknown(op, "psql `\\\(name)` is not a meta-command Interlock knows; its effect is unknown")
            }
        }
    }

    static let mongoDestructiveCalls: Set<String> = ["dropDatabase", "drop", "deleteMany", "deleteOne", "remove", "findOneAndDelete", "findAndModify", "dropIndex", "dropIndexes", "dropUser", "dropAllUsers", "dropRole", "renameCollection", "shutdownServer", "bulkWrite", "replaceOne", "findOneAndReplace", "grantRolesToUser", "revokeRolesFromUser", "updateUser", "createUser", "eval", "runCommand", "adminCommand"]

    static let mongoWriteCalls: Set<String> = ["insert", "insertOne", "insertMany", "update", "updateOne", "updateMany", "save", "createCollection", "createIndex", "createIndexes", "findOneAndUpdate"]

    static let mongoReadCalls: Set<String> = ["find", "findOne", "count", "countDocuments", "estimatedDocumentCount", "aggregate", "distinct", "getCollectionNames", "getCollectionInfos", "stats", "getIndexes", "explain", "db", "printjson", "print", "toArray", "forEach", "limit", "sort", "skip", "pretty", "getSiblingDB", "getCollection", "show", "dbs", "collections", "use", "version", "serverStatus", "hostInfo", "isMaster", "hello", "ping", "listCollections", "JSON", "stringify", "log", "console", "length", "map", "itcount", "size", "hasNext", "next", "projection", "rs", "status", "conf", "sh", "getName"]

    mutating func classifyMongo(_ code: String, client: String) {
        let tokens = InterpreterCode.tokenize(code)
        let scan = InterpreterCode.calledNames(tokens: tokens)
        let found = scan.filter { Self.mongoDestructiveCalls.contains($0) }
        // Aggregation stages that write: `$out` replaces its target collection whole, `$merge`
        // writes into one. Written bare (`{$out: "c"}`) or quoted, they are tokens of the code.
        func stage(_ name: String) -> Bool { tokens.contains { $0 == .identifier(name) || $0 == .string(name) } }
        // `updateMany({}, …)`: an empty filter matches every document, as an UPDATE without WHERE.
        let updatesEverything = tokens.indices.contains { i in
            i + 3 < tokens.count && ["updateMany", "update"].contains(tokens[i].identifier ?? "")
                && tokens[i + 1] == .symbol("(") && tokens[i + 2] == .symbol("{") && tokens[i + 3] == .symbol("}")
        }
        if !found.isEmpty {
            add("shell:\(client):\(found.sorted()[0])", .destructive, categories: [.dataLoss], "the MongoDB code calls \(found.sorted().map { "`\($0)`" }.joined(separator: ", "))")
        } else if stage("$out") {
            add("shell:\(client):out", .destructive, categories: [.dataLoss], "the MongoDB aggregation's `$out` stage replaces its target collection")
        } else if updatesEverything {
            add("shell:\(client):updateMany", .destructive, categories: [.dataLoss], "the MongoDB code updates every document of a collection: its filter is empty")
        } else if stage("$merge") {
            add("shell:\(client):merge", .write, "the MongoDB aggregation's `$merge` stage writes into a collection")
        } else if scan.contains(where: { Self.mongoWriteCalls.contains($0) }) {
            add("shell:\(client):write", .write, "the MongoDB code inserts or updates documents")
        } else if scan.allSatisfy({ Self.mongoReadCalls.contains($0) }) {
            add("shell:\(client)", .read, "the MongoDB code only queries")
        } else {
            unknown("shell:\(client)", "the MongoDB code calls functions Interlock does not know")
        }
    }
}
