import InterlockCore

/// What each command does, with its targets. Commands not listed are `unknown`.
extension ShellAnalysis {
    /// Commands that only read, whatever their arguments (output redirections are judged separately).
    static let readOnlyCommands: Set<String> = [
        "ls", "ll", "dir", "vdir", "cat", "tac", "nl", "grep", "egrep", "fgrep", "rg", "ag", "ack", "head", "tail", "wc", "stat",
        "df", "du", "ps", "pstree", "echo", "printf", "pwd", "whoami", "id", "groups", "uname", "which", "whereis", "type", "file",
        "less", "more", "most", "tree", "diff", "cmp", "comm", "uniq", "cut", "tr", "paste", "join", "fold", "fmt", "expand",
        "unexpand", "column", "rev", "jq", "basename", "dirname", "realpath", "readlink", "printenv", "true", "false", "test", "[",
        ":", "sleep", "seq", "yes", "nproc", "free", "uptime", "vmstat", "iostat", "mpstat", "lsof", "netstat", "ss", "ping",
        "traceroute", "tracepath", "dig", "nslookup", "host", "whois", "md5sum", "sha1sum", "sha256sum", "sha512sum", "b2sum",
        "cksum", "sum", "base64", "base32", "xxd", "od", "hexdump", "strings", "man", "info", "help", "apropos", "whatis",
        "locale", "tty", "logname", "users", "who", "w", "last", "lastlog", "lsblk", "blkid", "lscpu", "lsmem", "lspci", "lsusb",
        "lsmod", "dmesg", "journalctl", "getent", "env", "dirs", "read", "wait", "jobs", "hash", "ulimit",
        "umask", "shift", "return", "exit", "break", "continue", "set", "shopt", "unset", "unalias", "let", "getopts", "caller",
        "fc", "times", "true", "tput", "clear", "reset", "stty", "date", "cal", "bc", "dc", "expr", "factor", "numfmt", "shuf",
        "look", "tsort", "ptx", "iconv", "file", "identify", "pgrep", "pidof", "top", "htop", "atop", "nvidia-smi",
        "arch", "zcat", "bzcat", "xzcat", "zgrep", "zless", "zmore", "lz4cat", "zstdcat",
        "column", "csvlook", "fd", "fdfind", "fzf", "bat", "batcat", "eza", "exa", "tldr", "cloc", "tokei", "sloccount",
        "declare", "typeset", "export", "local", "readonly", "alias", "history", "disown", "suspend", "complete", "compgen",
        "bind", "enable", "logout", "printf", "ldd", "nm", "objdump", "readelf", "size", "otool", "lipo", "sw_vers", "uname",
        "getconf", "whatis", "jps", "jstat", "free", "systemd-analyze",
    ]


    /// Command names, each to its entry in the switch below: one hash lookup instead of comparing
    /// against every name in turn.
    enum DispatchedCommand {
        case sudo, suCommand, env, nice, xargs, parallel, watch, ssh, eval, source, trap, alias, export, cd, find, sh, python, runner
    }

    /// What the catalog's tables say about one command name, found with one lookup instead of one
    /// per table (each lookup hashes the name, and this runs for every command).
    struct CommandEntry {
        /// `shell:NAME`, built once rather than for every command classified.
        var operation: String
        var dispatched: DispatchedCommand?
        var readOnly = false
        /// The reason a read-only command states, built once for the same reason.
        var readReason: String
        var catalogued: CataloguedCommand?
        /// Whether `classifyEmbeddedCommands` knows options of this command that run commands.
        var optionsMayHideCommands = false
        /// Whether `classifySideEffectOptions` knows options that make this read-only command do more.
        var sideEffectOptions = false
        /// Whether the command is a schema-migration tool or a runner that may start one (`migrationInvocation`).
        var mayRunMigrationTool = false
        /// Whether the command prints, copies or sends the contents of the files it is given (`credentialReaders`).
        var readsFileContents = false

        init(name: String) {
            operation = "shell:" + name
            readReason = "`\(name)` only reads"
        }
    }

    static let commandsWithCommandOptions = ["man", "tar", "gtar", "bsdtar", "rsync", "scp", "sort", "at", "batch", "ssh", "sftp"]

    static let commandEntries: [String: CommandEntry] = {
        var entries: [String: CommandEntry] = [:]
        for (name, command) in dispatchedCommands { entries[name, default: CommandEntry(name: name)].dispatched = command }
        for name in Set(CommandRunner.table.keys).union(SecretStoreCommand.tools).union(["tmux", "screen", "salt", "salt-ssh", "salt-call"]) { entries[name, default: CommandEntry(name: name)].dispatched = .runner }
        for name in readOnlyCommands { entries[name, default: CommandEntry(name: name)].readOnly = true }
        for (name, command) in cataloguedCommands { entries[name, default: CommandEntry(name: name)].catalogued = command }
        for name in hostStorageTools { entries[name, default: CommandEntry(name: name)].catalogued = .hostStorage }
        for name in commandsWithCommandOptions { entries[name, default: CommandEntry(name: name)].optionsMayHideCommands = true }
        for name in commandsWithSideEffectOptions { entries[name, default: CommandEntry(name: name)].sideEffectOptions = true }
        for name in migrationRunners.union(DatabaseMigrationCommand.toolNames) { entries[name, default: CommandEntry(name: name)].mayRunMigrationTool = true }
        for name in credentialReaders { entries[name, default: CommandEntry(name: name)].readsFileContents = true }
        return entries
    }()

    static let dispatchedCommands: [String: DispatchedCommand] = [
        "sudo": .sudo, "doas": .sudo, "run0": .sudo,
        "su": .suCommand, "runuser": .suCommand, "sg": .suCommand,
        "env": .env,
        "nice": .nice, "nohup": .nice, "time": .nice, "stdbuf": .nice, "setsid": .nice, "ionice": .nice, "chrt": .nice, "taskset": .nice, "command": .nice, "builtin": .nice, "exec": .nice, "busybox": .nice, "unbuffer": .nice, "rlwrap": .nice, "caffeinate": .nice, "chroot": .nice, "flock": .nice, "nsenter": .nice, "unshare": .nice, "strace": .nice, "ltrace": .nice, "timeout": .nice, "gtimeout": .nice, "catchsegv": .nice, "cpulimit": .nice, "firejail": .nice, "proxychains": .nice, "proxychains4": .nice, "torsocks": .nice, "faketime": .nice, "entr": .nice,
        "xargs": .xargs,
        "parallel": .parallel, "sem": .parallel,
        "watch": .watch,
        "ssh": .ssh,
        "eval": .eval,
        "source": .source, ".": .source,
        "trap": .trap,
        "alias": .alias,
        "export": .export, "declare": .export, "typeset": .export, "local": .export, "readonly": .export,
        "cd": .cd, "pushd": .cd, "popd": .cd,
        "find": .find, "gfind": .find,
        "sh": .sh, "bash": .sh, "zsh": .sh, "dash": .sh, "ksh": .sh, "mksh": .sh, "yash": .sh, "fish": .sh, "ash": .sh, "csh": .sh, "tcsh": .sh, "rbash": .sh,
        "python": .python, "python2": .python, "python3": .python, "perl": .python, "ruby": .python, "node": .python, "nodejs": .python, "php": .python, "deno": .python, "bun": .python, "lua": .python, "tclsh": .python, "Rscript": .python, "osascript": .python, "pwsh": .python, "powershell": .python, "jshell": .python, "groovy": .python, "scala": .python, "julia": .python,
    ]

    /// Whether `cd NAME` looks NAME up on `CDPATH` first: not for `/…`, `.`, `..`, `./…`, `../…`.
    static func searchesCDPATH(_ name: String) -> Bool {
        !(name.hasPrefix(ascii: "/") || name == "." || name == ".." || name.hasPrefix("./") || name.hasPrefix("../"))
    }

    enum CDPATHLookup {
        case found(String)
        case notOnPath
        case unknown
    }

    /// Where `cd NAME` goes by the `CDPATH` the line set (`CDPATH=/srv; cd app` enters
    /// `/srv/app`, whatever `./app` is): the first entry holding NAME as a directory, an empty
    /// entry standing for the working directory.
    func directoryOnCDPATH(_ name: String) -> CDPATHLookup {
        // Set in front of the `cd` (`CDPATH=/srv cd app`), or earlier on the line.
        let given = commandEnvironment["CDPATH"] ?? variables["CDPATH"]
        guard let path = given else { return .unknown }
        for entry in path.split(separator: ":", omittingEmptySubsequences: false) {
            let base = entry.isEmpty ? "." : String(entry)
            guard let directory = base.hasPrefix(ascii: "/") ? Paths.normalize(base) : workingDirectory.map({ Paths.join($0, base) }) else { return .unknown }
            let candidate = Paths.join(directory, name)
            switch fileSystem.kind(of: candidate) {
            case .directory?: return .found(candidate)
            case .missing?, .file?: continue
            case nil: return .unknown
            }
        }
        return .notOnPath
    }

    /// Programs classified elsewhere than the catalog whose `--help` and `--version` only print.
    static func knowsHelp(_ name: String) -> Bool {
        CloudCLICommand.tools.contains(name)
    }

    /// Whether a word as written expands a variable (`$NAME`, `${NAME…}`), not only a command
    /// (`$(date)`) or arithmetic.
    static func expandsVariable(_ display: String) -> Bool {
        var bytes = display.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "$"), let next = bytes.next() else { continue }
            if next == UInt8(ascii: "{") || next == UInt8(ascii: "_") || (next | 0x20) >= UInt8(ascii: "a") && (next | 0x20) <= UInt8(ascii: "z") { return true }
        }
        return false
    }

    /// Whether a command prints its environment: `printenv`, `env` without a command, and the
    /// shell's `export`, `declare -x`/`-p` and `typeset` without names, and `set` alone.
    static func printsEnvironment(_ name: String, _ args: [Argument]) -> Bool {
        if SecretStoreCommand.printsEnvironment([name] + args.map(\.value)) { return true }
        switch name {
        case "export", "declare", "typeset": return args.allSatisfy { $0.value?.hasPrefix(ascii: "-") == true }
        case "set": return args.isEmpty
        default: return false
        }
    }

    mutating func classifyCommand(_ name: String, _ args: [Argument], stdin: StandardInput) {
        let entry = Self.commandEntries[name]
        let op = entry?.operation ?? "shell:" + name
        // `--help` and `--version` print and exit, for the programs whose behaviour is known here;
        // a program that is not known may do anything with them.
        if args.count == 1, let only = args[0].value, only == "--help" || only == "--version", name != "sudo", entry != nil || Self.knowsHelp(name) {
            add(op, .read, "`\(name) \(only)` only prints")
            return
        }
        if entry?.mayRunMigrationTool == true, let (tool, rest) = Self.migrationInvocation(name, args[...]), let found = DatabaseMigrationCommand.classify(tool: tool, rest.map(\.value)) {
            for finding in found { add(finding) }
            return
        }
        classifyEmbeddedCommands(name, args, stdin: stdin, optionsMayHideCommands: entry?.optionsMayHideCommands == true)
        // In a container, a pod or on another host the environment is the service's, where it
        // keeps its passwords and keys (`kubectl exec api -- env`, `docker exec db printenv`):
        // printing it hands them to the agent, as reading `/proc/1/environ` does.
        if runsElsewhere {
            if Self.printsEnvironment(name, args) {
                add(op, .read, categories: [.credentialIssue], "`\(name)` prints the environment where it runs, another machine's or container's, with the secrets a service keeps there")
            } else if name == "echo" || name == "printf", args.contains(where: { !$0.isExact && Self.expandsVariable($0.display) }) {
                // `kubectl exec api -- sh -c 'echo $DATABASE_PASSWORD'`: a variable the line did
                // not set is the service's, and which of them are secrets cannot be told from here.
                add(op, .read, categories: [.credentialIssue], "`\(name)` prints variables of the environment where it runs, another machine's or container's, where a service keeps its secrets")
            }
        }
        switch entry?.dispatched {
        // MARK: Wrappers that run another command
        case .sudo:
            runSudo(name, args, stdin: stdin)
        case .suCommand:
            let options = CommandOptions(args, valued: ["-c", "--command", "--session-command", "-s", "--shell", "-g", "--group", "-G", "-u", "--user", "-w"])
            if let text = options.value("-c", "--command", "--session-command") {
                analyzeText(text, origin: "the command given to `\(name) -c`")
            } else if name == "runuser", options.operands.count > 0, options.has("-u", "--user") {
                run(options.operands, stdin: stdin)
            } else {
                unknown(op, "`\(name)` without `-c` opens an interactive shell as another user", opaque: true)
            }
        case .env:
            runEnv(args, stdin: stdin)
        case .nice:
            runWrapper(name, args, stdin: stdin)
        case .runner:
            switch name {
            case "tmux": return runTmux(args)
            case "screen": return runScreen(args)
            case "salt", "salt-ssh", "salt-call": return runSalt(name, args)
            default: break
            }
            if entry?.readsFileContents == true { noteCredentialReads(args, by: name) }
            // A secret manager's own commands first (`envchain --set NS VAR` is not `envchain NS CMD`).
            let ownCommand = SecretStoreCommand.tools.contains(name) ? SecretStoreCommand.classify(tool: name, args.map(\.value)) : nil
            if ownCommand == nil, let runner = CommandRunner.table[name], runThroughRunner(name, runner, args, stdin: stdin) { return }
            classifyRunnerOwnCommand(name, args, classified: ownCommand, stdin: stdin, catalogued: entry?.catalogued)
        case .xargs:
            let options = CommandOptions(
                args, valued: ["-I", "-i", "-n", "-P", "-L", "-l", "-d", "-E", "-e", "-s", "-a", "--max-args", "--max-procs", "--max-lines",
                               "--delimiter", "--eof", "--max-chars", "--arg-file", "--replace", "--process-slot-var"],
                stopAtOperand: true)
            if options.operands.isEmpty {
                add(op, .read, "`xargs` without a command echoes its input")
            } else {
                run(options.operands + [.runtime("<input of xargs>")], stdin: .inherited)
            }
        case .parallel:
            var commandPart: [Argument] = []
            for argument in CommandOptions(args, valued: ["-j", "--jobs", "-S", "--sshlogin", "--delay", "--timeout", "-N", "-n", "--colsep", "-d", "--joblog", "--results", "--tmpdir", "-a", "--arg-file"], stopAtOperand: true).operands {
                if argument.value == ":::" || argument.value == "::::" || argument.value == ":::+" { break }
                commandPart.append(argument)
            }
            if commandPart.count == 1, let text = commandPart[0].value, text.containsASCII(" ") {
                analyzeText(text, origin: "the command given to `parallel`")
            } else if commandPart.isEmpty {
                unknown(op, "`parallel` runs commands read from its input", opaque: true)
            } else {
                run(commandPart + [.runtime("<input of parallel>")], stdin: .inherited)
            }
        case .watch:
            let options = CommandOptions(args, valued: ["-n", "--interval", "-d", "-q", "--equexit"], stopAtOperand: true)
            let text = options.operands.map(\.text).joined(separator: " ")
            if options.has("-x", "--exec") {
                run(options.operands, stdin: stdin)
            } else if options.operands.allSatisfy({ $0.value != nil }) {
                analyzeText(text, origin: "the command given to `watch`")
            } else {
                unknown(op, "`watch` runs a command computed at run time", opaque: true)
            }
        case .ssh:
            runSSH(args, stdin: stdin)
        case .eval:
            add(op, .unknown, categories: [.opaqueExecution], "`eval` runs text as code")
            if args.allSatisfy({ $0.value != nil }) {
                analyzeText(args.map(\.text).joined(separator: " "), origin: "the text given to `eval`")
            }
        case .source:
            guard let file = args.first else {
                unknown(op, "`\(name)` without a file", opaque: true)
                return
            }
            analyzeScriptFile(file, runner: "`\(name)`")
        case .trap:
            // `trap 'commands' SIGNAL`: the commands run later, in this shell.
            if let handler = args.first?.value, args.count >= 2, handler != "-", !handler.hasPrefix(ascii: "-") {
                analyzeText(handler, origin: "the `trap` handler")
            } else {
                add(op, .read, "lists or resets signal handlers")
            }
        case .alias:
            for argument in args {
                guard let text = argument.value, let equals = text.firstIndex(of: "=") else { continue }
                aliases[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            add(op, .read, "defines aliases")
        case .export:
            // `local` outside a function fails and assigns nothing.
            if name == "local", localFrames.isEmpty {
                add(op, .read, "`local` outside a function fails and sets nothing")
                return
            }
            let declares = name == "local" || name == "declare" || name == "typeset"
            // The option letters given (`-gr` gives `g` and `r`), read once; an argument computed at
            // run time could be any option.
            let letters = args.reduce(into: Set<Character>()) { letters, argument in
                if let text = argument.value, text.hasPrefix(ascii: "-") { letters.formUnion(text.dropFirst()) }
            }
            let computedOption = args.contains { $0.value == nil }
            func given(_ letter: Character) -> Bool { letters.contains(letter) || computedOption }
            // `declare -n ref=name`: assigning `ref` assigns `name`; no variable can be trusted after.
            if declares, given("n") {
                variables = [:]
                variablesUntrusted = true
            }
            // Attributes that change the value or make an array: `declare -l x=RM` holds `rm`.
            let transforms = !letters.isDisjoint(with: "ailuAc")
            // `readonly x`, `declare -r x=…`: later assignments to `x` fail.
            let makesReadonly = name == "readonly" || declares && given("r")
            // `declare -g x=…` in a function assigns the global `x`, even where `x` is local.
            let global = declares && given("g")
            for argument in args {
                // A value computed at run time (`export LD_PRELOAD=$HOME/x.so`) still names its
                // variable in the word as written.
                let text = argument.value ?? argument.display
                guard !text.hasPrefix(ascii: "-") else { continue }
                // `name`, `name+`, `name[subscript]` before the `=`.
                let target = text.prefix { $0 != "=" }
                let appends = target.hasSuffix("+")
                let element = target.contains("[")
                let variable = String(target.prefix { $0 != "[" && $0 != "+" })
                defer {
                    if makesReadonly { readonlyVariables.insert(variable) }
                    if declares && transforms { transformedVariables.insert(variable) }
                }
                if global, !readonlyVariables.contains(variable), let frame = localFrames.firstIndex(where: { $0.index(forKey: variable) != nil }) {
                    // The global is what the outermost function that made it local will restore.
                    let simple = argument.value != nil && text.contains("=") && !transforms && !appends && !element && !transformedVariables.contains(variable)
                    localFrames[frame][variable] = .some(simple ? String(text.drop { $0 != "=" }.dropFirst()) : nil)
                    continue
                }
                // In a function, `local x` and `declare x` are the function's own until it returns.
                if declares, !global, !localFrames.isEmpty, localFrames[localFrames.count - 1].index(forKey: variable) == nil {
                    localFrames[localFrames.count - 1][variable] = .some(variables[variable])
                }
                guard text.contains("=") else {
                    // `local x` without a value: empty, or the caller's, depending on the shell.
                    if declares, !global { forgetVariable(variable) }
                    continue
                }
                guard argument.value != nil else {
                    assign(variable, value: nil)
                    noteEnvironmentVariable(variable, nil)
                    continue
                }
                let value = String(text.drop { $0 != "=" }.dropFirst())
                assign(variable, value: transforms ? nil : value, appends: appends, element: element)
                noteEnvironmentVariable(variable, variables[variable])
            }
            add(op, .read, "sets shell variables")
        case .cd:
            // `popd`, and `pushd` without a directory, go back to a directory on the stack, which
            // is not followed here: where the line then is, is not known.
            if name == "popd" || name == "pushd" && !args.contains(where: { $0.value.map { !$0.hasPrefix(ascii: "-") && !$0.hasPrefix(ascii: "+") } ?? true }) {
                if workingDirectory != nil || homeRelativeDirectory != nil { directoryUncertain = true }
                workingDirectory = nil
                homeRelativeDirectory = nil
                add(op, .read, "changes the working directory")
                return
            }
            // Later relative paths resolve against the new directory.
            if let target = args.last(where: { $0.value.map { !$0.hasPrefix(ascii: "-") } ?? true }) {
                if let value = target.value, !target.isPattern, !value.hasPrefix(ascii: "~") {
                    let base = homeRelativeDirectory
                    var destination = workingDirectory.map { Paths.join($0, value) } ?? (value.hasPrefix(ascii: "/") ? Paths.normalize(value) : nil)
                    if cdpathAssigned, Self.searchesCDPATH(value) {
                        switch directoryOnCDPATH(value) {
                        case .found(let directory): destination = directory
                        case .notOnPath: break
                        case .unknown: destination = nil
                        }
                    }
                    // `cd` into a directory the disk does not show may fail and leave the line
                    // where it was: where it then is, is not known.
                    if let destination, fileSystem.kind(of: destination) == .directory {
                        workingDirectory = destination
                        homeRelativeDirectory = nil
                    } else {
                        if destination != workingDirectory { directoryUncertain = true }
                        workingDirectory = nil
                        homeRelativeDirectory = destination == nil ? base.map { $0 + "/" + value } : nil
                    }
                } else {
                    workingDirectory = nil
                    homeRelativeDirectory = Self.homeRelative(target)
                    directoryUncertain = true
                }
            }
            add(op, .read, "changes the working directory")
        case .find:
            classifyFind(args)
        case .sh:
            runShell(name, args, stdin: stdin)
        case .python:
            runInterpreter(name, args, stdin: stdin)
        default:
            if name.hasPrefix("python3.") || name.hasPrefix("python2.") {
                runInterpreter("python3", args, stdin: stdin)
            } else if let entry, entry.readOnly {
                if !entry.sideEffectOptions || !classifySideEffectOptions(name, args, stdin: stdin) { add(op, .read, entry.readReason) }
                // `cmp -l`/`-b` print the bytes that differ: against `/dev/zero`, the whole file.
                if entry.readsFileContents || name == "cmp" && args.contains(where: { Self.printsDifferingBytes($0.value) }) { noteCredentialReads(args, by: name) }
            } else {
                if entry?.readsFileContents == true { noteCredentialReads(args, by: name) }
                classifyCatalogued(name, args, stdin: stdin, entry?.catalogued)
            }
        }
    }

    /// `cmp`'s options that print the differing bytes themselves: `-l`, `-b`, a cluster holding
    /// either, `--verbose`, `--print-bytes`.
    static func printsDifferingBytes(_ word: String?) -> Bool {
        guard let word, word.hasPrefix(ascii: "-") else { return false }
        if word.hasPrefix("--") { return word == "--verbose" || word == "--print-bytes" }
        return word.dropFirst().contains { $0 == "l" || $0 == "b" }
    }

    /// Commands that print, copy, pack or send the contents of the files they are given (not
    /// those that only name them, list them or hash them: `ls`, `stat`, `echo`, `sha256sum`).
    static let credentialReaders: Set<String> = [
        "cat", "tac", "nl", "grep", "egrep", "fgrep", "rg", "ag", "ack", "head", "tail", "less", "more", "most", "diff", "comm", "uniq",
        "cut", "paste", "join", "fold", "fmt", "expand", "unexpand", "column", "rev", "jq", "base64", "base32", "xxd", "od", "hexdump",
        "strings", "zcat", "bzcat", "xzcat", "zgrep", "zless", "zmore", "bat", "batcat", "csvlook", "look", "iconv",
        "cp", "scp", "rsync", "tar", "zip", "7z", "curl", "wget", "http", "nc", "ncat", "socat", "gpg", "openssl", "sed", "awk", "gawk",
        "sort", "tee", "xclip", "pbcopy", "yq", "vi", "vim", "nvim", "nano", "emacs", "view", "pr", "split", "csplit", "dd",
    ]

    /// `HOST:PATH` or `CONTAINER:PATH` as scp, rsync and `docker cp` take them: a colon before any
    /// slash, and no `scheme://`.
    static func namesRemotePath(_ text: String) -> Bool {
        guard let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")), colon != text.utf8.startIndex else { return false }
        return !text.utf8[..<colon].contains(UInt8(ascii: "/")) && !text.utf8[colon...].starts(with: "://".utf8)
    }

    /// `.env`, `.env.production`, `prod.env`; not the templates (`.env.example`, `.sample`,
    /// `.template`, `.dist`).
    static func isEnvironmentFile(_ path: String) -> Bool {
        let name = Paths.basename(path)
        guard name == ".env" || name.hasPrefix(".env.") || name.hasSuffix(".env") else { return false }
        return !["example", "sample", "template", "dist", "defaults"].contains { name.hasSuffix("." + $0) }
    }

    /// A credentials file among a command's operands (`cat ~/.aws/credentials`, `scp ~/.ssh/id_rsa
    /// host:`, `curl -d @$HOME/.netrc`): its contents reach the agent, or leave with it.
    mutating func noteCredentialReads(_ args: [Argument], by name: String) {
        for var argument in args {
            var text = argument.value ?? argument.display
            // `-d @file`, `--data-binary=@file`: the path inside the option.
            if let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "@"), let at = text.utf8.firstIndex(of: UInt8(ascii: "@")) {
                text = String(text[text.index(after: at)...])
            }
            // `dd if=FILE`: the path after the operand's name.
            if name == "dd", text.hasPrefix("if=") {
                text = String(text.dropFirst(3))
                argument = argument.value.map { .known(String($0.dropFirst(3))) } ?? argument
            }
            var found = CredentialFiles.mayName(text) ? CredentialFiles.reason(text, directories: true) : nil
            // A link to one (`/tmp/notes` leading to `~/.aws/credentials`) is read as the file.
            if found == nil, seesLinks, let value = argument.value, !argument.isPattern, let path = absolutePath(value),
               let physical = linkedPath(path), CredentialFiles.mayName(physical) {
                found = CredentialFiles.reason(physical, directories: true).map { "it leads to `\(physical)`, and \($0)" }
            }
            // `.env` files are what agents read all day in development; in a container, a pod or
            // on another host they are a service's secrets.
            if found == nil, text.containsASCII(".env"), runsElsewhere || Self.namesRemotePath(text), Self.isEnvironmentFile(text) {
                found = "it is an environment file where it runs, another machine's or container's, with the secrets a service keeps there"
            }
            guard let reason = found else { continue }
            let target = argument.value.map { resolvePath($0) } ?? argument.display
            add(Finding(operation: "shell:read_credentials", effect: .read, targets: [target], targetsComplete: argument.isExact,
                        categories: [.credentialIssue], reason: "`\(name)` reads `\(argument.display)`: \(reason), which the agent then holds"))
        }
    }

    // MARK: Commands hidden in options

    /// Options that make an ordinary command run another one: `man -P`, `tar --to-command`,
    /// `rsync -e`, `ssh -o ProxyCommand=`, `sort --compress-program`, and the jobs `at` reads.
    mutating func classifyEmbeddedCommands(_ name: String, _ args: [Argument], stdin: StandardInput, optionsMayHideCommands: Bool) {
        // Any command's arguments are searched for tar's checkpoint action; the options below
        // only for the commands in `commandsWithCommandOptions`.
        guard optionsMayHideCommands
            || args.contains(where: { $0.value?.utf8.first == UInt8(ascii: "-") && $0.value!.hasPrefix("--checkpoint-action=exec=") })
        else { return }
        let options: [String]
        switch name {
        case "man": options = ["-P", "--pager", "-H", "--html"]
        case "tar", "gtar", "bsdtar": options = ["--to-command", "--use-compress-program", "-I", "--info-script", "-F", "--new-volume-script", "--rmt-command", "--rsh-command"]
        case "rsync": options = ["-e", "--rsh", "--rsync-path"]
        case "scp": options = ["-S"]
        case "sort": options = ["--compress-program"]
        case "at", "batch":
            let parsed = CommandOptions(args, valued: ["-f", "-q", "-t"])
            if let file = parsed.value("-f") {
                analyzeScriptFile(.known(file), runner: "`\(name) -f`")
            } else {
                runProgramFromStandardInput(name, stdin: stdin) { analysis, text in analysis.analyzeText(text, origin: "the job `\(name)` schedules") }
            }
            return
        default: options = []
        }
        let sshLike = name == "ssh" || name == "scp" || name == "sftp" || name == "rsync"
        var commands: [(String, Argument)] = []
        var index = 0
        while index < args.count {
            let argument = args[index]
            guard let text = argument.value else {
                index += 1
                continue
            }
            for option in options {
                if text == option, index + 1 < args.count {
                    commands.append((option, args[index + 1]))
                } else if text.hasPrefix(option + "=") {
                    commands.append((option, .known(String(text.dropFirst(option.count + 1)))))
                } else if option.count == 2, !option.hasPrefix("--"), text.hasPrefix(option), text.count > 2, !text.hasPrefix("--") {
                    commands.append((option, .known(String(text.dropFirst(2)))))
                }
            }
            if text.hasPrefix("--checkpoint-action=exec=") { commands.append(("--checkpoint-action", .known(String(text.dropFirst("--checkpoint-action=exec=".count))))) }
            // ssh options that run local commands.
            if sshLike, text == "-o" || text.hasPrefix("-o"), let setting = (text == "-o" ? (index + 1 < args.count ? args[index + 1].value : nil) : String(text.dropFirst(2))) {
                let lower = setting.lowercased()
                for key in ["proxycommand", "localcommand", "knownhostscommand"] where lower.hasPrefix(key) {
                    let value = setting.dropFirst(key.count).drop { $0 == "=" || $0 == " " }
                    commands.append(("-o \(key)", .known(String(value))))
                }
            }
            index += 1
        }
        for (option, command) in commands {
            guard let text = command.value else {
                unknown("shell:\(name)", "`\(name) \(option)` runs a command computed at run time", opaque: true)
                continue
            }
            analyzeText(text, origin: "the command `\(name) \(option)` runs")
        }
    }

    // MARK: Wrappers

    mutating func runSudo(_ name: String, _ args: [Argument], stdin: StandardInput) {
        let options = CommandOptions(
            args, valued: ["-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "-c", "--user", "--group", "--host", "--prompt",
                           "--close-from", "--chdir", "--role", "--type", "--other-user", "--command-timeout", "--login-class"],
            stopAtOperand: true)
        if options.has("-e", "--edit") {
            add("shell:sudoedit", .write, targets: options.operands, "`\(name) -e` edits files as root")
            return
        }
        if options.operands.isEmpty {
            if options.has("-i", "-s", "--login", "--shell") || (name == "doas" && options.has("-s")) {
                unknown("shell:\(name)", "`\(name)` opens a root shell", opaque: true)
            } else {
                add("shell:\(name)", .read, "`\(name)` without a command only lists or refreshes credentials")
            }
            return
        }
        if options.has("-i", "-s", "--login", "--shell"), options.operands.allSatisfy({ $0.value != nil }) {
            // `sudo -s cmd args` runs `cmd args` through the target user's shell.
            analyzeText(options.operands.map(\.text).joined(separator: " "), origin: "the command given to `\(name) -s`")
            return
        }
        run(options.operands, stdin: stdin)
    }

    mutating func runEnv(_ args: [Argument], stdin: StandardInput) {
        let options = CommandOptions(args, valued: ["-u", "--unset", "-C", "--chdir", "-S", "--split-string", "-P", "--default-signal", "--ignore-signal", "--block-signal"], stopAtOperand: true)
        if let text = options.value("-S", "--split-string") {
            analyzeText(text + " " + Self.commandLine(options.operands.map(\.text)), origin: "the string given to `env -S`")
            return
        }
        var rest = options.operands[...]
        while let first = rest.first, let text = first.value, let equals = text.firstIndex(of: "="), !text.hasPrefix(ascii: "=") {
            noteEnvironmentVariable(String(text[..<equals]), String(text[text.index(after: equals)...]))
            commandEnvironment[String(text[..<equals])] = String(text[text.index(after: equals)...])
            rest = rest.dropFirst()
        }
        if rest.isEmpty {
            add("shell:env", .read, "`env` without a command prints the environment")
        } else {
            run(Array(rest), stdin: stdin)
        }
    }

    /// Wrappers whose own options come first, then the command they run (sometimes after one or two
    /// fixed operands: `timeout 10 cmd`, `chroot /dir cmd`, `flock file cmd`, `taskset mask cmd`).
    mutating func runWrapper(_ name: String, _ args: [Argument], stdin: StandardInput) {
        let valued: [StaticString]
        var fixedOperands = 0
        switch name {
        case "nice": valued = ["-n", "--adjustment"]
        case "ionice": valued = ["-c", "-n", "-p", "-P", "-u", "--class", "--classdata", "--pid"]
        case "stdbuf": valued = ["-i", "-o", "-e", "--input", "--output", "--error"]
        case "time": valued = ["-f", "--format", "-o", "--output"]
        case "timeout", "gtimeout":
            valued = ["-s", "--signal", "-k", "--kill-after"]
            fixedOperands = 1
        case "chrt":
            valued = []
            fixedOperands = 1
        case "taskset":
            valued = []
            fixedOperands = args.contains { $0.value == "-c" || $0.value == "--cpu-list" } ? 0 : 1
        case "chroot":
            valued = ["--userspec", "--groups"]
            fixedOperands = 1
        case "flock":
            valued = ["-w", "--timeout", "-E", "--conflict-exit-code", "-c", "--command"]
            fixedOperands = 1
        case "exec": valued = ["-a"]
        case "nsenter": valued = ["-t", "--target", "-S", "--setuid", "-G", "--setgid", "--wd", "-w", "-r", "--root"]
        case "strace": valued = ["-e", "-o", "-p", "-s", "-u", "-E", "-P", "-a", "-b", "-I", "-O", "-S", "-X"]
        case "ltrace": valued = ["-e", "-o", "-p", "-s", "-u", "-n", "-a", "-A", "-D", "-l", "-w"]
        case "cpulimit": valued = ["-l", "--limit", "-p", "--pid", "-e", "--exe"]
        case "faketime":
            valued = ["-m", "-f"]
            fixedOperands = 1
        case "entr": valued = []
        default: valued = []
        }
        var options = CommandOptions(args, valued: valued, stopAtOperand: true)
        if name == "taskset" && options.has("-c", "--cpu-list") { fixedOperands = 1 }
        if name == "flock", let text = options.value("-c", "--command") {
            analyzeText(text, origin: "the command given to `flock -c`")
            return
        }
        if name == "chroot", options.operands.count == 1 {
            unknown("shell:chroot", "`chroot` without a command opens a shell in `\(options.operands[0].text)`", opaque: true)
            return
        }
        options.operands.removeFirst(min(fixedOperands, options.operands.count))
        if options.operands.isEmpty {
            switch name {
            case "exec", "command", "builtin", "time", "nice", "nohup", "busybox":
                add("shell:\(name)", .read, "`\(name)` without a command does nothing here")
            case "ionice", "taskset", "chrt", "cpulimit", "strace", "ltrace":
                add("shell:\(name)", .write, "`\(name)` changes or traces a running process")
            default:
                unknown("shell:\(name)", "`\(name)` without a command")
            }
            return
        }
        if name == "command", options.has("-v", "-V") {
            add("shell:command", .read, "`command -v` looks a command up")
            return
        }
        run(options.operands, stdin: stdin)
    }

    /// Text a command's standard input is known to carry: a here-document or here-string, or
    /// what a command before it in the pipeline prints when the line fixes it.
    static func fixedText(_ stdin: StandardInput) -> String? {
        switch stdin {
        case .text(let text?), .piped(let text, _): text
        default: nil
        }
    }

    mutating func runSSH(_ args: [Argument], stdin: StandardInput = .inherited) {
        let options = CommandOptions(
            args, valued: ["-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p", "-Q", "-R", "-S", "-W", "-w", "-B"],
            stopAtOperand: true)
        guard let destination = options.operands.first else {
            unknown("shell:ssh", "`ssh` without a host")
            return
        }
        var host = destination.text
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        if host.hasPrefix("ssh://") { host = String(host.dropFirst(6)) }
        if let colon = host.firstIndex(of: ":") { host = String(host[..<colon]) }
        if destination.value != nil { environmentFacts.add(.host, host) }
        let remote = options.operands.dropFirst()
        if options.has("-Q", "-O") {
            add("shell:ssh", .read, "`ssh -Q`/`-O` queries ssh itself")
        } else if remote.isEmpty {
            if options.has("-N") {
                add("shell:ssh", .write, targets: [destination], "opens a tunnel to `\(host)`")
            } else {
                unknown("shell:ssh", "`ssh \(host)` opens an interactive shell on `\(host)`", opaque: true)
                // Without a command, the remote shell reads its commands from what is piped in.
                if let text = Self.fixedText(stdin) {
                    elsewhere { $0.analyzeText(text, origin: "the commands `\(host)`'s shell reads from its input") }
                }
            }
        } else if remote.allSatisfy({ $0.value != nil }) {
            // ssh joins the remote words with spaces and hands the result to the remote shell.
            let command = remote.map(\.text).joined(separator: " ")
            elsewhere { $0.analyzeText(command, origin: "the command run on `\(host)`") }
            // A remote shell given no command string reads one from its input (`ssh host bash -s`).
            if let text = Self.fixedText(stdin), let shell = remote.first?.value, ["sh", "bash", "zsh", "dash", "ksh"].contains(shell),
               !remote.contains(where: { $0.value == "-c" }) {
                elsewhere { $0.analyzeText(text, origin: "the commands `\(host)`'s `\(shell)` reads from its input") }
            }
        } else {
            unknown("shell:ssh", "runs a command computed at run time on `\(host)`", opaque: true)
        }
    }

    mutating func runShell(_ name: String, _ args: [Argument], stdin: StandardInput) {
        var commandString = false
        var operands: [Argument] = []
        var iterator = args[...]
        while let argument = iterator.popFirst() {
            guard let text = argument.value else {
                operands.append(argument)
                operands.append(contentsOf: iterator)
                break
            }
            if text == "--" || text == "-" {
                operands.append(contentsOf: iterator)
                break
            }
            if text.hasPrefix("--") {
                if ["--rcfile", "--init-file"].contains(text) { _ = iterator.popFirst() }
                continue
            }
            if (text.hasPrefix(ascii: "-") || text.hasPrefix(ascii: "+")) && text.count > 1 {
                if text.containsASCII("c") && text.hasPrefix(ascii: "-") { commandString = true }
                if text.containsASCII("o") || text.containsASCII("O") { _ = iterator.popFirst() }
                continue
            }
            operands.append(argument)
            operands.append(contentsOf: iterator)
            break
        }
        if commandString {
            guard let text = operands.first else {
                unknown("shell:\(name)", "`\(name) -c` without a command string")
                return
            }
            guard let value = text.value else {
                unknown("shell:\(name)", "`\(name) -c` runs a command string computed at run time (`\(text.display)`)", opaque: true)
                return
            }
            // `bash -c TEXT NAME A B`: NAME is `$0`, A and B are `$1` and `$2`.
            let callers = positional
            let given = operands.dropFirst(2)
            positional = given.allSatisfy(\.isExact) ? given.map { $0.value! } : nil
            analyzeText(value, origin: "the command string given to `\(name) -c`")
            positional = callers
            return
        }
        if let script = operands.first {
            analyzeScriptFile(script, runner: "`\(name)`")
            return
        }
        runProgramFromStandardInput(name, stdin: stdin) { analysis, text in
            analysis.analyzeText(text, origin: "the script `\(name)` reads from its input")
        }
    }

    /// The read-only commands `classifySideEffectOptions` has cases for; the others skip it, since
    /// it runs on the path every `ls` and `cat` takes.
    static let commandsWithSideEffectOptions = [
        "journalctl", "dmesg", "date", "ss", "hash", "shuf", "iconv", "tree", "info", "uniq", "xxd", "base64", "base32", "less", "more", "most",
        "rg", "fd", "fdfind", "fzf", "dc", "compgen", "complete", "enable", "fc", "history", "nvidia-smi",
    ]

    /// Options that make a command listed as only reading (and `zip`) write a file, run a command or
    /// change the system. Returns whether such an option was found (and classified).
    /// Whether a pager argument is a start-up command (`+CMD`) that does more than move or search
    /// (`+G`, `+100`, `+/error`): `!`, `|`, `s FILE`, `:e` and the rest act outside the pager.
    static func isPagerCommandActingOutside(_ word: some StringProtocol) -> Bool {
        word.hasPrefix(ascii: "+") && !onlyMovesThePager(word)
    }

    static func onlyMovesThePager(_ text: some StringProtocol) -> Bool {
        let command = text.drop { $0 == "+" }
        if command.contains(where: { $0 == "\n" || $0 == "\r" }) { return false }
        if command.first == "/" || command.first == "?" { return true }
        let rest = command.drop { $0.isASCII && $0.isNumber }
        return rest.isEmpty || ["g", "G", "F", "p", "%", "j", "k", "R"].contains(String(rest))
    }

    mutating func classifySideEffectOptions(_ name: String, _ args: [Argument], stdin: StandardInput) -> Bool {
        let op = "shell:\(name)"
        /// The value of `-x VALUE`, `-xVALUE`, `--long VALUE` or `--long=VALUE`, for the spellings given.
        func value(_ spellings: String...) -> Argument? {
            for (index, argument) in args.enumerated() {
                guard let text = argument.value else { continue }
                for spelling in spellings {
                    if text == spelling { return index + 1 < args.count ? args[index + 1] : .runtime("<missing>") }
                    if spelling.hasPrefix("--"), text.hasPrefix(spelling + "=") { return .known(String(text.dropFirst(spelling.count + 1))) }
                    if !spelling.hasPrefix("--"), spelling.count == 2, text.hasPrefix(spelling), text.count > 2, !text.hasPrefix("--") {
                        return .known(String(text.dropFirst(2)))
                    }
                }
            }
            return nil
        }
        func has(_ spellings: String...) -> Bool {
            args.contains { argument in
                guard let text = argument.value else { return false }
                return spellings.contains { text == $0 || (($0.hasPrefix("--")) && text.hasPrefix($0 + "=")) }
            }
        }
        func writes(_ file: Argument, by option: String) -> Bool {
            classifyWrite(to: file, truncates: true, by: "`\(name) \(option)`", operation: op)
            return true
        }
        func runs(_ command: Argument, by option: String) -> Bool {
            guard let text = command.value else {
                unknown(op, "`\(name) \(option)` runs a command computed at run time", opaque: true)
                return true
            }
            analyzeText(text, origin: "the command `\(name) \(option)` runs")
            return true
        }
        switch name {
        case "journalctl":
            if args.contains(where: { $0.value?.hasPrefix("--vacuum-") == true }) {
                add(op, .destructive, categories: [.dataLoss], "`journalctl --vacuum-…` deletes journal files")
                return true
            }
            if has("--rotate", "--flush", "--sync", "--relinquish-var", "--smart-relinquish-var", "--setup-keys", "--update-catalog") {
                add(op, .write, "`journalctl` rotates, moves or rewrites journal files")
                return true
            }
        case "dmesg":
            if has("-C", "--clear", "-c", "--read-clear") {
                add(op, .destructive, categories: [.dataLoss], "`dmesg --clear` empties the kernel's message buffer")
                return true
            }
            if has("-n", "--console-level", "-D", "--console-off", "-E", "--console-on") {
                add(op, .write, "`dmesg` changes what the kernel prints to the console")
                return true
            }
        case "date":
            if let _ = value("-s", "--set") {
                add(op, .write, "`date --set` changes the system clock")
                return true
            }
        case "ss":
            if has("-K", "--kill") {
                add(op, .destructive, "`ss --kill` closes the sockets it matches")
                return true
            }
        case "shuf", "iconv", "tree", "info":
            if let file = value("-o", "--output", "--output-file") { return writes(file, by: "-o") }
        case "uniq":
            // `uniq INPUT OUTPUT` writes OUTPUT.
            let files = CommandOptions(args, valued: ["-f", "-s", "-w", "--skip-fields", "--skip-chars", "--check-chars"]).operands
            if files.count >= 2 { return writes(files[1], by: "INPUT OUTPUT") }
        case "xxd":
            let files = CommandOptions(args, valued: ["-c", "-g", "-l", "-s", "-o", "-n", "-cols", "-groupsize", "-len", "-seek", "-offset", "-name"]).operands
            if has("-r", "-revert"), files.count >= 2 { return writes(files[1], by: "-r INPUT OUTPUT") }
        case "base64", "base32":
            if let file = value("-o", "--output") { return writes(file, by: "-o") }
        case "less", "more", "most":
            if let file = value("-o", "--log-file", "-O", "--LOG-FILE") { return writes(file, by: "--log-file") }
            // `+CMD` runs a pager command at start-up, where `!` and `|` reach a shell.
            if let command = args.first(where: { $0.value.map(Self.isPagerCommandActingOutside) ?? false }) {
                unknown(op, "`\(name) \(command.display)` runs a pager command at start-up, which can run shell commands", opaque: true)
                return true
            }
        case "rg":
            if let command = value("--pre") { return runs(command, by: "--pre") }
        case "fd", "fdfind":
            // `fd -x CMD` / `-X CMD` runs CMD on what it finds, like `find -exec`.
            if let index = args.firstIndex(where: { ["-x", "--exec", "-X", "--exec-batch"].contains($0.value ?? "") }) {
                let command = Array(args[(index + 1)...].prefix { $0.value != ";" })
                guard !command.isEmpty else {
                    unknown(op, "`\(name) -x` without a command", opaque: true)
                    return true
                }
                run(command + [.runtime("<what \(name) finds>")], stdin: .inherited)
                return true
            }
        case "fzf":
            if let command = value("--preview") { return runs(command, by: "--preview") }
            if has("--bind", "--with-shell", "--listen") {
                unknown(op, "`fzf --bind` can run commands on key presses", opaque: true)
                return true
            }
        case "zip":
            if let command = value("-TT", "--unzip-command") { return runs(command, by: "-TT") }
        case "dc":
            // `!` runs the rest of its line in a shell.
            if let program = value("-e", "--expression") {
                guard let text = program.value else {
                    unknown(op, "`dc` runs a program computed at run time", opaque: true)
                    return true
                }
                guard text.containsASCII("!") else { return false }
                unknown(op, "the `dc` program runs shell commands (`!`)", opaque: true)
                return true
            }
            if !args.contains(where: { !($0.value?.hasPrefix(ascii: "-") ?? false) }) {
                runProgramFromStandardInput(name, stdin: stdin) { analysis, text in
                    if text.containsASCII("!") {
                        analysis.unknown(op, "the `dc` program runs shell commands (`!`)", opaque: true)
                    } else {
                        analysis.add(op, .read, "`dc` only calculates")
                    }
                }
                return true
            }
            unknown(op, "`dc` runs programs from files, which may run shell commands (`!`)", opaque: true)
            return true
        case "compgen", "complete":
            if value("-C", "-F") != nil {
                unknown(op, "`\(name) -C`/`-F` runs a command or function to produce completions", opaque: true)
                return true
            }
        case "enable":
            if value("-f") != nil {
                unknown(op, "`enable -f` loads a builtin from a shared library: code the line does not show", opaque: true)
                return true
            }
        case "fc":
            if !has("-l") {
                unknown(op, "`fc` edits and runs commands from the history", opaque: true)
                return true
            }
        case "hash":
            // `hash -p FILE NAME` makes NAME run FILE.
            if value("-p") != nil {
                unknown(op, "`hash -p` makes a command name run another program", opaque: true)
                return true
            }
        case "history":
            if has("-c", "-d") {
                add(op, .write, "`history -c`/`-d` deletes shell history")
                return true
            }
            if let file = value("-w", "-a") { return writes(file, by: "-w") }
        case "nvidia-smi":
            if has("-r", "--gpu-reset", "-pm", "--persistence-mode", "-pl", "--power-limit", "-c", "--compute-mode", "-e", "--ecc-config",
                   "-ac", "--applications-clocks", "-rac", "--reset-applications-clocks", "-lgc", "--lock-gpu-clocks", "-rgc", "-mig", "--multi-instance-gpu")
            {
                add(op, .destructive, "`nvidia-smi` resets or reconfigures GPUs, disturbing what runs on them")
                return true
            }
        default:
            break
        }
        return false
    }

    /// Commands `migrationInvocation` looks through.
    static let migrationRunners: Set<String> = ["npx", "bunx", "pnpx", "pnpm", "yarn", "bun", "npm", "bundle", "poetry", "pipenv", "pdm", "hatch", "uv", "rye", "python", "python3", "py", "php", "dotnet"]

    /// The schema-migration tool a command runs (`DatabaseMigrationCommand`) and its arguments,
    /// through the runners that start them: `npx prisma …`, `bundle exec rails …`, `poetry run
    /// alembic …`, `python manage.py …`, `php artisan …`, `dotnet ef …`. A runner option that
    /// changes what runs (`npx -p PACKAGE`) keeps the line as it was.
    static func migrationInvocation(_ name: String, _ args: ArraySlice<Argument>, depth: Int = 0) -> (String, ArraySlice<Argument>)? {
        guard depth < 3 else { return nil }
        let first = args.first?.value
        let rest = args.dropFirst()
        switch name {
        case "npx", "bunx", "pnpx":
            var remaining = args
            while let option = remaining.first?.value, ["-y", "--yes", "--no", "-q", "--quiet", "--no-install"].contains(option) { remaining = remaining.dropFirst() }
            guard let tool = remaining.first?.value, !tool.hasPrefix(ascii: "-") else { return nil }
            let bare = tool.pieces(between: "@").first.map(String.init) ?? tool
            return migrationInvocation(bare, remaining.dropFirst(), depth: depth + 1)
        case "pnpm", "yarn", "bun", "npm":
            if let first, ["exec", "x", "dlx"].contains(first), let tool = rest.first?.value {
                let skipped = tool == "--" ? rest.dropFirst() : rest
                guard let named = skipped.first?.value, !named.hasPrefix(ascii: "-") else { return nil }
                return migrationInvocation(named, skipped.dropFirst(), depth: depth + 1)
            }
            // `pnpm prisma …` and `yarn prisma …` run the project's binary of that name.
            if name != "npm", let first, DatabaseMigrationCommand.knows(first) { return migrationInvocation(first, rest, depth: depth + 1) }
            return nil
        case "bundle":
            guard first == "exec", let tool = rest.first?.value else { return nil }
            return migrationInvocation(tool, rest.dropFirst(), depth: depth + 1)
        case "poetry", "pipenv", "pdm", "hatch", "uv", "rye":
            guard first == "run", let tool = rest.first?.value, !tool.hasPrefix(ascii: "-") else { return nil }
            return migrationInvocation(tool, rest.dropFirst(), depth: depth + 1)
        case "python", "python3", "py":
            if first == "-m", let module = rest.first?.value, module == "alembic" || module == "django" {
                return (module == "django" ? "manage.py" : module, rest.dropFirst())
            }
            if let first, first == "manage.py" || first.hasSuffix("/manage.py") { return ("manage.py", rest) }
            return nil
        case "php":
            if let first, first == "artisan" || first.hasSuffix("/artisan") { return ("artisan", rest) }
            if let first, first.hasSuffix("bin/console") { return ("console", rest) }
            return nil
        case "dotnet":
            return first == "ef" ? ("ef", rest) : nil
        case "console", "artisan", "ef", "manage.py":
            // Only as a project's script (`bin/console`), which `run` handles.
            return nil
        default:
            return DatabaseMigrationCommand.knows(name) ? (name, args) : nil
        }
    }

    /// A shell or interpreter with no program argument runs whatever arrives on its input.
    mutating func runProgramFromStandardInput(_ name: String, stdin: StandardInput, analyze: (inout ShellAnalysis, String) -> Void) {
        switch stdin {
        case .text(let text?):
            analyze(&self, text)
        case .text(nil):
            unknown("shell:\(name)", "`\(name)` runs a here-document computed at run time", opaque: true)
        case .file(let path):
            if let text = contentsOfFile(named: .known(path)) {
                analyze(&self, text)
            } else {
                unknown("shell:\(name)", "`\(name)` runs `\(path)`, whose contents cannot be read here", opaque: true)
            }
        case .pipe(let source), .kustomized(_, let source):
            unknown("shell:\(name)", "`\(name)` runs whatever `\(source)` prints; that code cannot be seen before it runs", opaque: true)
        case .piped(let text, let source):
            // The text is fixed, so what it does is known; running printed text as code stays
            // unknown at best.
            unknown("shell:\(name)", "`\(name)` runs the text `\(source)` prints as code", opaque: true)
            analyze(&self, text)
        case .inherited:
            unknown("shell:\(name)", "`\(name)` runs whatever arrives on its input, or opens an interactive session", opaque: true)
        }
    }

    /// Options that give an interpreter its program inline, for those whose options do not
    /// cluster (Python, Perl and Ruby read theirs through `InterpreterCode.OptionGrammar`):
    /// `node -e/-p`, `php -r`, `pwsh -Command`.
    static let interpreterCodeFlags: Set<String> = ["-c", "-e", "-E", "--eval", "-p", "--print", "-r", "-x", "-Command", "-command", "-c:"]

    /// Whether an option makes the interpreter print its version and stop before any program
    /// runs. Not Python's `-v` (verbose imports; the program still runs), nor Ruby's `-v` with
    /// more to come (it prints the version, then runs the program verbosely).
    static func printsVersionAndExits(_ option: String, language: InterpreterCode.Language, isLast: Bool) -> Bool {
        switch option {
        case "--version": true
        case "-V": language == .python || language == .perl
        case "-v": language == .ruby ? isLast : language != .python
        default: false
        }
    }

    mutating func runInterpreter(_ name: String, _ args: [Argument], stdin: StandardInput) {
        let language = InterpreterCode.Language(command: name)
        var code: String?
        var codeIsDynamic = false
        var script: Argument?
        // `perl -pi -e CODE FILE…`, `ruby -i.bak -pe CODE FILE…`: the files are rewritten in place.
        var editsInPlace = false
        var iterator = args[...]
        // Several inline programs (`perl -e A -e B`) are one program, a line each.
        func addCode(_ argument: Argument) {
            if let value = argument.value { code = (code.map { $0 + "\n" } ?? "") + value } else { codeIsDynamic = true }
        }
        arguments: while let argument = iterator.popFirst() {
            guard let text = argument.value else {
                if script == nil { codeIsDynamic = true }
                break
            }
            if Self.printsVersionAndExits(text, language: language, isLast: iterator.isEmpty) {
                add("shell:\(name)", .read, "prints the interpreter version")
                return
            }
            // Python, Perl and Ruby read clusters of single-letter options (`-pi.bak`, `-lne`,
            // `-MFile::Path=rmtree`, `-Bc`); a letter that takes a value ends the cluster with it.
            if let grammar = InterpreterCode.OptionGrammar(language), text.utf8.count > 1, text.hasPrefix(ascii: "-"), !text.hasPrefix("--") {
                let cluster = grammar.read(text.dropFirst())
                editsInPlace = editsInPlace || cluster.editsInPlace
                switch cluster.end {
                case .flags:
                    continue
                case .valueInNextArgument:
                    _ = iterator.popFirst()
                    continue
                case .code(let attached?):
                    addCode(.known(attached))
                    continue
                case .code(nil):
                    guard let next = iterator.popFirst() else { break arguments }
                    addCode(next)
                    continue
                case .module(let attached):
                    let module = attached ?? iterator.popFirst()?.text ?? "?"
                    unknown("shell:\(name)", "`\(name) -m \(module)` runs a module whose effect is unknown")
                    return
                }
            }
            if Self.interpreterCodeFlags.contains(text) {
                guard let next = iterator.popFirst() else { break }
                addCode(next)
                continue
            }
            // `node -r MODULE`, `--require MODULE`: preloaded, its code runs too (and the program is
            // unknown at best, as every program here is).
            if language == .javascript, text == "-r" || text == "--require" || text == "--import" || text == "--loader" {
                _ = iterator.popFirst()
                continue
            }
            if text.hasPrefix(ascii: "-") { continue }
            script = argument
            break
        }
        if codeIsDynamic {
            unknown("shell:\(name)", "`\(name)` runs code computed at run time", opaque: true)
            return
        }
        if let code {
            classifyInterpreterCode(code, language: language, name: name, origin: "the code given to `\(name)`")
            // The words after inline code are its input files (`perl -ne print FILE`) or its
            // arguments, which it most likely opens: a credentials file among them is read.
            noteCredentialReads(Array(iterator) + (script.map { [$0] } ?? []), by: name)
            if editsInPlace {
                let files = (script.map { [$0] } ?? []) + iterator.filter { !($0.value?.hasPrefix(ascii: "-") ?? false) }
                add("shell:\(name)", .write, targets: files, "`\(name) -i` rewrites \(Self.list(files)) in place")
            }
            return
        }
        if let script {
            guard let text = contentsOfFile(named: script) else {
                unknown("shell:\(name)", "`\(name)` runs `\(script.display)`, whose contents cannot be read here", opaque: true)
                return
            }
            classifyInterpreterCode(text, language: language, name: name, origin: "`\(script.text)`")
            return
        }
        runProgramFromStandardInput(name, stdin: stdin) { analysis, text in
            analysis.classifyInterpreterCode(text, language: language, name: name, origin: "the program `\(name)` reads from its input")
        }
    }

    mutating func classifyInterpreterCode(_ code: String, language: InterpreterCode.Language, name: String, origin: String) {
        let scan = InterpreterCode.scan(code, language: language)
        for removal in scan.removals {
            add("shell:\(name):\(removal.api)", .destructive, targets: removal.target.map { [.known($0)] } ?? [.runtime("<path in code>")],
                categories: [.dataLoss], "\(origin) calls `\(removal.api)`, which deletes files")
        }
        for process in scan.processCalls {
            if let command = process.command {
                analyzeText(command, origin: "the command \(origin) runs through `\(process.api)`")
            } else {
                unknown("shell:\(name):\(process.api)", "\(origin) starts processes through `\(process.api)` with a command computed at run time", opaque: true)
            }
        }
        // SQL handed to a driver as a literal is classified as SQL (the driver's dialect is not
        // known: every dialect's reading counts).
        for call in scan.sqlCalls {
            for finding in SQLClassifier.findings(for: call.text, dialect: nil).findings { add(finding) }
        }
        for write in scan.fileWrites {
            classifyWrite(to: .known(write.path), truncates: write.truncates, inPlace: write.inPlace, by: "\(origin) through `\(write.api)`", operation: "shell:\(name):write")
        }
        for call in scan.awsCalls {
            let operation = call.method.replacing("_", with: "-")
            for finding in AWSOperation.classify(service: call.service, operation: operation, parameters: .object(call.parameters)) { add(finding) }
        }
        // What the code does is not known, but the paths it spells out are where it is likely to
        // act: as targets (never the complete list; grants never cover an unknown effect), the
        // policy's target rules and Interlock's own guard see `open('.claude/settings.json', 'w')`.
        // Code that names one of the gateway's human endpoints (`requests.post(".../v1/resume")`)
        // is doing what `curl -X POST` to it does, whatever client library it uses.
        for url in scan.urls {
            if let finding = InterlockCommandLine.humanEndpointFinding(url: url, client: name) { add(finding) }
        }
        // And code that names a metadata service's credentials fetches them, whatever library
        // it uses (`urllib.request.urlopen('http://169.254.169.254/…/security-credentials/…')`).
        noteCredentialEndpoints(scan.urls.map(Argument.known), by: origin)
        // A credentials file the code names (`open('/root/.aws/credentials')`) is read by it.
        noteCredentialReads(scan.namedPaths.map(Argument.known), by: name)
        let named = scan.namedPaths.isEmpty ? [] : scan.namedPaths.map(Argument.known) + [.runtime("<paths computed in the code>")]
        add("shell:\(name)", .unknown, targets: named,
            "\(origin) is \(language.displayName) code; beyond file removal and process calls its effect is unknown")
    }

    // MARK: find

    mutating func classifyFind(_ args: [Argument]) {
        var roots: [Argument] = []
        var index = 0
        // Options before the roots (`-L`, `-H`, `-P`, `-O3`, `-D debug`).
        while index < args.count, let text = args[index].value, ["-L", "-H", "-P", "-D"].contains(text) || text.hasPrefix("-O") {
            index += text == "-D" ? 2 : 1
        }
        while index < args.count {
            let text = args[index].value ?? ""
            if text.hasPrefix(ascii: "-") || text == "(" || text == "!" || text == "," { break }
            roots.append(args[index])
            index += 1
        }
        if roots.isEmpty { roots = [.known(".")] }
        var acted = false
        while index < args.count {
            let text = args[index].value ?? ""
            switch text {
            case "-delete":
                add("shell:find:delete", .destructive, targets: roots, blastRadius: .unknown, categories: [.dataLoss],
                    "`find -delete` deletes every match under \(roots.map { "`\($0.text)`" }.joined(separator: ", "))")
                acted = true
                index += 1
            case "-exec", "-execdir", "-ok", "-okdir":
                var command: [Argument] = []
                index += 1
                while index < args.count, args[index].value != ";", args[index].value != "+" {
                    let argument = args[index]
                    command.append(argument.value?.containsASCII("{}") == true ? .runtime("<each match of find under \(roots.map(\.text).joined(separator: ", "))>") : argument)
                    index += 1
                }
                index += 1
                if command.isEmpty {
                    unknown("shell:find", "`find \(text)` without a command")
                } else {
                    run(command, stdin: .inherited)
                }
                acted = true
            case "-fprint", "-fprint0", "-fprintf", "-fls":
                if index + 1 < args.count { classifyWrite(to: args[index + 1], truncates: true, by: "`find \(text)`") }
                acted = true
                index += 2
            default:
                index += 1
            }
        }
        if !acted { add("shell:find", .read, "`find` without actions only lists") }
    }
}

extension ShellAnalysis {
    /// `~`, `~/x`, `$HOME/x` or `${HOME}/x` as `~…`, when nothing else in the word is computed;
    /// nil for anything else (`~bob`, `$DIR`, a pattern).
    static func homeRelative(_ argument: Argument) -> String? {
        let text = argument.value ?? argument.display
        // A leading tilde makes a word a pattern; globs and braces make it many places.
        guard !text.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" || $0 == "{" && !text.hasPrefix("${HOME}") }) else { return nil }
        if text == "~" || text.hasPrefix("~/") { return text }
        guard let spelled = Paths.tildeSpelling(text) else { return nil }
        // Anything computed after the home directory makes the place unknown.
        let rest = spelled.dropFirst()
        guard argument.value != nil || !rest.contains("$") && !rest.contains("`") else { return nil }
        return spelled
    }
}
