import InterlockCore
import InterlockPolicy

/// Kiro CLI's `preToolUse` hook (docs/integrations.md). Kiro has one blocking channel: exit 2 with the
/// reason on stderr, which the model reads. Exit 0 runs the call; any other exit is a warning and
/// the call runs, so every failure here is exit 2.
public enum KiroHook {
    public static func action(payload: JSONValue, identity: DoorIdentity) throws -> Action {
        let root = try HookJSON.requireObject(payload, "the hook input")
        if let event = root["hook_event_name"]?.stringValue, event != "preToolUse" {
            throw HookInputError("`hook_event_name` is `\(event)`; `interlock hook kiro` answers preToolUse only")
        }
        let toolName = try HookJSON.requireString(root, "tool_name", in: "input")
        let toolInputValue = root["tool_input"] ?? .object([:])
        let toolInput = try HookJSON.requireObject(toolInputValue, "`tool_input`")
        let cwd = try HookJSON.optionalString(root, "cwd", in: "input")
        let session = try HookJSON.optionalString(root, "session_id", in: "input")
        var context = AgentContext()
        let input: ActionInput
        switch toolName {
        case "shell", "execute_bash", "execute_cmd":
            let command = try HookJSON.requireString(toolInput, "command", in: "tool_input")
            input = .shell(ShellInput(command: command, shell: "bash"))
            if let text = try HookJSON.optionalString(toolInput, "summary", in: "tool_input") { context = StatedContext.parse(text) }
        case "write", "fs_write":
            input = .file(try fileChange(toolInput))
            if let text = try HookJSON.optionalString(toolInput, "summary", in: "tool_input") { context = StatedContext.parse(text) }
        case "aws", "use_aws":
            let service = try HookJSON.requireString(toolInput, "service_name", in: "tool_input")
            let operation = try HookJSON.requireString(toolInput, "operation_name", in: "tool_input")
            let parameters = toolInput["parameters"] ?? .object([:])
            guard parameters.objectValue != nil else { throw HookInputError("`tool_input.parameters` must be an object, not \(parameters.typeName)") }
            input = .aws(AWSRequest(
                service: service, operation: operation, parameters: parameters,
                region: try HookJSON.optionalString(toolInput, "region", in: "tool_input"),
                profile: try HookJSON.optionalString(toolInput, "profile_name", in: "tool_input")))
            if let text = try HookJSON.optionalString(toolInput, "label", in: "tool_input") { context = StatedContext.parse(text) }
        default:
            if toolName.hasPrefix("@"), let slash = toolName.firstIndex(of: "/") {
                let server = String(toolName[toolName.index(after: toolName.startIndex)..<slash])
                let tool = String(toolName[toolName.index(after: slash)...])
                guard !server.isEmpty, !tool.isEmpty else { throw HookInputError("tool name `\(toolName)` is not `@server/tool`") }
                input = .tool(ToolCall(server: server, tool: tool, arguments: toolInputValue))
            } else {
                input = .tool(ToolCall(server: "kiro", tool: toolName, arguments: toolInputValue))
            }
        }
        return Action(principal: identity.principal(session: session), channel: .hook, environment: identity.environment,
                      workingDirectory: cwd, host: identity.host, input: input, context: context)
    }

    /// `fs_write`/`write`: `command` is create, str_replace, insert or append.
    static func fileChange(_ input: [String: JSONValue]) throws -> FileChange {
        let path = try HookJSON.optionalString(input, "path", in: "tool_input") ?? HookJSON.optionalString(input, "file_path", in: "tool_input")
        guard let path else { throw HookInputError("`tool_input.path` is missing") }
        let command = try HookJSON.optionalString(input, "command", in: "tool_input") ?? "create"
        switch command {
        case "create":
            let text = try HookJSON.optionalString(input, "file_text", in: "tool_input") ?? HookJSON.optionalString(input, "content", in: "tool_input") ?? ""
            return FileChange(path: path, kind: .write, content: text)
        case "str_replace":
            return FileChange(path: path, kind: .edit,
                              content: try HookJSON.optionalString(input, "new_str", in: "tool_input") ?? "",
                              replacedText: try HookJSON.optionalString(input, "old_str", in: "tool_input"))
        case "insert", "append":
            return FileChange(path: path, kind: .edit, content: try HookJSON.optionalString(input, "new_str", in: "tool_input") ?? "")
        default:
            throw HookInputError("`tool_input.command` `\(command)` is not create, str_replace, insert or append")
        }
    }

    public static func answer(_ verdict: Verdict) -> HookAnswer {
        let settings = verdict.hooks
        switch verdict.outcome {
        case .allow:
            if verdict.isSupervised && settings.supervised == .ask {
                // The policy wants a person to confirm, and Kiro cannot ask: refuse rather than skip it.
                return HookAnswer(exitCode: 2, stderr: "Interlock: this action needs a person to confirm it (supervised, `hooks.supervised: ask`), "
                                  + "and Kiro cannot ask; run it yourself or ask a human for a grant. " + verdict.message + "\n")
            }
            return HookAnswer(exitCode: 0)
        case .pending, .deny:
            let message = verdict.code == "missing_context" ? StatedContext.missingContextHint(verdict, field: "summary (for AWS calls, label)") : verdict.message
            return HookAnswer(exitCode: 2, stderr: message + "\n")
        }
    }
}
