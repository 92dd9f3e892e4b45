import InterlockCore

/// The MCP proxy's message handling, free of I/O: which client messages pass through untouched,
/// which are tool calls to decide, what a refusal looks like in each protocol generation, and what
/// the upstream server said about its tools.
///
/// The proxy works at the JSON-RPC level and forwards the bytes it received, so that whatever it
/// does not decide on (both protocol generations, `_meta`, notifications, progress, cancellation,
/// pings, results) reaches the other side exactly as it was sent.
public struct MCPProxyCore: Sendable {
    public enum Inbound: Sendable, Equatable {
        /// Forward these bytes unchanged.
        case forward
        /// Forward, and read the answer to this request id as the server's tool list.
        case forwardToolsList(id: JSONValue)
        /// A tool call to decide before anything reaches the server.
        case toolCall(ToolCallRequest)
        /// Answer the client with this message; forward nothing.
        case reply(JSONValue)
    }

    public struct ToolCallRequest: Sendable, Equatable {
        public var id: JSONValue
        public var name: String
        public var arguments: JSONValue
        /// The request follows the 2026-07-28 generation (`_meta` protocol version), whose results carry `resultType`.
        public var stateless: Bool
        /// What the agent states about the call (`_meta["interlock/context"]`).
        public var context: AgentContext
        /// A `resources/read` rather than a `tools/call`: decided as the server's tool
        /// `resources/read` given the `uri`, and refused with a JSON-RPC error, which is what a
        /// client expects of a read that fails.
        public var readsResource: Bool

        public init(id: JSONValue, name: String, arguments: JSONValue, stateless: Bool, context: AgentContext = AgentContext(), readsResource: Bool = false) {
            self.id = id
            self.name = name
            self.arguments = arguments
            self.stateless = stateless
            self.context = context
            self.readsResource = readsResource
        }
    }

    /// The name a resource read is decided under: a tool of the server, which the policy trusts
    /// or not as it does the server's other tools (`mcp.servers.NAME.tools`).
    public static let resourceReadTool = "resources/read"

    public let server: String
    /// Tool annotations by tool name, from the server's last `tools/list` answers.
    public private(set) var annotations: [String: ToolAnnotations] = [:]
    /// Request ids of `tools/list` calls whose answers are awaited.
    private var pendingLists: Set<JSONValue> = []

    public init(server: String) {
        self.server = server
    }

    /// Reads one message from the client. A message the proxy cannot read is answered with a
    /// JSON-RPC error and never forwarded: were the server to read it differently, a tool call
    /// could slip past.
    public mutating func inbound(_ bytes: some Collection<UInt8>) -> Inbound {
        let message: JSONValue
        do { message = try JSONValue.parse(bytes: Array(bytes)) } catch {
            return .reply(Self.error(id: .null, code: -32700, message: "Interlock could not parse this message, so it was not forwarded: \(error)"))
        }
        switch message {
        case .array:
            return .reply(Self.error(id: .null, code: -32600, message: "Interlock does not forward JSON-RPC batches; MCP sends one message at a time"))
        case .object(let o):
            guard let method = o["method"] else { return .forward }  // a response to a server request
            guard let methodName = method.stringValue else {
                return .reply(Self.error(id: o["id"] ?? .null, code: -32600, message: "`method` must be a string"))
            }
            guard let id = o["id"] else {
                // A notification. A tool call or resource read sent as one gets no answer, but a
                // server may still act on it: it is never forwarded undecided.
                if methodName == "tools/call" || methodName == "resources/read" {
                    return .reply(Self.error(id: .null, code: -32600, message: "Interlock does not forward a \(methodName) without an id: it could not be decided and answered"))
                }
                return .forward
            }
            switch methodName {
            case "resources/read":
                // What a resource holds reaches the agent: `file:///home/dev/.aws/credentials`
                // is the credentials file, whichever server serves it.
                guard let params = o["params"]?.objectValue, let uri = params["uri"]?.stringValue else {
                    return .reply(Self.error(id: id, code: -32602, message: "resources/read needs `params.uri`; Interlock forwards no read it cannot read"))
                }
                let meta = params["_meta"]?.objectValue ?? [:]
                return .toolCall(ToolCallRequest(
                    id: id, name: Self.resourceReadTool, arguments: .object(["uri": .string(uri)]),
                    stateless: meta["io.modelcontextprotocol/protocolVersion"] != nil, context: Self.context(meta["interlock/context"]), readsResource: true))
            case "tools/list":
                pendingLists.insert(id)
                return .forwardToolsList(id: id)
            case "tools/call":
                guard let params = o["params"]?.objectValue, let name = params["name"]?.stringValue else {
                    return .reply(Self.error(id: id, code: -32602, message: "tools/call needs `params.name`; Interlock forwards no call it cannot read"))
                }
                let arguments = params["arguments"] ?? .object([:])
                guard arguments.objectValue != nil else {
                    return .reply(Self.error(id: id, code: -32602, message: "tools/call `params.arguments` must be an object"))
                }
                let meta = params["_meta"]?.objectValue ?? [:]
                return .toolCall(ToolCallRequest(
                    id: id, name: name, arguments: arguments,
                    stateless: meta["io.modelcontextprotocol/protocolVersion"] != nil,
                    context: Self.context(meta["interlock/context"])))
            default:
                return .forward
            }
        default:
            return .reply(Self.error(id: .null, code: -32600, message: "a JSON-RPC message is an object"))
        }
    }

    /// Reads one message from the server, remembering tool annotations. Returns a replacement for
    /// the message when the policy hides tools (`hide`), else nil: forward the bytes unchanged.
    public mutating func outbound(_ bytes: some Collection<UInt8>, hide: (String, ToolAnnotations?) -> Bool = { _, _ in false }) -> JSONValue? {
        guard !pendingLists.isEmpty, let message = try? JSONValue.parse(bytes: Array(bytes)), case .object(let o) = message,
              let id = o["id"], pendingLists.contains(id), o["method"] == nil else { return nil }
        pendingLists.remove(id)
        return remember(toolsListAnswer: .object(o), hide: hide)
    }

    /// Reads a `tools/list` answer: remembers each tool's annotations, and returns the answer
    /// without the tools `hide` names, or nil when nothing is hidden.
    public mutating func remember(toolsListAnswer message: JSONValue, hide: (String, ToolAnnotations?) -> Bool = { _, _ in false }) -> JSONValue? {
        guard case .object(var o) = message, case .object(var result) = o["result"] ?? .null, let tools = result["tools"]?.arrayValue else { return nil }
        for tool in tools {
            guard let name = tool["name"]?.stringValue else { continue }
            annotations[name] = Self.annotations(tool["annotations"])
        }
        let kept = tools.filter { tool in !hide(tool["name"]?.stringValue ?? "", annotations[tool["name"]?.stringValue ?? ""]) }
        guard kept.count != tools.count else { return nil }
        result["tools"] = JSONValue.array(kept)
        o["result"] = JSONValue.object(result)
        return .object(o)
    }

    /// The action a tool call proposes.
    public func action(_ call: ToolCallRequest, identity: DoorIdentity) -> Action {
        Action(principal: identity.principal(session: nil), channel: .mcp, environment: identity.environment, host: identity.host,
               input: .tool(ToolCall(server: server, tool: call.name, arguments: call.arguments, annotations: annotations[call.name])),
               context: call.context)
    }

    /// What the client gets instead of the server's answer: a tool result with `isError: true`,
    /// so that the model reads the reason, in the request's protocol generation.
    public static func refusal(_ call: ToolCallRequest, message: String) -> JSONValue {
        if call.readsResource { return error(id: call.id, code: resourceRefusedErrorCode, message: message) }
        var result: [String: JSONValue] = [
            "content": .array([.object(["type": "text", "text": .string(message)])]),
            "isError": true,
        ]
        if call.stateless { result["resultType"] = "complete" }
        return .object(["jsonrpc": "2.0", "id": call.id, "result": .object(result)])
    }

    /// What the client gets for a call Interlock refuses: a tool result with `isError` (the model
    /// reads why), or — for the kill switch, which stops the agent rather than one call — a
    /// JSON-RPC error.
    public static func answer(refusing call: ToolCallRequest, verdict: Verdict) -> JSONValue {
        if verdict.isKillSwitch { return error(id: call.id, code: killSwitchErrorCode, message: verdict.message) }
        return refusal(call, message: message(for: verdict))
    }

    /// JSON-RPC error code for "the kill switch is engaged" (implementation-defined server range).
    public static let killSwitchErrorCode: Int64 = -32050
    /// JSON-RPC error code for a resource read Interlock refused (same range).
    public static let resourceRefusedErrorCode: Int64 = -32051

    /// The refusal text for a verdict: the gateway's message, or how to state missing context.
    public static func message(for verdict: Verdict) -> String {
        if verdict.code == "missing_context" {
            return "Interlock: this tool call needs human approval, and the policy requires the request to state "
                + "\(verdict.missingContext.joined(separator: ", ")). Nothing was filed. Send them in the call's "
                + "`_meta` as `\"interlock/context\": {\"why\": …, \"rollback\": …, \"alternatives\": […], \"impact\": …}`."
        }
        return verdict.message
    }

    public static func error(id: JSONValue, code: Int64, message: String) -> JSONValue {
        .object(["jsonrpc": "2.0", "id": id, "error": .object(["code": .int(code), "message": .string(message)])])
    }

    static func annotations(_ value: JSONValue?) -> ToolAnnotations? {
        guard let o = value?.objectValue else { return nil }
        return ToolAnnotations(readOnlyHint: o["readOnlyHint"]?.boolValue, destructiveHint: o["destructiveHint"]?.boolValue,
                               idempotentHint: o["idempotentHint"]?.boolValue, openWorldHint: o["openWorldHint"]?.boolValue)
    }

    static func context(_ value: JSONValue?) -> AgentContext {
        guard let o = value?.objectValue else { return AgentContext() }
        return AgentContext(why: o["why"]?.stringValue,
                            alternatives: o["alternatives"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                            rollback: o["rollback"]?.stringValue, impact: o["impact"]?.stringValue)
    }
}

extension MCPProxyCore {
    /// Streamable HTTP, 2026-07-28: `Mcp-Method` and `Mcp-Name` repeat the body's method and the
    /// name it acts on. A proxy that read one and a server that read the other could be told
    /// different stories, so a request whose headers disagree with its body is refused (the
    /// protocol's HTTP 400 with JSON-RPC -32020). Returns what disagrees, or nil.
    public static func headerMismatch(method: String?, name: String?, body: [UInt8]) -> String? {
        guard method != nil || name != nil else { return nil }
        guard let message = try? JSONValue.parse(bytes: body), case .object(let o) = message else { return nil }
        let bodyMethod = o["method"]?.stringValue
        if let method, method != bodyMethod {
            return "the Mcp-Method header says `\(method)` but the body's method is `\(bodyMethod ?? "none")`"
        }
        if let name {
            let params = o["params"]
            let bodyName = params?["name"]?.stringValue ?? params?["uri"]?.stringValue
            if name != bodyName { return "the Mcp-Name header says `\(name)` but the body names `\(bodyName ?? "nothing")`" }
        }
        return nil
    }
}
