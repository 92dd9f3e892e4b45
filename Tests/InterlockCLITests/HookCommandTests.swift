import Foundation
import InterlockCore
import Testing

/// The hooks as hosts run them: the real binary, a host-shaped payload on stdin, the exact stdout
/// JSON and exit status asserted — for every tier and every way the hook can fail.
@Suite("interlock hook claude|kiro|cursor (real binary, host-shaped payloads)")
struct HookCommandTests {
    static func claudePayload(_ tool: String, _ input: JSONValue, cwd: String = "/srv/app") -> String {
        JSONValue.object([
            "session_id": .string("6f1c"), "transcript_path": .string("/tmp/t.jsonl"), "cwd": .string(cwd),
            "permission_mode": .string("default"), "hook_event_name": .string("PreToolUse"),
            "tool_name": .string(tool), "tool_input": input, "tool_use_id": .string("toolu_01"),
        ]).jsonText()
    }

    static func bash(_ command: String, description: String? = nil) -> String {
        var input: [String: JSONValue] = ["command": .string(command), "timeout": .int(120000)]
        if let description { input["description"] = .string(description) }
        return claudePayload("Bash", .object(input))
    }

    static func cursorShell(_ command: String, cwd: String = "/srv/app") -> String {
        JSONValue.object([
            "hook_event_name": "beforeShellExecution", "conversation_id": "conv-1", "generation_id": "gen-1",
            "workspace_roots": .array([.string(cwd)]), "command": .string(command), "cwd": .string(cwd), "cursor_version": "2.1.0",
        ]).jsonText()
    }

    static let policy = """
        version: 1
        extends: builtin
        anomalies: {first_time: false}
        rules:
          - id: no-open-permissions
            match: {operations: ["shell:chmod"]}
            decision: blocked
            message: "Interlock: agents do not change file modes."
        """

    struct Decision {
        var status: Int32
        var json: JSONValue
        var decision: String? { json["hookSpecificOutput"]?["permissionDecision"]?.stringValue }
        var reason: String { json["hookSpecificOutput"]?["permissionDecisionReason"]?.stringValue ?? "" }
    }

    /// The two programs that answer hooks: `interlock hook HOST` and the slim `interlock-hook HOST`.
    enum HookProgram: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case interlock = "interlock hook"
        case slim = "interlock-hook"
        var testDescription: String { rawValue }

        func run(_ host: String, _ arguments: [String], stdin: String, environment: [String: String] = [:]) throws -> InterlockBinary.Result {
            switch self {
            case .interlock: try InterlockBinary.run(["hook", host] + arguments, stdin: stdin, environment: environment)
            case .slim: try InterlockBinary.run([host] + arguments, stdin: stdin, environment: environment, executable: InterlockBinary.hookURL)
            }
        }
    }

    func claude(_ payload: String, home: String, _ extra: [String] = [], environment: [String: String] = [:], program: HookProgram = .interlock) throws -> (Decision, InterlockBinary.Result) {
        let r = try program.run("claude", ["--home", home] + extra, stdin: payload, environment: environment)
        let json = (try? JSONValue.parse(r.stdout)) ?? .null
        return (Decision(status: r.status, json: json), r)
    }

    @Test("every tier, standalone: allow, allow recorded, deny naming the request, deny with the rule's message, kill switch stops the session",
          arguments: HookProgram.allCases)
    func tiersStandalone(program: HookProgram) throws {
        func claude(_ payload: String, home: String, _ extra: [String] = []) throws -> (Decision, InterlockBinary.Result) {
            try self.claude(payload, home: home, extra, program: program)
        }
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let policy = try dir.write("policy.yaml", Self.policy)

        let (read, _) = try claude(Self.bash("ls -la"), home: home, ["--policy", policy])
        #expect(read.status == 0)
        #expect(read.json == .object(["hookSpecificOutput": .object([
            "hookEventName": "PreToolUse", "permissionDecision": "allow", "permissionDecisionReason": .string(read.reason)])]))

        let (write, _) = try claude(Self.bash("mkdir -p /srv/app/build"), home: home, ["--policy", policy])
        #expect(write.status == 0 && write.decision == "allow")
        #expect(write.reason.hasPrefix("Interlock: allowed and recorded for review."))

        // Gated without the context the policy requires: nothing is filed, and the model is told how to state it.
        let (bare, _) = try claude(Self.bash("rm -rf /srv/app/data"), home: home, ["--policy", policy])
        #expect(bare.status == 0 && bare.decision == "deny")
        #expect(bare.reason.contains("Nothing was filed") && bare.reason.contains("Rollback:"))

        let described = Self.bash("rm -rf /srv/app/data", description: "Why: the disk is full. Rollback: restore /srv/app/data from snapshot s-1")
        let (gated, _) = try claude(described, home: home, ["--policy", policy])
        #expect(gated.status == 0 && gated.decision == "deny")
        #expect(gated.reason.contains("approval request apr_") && gated.reason.contains("needs 2 more approvals"))
        #expect(gated.reason.contains("Retry the identical action after it is approved; do not try another way to the same effect"))
        // An identical retry (a new session, reworded description) names the same request.
        let (again, _) = try claude(described.replacingOccurrences(of: "6f1c", with: "7a2d"), home: home, ["--policy", policy])
        let id = { (s: String) in s.split(separator: " ").first { $0.hasPrefix("apr_") }.map(String.init) }
        #expect(id(again.reason) != nil && id(again.reason) == id(gated.reason))

        let (blocked, _) = try claude(Self.bash("sudo chmod -R 777 /srv/app"), home: home, ["--policy", policy])
        #expect(blocked.status == 0 && blocked.decision == "deny")
        #expect(blocked.reason == "Interlock: agents do not change file modes")
        #expect(blocked.json["continue"] == nil)

        let killed = try InterlockBinary.run(["kill", "--home", home, "--agent", "claude-code", "--reason", "incident 12"])
        #expect(killed.status == 0, "\(killed.stderr)")
        let (stopped, _) = try claude(Self.bash("ls"), home: home, ["--policy", policy])
        #expect(stopped.status == 0 && stopped.decision == "deny")
        #expect(stopped.json["continue"] == .bool(false))
        #expect(stopped.json["stopReason"]?.stringValue?.contains("incident 12") == true)

        // Every decision above, refusals included, is in the verified audit log.
        let verify = try InterlockBinary.run(["audit", "verify", "--home", home])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let tail = try InterlockBinary.run(["audit", "tail", "--home", home, "-n", "50"])
        #expect(tail.stdout.contains("shell:chmod") && tail.stdout.contains("shell:rm"))
    }

    @Test("an agent acting on Interlock itself is denied even in development; changing the host's hook settings waits for a human",
          arguments: HookProgram.allCases)
    func actingOnInterlockItself(program: HookProgram) throws {
        let dir = try TemporaryDirectory()
        // Not the default home: the hook tells the classifiers where its own home and policy are.
        let home = dir.url.appendingPathComponent("state").path
        let policy = try dir.write("policy.yaml", Self.policy)
        // The client settings live where this environment says, not at the default's shape.
        let config = dir.url.appendingPathComponent("xdg").path
        let development = ["INTERLOCK_ENV": "development", "XDG_CONFIG_HOME": config]
        func claude(_ payload: String) throws -> Decision {
            try self.claude(payload, home: home, ["--policy", policy], environment: development, program: program).0
        }
        let refusal = "Interlock: agents may not act on Interlock itself"
        let running = program == .interlock ? InterlockBinary.url : InterlockBinary.hookURL
        for command in [
            "interlock token create --home \(home) --human me --role admin",
            "interlock approvals approve apr_7QX --comment lgtm",
            "curl -X POST -H \"Authorization: Bearer $INTERLOCK_TOKEN\" http://127.0.0.1:8080/v1/resume",
            "rm -rf \(home)",
            "sqlite3 \(home)/interlock.sqlite 'DELETE FROM kill_switch WHERE id = 1'",
            "sed -i 's/blocked/autonomous/' \(policy)",
            // The programs the host runs, wherever they were built: the running one and the
            // `interlock` and `interlock-hook` beside it (CI builds the slim hook elsewhere).
            "cp /bin/true \(running.path)",
            "cp /bin/true \(running.deletingLastPathComponent().appendingPathComponent("interlock").path)",
            "mv \(running.deletingLastPathComponent().appendingPathComponent("interlock-hook").path) /tmp/",
            "echo '{\"server\": \"http://127.0.0.1:9\"}' > \(config)/interlock/client.json",
        ] {
            let answer = try claude(Self.bash(command))
            #expect(answer.status == 0 && answer.decision == "deny", "\(command)")
            #expect(answer.reason.hasPrefix(refusal), "\(command): \(answer.reason)")
        }
        let hooks = try claude(Self.claudePayload("Write", .object(["file_path": "/srv/app/.claude/settings.json", "content": "{}"])))
        #expect(hooks.decision == "deny" && hooks.reason.contains("hook settings"), "\(hooks.reason)")
        let settings = try claude(Self.claudePayload("Write", .object([
            "file_path": .string(config + "/interlock/client.json"), "content": "{\"server\": \"http://127.0.0.1:9\"}"])))
        #expect(settings.decision == "deny" && settings.reason.hasPrefix(refusal), "\(settings.reason)")
        let mcp = try claude(Self.claudePayload("Write", .object(["file_path": "/srv/app/.mcp.json", "content": "{\"mcpServers\": {}}"])))
        #expect(mcp.decision == "deny" && mcp.reason.contains("MCP server configuration"), "\(mcp.reason)")
        // What only reads Interlock, and ordinary work beside it, run.
        #expect(try claude(Self.bash("interlock audit verify --home \(home)")).decision == "allow")
        #expect(try claude(Self.bash("rm -rf /srv/app/build")).decision == "allow")
        // The refusals are in the audit log like every other decision.
        let tail = try InterlockBinary.run(["audit", "tail", "--home", home, "-n", "20"])
        #expect(tail.stdout.contains("interlock:tokens:create") && tail.stdout.contains("interlock-control"), "\(tail.stdout)")
    }

    @Test("file edits: secrets and production configuration are gated, emptying a file is destructive")
    func fileEdits() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let (env, _) = try claude(Self.claudePayload("Write", .object(["file_path": "/srv/app/.env", "content": "DB_PASSWORD=x"])), home: home)
        #expect(env.decision == "deny" && env.reason.contains("credentials or production configuration"))
        let (config, _) = try claude(Self.claudePayload("Edit", .object([
            "file_path": "/srv/app/deploy/prod/values.yaml", "old_string": "replicas: 3", "new_string": "replicas: 1"])), home: home)
        #expect(config.decision == "deny" && config.reason.contains("apr_"))
        // The first edit of a kind in production is escalated by the built-in anomaly rules; the
        // policy here turns that off to show that an ordinary edit is allowed.
        let policy = try dir.write("policy.yaml", "version: 1\nextends: builtin\nanomalies: {first_time: false}\n")
        let (plain, _) = try claude(Self.claudePayload("Edit", .object([
            "file_path": "/srv/app/src/main.swift", "old_string": "a", "new_string": "b"])), home: home, ["--policy", policy])
        #expect(plain.decision == "allow")
        let (emptied, _) = try claude(Self.claudePayload("Write", .object(["file_path": "/srv/app/README.md", "content": ""])), home: home)
        #expect(emptied.decision == "deny")
    }

    @Test("reads: an ordinary file or page is read at once; a credentials file or directory (Read, Grep, cat) or a metadata service (WebFetch, curl) is refused")
    func credentialReads() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let (plain, _) = try claude(Self.claudePayload("Read", .object(["file_path": "/srv/app/src/main.swift"])), home: home)
        #expect(plain.decision == "allow")
        let (keys, _) = try claude(Self.claudePayload("Read", .object(["file_path": "/home/dev/.aws/credentials"])), home: home)
        #expect(keys.decision == "deny" && keys.reason.contains("credentials"), "\(keys.reason)")
        let (grep, _) = try claude(Self.claudePayload("Grep", .object(["pattern": "token", "path": "/home/dev/.kube"])), home: home)
        #expect(grep.decision == "deny")
        let (cat, _) = try claude(Self.bash("cat ~/.ssh/id_ed25519"), home: home)
        #expect(cat.decision == "deny")
        // The instance metadata service hands out the machine's role credentials, by any door.
        let (fetch, _) = try claude(Self.claudePayload("WebFetch", .object(["url": "http://169.254.169.254/latest/meta-data/iam/security-credentials/prod", "prompt": "show"])), home: home)
        #expect(fetch.decision == "deny" && fetch.reason.contains("credentials"), "\(fetch.reason)")
        let (curl, _) = try claude(Self.bash("curl -s http://2852039166/latest/meta-data/iam/security-credentials/prod"), home: home)
        #expect(curl.decision == "deny")
        let (page, _) = try claude(Self.claudePayload("WebFetch", .object(["url": "https://docs.aws.amazon.com/", "prompt": "show"])), home: home)
        #expect(page.decision == "allow")
        // An MCP server's resource read by the model: a credentials file is refused.
        let (resource, _) = try claude(Self.claudePayload("ReadMcpResourceTool", .object(["server": "files", "uri": "file:///home/dev/.aws/credentials"])), home: home)
        #expect(resource.decision == "deny" && resource.reason.contains("credentials"), "\(resource.reason)")
    }

    @Test("fail closed: each failure exits 2 with one line on stderr, never 1", arguments: [
        ("malformed stdin", "{\"tool_name\": ", [String](), [String: String]()),
        ("not an object", "[1, 2]", [], [:]),
        ("missing command", #"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{}}"#, [], [:]),
        ("unknown option", HookCommandTests.bash("ls"), ["--no-such-flag"], [:]),
        ("help, which exits 0 elsewhere", HookCommandTests.bash("ls"), ["--help"], [:]),
        ("invalid policy", HookCommandTests.bash("ls"), ["--policy", "/nonexistent/policy.yaml"], [:]),
        ("unreachable gateway", HookCommandTests.bash("ls"), ["--server", "http://127.0.0.1:9", "--token", "il_x"], [:]),
        ("store cannot be opened", HookCommandTests.bash("ls"), ["--home", "/proc/interlock-home"], [:]),
        ("crash", HookCommandTests.bash("ls"), [], ["INTERLOCK_TEST_CRASH": "hook"]),
    ])
    func failClosed(name: String, stdin: String, extra: [String], environment: [String: String]) throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        for host in ["claude", "kiro", "cursor"] {
            // Cursor's payloads have their own shape; a well-formed one stands in for `ls`.
            let input = host == "cursor" && stdin == HookCommandTests.bash("ls") ? HookCommandTests.cursorShell("ls") : stdin
            for program in HookProgram.allCases {
                // The slim program leaves gateways to `interlock`: the unreachable one fails closed there.
                let r = try program.run(host, ["--home", home] + extra, stdin: input, environment: environment)
                #expect(r.status == 2, "\(name) (\(program) \(host)): exit \(r.status), stderr \(r.stderr)")
                #expect(r.stdout.isEmpty, "\(name) (\(program) \(host))")
                // One line of ours; a crash's runtime report comes before it.
                let lines = r.stderr.split(separator: "\n")
                #expect(name == "crash" || lines.count == 1, "\(name) (\(program) \(host)): \(r.stderr)")
                #expect(lines.last?.hasPrefix("Interlock refused this call: ") == true, "\(name) (\(program) \(host)): \(r.stderr)")
            }
        }
    }

    @Test("interlock-hook decides standalone calls itself and hands only gateway calls to interlock")
    func slimProgramAlone() throws {
        // A copy of interlock-hook with no interlock beside it: standalone calls must still be
        // answered (so they were not handed on), and a gateway call is refused with exit 2.
        let dir = try TemporaryDirectory()
        let alone = dir.url.appendingPathComponent("interlock-hook")
        try FileManager.default.copyItem(at: InterlockBinary.hookURL, to: alone)
        let home = dir.url.appendingPathComponent("home").path
        let standalone = try InterlockBinary.run(["claude", "--home", home], stdin: Self.bash("ls -la"), executable: alone)
        #expect(standalone.status == 0 && standalone.stdout.contains(#""permissionDecision":"allow""#), "\(standalone.stderr)")
        let gateway = try InterlockBinary.run(["claude", "--home", home, "--server", "http://127.0.0.1:9", "--token", "il_x"], stdin: Self.bash("ls"), executable: alone)
        #expect(gateway.status == 2 && gateway.stdout.isEmpty)
        #expect(gateway.stderr.hasPrefix("Interlock refused this call: a gateway is configured") && gateway.stderr.contains(dir.url.lastPathComponent), "\(gateway.stderr)")
        let unreadable = try InterlockBinary.run(["claude", "--home", home, "--config", "/nonexistent/client.json"], stdin: Self.bash("ls"), executable: alone)
        #expect(unreadable.status == 2, "\(unreadable.stderr)")
    }

    @Test("fail closed on the deadline: a host that never closes stdin gets exit 2 in time")
    func deadline() throws {
        let dir = try TemporaryDirectory()
        let process = Process()
        process.executableURL = InterlockBinary.url
        process.arguments = ["hook", "claude", "--home", dir.url.appendingPathComponent("home").path, "--deadline", "1"]
        let input = Pipe(), err = Pipe(), out = Pipe()
        process.standardInput = input
        process.standardError = err
        process.standardOutput = out
        let started = Date()
        _ = InterlockBinary.ignoreBrokenPipes
        try process.run()
        try? input.fileHandleForWriting.write(contentsOf: Data(#"{"tool_name": "Bash", "#.utf8))
        process.waitUntilExit()
        let elapsed = Date().timeIntervalSince(started)
        try input.fileHandleForWriting.close()
        #expect(process.terminationStatus == 2)
        #expect(elapsed < 4, "took \(elapsed) s")
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr == "Interlock refused this call: no decision within the hook's 1 s deadline\n")
    }

    @Test("Kiro: exit 0 runs the call; gated, blocked and killed calls exit 2 with the reason on stderr")
    func kiro() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let policy = try dir.write("policy.yaml", Self.policy)
        func run(_ tool: String, _ input: String) throws -> InterlockBinary.Result {
            try InterlockBinary.run(["hook", "kiro", "--home", home, "--policy", policy],
                                    stdin: #"{"hook_event_name": "preToolUse", "cwd": "/srv/app", "tool_name": "\#(tool)", "tool_input": \#(input)}"#)
        }
        let ls = try run("execute_bash", #"{"command": "ls"}"#)
        #expect(ls.status == 0 && ls.stderr.isEmpty)
        let describe = try run("use_aws", #"{"service_name": "ec2", "operation_name": "describe-instances", "parameters": {}, "region": "us-east-1", "label": "look"}"#)
        #expect(describe.status == 0)
        let terminate = try run("use_aws", #"{"service_name": "ec2", "operation_name": "terminate-instances", "parameters": {"InstanceIds": ["i-0abc"]}, "region": "us-east-1", "label": "Why: replace it. Rollback: launch from the AMI"}"#)
        #expect(terminate.status == 2 && terminate.stderr.contains("approval request apr_"))
        let chmod = try run("shell", #"{"command": "chmod 777 /srv/app/run"}"#)
        #expect(chmod.status == 2 && chmod.stderr == "Interlock: agents do not change file modes\n")
        let reset = try run("@git/git_reset", #"{"repo_path": "/srv/app"}"#)
        #expect(reset.status == 2)
        #expect(try InterlockBinary.run(["kill", "--home", home, "--reason", "stop"]).status == 0)
        let killed = try run("execute_bash", #"{"command": "ls"}"#)
        #expect(killed.status == 2 && killed.stderr.contains("kill switch"))
    }

    @Test("Cursor: allow is exit 0 with permission allow; gated, blocked and killed calls are exit 2 with permission deny", arguments: HookProgram.allCases)
    func cursor(program: HookProgram) throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let policy = try dir.write("policy.yaml", Self.policy)
        func run(_ payload: String) throws -> (InterlockBinary.Result, JSONValue) {
            let r = try program.run("cursor", ["--home", home, "--policy", policy], stdin: payload)
            return (r, (try? JSONValue.parse(r.stdout)) ?? .null)
        }
        let (ls, lsJSON) = try run(Self.cursorShell("ls -la"))
        #expect(ls.status == 0 && lsJSON["permission"] == "allow" && ls.stderr.isEmpty, "\(ls.stdout) \(ls.stderr)")
        // The built-in policy wants a destructive production request to state why and how to undo
        // it; Cursor has no field for that, so the agent writes it as the command's last line, a comment.
        let (bare, bareJSON) = try run(Self.cursorShell("psql -h db1.prod.internal -c 'DROP TABLE orders'"))
        #expect(bare.status == 2 && bareJSON["permission"] == "deny", "\(bare.stdout)")
        #expect(bareJSON["agent_message"]?.stringValue?.contains("a last line `# Why:") == true, "\(bare.stdout)")
        let (drop, dropJSON) = try run(Self.cursorShell("psql -h db1.prod.internal -c 'DROP TABLE orders'\n# Why: the table moved to billing. Rollback: restore from snapshot s-1"))
        #expect(drop.status == 2 && dropJSON["permission"] == "deny", "\(drop.stdout)")
        #expect(dropJSON["agent_message"]?.stringValue?.contains("approval request apr_") == true && drop.stderr.contains("approval request apr_"), "\(drop.stdout)")
        let (chmod, chmodJSON) = try run(Self.cursorShell("chmod 777 /srv/app/run"))
        #expect(chmod.status == 2 && chmodJSON["agent_message"] == "Interlock: agents do not change file modes" && chmod.stderr == "Interlock: agents do not change file modes\n")
        // MCP tools: the input as an object or as a JSON string, and `MCP:server:tool` names the server.
        let (mcp, mcpJSON) = try run(#"{"hook_event_name": "beforeMCPExecution", "conversation_id": "c", "tool_name": "MCP:git:git_reset", "tool_input": "{\"repo_path\": \"/srv/app\"}", "command": "uvx mcp-server-git"}"#)
        #expect(mcp.status == 2 && mcpJSON["permission"] == "deny", "\(mcp.stdout)")
        // File edits through preToolUse: a secrets file is gated.
        let (env, envJSON) = try run(#"{"hook_event_name": "preToolUse", "conversation_id": "c", "tool_name": "Write", "tool_input": {"path": "/srv/app/.env", "contents": "DB_PASSWORD=x"}}"#)
        #expect(env.status == 2 && envJSON["permission"] == "deny", "\(env.stdout)")
        let (notes, notesJSON) = try run(#"{"hook_event_name": "preToolUse", "conversation_id": "c", "tool_name": "Write", "tool_input": {"path": "/srv/app/NOTES.md", "contents": "hello"}}"#)
        #expect(notes.status == 0 && notesJSON["permission"] == "allow", "\(notes.stdout)")
        // Reads: an ordinary file at once, a credentials file refused.
        let (source, sourceJSON) = try run(#"{"hook_event_name": "beforeReadFile", "conversation_id": "c", "file_path": "/srv/app/main.ts", "content": "x"}"#)
        #expect(source.status == 0 && sourceJSON["permission"] == "allow", "\(source.stdout)")
        let (keys, keysJSON) = try run(#"{"hook_event_name": "beforeReadFile", "conversation_id": "c", "file_path": "/home/dev/.aws/credentials", "content": "[default]"}"#)
        #expect(keys.status == 2 && keysJSON["permission"] == "deny", "\(keys.stdout)")
        #expect(try InterlockBinary.run(["kill", "--home", home, "--reason", "stop"]).status == 0)
        let (killed, killedJSON) = try run(Self.cursorShell("ls"))
        #expect(killed.status == 2 && killedJSON["permission"] == "deny" && killed.stderr.contains("kill switch"))
    }

    @Test("install cursor adds fail-closed hooks to hooks.json, keeps the user's, and uninstall removes exactly them")
    func installCursor() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("hooks.json", #"{"version": 1, "hooks": {"afterFileEdit": [{"command": "prettier --write"}], "beforeShellExecution": [{"command": "./audit.sh"}]}}"#)
        let original = try JSONValue.parse(String(contentsOfFile: file, encoding: .utf8))
        #expect(try InterlockBinary.run(["install", "cursor", "--hooks-file", file, "--program", "interlock", "--edits"]).status == 0)
        #expect(try InterlockBinary.run(["install", "cursor", "--hooks-file", file, "--program", "interlock", "--edits"]).stdout.contains("already installed"))
        let installed = try JSONValue.parse(String(contentsOfFile: file, encoding: .utf8))
        let ours: JSONValue = .object(["command": "interlock hook cursor", "failClosed": .bool(true)])
        #expect(installed["hooks"]?["beforeShellExecution"] == .array([.object(["command": "./audit.sh"]), ours]))
        #expect(installed["hooks"]?["beforeMCPExecution"] == .array([ours]))
        #expect(installed["hooks"]?["beforeReadFile"] == .array([ours]))
        #expect(installed["hooks"]?["preToolUse"]?.arrayValue?.compactMap { $0["matcher"]?.stringValue } == ["Write", "StrReplace", "MultiStrReplace", "Edit", "Delete", "EditNotebook"])
        #expect(installed["hooks"]?["afterFileEdit"] == original["hooks"]?["afterFileEdit"])
        // Installed without --edits, the file edits' entries go.
        #expect(try InterlockBinary.run(["install", "cursor", "--hooks-file", file, "--program", "interlock"]).status == 0)
        #expect(try JSONValue.parse(String(contentsOfFile: file, encoding: .utf8))["hooks"]?["preToolUse"] == nil)
        #expect(try InterlockBinary.run(["uninstall", "cursor", "--hooks-file", file]).status == 0)
        #expect(try JSONValue.parse(String(contentsOfFile: file, encoding: .utf8)) == original)
    }

    @Test("against a running gateway: the gated call names its request, two seniors approve, the identical retry passes once; the kill switch stops the session")
    func gatewayRoundTrip() async throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let agentToken = try GatewayProcess.token(home: home, ["--agent", "claude-code", "--launched-by", "lena"])
        let alice = try GatewayProcess.token(home: home, ["--human", "alice", "--role", "senior"])
        let bob = try GatewayProcess.token(home: home, ["--human", "bob", "--role", "senior"])
        let tokenFile = try dir.write("agent.token", agentToken)
        let gateway = try GatewayProcess(home: home)
        defer { gateway.stop() }
        // The hook's own store is elsewhere: every decision must come from the gateway.
        let hookHome = dir.url.appendingPathComponent("hook-home").path
        let options = ["--server", gateway.url, "--token-file", tokenFile]
        let payload = Self.bash("rm -rf /srv/app/cache", description: "Why: stale cache. Rollback: it is rebuilt on the next request")

        let (first, r1) = try claude(payload, home: hookHome, options)
        #expect(first.status == 0 && first.decision == "deny", "\(r1.stderr)")
        guard let id = first.reason.split(separator: " ").first(where: { $0.hasPrefix("apr_") }).map(String.init) else {
            Issue.record("no request named: \(first.reason)"); return
        }
        #expect(first.reason.contains("needs 2 more approvals"))
        // The agent's own token cannot approve.
        let selfApproval = try await gateway.call("POST", "/v1/approvals/\(id)/approve", token: agentToken, body: "{}")
        #expect(selfApproval.status == 403)
        for human in [alice, bob] {
            let vote = try await gateway.call("POST", "/v1/approvals/\(id)/approve", token: human, body: "{}")
            #expect(vote.status == 200, "\(vote.text)")
        }
        let (retry, _) = try claude(payload, home: hookHome, options)
        #expect(retry.decision == "allow", "\(retry.reason)")
        #expect(retry.reason.contains(id))
        let (third, _) = try claude(payload, home: hookHome, options)
        #expect(third.decision == "deny", "an approval covers one use")
        #expect(!FileManager.default.fileExists(atPath: hookHome + "/interlock.sqlite"))

        let kill = try await gateway.call("POST", "/v1/kill", token: alice, body: #"{"reason": "incident 7"}"#)
        #expect(kill.status == 200, "\(kill.text)")
        let (stopped, _) = try claude(Self.bash("ls"), home: hookHome, options)
        #expect(stopped.json["continue"] == .bool(false) && stopped.decision == "deny")
    }

    @Test("install claude is idempotent, keeps the user's settings, and uninstall removes exactly its entry")
    func installClaude() throws {
        let dir = try TemporaryDirectory()
        let settings = try dir.write("settings.json", #"""
            {"model": "opus", "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "audit-logger"}]}],
             "Stop": [{"hooks": [{"type": "command", "command": "notify"}]}]}}
            """#)
        let original = try JSONValue.parse(String(contentsOfFile: settings, encoding: .utf8))
        let first = try InterlockBinary.run(["install", "claude", "--settings", settings, "--program", "/usr/local/bin/interlock", "--env", "production"])
        #expect(first.status == 0 && first.stdout.contains("installed") && first.stdout.contains("allowManagedHooksOnly"), "\(first.stderr)")
        let installed = try JSONValue.parse(String(contentsOfFile: settings, encoding: .utf8))
        let groups = installed["hooks"]?["PreToolUse"]?.arrayValue ?? []
        #expect(groups.count == 2)
        #expect(groups.last == .object([
            "matcher": "Bash|PowerShell|Write|Edit|MultiEdit|NotebookEdit|Read|Grep|WebFetch|ReadMcpResourceTool|mcp__.*",
            "hooks": .array([.object(["type": "command", "command": "/usr/local/bin/interlock hook claude --env production", "timeout": .int(10)])]),
        ]))
        let second = try InterlockBinary.run(["install", "claude", "--settings", settings, "--program", "/usr/local/bin/interlock", "--env", "production"])
        #expect(second.stdout.contains("already installed"))
        #expect(try JSONValue.parse(String(contentsOfFile: settings, encoding: .utf8)) == installed)
        let removed = try InterlockBinary.run(["uninstall", "claude", "--settings", settings])
        #expect(removed.status == 0 && removed.stdout.contains("removed"))
        #expect(try JSONValue.parse(String(contentsOfFile: settings, encoding: .utf8)) == original)
        #expect(try InterlockBinary.run(["install", "claude", "--settings", settings, "--timeout", "3"]).status == 3)
    }

    @Test("install claude runs the interlock-hook beside interlock by default; the installed command answers, and uninstall removes it")
    func installClaudeSlim() throws {
        let dir = try TemporaryDirectory()
        let settings = try dir.write("settings.json", "{}")
        let installed = try InterlockBinary.run(["install", "claude", "--settings", settings, "--env", "production"])
        #expect(installed.status == 0, "\(installed.stderr)")
        let json = try JSONValue.parse(String(contentsOfFile: settings, encoding: .utf8))
        func firstCommand(_ settings: JSONValue) -> String? {
            settings["hooks"]?["PreToolUse"]?.arrayValue?.first?["hooks"]?.arrayValue?.first?["command"]?.stringValue
        }
        let command = firstCommand(json) ?? ""
        let beside = InterlockBinary.url.deletingLastPathComponent().appendingPathComponent("interlock-hook")
        #expect(command == beside.standardizedFileURL.path + " claude --env production")
        // The command as the host runs it: its words, a payload on stdin.
        let words = command.split(separator: " ").map(String.init)
        let home = dir.url.appendingPathComponent("home").path
        let ran = try InterlockBinary.run(Array(words.dropFirst()) + ["--home", home], stdin: Self.bash("ls -la"), executable: URL(fileURLWithPath: words[0]))
        #expect(ran.status == 0 && ran.stdout.contains(#""permissionDecision":"allow""#), "\(ran.stderr)")
        // Re-installing with `interlock` itself replaces the entry rather than adding one.
        _ = try InterlockBinary.run(["install", "claude", "--settings", settings, "--program", InterlockBinary.url.path])
        let replaced = try JSONValue.parse(String(contentsOfFile: settings, encoding: .utf8))
        #expect(replaced["hooks"]?["PreToolUse"]?.arrayValue?.count == 1)
        #expect(firstCommand(replaced) == InterlockBinary.url.path + " hook claude")
        #expect(try InterlockBinary.run(["uninstall", "claude", "--settings", settings]).status == 0)
        #expect(try JSONValue.parse(String(contentsOfFile: settings, encoding: .utf8)) == .object([:]))
    }

    @Test("install kiro adds one preToolUse hook to an agent configuration; uninstall removes it")
    func installKiro() throws {
        let dir = try TemporaryDirectory()
        let config = try dir.write("agent.json", #"{"name": "ops", "tools": ["*"], "hooks": {"agentSpawn": [{"command": "git status"}]}}"#)
        let original = try JSONValue.parse(String(contentsOfFile: config, encoding: .utf8))
        #expect(try InterlockBinary.run(["install", "kiro", config, "--program", "interlock"]).status == 0)
        #expect(try InterlockBinary.run(["install", "kiro", config, "--program", "interlock"]).stdout.contains("already installed"))
        let installed = try JSONValue.parse(String(contentsOfFile: config, encoding: .utf8))
        #expect(installed["hooks"]?["preToolUse"] == .array([.object(["command": "interlock hook kiro", "matcher": "*", "timeout_ms": .int(10000)])]))
        #expect(try InterlockBinary.run(["uninstall", "kiro", config]).status == 0)
        #expect(try JSONValue.parse(String(contentsOfFile: config, encoding: .utf8)) == original)
    }
}
