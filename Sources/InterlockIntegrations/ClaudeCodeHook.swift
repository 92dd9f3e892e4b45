import InterlockCore
import InterlockPolicy

/// Claude Code's `PreToolUse` command hook (docs/integrations.md): the JSON it writes to stdin becomes an
/// action, and a verdict becomes the exit status and JSON Claude Code reads back.
///
/// Claude Code runs a tool call when a hook exits with anything but 0 or 2, so every failure here
/// is exit 2; and a hook that outlives its timeout does not block, so the hook keeps a deadline of
/// its own.
public enum ClaudeCodeHook {
    /// The tool names the installed matcher covers. Other tools reach the hook only when an
    /// administrator widens the matcher; they are decided as tools of the `claude` server.
    /// `Read` and `Grep` are covered because they are how a credentials file (`~/.aws/credentials`,
    /// a kubeconfig, an SSH key) would reach the agent; any other read is allowed at once.
    /// `WebFetch` for the same reason: fetched from this machine, the instance metadata service
    /// (`169.254.169.254`) hands out the machine's role credentials; and `ReadMcpResourceTool`,
    /// through which the model reads an MCP server's resources (`file:///…/.aws/credentials`).
    /// `MultiEdit`, which earlier Claude Code versions offer beside `Edit`: a matcher without
    /// it leaves those hosts' multi-edits unseen.
    public static let matcher = "Bash|PowerShell|Write|Edit|MultiEdit|NotebookEdit|Read|Grep|WebFetch|ReadMcpResourceTool|mcp__.*"

    /// The action a `PreToolUse` payload proposes.
    public static func action(payload: JSONValue, identity: DoorIdentity) throws -> Action {
        let root = try HookJSON.requireObject(payload, "the hook input")
        if let event = root["hook_event_name"]?.stringValue, event != "PreToolUse" {
            throw HookInputError("`hook_event_name` is `\(event)`; `interlock hook claude` answers PreToolUse only")
        }
        let toolName = try HookJSON.requireString(root, "tool_name", in: "input")
        guard let toolInputValue = root["tool_input"] else { throw HookInputError("`input.tool_input` is missing") }
        let toolInput = try HookJSON.requireObject(toolInputValue, "`tool_input`")
        let session = try HookJSON.optionalString(root, "session_id", in: "input")
        let cwd = try HookJSON.optionalString(root, "cwd", in: "input")
        var context = AgentContext()
        let input: ActionInput
        switch toolName {
        case "Bash", "PowerShell":
            let command = try HookJSON.requireString(toolInput, "command", in: "tool_input")
            input = .shell(ShellInput(command: command, shell: toolName == "Bash" ? "bash" : "powershell"))
            // Claude Code asks the model to say what a command does; reviewers see it as the why.
            if let text = try HookJSON.optionalString(toolInput, "description", in: "tool_input") { context = StatedContext.parse(text) }
        case "Write":
            let path = try HookJSON.requireString(toolInput, "file_path", in: "tool_input")
            let content = try HookJSON.optionalString(toolInput, "content", in: "tool_input") ?? ""
            input = .file(FileChange(path: path, kind: .write, content: content))
        case "Edit", "MultiEdit":
            let path = try HookJSON.requireString(toolInput, "file_path", in: "tool_input")
            if let edits = toolInput["edits"]?.arrayValue {
                // MultiEdit: the edits as one change; removing text anywhere counts.
                let olds = edits.compactMap { $0["old_string"]?.stringValue }
                let news = edits.compactMap { $0["new_string"]?.stringValue }
                let removes = zip(olds, news).contains { !$0.isEmpty && $1.isEmpty }
                input = .file(FileChange(path: path, kind: .edit, content: removes ? "" : news.joined(separator: "\n"),
                                         replacedText: olds.joined(separator: "\n")))
            } else {
                let old = try HookJSON.optionalString(toolInput, "old_string", in: "tool_input")
                let new = try HookJSON.optionalString(toolInput, "new_string", in: "tool_input")
                input = .file(FileChange(path: path, kind: .edit, content: new ?? "", replacedText: old))
            }
        case "NotebookEdit":
            let path = try HookJSON.requireString(toolInput, "notebook_path", in: "tool_input")
            let mode = try HookJSON.optionalString(toolInput, "edit_mode", in: "tool_input")
            let source = try HookJSON.optionalString(toolInput, "new_source", in: "tool_input")
            if mode == "delete" {
                input = .file(FileChange(path: path, kind: .edit, content: "", replacedText: "a notebook cell"))
            } else {
                input = .file(FileChange(path: path, kind: .edit, content: source ?? ""))
            }
        case "ReadMcpResourceTool":
            // A resource of an MCP server, read by the model: decided as the MCP proxy decides
            // `resources/read`, as that server's tool given the URI.
            let server = try HookJSON.requireString(toolInput, "server", in: "tool_input")
            let uri = try HookJSON.requireString(toolInput, "uri", in: "tool_input")
            input = .tool(ToolCall(server: server, tool: "resources/read", arguments: .object(["uri": .string(uri)])))
        default:
            if let (server, tool) = mcpName(toolName) {
                input = .tool(ToolCall(server: server, tool: tool, arguments: toolInputValue))
            } else {
                input = .tool(ToolCall(server: "claude", tool: toolName, arguments: toolInputValue))
            }
        }
        return Action(principal: identity.principal(session: session), channel: .hook, environment: identity.environment,
                      workingDirectory: cwd, host: identity.host, input: input, context: context)
    }

    /// `mcp__<server>__<tool>` (plugins: `mcp__plugin_<plugin>_<server>__<tool>`) → server and tool.
    public static func mcpName(_ name: String) -> (server: String, tool: String)? {
        guard name.hasPrefix("mcp__") else { return nil }
        let rest = Array(name.dropFirst(5))
        guard let split = rest.indices.dropLast().first(where: { rest[$0] == "_" && rest[$0 + 1] == "_" }) else { return nil }
        let server = String(rest[..<split])
        let tool = String(rest[(split + 2)...])
        guard !server.isEmpty, !tool.isEmpty else { return nil }
        return (server, tool)
    }

    /// What the hook prints and how it exits for a verdict.
    public static func answer(_ verdict: Verdict) -> HookAnswer {
        let settings = verdict.hooks
        var output: [String: JSONValue] = [:]
        let decision: String
        var reason = verdict.message
        switch verdict.outcome {
        case .allow:
            if verdict.isSupervised && settings.supervised == .ask {
                decision = "ask"
                reason = "Interlock: supervised action, recorded for review. " + verdict.message
            } else {
                decision = "allow"
                reason = verdict.isSupervised ? "Interlock: allowed and recorded for review. " + verdict.message : verdict.message
            }
        case .pending:
            decision = settings.gated == .defer ? "defer" : "deny"
        case .deny:
            decision = "deny"
            if verdict.code == "missing_context" { reason = StatedContext.missingContextHint(verdict, field: "description") }
            if verdict.isKillSwitch {
                // The runtime-interruption primitive: the session stops, not only this call.
                output["continue"] = .bool(false)
                output["stopReason"] = .string(verdict.message)
            }
        }
        output["hookSpecificOutput"] = .object([
            "hookEventName": .string("PreToolUse"),
            "permissionDecision": .string(decision),
            "permissionDecisionReason": .string(reason),
        ])
        return HookAnswer(exitCode: 0, stdout: JSONValue.object(output).jsonText() + "\n")
    }
}
