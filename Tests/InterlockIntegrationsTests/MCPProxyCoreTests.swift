import Foundation
import InterlockClassifiers
import InterlockCore
import InterlockIntegrations
import Testing

/// The proxy's message handling against traffic captured from the official MCP Python SDK (1.x and
/// 2.x clients) talking to mcp-server-sqlite and mcp-server-git (Fixtures/, from shared/fixtures/mcp).
@Suite("MCP proxy message handling on captured traffic")
struct MCPProxyCoreTests {
    struct WireMessage {
        var clientToServer: Bool
        var bytes: [UInt8]
        var json: JSONValue
    }

    static func wire(_ name: String) throws -> [WireMessage] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name).wire", withExtension: "jsonl"))
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { line in
            let record = try JSONValue.parse(String(line))
            let message = try #require(record["msg"])
            return WireMessage(clientToServer: record["dir"] == "c2s", bytes: Array(message.jsonText().utf8), json: message)
        }
    }

    @Test("every message but tools/call passes through; each tools/call is held for a decision", arguments: ["git.auto", "git.legacy", "sqlite.auto", "sqlite.legacy"])
    func passThrough(fixture: String) throws {
        var core = MCPProxyCore(server: fixture.hasPrefix("git") ? "git" : "sqlite")
        var calls = 0
        for message in try Self.wire(fixture) {
            if message.clientToServer {
                let method = message.json["method"]?.stringValue
                switch core.inbound(message.bytes) {
                case .forward:
                    #expect(method != "tools/call" && method != "tools/list", "\(fixture): \(method ?? "response")")
                case .forwardToolsList(let id):
                    #expect(method == "tools/list" && id == message.json["id"])
                case .toolCall(let call):
                    calls += 1
                    #expect(method == "tools/call")
                    #expect(call.id == message.json["id"])
                    #expect(call.name == message.json["params"]?["name"]?.stringValue)
                    #expect(call.arguments == message.json["params"]?["arguments"])
                    // The 2.x client's auto mode ends up stateless only where the server speaks 2026-07-28.
                    #expect(call.stateless == (message.json["params"]?["_meta"]?["io.modelcontextprotocol/protocolVersion"] != nil))
                case .reply(let reply):
                    Issue.record("\(fixture): a real client's message was answered instead of forwarded: \(reply.jsonText())")
                }
            } else {
                // Server messages are forwarded as received: nothing is hidden without the policy asking.
                #expect(core.outbound(message.bytes) == nil)
            }
        }
        #expect(calls > 0)
    }

    @Test("annotations from mcp-server-git's tools/list are remembered and reach the classifier")
    func annotations() throws {
        var core = MCPProxyCore(server: "git")
        for message in try Self.wire("git.auto") {
            if message.clientToServer { _ = core.inbound(message.bytes) } else { _ = core.outbound(message.bytes) }
        }
        #expect(core.annotations["git_reset"]?.destructiveHint == true)
        #expect(core.annotations["git_log"]?.readOnlyHint == true)
        #expect(core.annotations.count == 12)
        let call = MCPProxyCore.ToolCallRequest(id: 9, name: "git_reset", arguments: ["repo_path": "/r"], stateless: false, context: AgentContext())
        let action = core.action(call, identity: DoorIdentity(agent: "a"))
        let facts = ClassifierSet.standard(fileSystem: OpaqueFileSystem()).classify(action)
        // Untrusted, but a server that says "destructive" is believed.
        #expect(facts.effect == .destructive)
        #expect(action.channel == .mcp)
    }

    @Test("a policy can hide tools from the list; the answer is otherwise unchanged")
    func hiding() throws {
        var core = MCPProxyCore(server: "git")
        let messages = try Self.wire("git.legacy")
        var hidden: JSONValue?
        for message in messages {
            if message.clientToServer { _ = core.inbound(message.bytes); continue }
            if let replaced = core.outbound(message.bytes, hide: { name, _ in name == "git_reset" }) { hidden = replaced }
        }
        let tools = try #require(hidden?["result"]?["tools"]?.arrayValue)
        #expect(tools.count == 11)
        #expect(!tools.contains { $0["name"] == "git_reset" })
    }

    @Test("unreadable messages, batches and nameless calls are answered, never forwarded")
    func unreadable() {
        var core = MCPProxyCore(server: "s")
        func reply(_ text: String) -> JSONValue? {
            if case .reply(let r) = core.inbound(Array(text.utf8)) { return r }
            return nil
        }
        #expect(reply("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\"")?["error"]?["code"] == .int(-32700))
        #expect(reply(#"[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}]"#)?["error"]?["code"] == .int(-32600))
        #expect(reply(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{}}"#)?["id"] == .int(7))
        #expect(reply(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x","arguments":[1]}}"#) != nil)
        #expect(reply(#"{"jsonrpc":"2.0","id":7,"method":5}"#) != nil)
        // A tool call or resource read without an id is a notification: no answer comes back,
        // but a server may still act on it, so it is not forwarded.
        #expect(reply(#"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"drop_table","arguments":{}}}"#)?["error"]?["code"] == .int(-32600))
        #expect(reply(#"{"jsonrpc":"2.0","method":"resources/read","params":{"uri":"file:///etc/shadow"}}"#)?["error"]?["code"] == .int(-32600))
        #expect(reply(#"{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{}}"#)?["id"] == .int(3))
        if case .forward = core.inbound(Array(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#.utf8)) {} else {
            Issue.record("an ordinary notification must pass")
        }
        // A duplicated key is read as the last value, as Python's json reads it: the proxy and the server agree.
        if case .toolCall(let call) = core.inbound(Array(#"{"jsonrpc":"2.0","id":1,"method":"tools/list","method":"tools/call","params":{"name":"drop"}}"#.utf8)) {
            #expect(call.name == "drop")
        } else {
            Issue.record("a duplicated method key hid a tool call")
        }
    }

    /// What a resource holds reaches the agent: a read is decided as the server's tool
    /// `resources/read` given the URI, and refused as a JSON-RPC error.
    @Test("resources/read is decided on its URI and refused as a JSON-RPC error")
    func resourceReads() throws {
        var core = MCPProxyCore(server: "files")
        guard case .toolCall(let call) = core.inbound(Array(#"{"jsonrpc":"2.0","id":9,"method":"resources/read","params":{"uri":"file:///home/dev/.aws/credentials"}}"#.utf8)) else {
            Issue.record("a resource read must be decided")
            return
        }
        #expect(call.readsResource && call.name == "resources/read" && call.arguments == .object(["uri": "file:///home/dev/.aws/credentials"]))
        let action = core.action(call, identity: DoorIdentity(agent: "a", environment: "production"))
        let facts = ClassifierSet.standard.classify(action)
        #expect(facts.categories.contains(.credentialIssue))
        #expect(facts.operations.contains("mcp:files:resources/read"))
        let refused = MCPProxyCore.refusal(call, message: "no")
        #expect(refused["error"]?["code"] == .int(MCPProxyCore.resourceRefusedErrorCode) && refused["id"] == .int(9) && refused["result"] == nil)
        // An ordinary resource of an untrusted server is unknown, as its tools are.
        guard case .toolCall(let memo) = core.inbound(Array(#"{"jsonrpc":"2.0","id":10,"method":"resources/read","params":{"uri":"memo://insights"}}"#.utf8)) else {
            Issue.record("a resource read must be decided")
            return
        }
        #expect(ClassifierSet.standard.classify(core.action(memo, identity: DoorIdentity(agent: "a", environment: "production"))).effect == .unknown)
    }

    @Test("refusals are tool results with isError, in the request's generation, with context read from _meta")
    func refusals() throws {
        var core = MCPProxyCore(server: "sqlite")
        guard case .toolCall(let modern) = core.inbound(Array(#"""
            {"jsonrpc":"2.0","id":"a-1","method":"tools/call","params":{"name":"write_query","arguments":{"query":"DROP TABLE t"},
             "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","interlock/context":{"why":"cleanup","rollback":"restore","alternatives":["keep it"]}}}}
            """#.utf8)) else { Issue.record("not a tool call"); return }
        #expect(modern.context.why == "cleanup" && modern.context.rollback == "restore" && modern.context.alternatives == ["keep it"])
        let refusal = MCPProxyCore.refusal(modern, message: "no")
        #expect(refusal == ["jsonrpc": "2.0", "id": "a-1", "result": ["content": [["type": "text", "text": "no"]], "isError": true, "resultType": "complete"]])
        guard case .toolCall(let legacy) = core.inbound(Array(#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"read_query","arguments":{"query":"select 1"}}}"#.utf8)) else {
            Issue.record("not a tool call"); return
        }
        #expect(MCPProxyCore.refusal(legacy, message: "no")["result"]?["resultType"] == nil)
        var missing = Verdict(outcome: .deny, code: "missing_context", message: "m")
        missing.missingContext = ["rollback"]
        #expect(MCPProxyCore.message(for: missing).contains("\"interlock/context\""))
    }
}

@Suite("MCP proxy answers to refused calls")
struct MCPRefusalAnswerTests {
    @Test("the kill switch is a JSON-RPC error; other refusals are isError tool results")
    func killSwitch() {
        let call = MCPProxyCore.ToolCallRequest(id: 4, name: "write_query", arguments: [:], stateless: false)
        let killed = MCPProxyCore.answer(refusing: call, verdict: Verdict(outcome: .deny, code: "kill_switch", message: "stopped by ada"))
        #expect(killed == ["jsonrpc": "2.0", "id": 4, "error": ["code": .int(MCPProxyCore.killSwitchErrorCode), "message": "stopped by ada"]])
        let blocked = MCPProxyCore.answer(refusing: call, verdict: Verdict(outcome: .deny, code: "blocked", message: "no"))
        #expect(blocked["result"]?["isError"] == true)
    }
}
