import InterlockCore
import InterlockPolicy

/// Cursor's agent hooks (docs/integrations.md): `beforeShellExecution`, `beforeMCPExecution`,
/// `beforeReadFile` and, for file edits, `preToolUse`. The answer is `{"permission": "allow" | "deny" | "ask", …}`.
///
/// Cursor treats exit 2 as "deny" and any other failure as an error that lets the call run unless
/// the hook is registered with `failClosed: true` (which `interlock install cursor` does). So every
/// refusal here is exit 2 with the decision JSON as well, and every failure is exit 2.
public enum CursorHook {
    /// The events the hook answers. Others (prompts, reads, after-the-fact events) are refused.
    public static let events = ["beforeShellExecution", "beforeMCPExecution", "beforeReadFile", "preToolUse"]

    /// The tools whose `preToolUse` `interlock install cursor --edits` registers: Cursor's editors.
    public static let editTools = ["Write", "StrReplace", "MultiStrReplace", "Edit", "Delete", "EditNotebook"]

    public static func action(payload: JSONValue, identity: DoorIdentity) throws -> Action {
        let root = try HookJSON.requireObject(payload, "the hook input")
        let event = try HookJSON.requireString(root, "hook_event_name", in: "input")
        let session = try HookJSON.optionalString(root, "conversation_id", in: "input")
        var cwd = try HookJSON.optionalString(root, "cwd", in: "input")
        if cwd == nil, let roots = root["workspace_roots"]?.arrayValue, roots.count == 1 { cwd = roots[0].stringValue }
        let input: ActionInput
        var context = AgentContext()
        switch event {
        case "beforeShellExecution":
            let command = try HookJSON.requireString(root, "command", in: "input")
            input = .shell(ShellInput(command: command, shell: "bash"))
            context = statedContext(command)
        case "beforeMCPExecution":
            let name = try HookJSON.requireString(root, "tool_name", in: "input")
            input = .tool(try toolCall(name: name, rawInput: root["tool_input"]))
        case "beforeReadFile":
            // The file the agent is about to be given, and any attached to the prompt: a Read of
            // the `cursor` server, which the built-in policy takes as a read unless a file holds
            // credentials. The content Cursor sends along is left out of the action (and so of
            // the audit log).
            let path = try HookJSON.requireString(root, "file_path", in: "input")
            var paths: [JSONValue] = [.string(path)]
            for attachment in root["attachments"]?.arrayValue ?? [] {
                if let attached = attachment["file_path"]?.stringValue ?? attachment["filePath"]?.stringValue { paths.append(.string(attached)) }
            }
            input = .tool(ToolCall(server: "cursor", tool: "Read", arguments: .object(["file_path": .string(path), "paths": .array(paths)])))
        case "preToolUse":
            let name = try HookJSON.requireString(root, "tool_name", in: "input")
            let toolInput = try arguments(root["tool_input"])
            input = try preToolUseInput(name: name, toolInput)
        default:
            throw HookInputError("`hook_event_name` is `\(event)`; `interlock hook cursor` answers \(events.joined(separator: ", ")) only")
        }
        return Action(principal: identity.principal(session: session), channel: .hook, environment: identity.environment,
                      workingDirectory: cwd, host: identity.host, input: input, context: context)
    }

    /// Cursor's hooks carry no description of a command, so an agent states its context in the
    /// one place it controls that the shell ignores: a last line that is a comment,
    /// `# Why: … Rollback: … Alternatives: …; … Impact: …`. A reviewer reads it; it decides nothing.
    static func statedContext(_ command: String) -> AgentContext {
        guard let line = command.split(whereSeparator: \.isNewline).last else { return AgentContext() }
        let last = String(line).trimmingSpaces
        guard last.hasPrefix("#") else { return AgentContext() }
        return StatedContext.parse(String(last.dropFirst()).trimmingSpaces)
    }

    /// A `preToolUse` tool: the shell, an editor, an MCP tool, or another of Cursor's own tools.
    static func preToolUseInput(name: String, _ toolInput: JSONValue) throws -> ActionInput {
        let fields = try HookJSON.requireObject(toolInput, "`tool_input`")
        func string(_ keys: String...) throws -> String? {
            for key in keys { if let value = try HookJSON.optionalString(fields, key, in: "tool_input") { return value } }
            return nil
        }
        switch name {
        case "Shell", "Bash", "run_terminal_cmd":
            guard let command = try string("command") else { throw HookInputError("`tool_input.command` is missing") }
            return .shell(ShellInput(command: command, shell: "bash"))
        case "Write", "StrReplace", "MultiStrReplace", "Edit", "Delete", "EditNotebook", "edit_file", "delete_file":
            guard let path = try string("path", "file_path", "target_file", "target_notebook") else {
                throw HookInputError("`tool_input` of `\(name)` names no file (`path` or `file_path`)")
            }
            if name == "Delete" || name == "delete_file" { return .file(FileChange(path: path, kind: .delete)) }
            if name == "Write" { return .file(FileChange(path: path, kind: .write, content: try string("contents", "content", "file_text") ?? "")) }
            // Replacements: removing text and adding none is what makes an edit destructive.
            if let edits = fields["edits"]?.arrayValue {
                let olds = edits.compactMap { $0["old_string"]?.stringValue }
                let news = edits.compactMap { $0["new_string"]?.stringValue }
                let removes = zip(olds, news).contains { !$0.isEmpty && $1.isEmpty }
                return .file(FileChange(path: path, kind: .edit, content: removes ? "" : news.joined(separator: "\n"), replacedText: olds.joined(separator: "\n")))
            }
            return .file(FileChange(path: path, kind: .edit, content: try string("new_string", "contents", "code_edit", "new_text") ?? "",
                                    replacedText: try string("old_string", "old_text")))
        default:
            return .tool(try toolCall(name: name, rawInput: .object(fields)))
        }
    }

    /// `MCP:server:tool` names the server; a bare name does not, and the tool is judged without
    /// a server's trust.
    static func toolCall(name: String, rawInput: JSONValue?) throws -> ToolCall {
        let input = try arguments(rawInput)
        if name.hasPrefix("MCP:") {
            let parts = name.dropFirst(4).split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty { return ToolCall(server: parts[0], tool: parts[1], arguments: input) }
        }
        return ToolCall(server: nil, tool: name, arguments: input)
    }

    /// Tool input arrives as an object, or as an object in a JSON string (older Cursor versions).
    static func arguments(_ value: JSONValue?) throws -> JSONValue {
        guard let value, value != .null else { return .object([:]) }
        if case .string(let text) = value {
            guard let parsed = try? JSONValue.parse(text), parsed.objectValue != nil else {
                throw HookInputError("`tool_input` is a string that does not hold a JSON object")
            }
            return parsed
        }
        guard value.objectValue != nil else { throw HookInputError("`tool_input` must be a JSON object, not \(value.typeName)") }
        return value
    }

    public static func answer(_ verdict: Verdict) -> HookAnswer {
        let settings = verdict.hooks
        func respond(_ permission: String, _ message: String, exitCode: Int32) -> HookAnswer {
            let json: JSONValue = .object([
                "permission": .string(permission),
                "user_message": .string(message),
                "agent_message": .string(message),
            ])
            // A refusal also says why on stderr, for a Cursor that reads exit 2 without the JSON.
            return HookAnswer(exitCode: exitCode, stdout: json.jsonText() + "\n", stderr: exitCode == 2 ? message + "\n" : nil)
        }
        switch verdict.outcome {
        case .allow:
            if verdict.isSupervised && settings.supervised == .ask {
                return respond("ask", "Interlock: supervised action, recorded for review. " + verdict.message, exitCode: 0)
            }
            return respond("allow", verdict.message, exitCode: 0)
        case .pending, .deny:
            // Never `ask` for a gated action: the person at the editor is not the approvers the
            // policy names, and an approval belongs in the queue, bound to this action.
            let message = verdict.code == "missing_context"
                ? "Interlock: this action needs human approval, and the policy requires the request to state its context "
                    + "(missing: \(verdict.missingContext.isEmpty ? "why, rollback" : verdict.missingContext.joined(separator: ", "))). "
                    + "Nothing was filed. Retry the same shell command with a last line `# Why: … Rollback: … Alternatives: …; … Impact: …` "
                    + "(the shell ignores it; a reviewer reads it). MCP calls and file edits cannot carry it: ask a human to run them, or for a grant."
                : verdict.message
            return respond("deny", message, exitCode: 2)
        }
    }
}
