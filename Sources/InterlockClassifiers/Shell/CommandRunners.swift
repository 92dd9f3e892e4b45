import InterlockCore
import InterlockSyntax

/// Programs whose job is to start another program: secret injectors (`aws-vault exec prod --
/// aws …`, `op run -- …`, `doppler run -- …`), session and sandbox wrappers (`systemd-run`,
/// `script -c`, `fakeroot`, `xvfb-run`), version and environment managers (`asdf exec`, `mise
/// exec`, `direnv exec`, `nix develop -c`), terminal multiplexers (`tmux new -d CMD`) and fan-out
/// to other machines (`pdsh -w web[1-3] CMD`). Each is classified as the command it starts, so
/// that no wrapper turns a teardown (blocked in production) into an unknown (gated), or a
/// deletion (gated in staging) into an unknown (supervised there).
///
/// Where the runner first runs code of the project's own (`direnv exec` sources `.envrc`, `nix
/// develop` a flake's shell hook), that code is an `unknown` beside the command, which can only
/// raise the line's effect. Where it puts secrets into the command's environment, a command that
/// prints the environment (`op run -- env`) hands them to the agent.
struct CommandRunner {
    enum Place {
        /// Here, with the environment the runner sets up.
        case here
        /// Here, after code of the project's own that the runner runs first (the reason says which).
        case afterProjectCode(String)
        /// Here, with secrets the runner fetched in the command's environment.
        case withSecrets(String)
        /// On other machines (the reason says which).
        case remote(String)
    }

    /// Words that must come first for the runner to start a command (`exec` of `aws-vault
    /// exec`); other words are not this runner's business (`aws-vault export`).
    var verbs: [String] = []
    /// Options that take a value.
    var valued: [StaticString] = []
    /// Operands between the options and the command (`aws-vault exec PROFILE`, `direnv exec DIR`).
    var fixedOperands = 0
    /// Options whose value is a whole command line (`nix-shell --run`, `script -c`).
    var commandLineOptions: [StaticString] = []
    /// Options after which every word is the command (`nix develop -c CMD ARGS`).
    var commandWordOptions: [String] = []
    /// Whether the command words are joined with spaces into one command line for a shell, as
    /// ssh joins them, rather than run as a program and its arguments.
    var joinsWords = false
    /// Whether the command may only come after `--` (`chamber exec SERVICE… -- CMD`).
    var commandAfterDashesOnly = false
    /// Whether the command is only ever given in an option: operands are the runner's own
    /// (`script -c CMD FILE`, `vagrant ssh MACHINE -c CMD`, `nix-shell shell.nix --run CMD`).
    var commandOnlyInOptions = false
    var place: Place = .here
    /// What the runner does without a command; `nil`: it opens an interactive shell.
    var withoutCommand: (effect: Effect, reason: String)?

    /// The package managers' and project tools' verbs that run a program of the project's
    /// environment or of a package fetched for the purpose (`npx rimraf`, `uv run`, `conda run
    /// -n ENV`); their classification already says the project's code makes the effect unknown.
    static let projectPrograms: [String: CommandRunner] = [
        "npx": CommandRunner(valued: ["-p", "--package", "-w", "--workspace"], commandLineOptions: ["-c", "--call"]),
        "bunx": CommandRunner(valued: ["-p", "--package"]),
        "pnpx": CommandRunner(valued: ["-p", "--package"]),
        "uvx": CommandRunner(valued: ["--from", "--with", "--with-editable", "--with-requirements", "-p", "--python", "--index", "--default-index"]),
        "npm exec": CommandRunner(valued: ["-p", "--package", "-w", "--workspace"], commandLineOptions: ["-c", "--call"]),
        "npm x": CommandRunner(valued: ["-p", "--package", "-w", "--workspace"], commandLineOptions: ["-c", "--call"]),
        "pnpm exec": CommandRunner(valued: ["-C", "--dir", "--filter", "-F"], commandLineOptions: ["-c", "--shell-mode"]),
        "pnpm dlx": CommandRunner(valued: ["-p", "--package"], commandLineOptions: ["-c", "--shell-mode"]),
        "yarn exec": CommandRunner(),
        "yarn dlx": CommandRunner(valued: ["-p", "--package"]),
        "poetry run": CommandRunner(valued: ["-C", "--directory", "-P", "--project"]),
        "uv run": CommandRunner(valued: ["--with", "--with-editable", "--with-requirements", "-p", "--python", "--package", "--extra", "--group",
                                         "--env-file", "--directory", "--project", "--index", "--default-index"]),
        "conda run": CommandRunner(valued: ["-n", "--name", "-p", "--prefix", "--cwd"]),
        "mamba run": CommandRunner(valued: ["-n", "--name", "-p", "--prefix", "--cwd"]),
    ]

    /// `pssh`, also installed as `parallel-ssh`.
    static let parallelSSHOptions: [StaticString] = ["-h", "--hosts", "-H", "--host", "-l", "--user", "-p", "--par", "-o", "--outdir", "-e", "--errdir",
                                       "-t", "--timeout", "-O", "--option", "-x", "--extra-args", "-X", "--extra-arg"]

    static let table: [String: CommandRunner] = [
        // Secret injectors: the command runs with the secrets in its environment.
        "aws-vault": CommandRunner(
            verbs: ["exec"],
            valued: ["-d", "--duration", "--region", "-t", "--mfa-token", "--prompt", "--backend", "--keychain", "--pass-dir", "--pass-cmd",
                     "--pass-prefix", "--file-dir", "--secret-service-collection", "--config"],
            fixedOperands: 1, place: .withSecrets("the profile's AWS credentials")),
        "op": CommandRunner(verbs: ["run"], valued: ["--env-file", "--account", "--config", "--session", "--encoding"],
                            place: .withSecrets("secrets from 1Password")),
        "doppler": CommandRunner(
            verbs: ["run"],
            valued: ["-p", "--project", "-c", "--config", "--token", "--fallback", "--mount", "--mount-format", "--mount-template",
                     "--name-transformer", "--scope", "--api-host", "--configuration", "--only-secrets", "--preserve-env"],
            commandLineOptions: ["--command"], place: .withSecrets("the config's Doppler secrets")),
        "chamber": CommandRunner(verbs: ["exec"], valued: ["-b", "--backend", "--kms-key-alias", "-r", "--retries", "--pristine"],
                                 commandAfterDashesOnly: true, place: .withSecrets("the services' secrets from Parameter Store")),
        "envchain": CommandRunner(fixedOperands: 1, place: .withSecrets("secrets from the keychain namespace")),
        "infisical": CommandRunner(
            verbs: ["run"], valued: ["--env", "-e", "--path", "--projectId", "--token", "--domain", "--tags", "-t", "--watch-interval"],
            commandLineOptions: ["--command"], place: .withSecrets("the project's Infisical secrets")),
        "berglas": CommandRunner(verbs: ["exec"], valued: ["--local"], place: .withSecrets("secrets resolved by Berglas")),
        "dotenvx": CommandRunner(verbs: ["run"], valued: ["-f", "--env-file", "-e", "--env", "-fk", "--env-keys-file", "--convention"],
                                 place: .withSecrets("the decrypted `.env` file")),
        "dotenv": CommandRunner(valued: ["-e", "-v", "-p"], place: .withSecrets("the `.env` file's values")),
        "env-cmd": CommandRunner(valued: ["-f", "--file", "-e", "--environments", "-r", "--rc-file"], place: .withSecrets("the env file's values")),

        // Session, sandbox and tracing wrappers.
        "systemd-run": CommandRunner(
            valued: ["-u", "--unit", "-p", "--property", "--description", "--slice", "-E", "--setenv", "--uid", "--gid", "--nice",
                     "--working-directory", "-H", "--host", "-M", "--machine", "--on-active", "--on-boot", "--on-startup",
                     "--on-unit-active", "--on-unit-inactive", "--on-calendar", "--path-property", "--socket-property",
                     "--timer-property", "--service-type"]),
        "script": CommandRunner(valued: ["-T", "--log-timing", "-I", "--log-in", "-O", "--log-out", "-B", "--log-io", "-E", "--echo", "-m",
                                         "--logging-format", "-c", "--command"],
                                commandLineOptions: ["-c", "--command"], commandOnlyInOptions: true),
        "dbus-launch": CommandRunner(withoutCommand: (.write, "`dbus-launch` without a command starts a session bus")),
        "dbus-run-session": CommandRunner(),
        "xvfb-run": CommandRunner(valued: ["-e", "--error-file", "-f", "--auth-file", "-n", "--server-num", "-p", "--xauth-protocol", "-s",
                                           "--server-args", "-w", "--wait"]),
        "fakeroot": CommandRunner(valued: ["-l", "--lib", "--faked", "-s", "-i", "-b"]),
        "pkexec": CommandRunner(valued: ["--user"]),
        "valgrind": CommandRunner(),
        "sshpass": CommandRunner(valued: ["-p", "-f", "-d", "-P"]),
        "ssh-agent": CommandRunner(valued: ["-a", "-E", "-t", "-P", "-O"],
                                   withoutCommand: (.write, "`ssh-agent` without a command starts an agent and prints its settings")),
        "sandbox-exec": CommandRunner(valued: ["-f", "-p", "-n", "-D"]),
        "toybox": CommandRunner(withoutCommand: (.read, "`toybox` without a command lists its commands")),

        // Version and environment managers: the program of that name in the chosen environment.
        "asdf": CommandRunner(verbs: ["exec"]),
        "pyenv": CommandRunner(verbs: ["exec"]),
        "rbenv": CommandRunner(verbs: ["exec"]),
        "nodenv": CommandRunner(verbs: ["exec"]),
        "goenv": CommandRunner(verbs: ["exec"]),
        "jenv": CommandRunner(verbs: ["exec"]),
        "volta": CommandRunner(verbs: ["run"], valued: ["--node", "--npm", "--pnpm", "--yarn", "--env"]),
        "fnm": CommandRunner(verbs: ["exec"], valued: ["--using", "--shell", "--log-level", "--arch"]),
        "mise": CommandRunner(verbs: ["exec", "x"], valued: ["-C", "--cd", "-j", "--jobs", "-E", "--env"], commandLineOptions: ["-c", "--command"],
                              commandAfterDashesOnly: true,
                              place: .afterProjectCode("`mise` loads the directory's `mise.toml`, whose environment section may run scripts")),
        "rtx": CommandRunner(verbs: ["exec", "x"], valued: ["-C", "--cd", "-j", "--jobs"], commandLineOptions: ["-c", "--command"],
                             commandAfterDashesOnly: true,
                             place: .afterProjectCode("`rtx` loads the directory's `.rtx.toml`, whose environment section may run scripts")),
        "direnv": CommandRunner(verbs: ["exec"], fixedOperands: 1,
                                place: .afterProjectCode("`direnv exec` first runs the directory's `.envrc`, a shell script")),
        "devbox": CommandRunner(verbs: ["run"], valued: ["-c", "--config", "-e", "--env", "--env-file", "--environment"],
                                place: .afterProjectCode("`devbox run` runs the project's init hook, and a script of `devbox.json` by that name if there is one")),
        "nix-shell": CommandRunner(valued: ["-p", "--packages", "-A", "--attr", "-I", "--include", "--arg", "--argstr", "-E", "--expr"],
                                   commandLineOptions: ["--run", "--command"], commandOnlyInOptions: true,
                                   place: .afterProjectCode("`nix-shell` evaluates the project's `shell.nix`, whose shell hook runs first")),
        "nix": CommandRunner(verbs: ["develop", "shell"], valued: ["--profile", "--override-input", "--arg", "--argstr", "-I", "--include", "--expr", "-f", "--file"],
                             commandWordOptions: ["-c", "--command"], commandOnlyInOptions: true,
                             place: .afterProjectCode("`nix develop` runs the flake's shell hook first, and the environment's packages come first on the path")),
        "pipenv": CommandRunner(verbs: ["run"],
                                place: .afterProjectCode("`pipenv run` runs a script of the `Pipfile` by that name if there is one, and the project's environment may shadow the program")),
        "bundle": CommandRunner(verbs: ["exec"], valued: ["--gemfile"],
                                place: .afterProjectCode("`bundle exec` runs the program from the bundle, whose gems may provide one by that name")),
        "pdm": CommandRunner(verbs: ["run"], valued: ["-p", "--project", "-v"],
                             place: .afterProjectCode("`pdm run` runs a script of `pyproject.toml` by that name if there is one, and the project's environment may shadow the program")),
        "hatch": CommandRunner(verbs: ["run"], valued: ["-e", "--env"],
                               place: .afterProjectCode("`hatch run` runs a script of the environment by that name if there is one, and the environment may shadow the program")),
        "rye": CommandRunner(verbs: ["run"], valued: ["--pyproject"],
                             place: .afterProjectCode("`rye run` runs a script of `pyproject.toml` by that name if there is one, and the project's environment may shadow the program")),

        // Fan-out to other machines: the words are one command line for each host's shell.
        "pdsh": CommandRunner(valued: ["-w", "-x", "-R", "-l", "-t", "-u", "-f", "-g", "-X", "-N"], joinsWords: true,
                              place: .remote("on every host `pdsh` names")),
        "pssh": CommandRunner(valued: parallelSSHOptions, joinsWords: true, place: .remote("on every host `pssh` names")),
        "parallel-ssh": CommandRunner(valued: parallelSSHOptions, joinsWords: true, place: .remote("on every host `parallel-ssh` names")),
        "clush": CommandRunner(valued: ["-w", "-x", "-g", "--group", "-X", "-l", "-f", "--fanout", "-t", "-u", "-o", "-O", "--option"],
                               joinsWords: true, place: .remote("on every node `clush` names")),
        "vagrant": CommandRunner(verbs: ["ssh"], valued: ["-p", "--plain"], commandLineOptions: ["-c", "--command"],
                                 commandOnlyInOptions: true, place: .remote("in the Vagrant machine")),
    ]
}

extension ShellAnalysis {
    /// Runs a `CommandRunner`'s command; false when the line is not one that starts a command
    /// (`aws-vault export`), for the runner's own classification to handle.
    mutating func runThroughRunner(_ name: String, _ runner: CommandRunner, _ args: [Argument], stdin: StandardInput) -> Bool {
        var rest = args[...]
        if !runner.verbs.isEmpty {
            // Global options may come before the verb (`doppler --token T run …`); the verb is the first operand.
            guard let verbIndex = rest.firstIndex(where: { !($0.value?.hasPrefix(ascii: "-") ?? true) }),
                  let verb = rest[verbIndex].value, runner.verbs.contains(verb) else { return false }
            rest = rest[(verbIndex + 1)...]
        }
        let op = "shell:\(name)"
        // `nix develop -c CMD ARGS`: everything after the option.
        if let option = rest.firstIndex(where: { $0.value.map(runner.commandWordOptions.contains) ?? false }) {
            startCommand(name, runner, Array(rest[(option + 1)...]), stdin: stdin)
            return true
        }
        // The runner's own words end at `--`, or at the first operand past its fixed ones; a `--`
        // after that belongs to the command (`direnv exec . git log -- FILE`).
        var commandStart: Int?
        var ownEnd = rest.endIndex
        var ownOperands = 0
        var index = rest.startIndex
        while index < rest.endIndex {
            let argument = rest[index]
            if argument.value == "--" {
                (ownEnd, commandStart) = (index, index + 1)
                break
            }
            if let text = argument.value, text.utf8.count > 1, text.hasPrefix(ascii: "-") {
                index += Self.takesSeparateValue(text, runner.valued + runner.commandLineOptions) ? 2 : 1
                continue
            }
            if !runner.commandAfterDashesOnly, !runner.commandOnlyInOptions, ownOperands == runner.fixedOperands {
                (ownEnd, commandStart) = (index, index)
                break
            }
            ownOperands += 1
            index += 1
        }
        let own = rest[..<min(ownEnd, rest.endIndex)]
        let options = CommandOptions(own, valued: runner.valued + runner.commandLineOptions)
        for option in runner.commandLineOptions {
            guard let value = options.valueArguments(option.description).last?.argument else { continue }
            startCommand(name, runner, [value], stdin: stdin, isCommandLine: true)
            return true
        }
        let command = commandStart.map { Array(rest[$0...]) } ?? []
        guard !command.isEmpty else {
            if let (effect, reason) = runner.withoutCommand {
                add(op, effect, reason)
            } else if name == "aws-vault", options.has("-j", "--json", "-s", "--server", "--ec2-server", "--ecs-server", "--stdout") {
                add(op + ":exec", .read, categories: [.credentialIssue],
                    "`aws-vault exec` without a command hands the profile's AWS credentials to whoever asks (printed, served or as a login URL)")
            } else {
                unknown(op, "`\(name)` starts no command that can be seen here: it opens an interactive shell, where whatever is typed runs", opaque: true)
            }
            return true
        }
        startCommand(name, runner, command, stdin: stdin, isCommandLine: runner.joinsWords)
        return true
    }

    /// Whether an option word takes the next word as its value: `--name` or `-n` (alone or last
    /// in a cluster) named in `valued`, without `=VALUE` or a glued value.
    static func takesSeparateValue(_ text: String, _ valued: [StaticString]) -> Bool {
        if text.hasPrefix("--") { return !text.containsASCII("=") && CommandOptions.names(valued, text) }
        var letters = text.dropFirst()
        while let letter = letters.first {
            letters = letters.dropFirst()
            if CommandOptions.names(valued, "-" + String(letter)) { return letters.isEmpty }
        }
        return false
    }

    /// Classifies what a runner starts, where it starts it.
    private mutating func startCommand(_ name: String, _ runner: CommandRunner, _ command: [Argument], stdin: StandardInput, isCommandLine: Bool = false) {
        let op = "shell:\(name)"
        if isCommandLine, command.contains(where: { $0.value == nil }) {
            unknown(op, "`\(name)` runs a command computed at run time", opaque: true)
            return
        }
        guard !command.isEmpty else {
            unknown(op, "`\(name)` starts no command that can be seen here", opaque: true)
            return
        }
        let origin = "the command `\(name)` runs"
        switch runner.place {
        case .here:
            break
        case .afterProjectCode(let reason):
            unknown(op, reason + "; its effect is unknown")
        case .withSecrets(let secrets):
            if !isCommandLine, let program = command.first?.value, SecretStoreCommand.printsEnvironment(command.map(\.value)) {
                add(op, .read, categories: [.credentialIssue], "`\(name)` puts \(secrets) in the environment of `\(program)`, which prints them to the agent")
            }
        case .remote(let place):
            let text = command.map(\.text).joined(separator: " ")
            elsewhere { $0.analyzeText(text, origin: "the command run \(place)") }
            return
        }
        if isCommandLine {
            analyzeText(command.map(\.text).joined(separator: " "), origin: origin)
        } else {
            run(command, stdin: stdin)
        }
    }
}

// MARK: - Terminal multiplexers and configuration-management fan-out

extension ShellAnalysis {
    /// tmux commands that start a shell command in a new session, window or pane, with the
    /// options that take a value.
    static let tmuxCommandStarters: [String: [StaticString]] = [
        "new-session": ["-c", "-e", "-f", "-F", "-n", "-s", "-t", "-x", "-y"], "new": ["-c", "-e", "-f", "-F", "-n", "-s", "-t", "-x", "-y"],
        "new-window": ["-c", "-e", "-F", "-n", "-t"], "neww": ["-c", "-e", "-F", "-n", "-t"],
        "split-window": ["-c", "-e", "-l", "-t", "-F"], "splitw": ["-c", "-e", "-l", "-t", "-F"],
        "respawn-pane": ["-c", "-e", "-t"], "respawnp": ["-c", "-e", "-t"], "respawn-window": ["-c", "-e", "-t"], "respawnw": ["-c", "-e", "-t"],
        "run-shell": ["-c", "-d", "-t"], "run": ["-c", "-d", "-t"],
        "display-popup": ["-b", "-c", "-d", "-e", "-h", "-s", "-S", "-t", "-T", "-w", "-x", "-y"], "popup": ["-b", "-c", "-d", "-e", "-h", "-s", "-S", "-t", "-T", "-w", "-x", "-y"],
        "pipe-pane": ["-t"], "pipep": ["-t"], "if-shell": ["-t"], "if": ["-t"],
    ]

    static let tmuxReadCommands: Set<String> = [
        "ls", "list-sessions", "list-windows", "lsw", "list-panes", "lsp", "list-clients", "lsc", "list-buffers", "lsb", "list-keys", "lsk",
        "list-commands", "lscm", "has-session", "has", "show-options", "show", "show-window-options", "showw", "display-message", "display",
        "capture-pane", "capturep", "show-buffer", "showb", "show-environment", "showenv", "info", "server-info",
    ]

    /// Key names `send-keys` turns into keystrokes rather than text.
    static let tmuxKeyNames: Set<String> = ["Enter", "C-m", "KPEnter", "C-j", "Escape", "C-c", "C-d", "C-u", "C-l", "Tab", "BSpace", "Up", "Down", "Left", "Right"]

    /// `tmux [options] COMMAND [args] [; COMMAND …]`: a command that starts one runs it (`tmux
    /// new -d 'rm -rf /srv'`); keys sent to a pane are typed into whatever runs there, so their
    /// text is classified as a command line and the whole stays at least unknown.
    mutating func runTmux(_ args: [Argument]) {
        let op = "shell:tmux"
        let global = CommandOptions(args, valued: ["-c", "-f", "-L", "-S", "-T"], stopAtOperand: true)
        if let text = global.valueArguments("-c").last?.argument {
            text.value.map { analyzeText($0, origin: "the command given to `tmux -c`") } ?? unknown(op, "`tmux -c` runs a command computed at run time", opaque: true)
        }
        guard !global.operands.isEmpty else {
            if !global.has("-c") { unknown(op, "`tmux` opens an interactive session; whatever is typed there runs", opaque: true) }
            return
        }
        // Commands are separated by a `;` word (`\;` to the shell).
        var commands: [[Argument]] = [[]]
        for argument in global.operands {
            if argument.value == ";" { commands.append([]) } else { commands[commands.count - 1].append(argument) }
        }
        for command in commands where !command.isEmpty {
            guard let verb = command[0].value else {
                unknown(op, "a tmux command computed at run time", opaque: true)
                continue
            }
            let rest = Array(command.dropFirst())
            if let valued = Self.tmuxCommandStarters[verb] {
                let options = CommandOptions(rest, valued: valued, stopAtOperand: true)
                var started = options.operands
                // `if-shell CONDITION TMUX-COMMAND`: the condition is the shell command.
                if verb == "if-shell" || verb == "if" { started = Array(started.prefix(1)) }
                if started.isEmpty {
                    if verb.hasPrefix("new") || verb.hasPrefix("split") || verb.hasPrefix("respawn") {
                        add(op + ":" + verb, .write, "`tmux \(verb)` starts a shell in a new session, window or pane")
                    } else {
                        add(op + ":" + verb, .read, "`tmux \(verb)` without a command does nothing here")
                    }
                } else if started.count == 1 {
                    // One word is a command line for the shell; a computed one is opaque.
                    if let text = started[0].value {
                        analyzeText(text, origin: "the command `tmux \(verb)` starts")
                    } else {
                        unknown(op + ":" + verb, "`tmux \(verb)` starts a command computed at run time", opaque: true)
                    }
                } else {
                    // Several words are a program and its arguments; the pane has no input of this line's.
                    run(started, stdin: .inherited)
                }
            } else if verb == "send-keys" || verb == "send" {
                let options = CommandOptions(rest, valued: ["-N", "-t"])
                unknown(op + ":send-keys", "`tmux send-keys` types into a pane, and what runs there is not known here", opaque: true)
                let literal = options.has("-l")
                var text = ""
                for key in options.operands {
                    guard let value = key.value else { continue }
                    if !literal, Self.tmuxKeyNames.contains(value) { text += value == "Tab" ? "\t" : "\n"; continue }
                    text += value
                }
                if !text.isEmpty, options.operands.allSatisfy({ $0.value != nil }) { analyzeText(text, origin: "the keys `tmux send-keys` types") }
            } else if ["attach", "attach-session", "a", "at", "attac"].contains(verb) {
                unknown(op + ":attach", "`tmux \(verb)` attaches to a session; whatever is typed there runs", opaque: true)
            } else if Self.tmuxReadCommands.contains(verb) {
                add(op + ":" + verb, .read, "`tmux \(verb)` only reads")
            } else if verb.hasPrefix("kill-") {
                add(op + ":" + verb, .write, "`tmux \(verb)` ends sessions, windows or panes and the programs running in them")
            } else {
                unknown(op + ":" + verb, "`tmux \(verb)` is not classified; attaching or other commands may let anything run")
            }
        }
    }

    /// `screen [options] [CMD args]`: a new session runs CMD; `-X stuff TEXT` types TEXT into a
    /// running one; attaching or a bare `screen` is an interactive shell.
    mutating func runScreen(_ args: [Argument]) {
        let op = "shell:screen"
        let options = CommandOptions(args, valued: ["-S", "-c", "-e", "-h", "-p", "-t", "-T", "-s"], stopAtOperand: true)
        // Only screen's own words, before the command: `-ls` and `-list` are not clusters.
        let own = args.prefix(args.count - options.operands.count).compactMap(\.value)
        if options.has("-X") {
            // `-X COMMAND ARGS`: a command for a running session.
            let command = options.operands
            if command.first?.value == "stuff" {
                unknown(op + ":stuff", "`screen -X stuff` types into a window, and what runs there is not known here", opaque: true)
                let keys = command.dropFirst()
                if keys.allSatisfy({ $0.value != nil }) {
                    // A final `\n`, `\r` or `^M` is the Enter key.
                    var text = keys.map(\.text).joined(separator: " ")
                    while let suffix = ["\\n", "\\r", "^M"].first(where: { text.hasSuffix($0) }) { text = String(text.dropLast(suffix.count)) }
                    analyzeText(text, origin: "the text `screen -X stuff` types")
                }
            } else if ["quit", "kill"].contains(command.first?.value ?? "") {
                add(op + ":quit", .write, "`screen -X \(command.first!.text)` ends the session and the programs running in it")
            } else {
                unknown(op, "`screen -X` sends a command to a running session", opaque: true)
            }
            return
        }
        if own.contains(where: { ["-ls", "-list", "-Q", "-v", "--version", "-version"].contains($0) }) {
            add(op, .read, "`screen -ls` lists sessions")
        } else if options.has("-r", "-R", "-x", "-D") {
            unknown(op, "`screen` attaches to a session; whatever is typed there runs", opaque: true)
        } else if !options.operands.isEmpty {
            // A new session does not read this line's input.
            run(options.operands, stdin: .inherited)
        } else if options.has("-d"), options.has("-m") {
            add(op, .write, "`screen -dm` starts a shell in a detached session")
        } else {
            unknown(op, "`screen` opens an interactive session; whatever is typed there runs", opaque: true)
        }
    }

    /// `salt TARGET FUNCTION ARGS` (and `salt-ssh`; `salt-call FUNCTION ARGS` on this minion):
    /// `cmd.run` and its kin run a command line on every minion the target matches; facts and
    /// pings only read; pillar data holds the minions' secrets; a state run in test mode reads.
    mutating func runSalt(_ name: String, _ args: [Argument]) {
        let op = "shell:\(name)"
        let options = CommandOptions(args, valued: ["-t", "--timeout", "-b", "--batch", "--batch-size", "--out", "--output", "-l", "--log-level",
                                                    "--return", "-c", "--config-dir", "--out-file", "--roster-file", "--priv", "-i"])
        let operands = name == "salt-call" ? [Argument.known("")] + options.operands : options.operands
        guard operands.count >= 2, let function = operands[1].value else {
            unknown(op, "`\(name)` without a function it can be seen to call")
            return
        }
        let arguments = operands.dropFirst(2)
        let module = function.pieces(between: ".").first.map(String.init) ?? function
        let where_ = name == "salt-call" ? "on this minion" : "on every minion `\(operands[0].text)` matches"
        switch module {
        case "cmd" where ["run", "run_all", "run_stdout", "run_stderr", "shell", "run_bg", "retcode", "powershell"].contains(function.dropFirst(4)):
            var commandLine = arguments.first
            if let named = arguments.first(where: { $0.value?.hasPrefix("cmd=") == true }) { commandLine = .known(String(named.value!.dropFirst(4))) }
            guard let commandLine, let text = commandLine.value else {
                unknown(op + ":cmd", "`\(name) \(function)` runs a command computed at run time \(where_)", opaque: true)
                return
            }
            elsewhere { $0.analyzeText(text, origin: "the command `\(function)` runs \(where_)") }
        case "test", "grains", "status", "sys":
            add(op + ":" + function, .read, "`\(name) \(function)` only reads")
        case "saltutil" where function.hasPrefix("saltutil.running"):
            add(op + ":" + function, .read, "`\(name) \(function)` only reads")
        case "pillar":
            add(op + ":" + function, .read, categories: [.credentialIssue], "`\(name) \(function)` prints pillar data, where the minions' secrets are kept")
        case "state" where arguments.contains(where: { $0.value?.lowercased() == "test=true" }):
            add(op + ":" + function, .read, "`\(name) \(function) test=True` only reports what would change")
        default:
            unknown(op + ":" + function, "`\(name) \(function)` runs a Salt function \(where_) whose effect is not classified")
        }
    }
}

// MARK: - make

extension ShellAnalysis {
    /// `make [TARGET…]` runs the recipes of the project's Makefile: each command line of the
    /// targets asked for (the first target when none is), with their prerequisites', is
    /// classified as what it says, beside the `unknown` every make already is (implicit rules,
    /// conditionals and functions are not evaluated here). A dry run (`-n`, `-q`) runs no recipe
    /// and adds nothing; `-p` prints make's database and then runs the recipes as usual.
    mutating func classifyMakeRecipes(_ name: String, _ args: [Argument]) {
        let op = "shell:\(name)"
        let options = CommandOptions(args, valued: ["-C", "--directory", "-f", "--file", "--makefile", "-o", "--old-file", "--assume-old", "-W", "--what-if",
                                                    "--new-file", "--assume-new", "-I", "--include-dir", "-l", "--load-average", "--eval", "-O", "--output-sync"])
        if options.has("-n", "--just-print", "--dry-run", "--recon", "-q", "--question", "-v", "--version", "-h", "--help") { return }
        if options.has("--eval") {
            unknown(op, "`\(name) --eval` adds Makefile text given on the line", opaque: true)
        }
        var variables: [String: String] = [:]
        var targets: [String] = []
        for operand in options.operands {
            guard let text = operand.value else {
                unknown(op, "`\(name)` is given a target or variable computed at run time", opaque: true)
                return
            }
            if let equals = text.firstIndex(of: "="), !text.hasPrefix(ascii: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            } else if !(text.allSatisfy(\.isNumber)) {
                // `-j 4` leaves its count as an operand.
                targets.append(text)
            }
        }
        let directory = options.value("-C", "--directory")
        func path(_ file: String) -> String { resolvePath(directory.map { $0 + "/" + file } ?? file) }
        let candidates = options.value("-f", "--file", "--makefile").map { [$0] } ?? ["GNUmakefile", "makefile", "Makefile"]
        var found: (String, String)?
        for candidate in candidates {
            let file = path(candidate)
            guard file.hasPrefix(ascii: "/") else {
                unknown(op, "`\(name)` runs the recipes of a Makefile whose place is not known here", opaque: true)
                return
            }
            let kind = fileSystem.kind(of: file)
            if kind == .missing { continue }
            guard let text = fileSystem.contents(of: file) else {
                unknown(op, "`\(name)` runs the recipes of `\(file)`, which cannot be read here", opaque: true)
                return
            }
            found = (file, text)
            break
        }
        guard let (file, text) = found else { return }
        let makefile = Makefile(text, commandLineVariables: variables)
        // Each recipe line runs in a shell of its own, in the Makefile's directory (`-C`): a
        // `cd` in one line does not move the next.
        let saved = (workingDirectory, homeRelativeDirectory)
        let recipeDirectory = directory.map { resolvePath($0) }.map { $0.hasPrefix(ascii: "/") ? Paths.normalize($0) : nil } ?? workingDirectory
        let asked = targets.isEmpty ? makefile.defaultTarget.map { [$0] } ?? [] : targets
        for target in asked {
            let (commands, complete) = makefile.recipes(for: target)
            for command in commands {
                (workingDirectory, homeRelativeDirectory) = directory == nil ? saved : (recipeDirectory, nil)
                analyzeSourceText(command, origin: "a recipe of `\(target)` in `\(file)`")
            }
            if !complete {
                unknown(op, "the recipes of `\(target)` in `\(file)` run past what is read here (lines, prerequisites or expansions)", opaque: true)
            }
        }
        (workingDirectory, homeRelativeDirectory) = saved
    }
}
