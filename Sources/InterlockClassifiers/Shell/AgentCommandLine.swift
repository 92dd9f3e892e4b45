import InterlockCore

/// Another coding agent started from an agent's shell.
///
/// A nested agent acts through its own tools, which the shell classifier never sees: a Claude
/// Code session asks Interlock through the hooks its settings name, an agent without Interlock's
/// hook asks nobody. Its command line can also choose those settings itself (`claude --settings
/// '{"disableAllHooks": true}'`, `--setting-sources`, `--mcp-config … --strict-mcp-config`) or
/// rewrite them (`claude mcp add`, `claude plugin install`): that is `hook_config`, as editing
/// the settings file is.
enum AgentCommandLine {
    /// Agents whose own hooks can ask Interlock (`interlock install claude|kiro|cursor`).
    static let hookedAgents: Set<String> = ["claude", "kiro-cli", "cursor-agent"]
    /// Agents Interlock has no hook in: what they do is not asked about.
    static let unhookedAgents: Set<String> = ["codex", "gemini", "aider", "opencode", "qwen", "crush"]

    /// Claude Code options that take a value, so that the value is not read as a subcommand.
    private static let claudeValuedOptions: Set<String> = [
        "--model", "--fallback-model", "--settings", "--setting-sources", "--mcp-config", "--allowedTools", "--allowed-tools",
        "--disallowedTools", "--disallowed-tools", "--permission-mode", "--output-format", "--input-format", "--append-system-prompt",
        "--system-prompt", "--add-dir", "--session-id", "--agents", "--max-turns", "--plugin-dir", "--permission-prompt-tool", "--tools",
    ]
    /// Claude Code options with which the command line, not the settings files, decides which
    /// hooks and MCP servers the session has.
    private static let claudeSettingsOptions: Set<String> = ["--settings", "--setting-sources", "--mcp-config", "--strict-mcp-config", "--plugin-dir"]

    /// `arguments` are the words after the command name; nil where a word is computed at run time.
    static func classify(tool: String, _ arguments: [String?]) -> [Finding] {
        let operation = "agent:" + tool
        if arguments.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" || $0 == "--version" }) {
            return [Finding(operation: operation + ":help", effect: .read, reason: "`\(tool)` prints its usage or version")]
        }
        if tool == "claude", let finding = classifyClaude(arguments) { return [finding] }
        if unhookedAgents.contains(tool) {
            return [Finding(operation: operation, effect: .unknown, targetsComplete: false, categories: [.opaqueExecution],
                            reason: "`\(tool)` starts another agent, which has no Interlock hook: what it does will not be asked about")]
        }
        return [Finding(operation: operation, effect: .unknown, targetsComplete: false,
                        reason: "`\(tool)` starts another agent session; its tool calls are asked about only through its own hooks")]
    }

    /// Claude Code's subcommands and the options that choose a session's settings; nil for a
    /// plain session.
    private static func classifyClaude(_ arguments: [String?]) -> Finding? {
        var positional: [String] = []
        var choosesSettings: [String] = []
        var index = 0
        while index < arguments.count {
            guard let word = arguments[index] else {
                // A computed word may be a subcommand or an option that chooses the settings.
                return Finding(operation: "agent:claude", effect: .unknown, targetsComplete: false, categories: [.hookConfig],
                               reason: "`claude` with words computed at run time may choose its own hook settings or change them")
            }
            index += 1
            if word == "--" { positional.append(contentsOf: arguments[index...].compactMap { $0 }); break }
            if word.hasPrefix(ascii: "-") {
                let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
                if claudeSettingsOptions.contains(name) { choosesSettings.append(name) }
                if claudeValuedOptions.contains(name), !word.contains("=") { index += 1 }
                continue
            }
            // The first word that is not an option is a subcommand or the prompt; options may
            // follow either (`claude -p "fix it" --settings s.json`).
            positional.append(word)
        }
        if !choosesSettings.isEmpty {
            return Finding(operation: "agent:claude:settings", effect: .unknown, targetsComplete: false, categories: [.hookConfig],
                           reason: "`claude \(choosesSettings.joined(separator: " "))` starts a session with hooks and MCP servers chosen on the command line, not by the settings files that ask Interlock")
        }
        guard let subcommand = positional.first else { return nil }
        let verb = positional.count > 1 ? positional[1] : ""
        let operation = "agent:claude:" + subcommand + (verb.isEmpty ? "" : ":" + verb)
        switch subcommand {
        case "doctor":
            return Finding(operation: operation, effect: .read, reason: "`claude doctor` checks the installation")
        case "update", "install", "migrate-installer":
            return Finding(operation: operation, effect: .write, reason: "`claude \(subcommand)` installs or updates Claude Code")
        case "mcp", "config", "plugin":
            let reads: Set<String> = ["list", "get", "validate"]
            if reads.contains(verb) || verb.isEmpty {
                return Finding(operation: operation, effect: .read, reason: "`claude \(subcommand) \(verb)` only reads")
            }
            if subcommand == "mcp" && verb == "serve" {
                return Finding(operation: operation, effect: .unknown, targetsComplete: false,
                               reason: "`claude mcp serve` offers Claude Code's tools to another MCP client")
            }
            return Finding(operation: operation, effect: .write, categories: [.hookConfig],
                           reason: "`claude \(subcommand) \(verb)` changes the MCP servers, plugins or settings through which Claude Code is wired to Interlock")
        default:
            return nil
        }
    }
}
