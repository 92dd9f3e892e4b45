import InterlockCore

/// Classifies a `git` invocation from its arguments (after the word `git`).
///
/// Rewriting shared history and discarding work are destructive; recording, branching and
/// fetching are writes; inspecting is a read. Commit messages and other option values are data
/// and never change the classification.
public enum GitCommand {
    /// `arguments` are the values after `git` (nil when computed at run time); `displays` as written.
    public static func classify(_ arguments: [String?], displays: [String]) -> [Finding] {
        var index = 0
        var injected: [Finding] = []
        // `-c key=value` settings, for what they make a push do.
        var lineSettings: [String] = []
        // Global options: `-C dir`, `-c key=value`, `--git-dir=...`, `--no-pager`, `-P`.
        while index < arguments.count, let text = arguments[index], text.hasPrefix(ascii: "-") {
            defer { index += 1 }
            if let finding = settingInjection(arguments, displays, at: index, options: ["-c", "--config-env"]) { injected.append(finding) }
            if text == "-c", index + 1 < arguments.count, let setting = arguments[index + 1] { lineSettings.append(setting) }
            if text.hasPrefix("--exec-path=") || text.hasPrefix("--git-dir=") {
                injected.append(Finding(operation: "git:config_command", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution], reason: "`\(text)` makes git run programs or hooks from another place"))
            }
            if globalOptionsWithValues.contains(text) { index += 1 }
            if text == "--version" || text == "--help" || text == "-h" {
                return [finding("git", .read, "`git \(text)` only prints")]
            }
        }
        guard index < arguments.count else { return injected + [finding("git", .read, "`git` without a subcommand prints usage")] }
        // `git clone -c key=value` writes the setting into the new repository before fetching,
        // so a command key (`core.sshCommand`) runs during the clone and the rest on later calls.
        if arguments[index] == "clone" {
            var position = index + 1
            while position < arguments.count {
                defer { position += 1 }
                if let finding = settingInjection(arguments, displays, at: position, options: ["-c", "--config"]) { injected.append(finding) }
                // The setting is the next argument: step over it.
                if let option = arguments[position], option == "-c" || option == "--config" { position += 1 }
            }
        }
        var out = injected + classifySubcommand(arguments, displays: displays, at: index)
        // `git -c remote.origin.mirror=true push`: settings on the line that make a push mirror,
        // force or delete, as the configuration would.
        if !lineSettings.isEmpty, arguments[index] == "push" {
            let settings = lineSettings.map { setting in (key: String(setting.prefix { $0 != "=" }), value: setting.contains("=") ? String(setting.drop { $0 != "=" }.dropFirst()) : nil) }
            out += pushConfigurationFindings(PushConfiguration(settings: settings), pushArguments: arguments[(index + 1)...].map { $0 ?? "" }, source: "`git -c` on the line")
        }
        // Options that run a program on either end of a transfer, and `ext::` remotes that run commands.
        let rest = arguments[(index + 1)...].compactMap { $0 }
        if rest.contains(where: { $0.hasPrefix("--upload-pack") || $0.hasPrefix("--receive-pack") || $0.hasPrefix("--exec=") || $0 == "--exec" || $0.hasPrefix("ext::") }) {
            out.append(Finding(operation: "git:transport_command", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                               reason: "`--upload-pack`, `--receive-pack`, `--exec` or an `ext::` remote runs a command of the caller's choosing"))
        }
        return out
    }

    static let globalOptionsWithValues: Set<String> = ["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env", "--super-prefix"]

    /// What configuration makes a plain `git push` do: `remote.NAME.mirror` (push every ref,
    /// deleting the remote's others), `remote.NAME.push` refspecs that force (`+…`) or delete
    /// (`:dst`). A push that names its refspecs on the line uses none of the refspecs.
    public struct PushConfiguration: Sendable, Equatable {
        /// Remotes (names as written: subsection names are case-sensitive) by what their
        /// settings make a push do.
        public var mirrors: Set<String> = []
        public var forces: Set<String> = []
        public var deletes: Set<String> = []

        public init() {}

        /// From `key=value` settings (`-c`, `git config KEY VALUE`); a key without a value is true.
        init(settings: [(key: String, value: String?)]) {
            for (key, value) in settings {
                let parts = key.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count >= 3, parts.first?.lowercased() == "remote" else { continue }
                let remote = parts.dropFirst().dropLast().joined(separator: ".")
                add(remote: remote, key: String(parts.last!), value: value)
            }
        }

        mutating func add(remote: String, key: String, value: String?) {
            switch key.lowercased() {
            case "mirror":
                if GitConfiguration.isTrue(value) { mirrors.insert(remote) }
            case "push":
                guard let value = value.map(GitConfiguration.trimmed) else { return }
                if value.hasPrefix(ascii: "+") { forces.insert(remote) }
                if value.hasPrefix(ascii: ":"), value.count > 1 { deletes.insert(remote) }
            default:
                break
            }
        }

        /// What a push of these settings does, in words, or nil when nothing is dangerous.
        var danger: String? {
            if !mirrors.isEmpty { return "mirror the local refs, deleting and overwriting the remote's" }
            if !forces.isEmpty { return "force its refspecs, overwriting the remote's history" }
            if !deletes.isEmpty { return "delete the refs its refspecs name" }
            return nil
        }
    }

    /// Findings for a plain push under `configuration`: which remote it goes to is the first
    /// operand, else whichever the branch settings choose, so without one any remote counts.
    public static func pushConfigurationFindings(_ configuration: PushConfiguration, pushArguments rest: [String], source: String) -> [Finding] {
        guard !rest.contains("--dry-run"), !rest.contains("-n"), !rest.contains("--mirror") else { return [] }
        let operands = rest.filter { !$0.hasPrefix(ascii: "-") }
        let remote = operands.first
        func applies(_ remotes: Set<String>) -> Bool { remote.map { remotes.contains($0) } ?? !remotes.isEmpty }
        var out: [Finding] = []
        if applies(configuration.mirrors) {
            out.append(finding("git:push_mirror", .destructive, targets: Array(operands.prefix(3)), categories: [.historyRewrite, .dataLoss],
                               "\(source) sets `remote.\(remote ?? "…").mirror`: this push makes the remote match exactly, deleting and overwriting its refs"))
        }
        // Configured refspecs count only when the line names none.
        if operands.count <= 1, applies(configuration.forces) {
            out.append(finding("git:push_force", .destructive, targets: Array(operands.prefix(3)), categories: [.historyRewrite],
                               "\(source) gives `remote.\(remote ?? "…").push` a forced refspec (`+…`): this push overwrites the remote's history"))
        }
        if operands.count <= 1, applies(configuration.deletes) {
            out.append(finding("git:push_delete", .destructive, targets: Array(operands.prefix(3)), categories: [.dataLoss],
                               "\(source) gives `remote.\(remote ?? "…").push` a deleting refspec (`:dst`): this push deletes refs on the remote"))
        }
        return out
    }

    /// The subcommand, the words after it, and the directory `-C` moves to (the last one given).
    public static func invocation(_ arguments: [String?]) -> (subcommand: String, rest: [String], directory: String?)? {
        var index = 0
        var directory: String?
        while index < arguments.count, let text = arguments[index], text.hasPrefix(ascii: "-") {
            if text == "-C", index + 1 < arguments.count { directory = arguments[index + 1] ?? directory }
            index += globalOptionsWithValues.contains(text) ? 2 : 1
        }
        guard index < arguments.count, let sub = arguments[index] else { return nil }
        return (sub, arguments[(index + 1)...].map { $0 ?? "" }, directory)
    }

    /// Command lines a subcommand runs as it goes, given on the line: `submodule foreach CMD`
    /// (in each submodule), `bisect run CMD ARGS…` (at each step), `rebase -x CMD` (after each
    /// commit), `difftool -x CMD` (on each pair of files). Each with what runs it. The subcommand's
    /// own finding stays `unknown`: the commands run where and as often as git decides.
    public static func commandsRun(subcommand sub: String, arguments rest: [String]) -> [(what: String, command: String)] {
        switch sub {
        case "submodule":
            guard let foreach = rest.firstIndex(of: "foreach") else { return [] }
            let words = rest[(foreach + 1)...].drop { $0 == "--recursive" || $0 == "--quiet" || $0 == "-q" }
            return words.isEmpty ? [] : [("git submodule foreach", words.joined(separator: " "))]
        case "bisect":
            guard rest.first == "run", rest.count > 1 else { return [] }
            return [("git bisect run", rest.dropFirst().map(quotedForShell).joined(separator: " "))]
        case "rebase", "difftool":
            let long = sub == "rebase" ? "--exec" : "--extcmd"
            var commands: [(what: String, command: String)] = []
            var index = 0
            while index < rest.count {
                let word = rest[index]
                if word == "--" { break }
                if word == long || word == "-x", index + 1 < rest.count {
                    commands.append(("git \(sub) \(word)", rest[index + 1]))
                    index += 1
                } else if word.hasPrefix(long + "=") {
                    commands.append(("git \(sub) \(long)", String(word.dropFirst(long.count + 1))))
                } else if word.hasPrefix("-x"), word.count > 2 {
                    commands.append(("git \(sub) -x", String(word.dropFirst(2))))
                }
                index += 1
            }
            return commands
        default:
            return []
        }
    }

    /// The hooks git runs for a subcommand, by file name in the hooks directory: `git commit` runs
    /// `pre-commit` and `commit-msg` (unless `--no-verify`), `git push` runs `pre-push`, and so on.
    public static func hooks(runBy sub: String, arguments rest: [String]) -> [String] {
        // `-n` means `--no-verify` only to `git commit` (to `git merge` it is `--no-stat`).
        let verify = !rest.contains("--no-verify") && !(sub == "commit" && rest.contains("-n"))
        switch sub {
        case "commit":
            return (verify ? ["pre-commit", "commit-msg"] : []) + ["prepare-commit-msg", "post-commit", "reference-transaction"]
                + (rest.contains("--amend") ? ["post-rewrite"] : [])
        case "merge", "pull":
            return (verify ? ["pre-merge-commit", "commit-msg"] : []) + ["prepare-commit-msg", "post-merge", "reference-transaction"]
        case "push":
            return (rest.contains("--no-verify") ? [] : ["pre-push"]) + ["reference-transaction"]
        case "checkout", "switch":
            return ["post-checkout", "reference-transaction"]
        case "rebase":
            return ["pre-rebase", "post-rewrite", "post-checkout", "reference-transaction"]
        case "am":
            return (rest.contains("--no-verify") ? [] : ["applypatch-msg", "pre-applypatch"]) + ["post-applypatch", "reference-transaction"]
        case "cherry-pick", "revert", "reset", "branch", "tag", "fetch", "update-ref", "stash":
            return ["reference-transaction"]
        case "gc":
            return ["pre-auto-gc"]
        default:
            return []
        }
    }

    /// Files a git command replaces whole (`git archive -o FILE`, `git bundle create FILE`); whether
    /// that destroys anything depends on the disk, which the shell classifier can see.
    public static func replacedFiles(subcommand sub: String, arguments rest: [String]) -> [String] {
        switch sub {
        case "archive":
            for (position, word) in zip(rest.indices, rest) {
                if word == "-o" || word == "--output", position + 1 < rest.endIndex { return [rest[position + 1]] }
                if word.hasPrefix("--output=") { return [String(word.dropFirst("--output=".count))] }
                if word.hasPrefix("-o"), word.count > 2 { return [String(word.dropFirst(2))] }
            }
        case "bundle":
            let operands = rest.filter { !$0.hasPrefix(ascii: "-") }
            if operands.first == "create", operands.count > 1 { return [operands[1]] }
        default:
            break
        }
        return []
    }

    /// What the setting at `index` does when the argument there is one of `options`, with its
    /// value next (`-c key=value`) or attached (`--config-env=key=VAR`); nil otherwise.
    static func settingInjection(_ arguments: [String?], _ displays: [String], at index: Int, options: [String]) -> Finding? {
        guard let text = arguments[index] else { return nil }
        if options.contains(text) {
            return configInjection(index + 1 < arguments.count ? arguments[index + 1] : nil, display: index + 1 < displays.count ? displays[index + 1] : "?")
        }
        if let equals = text.firstIndex(of: "="), text.hasPrefix("--"), options.contains(String(text[..<equals])) {
            let setting = String(text[text.index(after: equals)...])
            return configInjection(setting, display: setting)
        }
        return nil
    }

    /// `-c key=value` settings that make git run a command.
    static func configInjection(_ setting: String??, display: String) -> Finding? {
        guard let setting = setting ?? nil else {
            return Finding(operation: "git:config_command", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution], reason: "`git -c \(display)` sets configuration computed at run time")
        }
        let key = String(setting.prefix { $0 != "=" }).lowercased()
        if setting.contains("="), isSwitch(key: key, value: setting.drop { $0 != "=" }.dropFirst()) { return nil }
        let commandKeys = ["core.sshcommand", "core.pager", "core.editor", "core.hookspath", "core.fsmonitor", "core.askpass", "core.gitproxy", "sequence.editor",
                           "diff.external", "gpg.program", "gpg.ssh.program", "credential.helper", "uploadpack.packobjectshook"]
        let commandPatterns = ["alias.", "pager.", "filter.", "difftool.", "mergetool.", "merge.", "diff.", "protocol.", "url.", "include.", "includeif."]
        if commandKeys.contains(key) || commandPatterns.contains(where: { key.hasPrefix($0) }) && (key.hasPrefix("alias.") || key.hasPrefix("pager.") || key.hasSuffix(".cmd") || key.hasSuffix(".command") || key.hasSuffix(".clean") || key.hasSuffix(".smudge") || key.hasSuffix(".process") || key.hasSuffix(".driver") || key.hasSuffix(".textconv") || key.hasSuffix(".allow") || key.hasSuffix(".insteadof") || key.hasPrefix("include")) {
            return Finding(operation: "git:config_command", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                           reason: "`git -c \(key)=…` makes git run a command of the caller's choosing")
        }
        return nil
    }

    /// The key and value `git config` sets, in the old form (`git config [--global] KEY VALUE`,
    /// `--add`, `--replace-all`) and the new (`git config set KEY VALUE`); nil when it sets nothing.
    static func configSetting(_ rest: [String]) -> (key: String, value: String?)? {
        let valued: Set<String> = ["-f", "--file", "--blob", "--type", "--default", "--comment", "--value", "--url"]
        var operands: [String] = []
        var index = 0
        while index < rest.count {
            let word = rest[index]
            if word.hasPrefix(ascii: "-") {
                if valued.contains(word) { index += 1 }
                if ["--get", "--get-all", "--get-regexp", "--list", "-l", "--unset", "--unset-all", "--remove-section", "--rename-section", "--edit", "-e", "--get-urlmatch", "--get-color", "--get-colorbool"].contains(word) { return nil }
            } else {
                operands.append(word)
            }
            index += 1
        }
        if operands.first == "set" { operands.removeFirst() } else if ["get", "list", "unset", "rename-section", "remove-section", "edit"].contains(operands.first) { return nil }
        guard let key = operands.first else { return nil }
        return (key, operands.count > 1 ? operands[1] : nil)
    }

    /// Keys that take a command or, as a boolean, switch a pager or git's own file monitor on or off.
    static func takesSwitchOrCommand(_ key: String) -> Bool { key == "core.pager" || key.hasPrefix("pager.") || key == "core.fsmonitor" }

    /// `pager.log=false`, `core.fsmonitor=true` (git's own daemon): a switch, not a command. `key`
    /// in lower case.
    static func isSwitch(key: String, value: some StringProtocol) -> Bool {
        takesSwitchOrCommand(key) && ["true", "false", "yes", "no", "on", "off", "1", "0"].contains(value.lowercased())
    }

    /// Keys whose value git runs as a shell command, whatever it is.
    static let shellCommandKeys: Set<String> = [
        "core.sshcommand", "core.editor", "core.askpass", "core.gitproxy", "sequence.editor", "diff.external", "gpg.program", "gpg.ssh.program",
        "gpg.x509.program", "gpg.openpgp.program", "uploadpack.packobjectshook", "sendemail.sendmailcmd",
    ]

    /// The shell command git runs for configuration `key` set to `value` (`core.sshCommand`,
    /// `core.pager`, `diff.external`, a filter's `clean`, a credential helper or alias that starts
    /// with `!` …), or nil when the value is not one: `pager.log=false`, a helper's short name,
    /// an alias to another git command (`configuredShellCommands` follows those).
    public static func shellCommand(key: String, value: String) -> String? {
        let key = key.lowercased()
        let value = value.trimmingPrefix(while: { $0 == " " || $0 == "\t" })
        guard !value.isEmpty else { return nil }
        if key.hasPrefix("alias.") || key == "credential.helper" || key.hasPrefix("credential.") && key.hasSuffix(".helper") {
            if value.hasPrefix("!") { return String(value.dropFirst()) }
            // A helper given as a path runs as a program; a short name is `git credential-NAME`.
            return key.hasPrefix("credential") && value.hasPrefix("/") ? String(value) : nil
        }
        if takesSwitchOrCommand(key) { return isSwitch(key: key, value: value) ? nil : String(value) }
        if shellCommandKeys.contains(key) { return String(value) }
        let commandSuffixes = [".cmd", ".command", ".clean", ".smudge", ".process", ".driver", ".textconv"]
        if key.contains("."), commandSuffixes.contains(where: { key.hasSuffix($0) }) { return String(value) }
        return nil
    }

    /// The shell commands a git command line makes git run, or store for later runs, through
    /// configuration: `-c KEY=VALUE` before the subcommand or after `clone`, an alias the command
    /// line defines and calls (followed through aliases to aliases; a `!` alias runs in the shell
    /// with the arguments after it, another is a git command line), and a command `git config`
    /// stores. Each with the setting that names it.
    public static func configuredShellCommands(_ arguments: [String?]) -> [(setting: String, command: String)] {
        var commands: [(setting: String, command: String)] = []
        var aliases: [String: String] = [:]
        var index = 0
        while index < arguments.count, let text = arguments[index], text.hasPrefix(ascii: "-") {
            if text == "-c", index + 1 < arguments.count, let setting = arguments[index + 1] { note(setting, &commands, &aliases) }
            index += globalOptionsWithValues.contains(text) ? 2 : 1
        }
        guard index < arguments.count, let subcommand = arguments[index] else { return commands }
        // Most git command lines set nothing: no `-c`, not `clone` or `config`.
        if aliases.isEmpty, subcommand != "clone", subcommand != "config" { return commands }
        let rest = arguments[(index + 1)...].compactMap { $0 }
        if subcommand == "clone" {
            var position = 0
            while position < rest.count {
                if rest[position] == "-c" || rest[position] == "--config", position + 1 < rest.count { note(rest[position + 1], &commands, &aliases); position += 1 }
                else if rest[position].hasPrefix("--config=") { note(String(rest[position].dropFirst("--config=".count)), &commands, &aliases) }
                position += 1
            }
        }
        if subcommand == "config", let (key, value) = configSetting(rest), let value, let command = shellCommand(key: key, value: value) {
            commands.append(("config " + key, command))
        }
        // An alias the line defines for the command it calls (git looks aliases up by lower-case name).
        var name = subcommand.lowercased()
        var words = rest.map(quotedForShell).joined(separator: " ")
        var followed: Set<String> = []
        while let value = aliases[name], followed.insert(name).inserted {
            if value.hasPrefix("!") {
                commands.append(("alias." + name, String(value.dropFirst()) + (words.isEmpty ? "" : " " + words)))
                break
            }
            let first = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
            if aliases[first.lowercased()] != nil, !followed.contains(first.lowercased()) {
                let tail = value.drop(while: { $0 == " " || $0 == "\t" }).dropFirst(first.count)
                words = String(tail).trimmingPrefix(while: { $0 == " " }) + (words.isEmpty ? "" : " " + words)
                name = first.lowercased()
                continue
            }
            commands.append(("alias." + name, "git " + value + (words.isEmpty ? "" : " " + words)))
            break
        }
        return commands
    }

    /// One `-c KEY=VALUE`: an alias it defines, or the shell command it names.
    private static func note(_ setting: String, _ commands: inout [(setting: String, command: String)], _ aliases: inout [String: String]) {
        guard let equals = setting.firstIndex(of: "=") else { return }
        let key = String(setting[..<equals]), value = String(setting[setting.index(after: equals)...])
        if key.lowercased().hasPrefix("alias.") {
            aliases[String(key.dropFirst("alias.".count)).lowercased()] = value
        } else if let command = shellCommand(key: key, value: value) {
            commands.append(("-c " + key, command))
        }
    }

    /// A word as a shell reads it back: in single quotes unless it needs none.
    static func quotedForShell(_ word: String) -> String {
        if !word.isEmpty, word.utf8.allSatisfy({ byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "-_./:=@%+,".utf8.contains(byte)
        }) { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }

    static func classifySubcommand(_ arguments: [String?], displays: [String], at index: Int) -> [Finding] {
        guard let sub = arguments[index] else {
            return [Finding(operation: "git:dynamic", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution], reason: "the git subcommand `\(displays[index])` is computed at run time")]
        }
        let rest = Array(arguments[(index + 1)...])
        let words = rest.compactMap { $0 }
        let flags = Set(words.filter { $0.hasPrefix(ascii: "-") })
        func has(_ names: String...) -> Bool {
            names.contains { name in flags.contains(name) || flags.contains { $0.hasPrefix(name + "=") } }
        }
        /// Short-option clusters: `-fd` has `f`.
        func hasShort(_ letter: Character) -> Bool {
            flags.contains { $0.count >= 2 && !$0.hasPrefix("--") && $0.dropFirst().contains(letter) }
        }
        let operands = words.filter { !$0.hasPrefix(ascii: "-") }
        // Where a path operand lands: under the directory `-C` moves to, when there is one.
        let globalDirectory = invocation(arguments)?.directory
        func inDirectory(_ path: String) -> String {
            guard let globalDirectory, !path.hasPrefix(ascii: "/"), !path.hasPrefix(ascii: "~") else { return path }
            let joined = globalDirectory.hasSuffix("/") ? globalDirectory + path : globalDirectory + "/" + path
            return joined.hasPrefix(ascii: "/") ? Paths.normalize(joined) : joined
        }
        // The paths a path-form command acts on: what follows `--` when it is there.
        let afterSeparator = words.firstIndex(of: "--").map { Array(words[(words.index(after: $0))...]) }

        switch sub {
        case "status", "log", "diff", "show", "blame", "annotate", "ls-files", "ls-tree", "rev-parse", "describe", "shortlog", "grep",
            "cat-file", "rev-list", "help", "version", "fsck", "count-objects", "whatchanged", "name-rev", "merge-base", "cherry",
            "ls-remote", "show-ref", "for-each-ref", "var", "check-ignore", "check-attr", "check-ref-format", "verify-commit",
            "verify-tag", "range-diff", "difftool", "show-branch", "bugreport", "diagnose", "hash-object", "request-pull", "format-patch":
            if sub == "format-patch" || sub == "bugreport" || sub == "diagnose" { return [finding("git:\(sub)", .write, "`git \(sub)` writes files")] }
            // `--output FILE` (diff, log, show ...) replaces FILE, whatever it held.
            if let option = words.firstIndex(where: { $0 == "--output" || $0.hasPrefix("--output=") }) {
                let file = words[option].hasPrefix("--output=") ? String(words[option].dropFirst("--output=".count)) : (option + 1 < words.count ? words[option + 1] : "")
                return [Finding(operation: "git:\(sub)_output", effect: .unknown, targets: file.isEmpty ? [] : [file], targetsComplete: false,
                                reason: "`git \(sub) --output` writes to `\(file)`, replacing what it held")]
            }
            // `git grep -O CMD` opens the matching files with CMD; `git difftool -x CMD` runs CMD.
            if sub == "grep", has("--open-files-in-pager") || flags.contains(where: { $0.hasPrefix("-O") }) {
                return [Finding(operation: "git:grep_pager", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                                reason: "`git grep -O` runs a command of the caller's choosing on the matching files")]
            }
            // `--ext-diff` runs the diff program git's settings name, which the line does not show.
            if has("--ext-diff") {
                return [Finding(operation: "git:\(sub)_external_diff", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                                reason: "`git \(sub) --ext-diff` runs the external diff program configured for the repository")]
            }
            if sub == "difftool", has("--extcmd") || flags.contains("-x") {
                return [Finding(operation: "git:difftool_command", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                                reason: "`git difftool -x` runs a command of the caller's choosing")]
            }
            return [finding("git:\(sub)", .read, "`git \(sub)` only reads")]
        case "push":
            let forceFlags = has("--force") || hasShort("f")
            let lease = has("--force-with-lease") || has("--force-if-includes")
            let deleting = has("--delete") || hasShort("d") || operands.dropFirst().contains { $0.hasPrefix(ascii: ":") && $0.count > 1 }
            let plusRefspec = operands.dropFirst().contains { $0.hasPrefix(ascii: "+") }
            let targets = Array(operands.prefix(3))
            if has("--dry-run") || hasShort("n") {
                return [finding("git:push", .read, "`git push --dry-run` only reports")]
            }
            var out: [Finding] = []
            if has("--mirror") {
                out.append(finding("git:push_mirror", .destructive, targets: targets, categories: [.historyRewrite, .dataLoss], "`git push --mirror` makes the remote match exactly, deleting and overwriting its refs"))
            }
            if forceFlags || plusRefspec {
                out.append(finding("git:push_force", .destructive, targets: targets, categories: [.historyRewrite], "`git push --force` overwrites the remote's history"))
            } else if lease {
                out.append(finding("git:push_force_with_lease", .destructive, targets: targets, categories: [.historyRewrite], "`git push --force-with-lease` overwrites the remote's history if nobody pushed meanwhile"))
            }
            if deleting {
                out.append(finding("git:push_delete", .destructive, targets: targets, categories: [.dataLoss], "`git push --delete` deletes refs on the remote"))
            }
            if has("--prune") {
                out.append(finding("git:push_prune", .destructive, targets: targets, categories: [.dataLoss], "`git push --prune` deletes the remote's branches that have no local counterpart"))
            }
            if out.isEmpty { out.append(finding("git:push", .write, targets: targets, "`git push` publishes commits")) }
            return out
        case "filter-branch", "filter-repo":
            return [finding("git:\(sub)", .destructive, categories: [.historyRewrite], "`git \(sub)` rewrites every commit of the history")]
        case "reset":
            if has("--hard") { return [finding("git:reset_hard", .destructive, categories: [.dataLoss], "`git reset --hard` discards uncommitted work")] }
            return [finding("git:reset", .write, "`git reset` moves the branch or unstages changes")]
        case "clean":
            if has("--dry-run") || hasShort("n") { return [finding("git:clean", .read, "`git clean -n` only lists")] }
            if has("--force") || hasShort("f") {
                return [finding("git:clean", .destructive, categories: [.dataLoss], "`git clean -f` deletes untracked files\(hasShort("x") ? ", ignored ones too" : "")")]
            }
            return [finding("git:clean", .write, "`git clean` without `-f` refuses to delete")]
        case "checkout":
            let pathForm = rest.contains("--") || operands.contains(".") || operands.contains { $0.hasPrefix(":/") }
            if has("--force") || hasShort("f") || (pathForm && !hasShort("b") && !hasShort("B")) {
                let paths = afterSeparator ?? operands.filter { $0 == "." || $0.hasPrefix(":/") }
                return [finding("git:checkout_discard", .destructive, targets: paths, categories: [.dataLoss], "`git checkout` over paths discards their uncommitted changes")]
            }
            if hasShort("B") {
                return [finding("git:checkout_reset_branch", .destructive, targets: Array(operands.prefix(1)), categories: [.dataLoss], "`git checkout -B` resets an existing branch to the start point, dropping the commits only it held")]
            }
            return [finding("git:checkout", .write, "`git checkout` switches branches")]
        case "restore":
            if (has("--staged") || hasShort("S")) && !(has("--worktree") || hasShort("W")) {
                return [finding("git:restore", .write, "`git restore --staged` only unstages")]
            }
            // The operands are paths, except the value of `-s`/`--source`.
            var paths: [String] = []
            var skipValue = false
            for word in afterSeparator ?? words {
                if skipValue { skipValue = false; continue }
                if afterSeparator == nil, word == "-s" || word == "--source" { skipValue = true; continue }
                if afterSeparator == nil, word.hasPrefix(ascii: "-") { continue }
                paths.append(word)
            }
            return [finding("git:restore", .destructive, targets: paths, categories: [.dataLoss], "`git restore` discards uncommitted changes")]
        case "switch":
            if has("--discard-changes") || has("--force") || hasShort("f") {
                return [finding("git:switch_discard", .destructive, categories: [.dataLoss], "`git switch --discard-changes` throws away local changes")]
            }
            if hasShort("C") || has("--force-create") {
                return [finding("git:switch_reset_branch", .destructive, targets: Array(operands.prefix(1)), categories: [.dataLoss], "`git switch -C` resets an existing branch to the start point, dropping the commits only it held")]
            }
            return [finding("git:switch", .write, "`git switch` changes branches")]
        case "stash":
            switch operands.first {
            case "drop", "clear": return [finding("git:stash_\(operands.first!)", .destructive, categories: [.dataLoss], "`git stash \(operands.first!)` deletes stashed work")]
            case "list", "show": return [finding("git:stash", .read, "`git stash \(operands.first!)` only reads")]
            default: return [finding("git:stash", .write, "`git stash` sets work aside")]
            }
        case "branch":
            if has("-D") || (has("--delete") || hasShort("d")) && (has("--force") || hasShort("f")) {
                return [finding("git:branch_delete_force", .destructive, targets: operands, categories: [.dataLoss], "`git branch -D` deletes branches even when unmerged")]
            }
            if has("--delete") || hasShort("d") { return [finding("git:branch_delete", .write, targets: operands, "`git branch -d` deletes merged branches")] }
            if has("-M") || has("-C") { return [finding("git:branch_force", .destructive, targets: operands, categories: [.dataLoss], "`git branch -M` overwrites an existing branch")] }
            if (has("--force") || hasShort("f")) && !operands.isEmpty {
                return [finding("git:branch_force", .destructive, targets: operands, categories: [.dataLoss], "`git branch -f` moves an existing branch, dropping the commits only it held")]
            }
            if operands.isEmpty || has("--list") || hasShort("l") || hasShort("a") || hasShort("r") || has("--show-current") || has("--contains") || has("--merged") || has("--no-merged") || hasShort("v") {
                return [finding("git:branch", .read, "lists branches")]
            }
            return [finding("git:branch", .write, targets: operands, "creates or changes branches")]
        case "tag":
            if has("--delete") || hasShort("d") { return [finding("git:tag_delete", .destructive, targets: operands, "deletes tags")] }
            if operands.isEmpty || has("--list") || hasShort("l") || has("--contains") || has("--points-at") || hasShort("n") || has("--verify") || hasShort("v") {
                return [finding("git:tag", .read, "lists tags")]
            }
            if has("--force") || hasShort("f") { return [finding("git:tag_force", .destructive, targets: operands, categories: [.historyRewrite], "`git tag -f` moves an existing tag")] }
            return [finding("git:tag", .write, targets: operands, "creates a tag")]
        case "read-tree":
            if has("--reset") && hasShort("u") {
                return [finding("git:read_tree_reset", .destructive, categories: [.dataLoss], "`git read-tree --reset -u` overwrites the working tree, discarding uncommitted changes")]
            }
            return [finding("git:read-tree", .write, "`git read-tree` changes the index")]
        case "reflog":
            if operands.first == "expire" || operands.first == "delete" {
                return [finding("git:reflog_\(operands.first!)", .destructive, categories: [.dataLoss], "`git reflog \(operands.first!)` removes the record that makes lost commits recoverable")]
            }
            return [finding("git:reflog", .read, "shows the reflog")]
        case "gc":
            if flags.contains(where: { $0 == "--prune=now" || $0 == "--prune=all" }) || rest.contains("--prune") && rest.contains("now") {
                return [finding("git:gc_prune_now", .destructive, categories: [.dataLoss], "`git gc --prune=now` deletes unreachable commits at once")]
            }
            return [finding("git:gc", .write, "`git gc` compacts the repository")]
        case "prune":
            if has("--dry-run") || hasShort("n") { return [finding("git:prune", .read, "`git prune -n` only lists")] }
            return [finding("git:prune", .destructive, categories: [.dataLoss], "`git prune` deletes unreachable objects")]
        case "update-ref":
            if has("-d") || has("--stdin") { return [finding("git:update_ref", .destructive, targets: operands, categories: [.historyRewrite], "`git update-ref` deletes or rewrites refs directly")] }
            return [finding("git:update_ref", .destructive, targets: operands, categories: [.historyRewrite], "`git update-ref` points a ref anywhere, bypassing safety checks")]
        case "mv":
            // The sources leave their place: moving hook settings away switches the hooks off.
            return [finding("git:mv", .write, targets: afterSeparator ?? operands, "`git mv` moves or renames tracked files")]
        case "rm":
            if has("--cached") && !(has("--force") || hasShort("f")) { return [finding("git:rm", .write, targets: operands, "`git rm --cached` stops tracking files")] }
            if has("--force") || hasShort("f") { return [finding("git:rm", .destructive, targets: operands, categories: [.dataLoss], "`git rm -f` deletes files with uncommitted changes")] }
            return [finding("git:rm", .write, targets: operands, "`git rm` deletes committed files (recoverable from history)")]
        case "worktree":
            if operands.first == "remove", has("--force") || hasShort("f") {
                return [finding("git:worktree_remove", .destructive, categories: [.dataLoss], "`git worktree remove --force` deletes a worktree with its changes")]
            }
            if operands.first == "list" { return [finding("git:worktree", .read, "lists worktrees")] }
            if operands.first == "add", let add = rest.firstIndex(of: "add") {
                let path = destination(rest[(add + 1)...], valued: ["-b", "-B", "--reason"], position: 0)
                return [Finding(operation: "git:worktree_add", effect: .write, targets: path.map { [inDirectory($0)] } ?? [],
                                targetsComplete: path != nil, reason: "`git worktree add` checks out a branch into a new directory")]
            }
            return [finding("git:worktree", .write, "changes worktrees")]
        case "submodule":
            if operands.first == "deinit", has("--force") || hasShort("f") || has("--all") {
                return [finding("git:submodule_deinit", .destructive, categories: [.dataLoss], "`git submodule deinit -f` deletes submodule working trees")]
            }
            if operands.isEmpty || operands.first == "status" || operands.first == "summary" {
                return [finding("git:submodule", .read, "shows submodules")]
            }
            if operands.first == "add", let add = rest.firstIndex(of: "add") {
                let path = destination(rest[(add + 1)...], valued: ["-b", "--branch", "--name", "--reference", "--depth"], position: 1,
                                       derive: { humanishName($0, bare: false) })
                return [Finding(operation: "git:submodule_add", effect: .write, targets: path.map { [inDirectory($0)] } ?? [],
                                targetsComplete: path != nil, reason: "`git submodule add` checks out another repository into a directory")]
            }
            if operands.first == "foreach" {
                // `git submodule foreach 'cmd'` runs a shell command in each submodule.
                return [Finding(operation: "git:submodule_foreach", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution], reason: "`git submodule foreach` runs a shell command in every submodule")]
            }
            return [finding("git:submodule", .write, "updates submodules")]
        case "credential", "credential-store", "credential-cache", "credential-osxkeychain", "credential-manager", "credential-libsecret", "credential-wincred":
            // `git credential fill` (a helper's `get`) prints the stored password or token for the
            // host described on its input; `approve`/`reject` (`store`/`erase`) change the store.
            let action = operands.first ?? ""
            if action == "fill" || action == "get" {
                return [finding("git:credential_fill", .read, categories: [.credentialIssue], "`git \(sub) \(action)` prints the stored password or token for a host")]
            }
            if ["approve", "reject", "store", "erase"].contains(action) { return [finding("git:credential", .write, "`git \(sub) \(action)` changes stored credentials")] }
            return [Finding(operation: "git:credential", effect: .unknown, targetsComplete: false, reason: "`git \(sub)` without an action this reads")]
        case "config":
            if has("--get") || has("--get-all") || has("--get-regexp") || has("--list") || hasShort("l") || operands.first == "get" || operands.first == "list" || (operands.count == 1 && !has("--unset") && !has("--unset-all") && !has("--remove-section")) {
                // `http.<url>.extraheader` is where CI checkouts keep the token they push with.
                // (`--list` shows it too, but agents list configuration all day for other reasons.)
                if operands.contains(where: { $0.lowercased().hasSuffix("extraheader") }) || has("--get-regexp") && operands.contains(where: { $0.lowercased().contains("http") }) {
                    return [finding("git:config", .read, categories: [.credentialIssue], "`git config` prints configuration that may hold an HTTP authorization header (a CI checkout's token)")]
                }
                return [finding("git:config", .read, "reads configuration")]
            }
            // A remote's `mirror` or a forced or deleting `push` refspec arms every later plain
            // `git push` to it: as destructive as that push.
            if let (key, value) = configSetting(rest.map { $0 ?? "" }), let what = PushConfiguration(settings: [(key, value)]).danger {
                return [finding("git:config_push", .destructive, categories: [.historyRewrite, .dataLoss],
                                "`git config \(key)` makes every later plain `git push` to that remote \(what)")]
            }
            // Section and key names are case-insensitive: `Core.SshCommand` is `core.sshCommand`.
            if let (key, _) = configSetting(rest.map { $0 ?? "" }), configInjection(key + "=", display: key) != nil {
                return [Finding(operation: "git:config", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution], reason: "`git config \(key)` sets a command git will run later")]
            }
            return [finding("git:config", .write, "changes configuration")]
        case "remote":
            if operands.isEmpty || operands.first == "show" || operands.first == "get-url" || hasShort("v") && operands.isEmpty {
                return [finding("git:remote", .read, "lists remotes")]
            }
            if operands.first == "prune" && (has("--dry-run") || hasShort("n")) { return [finding("git:remote", .read, "lists stale branches")] }
            // `git remote add --mirror=push NAME URL` sets `remote.NAME.mirror`: every later push mirrors.
            if operands.first == "add", rest.contains(where: { $0 == "--mirror" || $0 == "--mirror=push" }) {
                return [finding("git:config_push", .destructive, categories: [.historyRewrite, .dataLoss],
                                "`git remote add --mirror` makes every later plain `git push` to that remote mirror the local refs, deleting and overwriting the remote's")]
            }
            return [finding("git:remote", .write, "changes remotes")]
        case "notes":
            if operands.isEmpty || operands.first == "list" || operands.first == "show" { return [finding("git:notes", .read, "shows notes")] }
            if operands.first == "remove" || operands.first == "prune" { return [finding("git:notes", .destructive, "removes notes")] }
            return [finding("git:notes", .write, "edits notes")]
        case "bisect":
            if operands.first == "log" || operands.first == "visualize" || operands.first == "view" { return [finding("git:bisect", .read, "shows the bisect state")] }
            if operands.first == "run" { return [Finding(operation: "git:bisect_run", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution], reason: "`git bisect run` runs a command at each step")] }
            return [finding("git:bisect", .write, "moves through history")]
        case "checkout-index":
            // Writes the index's copy of the named files (all of them with `-a`) into the work
            // tree; `-f` replaces files that are there. `--prefix` writes them elsewhere.
            let paths = afterSeparator ?? operands
            let replaces = has("--force") || hasShort("f")
            if has("--all") || hasShort("a") || has("--stdin") {
                return [Finding(operation: "git:checkout_index", effect: replaces ? .destructive : .write, targetsComplete: false,
                                categories: replaces ? [.dataLoss] : [], reason: "`git checkout-index` writes the index's copy of every file\(replaces ? ", replacing what is there" : "")")]
            }
            return [finding("git:checkout_index", replaces ? .destructive : .write, targets: paths, categories: replaces ? [.dataLoss] : [],
                            "`git checkout-index` writes the index's copy of \(paths.isEmpty ? "nothing" : paths.map { "`\($0)`" }.joined(separator: ", "))\(replaces ? ", replacing what is there" : "")")]
        case "clone":
            // A template's hooks are copied into the new repository, and `post-checkout` runs
            // before the clone returns.
            if has("--template") {
                return [Finding(operation: "git:clone_template", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                                reason: "`git clone --template` installs hooks from another directory, and its `post-checkout` hook runs during the clone")]
            }
            // Everything the repository holds lands under one directory: named, or derived from
            // the address as git derives it (`https://host/team/.claude.git` lands in `.claude`).
            let bare = has("--bare") || has("--mirror")
            let directory = destination(rest[...], valued: cloneOptionsWithValues, position: 1, derive: { humanishName($0, bare: bare) })
            return [Finding(operation: "git:clone", effect: .write, targets: directory.map { [inDirectory($0)] } ?? [],
                            targetsComplete: directory != nil, reason: "`git clone` creates a repository and its files")]
        case "add", "commit", "fetch", "pull", "merge", "rebase", "cherry-pick", "revert", "init", "apply", "am",
            "sparse-checkout", "lfs", "maintenance", "repack", "pack-refs", "write-tree", "commit-tree", "symbolic-ref", "replace", "rerere", "mergetool", "bundle", "archive", "stage", "citool", "gui", "send-email", "fast-import", "fast-export", "update-index", "merge-file", "mktag", "mktree", "unpack-objects", "index-pack", "multi-pack-index", "commit-graph", "backfill", "init-db":
            if sub == "archive" && !has("--output") && !hasShort("o") { return [finding("git:archive", .read, "`git archive` writes to standard output")] }
            // `git rebase -x CMD` / `--exec CMD` runs CMD after each commit it replays.
            if sub == "rebase", has("--exec") || flags.contains(where: { flag in
                guard flag.hasPrefix(ascii: "-"), !flag.hasPrefix("--"), let x = flag.dropFirst().firstIndex(of: "x") else { return false }
                return flag[flag.index(after: flag.startIndex)..<x].allSatisfy { "iqvnfmrk".contains($0) }
            }) {
                return [Finding(operation: "git:rebase_exec", effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                                reason: "`git rebase -x` runs a shell command after each commit it replays")]
            }
            // `git fetch origin +main:main` (or `--force` with a refspec) moves a local branch to
            // what the remote holds, as `git branch -f` does: commits only it held are dropped.
            if sub == "fetch" {
                let forced = has("--force") || hasShort("f")
                let overwritten = operands.dropFirst().compactMap { refspec -> String? in
                    guard refspec.hasPrefix(ascii: "+") || forced, let colon = refspec.firstIndex(of: ":") else { return nil }
                    let destination = String(refspec[refspec.index(after: colon)...])
                    guard !destination.isEmpty, !destination.hasPrefix("refs/remotes/") else { return nil }
                    return destination
                }
                if !overwritten.isEmpty {
                    return [finding("git:fetch_force", .destructive, targets: overwritten, categories: [.dataLoss],
                                    "`git fetch` force-updates the local \(overwritten.map { "`\($0)`" }.joined(separator: ", ")) to the remote's, dropping the commits only it held")]
                }
            }
            if sub == "fetch", has("--prune") || hasShort("p") {
                return [finding("git:fetch", .write, "`git fetch --prune` updates and removes stale remote-tracking branches")]
            }
            return [finding("git:\(sub)", .write, "`git \(sub)` changes the repository")]
        default:
            // Unknown subcommands are aliases or extensions (`git-foo` on PATH); an alias may run a shell (`!cmd`).
            return [Finding(operation: "git:\(sub)", effect: .unknown, targetsComplete: false, reason: "`git \(sub)` is an alias or extension whose effect is unknown")]
        }
    }

    static let cloneOptionsWithValues: Set<String> = [
        "-o", "--origin", "-b", "--branch", "-u", "--upload-pack", "--reference", "--reference-if-able", "--separate-git-dir",
        "--depth", "--shallow-since", "--shallow-exclude", "-c", "--config", "-j", "--jobs", "--template", "--filter",
        "--server-option", "--bundle-uri", "--revision", "--ref-format",
    ]

    /// The directory a command that checks files out lands in: the operand at `position`, or
    /// what `derive` makes of the first (the repository) when that one is not given; nil when the
    /// line does not say (no operand, or a word computed at run time, which may be either).
    static func destination(_ words: ArraySlice<String?>, valued: Set<String>, position: Int, derive: (String) -> String? = { _ in nil }) -> String? {
        var operands: [String] = []
        var index = words.startIndex
        var optionsEnded = false
        while index < words.endIndex {
            guard let word = words[index] else { return nil }
            index += 1
            if !optionsEnded, word == "--" { optionsEnded = true; continue }
            if !optionsEnded, word.hasPrefix(ascii: "-"), word.count > 1 {
                if valued.contains(word) { index += 1 }
                continue
            }
            operands.append(word)
        }
        if operands.count > position { return operands[position] }
        return operands.first.flatMap(derive)
    }

    /// The directory git names after a repository's address when none is given: the last part of
    /// the path without a trailing `/`, `/.git` or `.git` (`git@host:team/app.git` → `app`; a bare
    /// clone keeps `.git`: `app.git`).
    static func humanishName(_ address: String, bare: Bool) -> String? {
        var name = Substring(address)
        while name.hasSuffix("/") { name = name.dropLast() }
        if name.hasSuffix("/.git") { name = name.dropLast(5) }
        while name.hasSuffix("/") { name = name.dropLast() }
        if name.hasSuffix(".git") { name = name.dropLast(4) } else if name.hasSuffix(".bundle") { name = name.dropLast(7) }
        if let separator = name.lastIndex(where: { $0 == "/" || $0 == ":" }) { name = name[name.index(after: separator)...] }
        guard !name.isEmpty, name != ".", name != ".." else { return nil }
        return bare ? name + ".git" : String(name)
    }

    static func finding(_ operation: String, _ effect: Effect, targets: [String] = [], categories: Set<Category> = [], _ reason: String) -> Finding {
        Finding(operation: operation, effect: effect, targets: targets, categories: categories, reason: reason)
    }
}
