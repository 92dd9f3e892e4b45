import InterlockCore
import InterlockIntegrations
import InterlockPolicy
import Testing

func j(_ text: String) -> JSONValue {
    do { return try JSONValue.parse(text) } catch { fatalError("test JSON does not parse: \(text)") }
}

@Suite("Claude Code and Kiro hook adapters")
struct HookTests {
    let identity = DoorIdentity(agent: "claude-code", launchedBy: "alice", environment: nil)

    func payload(_ tool: String, _ input: String, event: String = "PreToolUse") -> JSONValue {
        j(#"{"session_id": "s-1", "transcript_path": "/tmp/t.jsonl", "cwd": "/work/app", "permission_mode": "default", "#
          + #""hook_event_name": "\#(event)", "tool_name": "\#(tool)", "tool_input": \#(input), "tool_use_id": "toolu_1", "#
          + #""future_field": {"added": true}}"#)
    }

    @Test("Bash becomes a shell action with the description as its why")
    func bash() throws {
        let action = try ClaudeCodeHook.action(payload: payload("Bash", #"{"command": "rm -rf build", "description": "clean the build"}"#), identity: identity)
        #expect(action.input == .shell(ShellInput(command: "rm -rf build", shell: "bash")))
        #expect(action.context.why == "clean the build")
        #expect(action.workingDirectory == "/work/app")
        #expect(action.principal == Principal(agent: "claude-code", launchedBy: "alice", session: "s-1"))
        #expect(action.channel == .hook)
    }

    @Test("Write, Edit, NotebookEdit become file changes")
    func files() throws {
        let write = try ClaudeCodeHook.action(payload: payload("Write", #"{"file_path": "/a/.env", "content": "X=1"}"#), identity: identity)
        #expect(write.input == .file(FileChange(path: "/a/.env", kind: .write, content: "X=1")))
        let edit = try ClaudeCodeHook.action(payload: payload("Edit", #"{"file_path": "/a/b.swift", "old_string": "a", "new_string": ""}"#), identity: identity)
        #expect(edit.input == .file(FileChange(path: "/a/b.swift", kind: .edit, content: "", replacedText: "a")))
        let cell = try ClaudeCodeHook.action(payload: payload("NotebookEdit", #"{"notebook_path": "/n.ipynb", "edit_mode": "delete", "cell_id": "c1"}"#), identity: identity)
        guard case .file(let change) = cell.input else { Issue.record("not a file change"); return }
        #expect(change.kind == .edit && change.content == "")
    }

    @Test("MCP tool names, plugin servers included, become tool calls")
    func mcp() throws {
        let action = try ClaudeCodeHook.action(payload: payload("mcp__sqlite__write_query", #"{"query": "DROP TABLE users"}"#), identity: identity)
        #expect(action.input == .tool(ToolCall(server: "sqlite", tool: "write_query", arguments: j(#"{"query": "DROP TABLE users"}"#))))
        #expect(ClaudeCodeHook.mcpName("mcp__plugin_tools_git__git_reset")! == ("plugin_tools_git", "git_reset"))
        #expect(ClaudeCodeHook.mcpName("mcp__memory") == nil)
        let other = try ClaudeCodeHook.action(payload: payload("Read", #"{"file_path": "/a"}"#), identity: identity)
        #expect(other.input == .tool(ToolCall(server: "claude", tool: "Read", arguments: j(#"{"file_path": "/a"}"#))))
    }

    @Test("malformed input says what is wrong", arguments: [
        ("[]", "must be a JSON object"),
        (#"{"tool_input": {}}"#, "`input.tool_name` is missing"),
        (#"{"tool_name": "Bash"}"#, "`input.tool_input` is missing"),
        (#"{"tool_name": "Bash", "tool_input": {"command": 3}}"#, "`tool_input.command` must be a string"),
        (#"{"tool_name": "Bash", "tool_input": "ls"}"#, "must be a JSON object"),
        (#"{"hook_event_name": "PostToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"}}"#, "PreToolUse only"),
    ])
    func malformed(input: String, message: String) throws {
        let json = j(input)
        #expect {
            _ = try ClaudeCodeHook.action(payload: json, identity: identity)
        } throws: { "\($0)".contains(message) }
    }

    @Test("each verdict maps to the Claude Code answer the contract defines")
    func claudeAnswers() throws {
        func decision(_ answer: HookAnswer) throws -> (String, JSONValue) {
            #expect(answer.exitCode == 0)
            let json = try JSONValue.parse(answer.stdout ?? "")
            return (json["hookSpecificOutput"]?["permissionDecision"]?.stringValue ?? "", json)
        }
        #expect(try decision(ClaudeCodeHook.answer(Verdict(outcome: .allow, code: "allowed", message: "ok", tier: "autonomous"))).0 == "allow")
        let supervised = Verdict(outcome: .allow, code: "supervised", message: "recorded", tier: "supervised")
        #expect(try decision(ClaudeCodeHook.answer(supervised)).0 == "allow")
        var asking = supervised
        asking.hooks.supervised = .ask
        #expect(try decision(ClaudeCodeHook.answer(asking)).0 == "ask")
        let pending = Verdict(outcome: .pending, code: "pending_approval", message: "Interlock: approval request apr_1 is pending", tier: "gated", approvalID: "apr_1")
        let (p, pjson) = try decision(ClaudeCodeHook.answer(pending))
        #expect(p == "deny")
        #expect(pjson["hookSpecificOutput"]?["permissionDecisionReason"]?.stringValue?.contains("apr_1") == true)
        var deferring = pending
        deferring.hooks.gated = .defer
        #expect(try decision(ClaudeCodeHook.answer(deferring)).0 == "defer")
        let (k, kjson) = try decision(ClaudeCodeHook.answer(Verdict(outcome: .deny, code: "kill_switch", message: "killed by bob")))
        #expect(k == "deny")
        #expect(kjson["continue"] == .bool(false))
        #expect(kjson["stopReason"] == .string("killed by bob"))
        let (b, bjson) = try decision(ClaudeCodeHook.answer(Verdict(outcome: .deny, code: "blocked", message: "no teardown")))
        #expect(b == "deny" && bjson["continue"] == nil)
    }

    @Test("Kiro: shell, fs_write, AWS and MCP tools")
    func kiroActions() throws {
        let kiro = DoorIdentity(agent: "kiro")
        func p(_ tool: String, _ input: String) -> JSONValue {
            j(#"{"hook_event_name": "preToolUse", "cwd": "/w", "tool_name": "\#(tool)", "tool_input": \#(input)}"#)
        }
        #expect(try KiroHook.action(payload: p("execute_bash", #"{"command": "ls"}"#), identity: kiro).input == .shell(ShellInput(command: "ls", shell: "bash")))
        #expect(try KiroHook.action(payload: p("fs_write", #"{"command": "create", "path": "/w/a", "file_text": "x"}"#), identity: kiro).input
            == .file(FileChange(path: "/w/a", kind: .write, content: "x")))
        #expect(try KiroHook.action(payload: p("write", #"{"command": "str_replace", "path": "/w/a", "old_str": "x", "new_str": "y"}"#), identity: kiro).input
            == .file(FileChange(path: "/w/a", kind: .edit, content: "y", replacedText: "x")))
        let aws = try KiroHook.action(payload: p("use_aws", #"""
            {"service_name": "ec2", "operation_name": "terminate-instances", "parameters": {"InstanceIds": ["i-1"]},
             "region": "us-east-1", "profile_name": "prod", "label": "stop the old box"}
            """#), identity: kiro)
        #expect(aws.input == .aws(AWSRequest(service: "ec2", operation: "terminate-instances", parameters: j(#"{"InstanceIds": ["i-1"]}"#),
                                             region: "us-east-1", profile: "prod")))
        #expect(aws.context.why == "stop the old box")
        #expect(try KiroHook.action(payload: p("@git/git_reset", #"{"repo_path": "/w"}"#), identity: kiro).input
            == .tool(ToolCall(server: "git", tool: "git_reset", arguments: j(#"{"repo_path": "/w"}"#))))
        #expect(throws: HookInputError.self) { try KiroHook.action(payload: p("fs_write", #"{"command": "delete_all", "path": "/w"}"#), identity: kiro) }
    }

    @Test("Kiro: only exit 0 runs the call; every refusal is exit 2 with the reason on stderr")
    func kiroAnswers() {
        #expect(KiroHook.answer(Verdict(outcome: .allow, code: "allowed", message: "ok", tier: "autonomous")) == HookAnswer(exitCode: 0))
        var asking = Verdict(outcome: .allow, code: "supervised", message: "m", tier: "supervised")
        asking.hooks.supervised = .ask
        #expect(KiroHook.answer(asking).exitCode == 2)
        let pending = KiroHook.answer(Verdict(outcome: .pending, code: "pending_approval", message: "approval request apr_9 is pending"))
        #expect(pending.exitCode == 2 && pending.stderr?.contains("apr_9") == true)
        #expect(KiroHook.answer(Verdict(outcome: .deny, code: "blocked", message: "no")).exitCode == 2)
        #expect(HookAnswer.failClosed("bad\nsecond line") == HookAnswer(exitCode: 2, stderr: "Interlock refused this call: bad\n"))
    }

    @Test("a verdict reads the API's decision JSON; an unknown hook answer is read strictly")
    func verdictJSON() throws {
        let v = try Verdict(json: j(#"""
            {"outcome": "pending", "code": "pending_approval", "message": "m", "tier": "gated", "environment": "production",
             "approval": {"id": "apr_1", "approvers_required": 2, "approvals": 0}, "hooks": {"supervised": "shout", "gated": "later"}}
            """#))
        #expect(v.approvalID == "apr_1" && v.approversRequired == 2)
        #expect(v.hooks == HookSettings(supervised: .ask, gated: .deny))
        #expect(throws: VerdictError.self) { try Verdict(json: j(#"{"outcome": "maybe"}"#)) }
    }
}

@Suite("Context stated in a host's free-text field")
struct StatedContextTests {
    @Test("labels split the text; text before any label is the why")
    func labels() {
        let c = StatedContext.parse("Free the disk. Rollback: restore /data from snapshot s-1 Alternatives: grow the volume; wait  Impact: 2 min downtime")
        #expect(c.why == "Free the disk.")
        #expect(c.rollback == "restore /data from snapshot s-1")
        #expect(c.alternatives == ["grow the volume", "wait"])
        #expect(c.impact == "2 min downtime")
        #expect(StatedContext.parse("List files").why == "List files")
        #expect(StatedContext.parse("why: x\nUNDO: y").rollback == "y")
        // A label inside a word is not a label.
        #expect(StatedContext.parse("noimpact: here").impact == nil)
    }

    @Test("a missing-context refusal tells the model how to state it")
    func hint() throws {
        var v = Verdict(outcome: .deny, code: "missing_context", message: "needs context")
        v.missingContext = ["why", "rollback"]
        let answer = ClaudeCodeHook.answer(v)
        let reason = try JSONValue.parse(answer.stdout ?? "")["hookSpecificOutput"]?["permissionDecisionReason"]?.stringValue ?? ""
        #expect(reason.contains("missing: why, rollback") && reason.contains("Rollback: …"))
        #expect(KiroHook.answer(v).stderr?.contains("summary") == true)
    }
}

@Suite("Which hook entries are Interlock's")
struct HookInstallerTests {
    @Test("both programs and their hosts are recognised; look-alikes are not", arguments: [
        ("/usr/local/bin/interlock hook claude --env production", HookInstaller.Host.claude, true),
        ("interlock hook kiro", .kiro, true),
        ("/opt/interlock/bin/interlock-hook cursor --env staging", .cursor, true),
        ("interlock hook cursor", .claude, false),
        ("/usr/local/bin/interlock-hook claude --env production", .claude, true),
        ("'/opt/x/interlock-hook' kiro", .kiro, true),
        ("interlock-hook kiro", .claude, false),
        ("interlock hook claude", .kiro, false),
        ("interlock-hook hook claude", .claude, false),
        ("interlock check --shell ls", .claude, false),
        ("my-interlock-hook claude", .claude, false),
        ("audit-logger", .claude, false),
    ])
    func recognised(command: String, host: HookInstaller.Host, expected: Bool) {
        #expect(HookInstaller.isInterlockCommand(command, host: host) == expected, "\(command)")
    }
}

@Suite("Cursor hook adapter")
struct CursorHookTests {
    let identity = DoorIdentity(agent: "cursor", launchedBy: "alice", environment: nil)

    func action(_ payload: String) throws -> Action { try CursorHook.action(payload: j(payload), identity: identity) }

    @Test("beforeShellExecution is a shell action; a last comment line states the context")
    func shell() throws {
        let plain = try action(#"{"hook_event_name": "beforeShellExecution", "conversation_id": "c-1", "generation_id": "g", "workspace_roots": ["/w"], "command": "ls", "cwd": "/w/app", "added_later": 1}"#)
        #expect(plain.input == .shell(ShellInput(command: "ls", shell: "bash")))
        #expect(plain.workingDirectory == "/w/app")
        #expect(plain.principal == Principal(agent: "cursor", launchedBy: "alice", session: "c-1"))
        #expect(plain.context.why == nil)
        let stated = try action(#"{"hook_event_name": "beforeShellExecution", "command": "rm -rf build\n  # Why: stale. Rollback: rebuild", "workspace_roots": ["/w"]}"#)
        #expect(stated.context.why == "stale." && stated.context.rollback == "rebuild")
        #expect(stated.workingDirectory == "/w")
        // A comment that is not the last line, or a `#` inside the command, states nothing.
        #expect(try action(##"{"hook_event_name": "beforeShellExecution", "command": "# Why: x\nrm -rf build"}"##).context.why == nil)
        #expect(try action(##"{"hook_event_name": "beforeShellExecution", "command": "echo '# Why: x'"}"##).context.why == nil)
    }

    @Test("MCP tools: `MCP:server:tool` names the server, the input may come as a JSON string")
    func mcp() throws {
        let named = try action(#"{"hook_event_name": "beforeMCPExecution", "tool_name": "MCP:git:git_reset", "tool_input": "{\"repo_path\": \"/w\"}", "command": "uvx mcp-server-git"}"#)
        #expect(named.input == .tool(ToolCall(server: "git", tool: "git_reset", arguments: j(#"{"repo_path": "/w"}"#))))
        let bare = try action(#"{"hook_event_name": "beforeMCPExecution", "tool_name": "query", "tool_input": {"sql": "select 1"}, "url": "http://localhost:3000"}"#)
        #expect(bare.input == .tool(ToolCall(server: nil, tool: "query", arguments: j(#"{"sql": "select 1"}"#))))
    }

    @Test("beforeReadFile is a Read of the cursor server naming the file and the attached ones, without their content")
    func reads() throws {
        let read = try action(#"{"hook_event_name": "beforeReadFile", "file_path": "/w/.env", "content": "API_KEY=secret", "attachments": [{"type": "file", "filePath": "/w/.cursorrules"}]}"#)
        #expect(read.input == .tool(ToolCall(server: "cursor", tool: "Read", arguments: j(#"{"file_path": "/w/.env", "paths": ["/w/.env", "/w/.cursorrules"]}"#))))
    }

    @Test("preToolUse of the editors becomes file changes; other tools are tool calls")
    func edits() throws {
        #expect(try action(#"{"hook_event_name": "preToolUse", "tool_name": "Write", "tool_input": {"path": "/w/a.txt", "contents": "x"}}"#).input
                == .file(FileChange(path: "/w/a.txt", kind: .write, content: "x")))
        #expect(try action(#"{"hook_event_name": "preToolUse", "tool_name": "StrReplace", "tool_input": {"file_path": "/w/a.txt", "old_string": "a", "new_string": "b"}}"#).input
                == .file(FileChange(path: "/w/a.txt", kind: .edit, content: "b", replacedText: "a")))
        #expect(try action(#"{"hook_event_name": "preToolUse", "tool_name": "Delete", "tool_input": {"path": "/w/a.txt"}}"#).input
                == .file(FileChange(path: "/w/a.txt", kind: .delete)))
        #expect(try action(#"{"hook_event_name": "preToolUse", "tool_name": "Shell", "tool_input": {"command": "ls"}}"#).input == .shell(ShellInput(command: "ls", shell: "bash")))
        #expect(try action(#"{"hook_event_name": "preToolUse", "tool_name": "WebFetch", "tool_input": {"url": "https://x"}}"#).input
                == .tool(ToolCall(server: nil, tool: "WebFetch", arguments: j(#"{"url": "https://x"}"#))))
    }

    @Test("malformed input says what is wrong", arguments: [
        (#"{"hook_event_name": "beforeSubmitPrompt", "prompt": "hi"}"#, "answers beforeShellExecution, beforeMCPExecution, beforeReadFile, preToolUse only"),
        (#"{"hook_event_name": "beforeReadFile", "content": "x"}"#, "`input.file_path` is missing"),
        (#"{"command": "ls"}"#, "`input.hook_event_name` is missing"),
        (#"{"hook_event_name": "beforeShellExecution"}"#, "`input.command` is missing"),
        (#"{"hook_event_name": "beforeMCPExecution", "tool_name": "t", "tool_input": "not json"}"#, "does not hold a JSON object"),
        (#"{"hook_event_name": "preToolUse", "tool_name": "Write", "tool_input": {"contents": "x"}}"#, "names no file"),
    ])
    func malformed(payload: String, message: String) {
        #expect { try action(payload) } throws: { "\($0)".contains(message) }
    }

    @Test("allow is exit 0; every refusal is exit 2 with permission deny, never ask")
    func answers() throws {
        func json(_ answer: HookAnswer) throws -> JSONValue { try JSONValue.parse(answer.stdout ?? "") }
        let allowed = CursorHook.answer(Verdict(outcome: .allow, code: "allowed", message: "ok", tier: "autonomous"))
        let allowedJSON = try json(allowed)
        #expect(allowed.exitCode == 0 && allowed.stderr == nil && allowedJSON["permission"] == "allow")
        var asking = Verdict(outcome: .allow, code: "supervised", message: "recorded", tier: "supervised")
        asking.hooks.supervised = .ask
        #expect(try json(CursorHook.answer(asking))["permission"] == "ask")
        for verdict in [Verdict(outcome: .pending, code: "pending_approval", message: "approval request apr_1 is pending", tier: "gated", approvalID: "apr_1"),
                        Verdict(outcome: .deny, code: "kill_switch", message: "killed by bob"), Verdict(outcome: .deny, code: "blocked", message: "no teardown")] {
            let answer = CursorHook.answer(verdict)
            #expect(answer.exitCode == 2 && answer.stderr == verdict.message + "\n")
            #expect(try json(answer) == .object(["permission": "deny", "user_message": .string(verdict.message), "agent_message": .string(verdict.message)]))
        }
    }
}
