import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import InterlockCore
import InterlockDoors
import InterlockIntegrations
import InterlockServer
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Streamable HTTP: listens on loopback and forwards every request to the upstream MCP endpoint,
/// bodies and SSE streams as they come, except tool calls, which are decided first, and requests
/// whose `Mcp-Method`/`Mcp-Name` headers disagree with their body, which are refused.
final class HTTPMCPProxy: Sendable {
    let core: Mutex<MCPProxyCore>
    let identity: DoorIdentity
    let decider: DoorDecider
    let upstream: URL
    let hide: @Sendable (String, ToolAnnotations?) -> Bool
    static let maximumBody = 16 << 20
    /// Hop-by-hop headers are the proxy's own business on each side; the rest passes unchanged.
    static let hopByHop: Set<String> = ["connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                                        "proxy-authorization", "proxy-authenticate", "host", "content-length"]

    init(core: MCPProxyCore, identity: DoorIdentity, decider: DoorDecider, upstream: URL) {
        self.core = Mutex(core)
        self.identity = identity
        self.decider = decider
        self.upstream = upstream
        self.hide = decider.hidePredicate(server: core.server)
    }

    func run(host: String, port: Int, onListening: @escaping @Sendable (Int) -> Void) async throws {
        var logger = Logger(label: "interlock-mcp-proxy")
        logger.logLevel = .warning
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { [self] request, context in
                try await self.respond(request)
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "interlock-mcp-proxy"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await Shutdown.runUntilSignalled(app, logger: logger)
    }

    func respond(_ request: Request) async throws -> Response {
        var body: [UInt8] = []
        if request.method == .post {
            let buffer = try await request.body.collect(upTo: Self.maximumBody)
            body = Array(buffer.readableBytesView)
            let headers = request.headers
            if let mismatch = MCPProxyCore.headerMismatch(
                method: headers[HTTPField.Name("Mcp-Method")!], name: headers[HTTPField.Name("Mcp-Name")!], body: body) {
                return Self.json(.badRequest, MCPProxyCore.error(id: (try? JSONValue.parse(bytes: body))?["id"] ?? .null, code: -32020,
                                                                  message: "Interlock refused this request: \(mismatch)"))
            }
            switch core.withLock({ $0.inbound(body) }) {
            case .reply(let message):
                return Self.json(.ok, message)
            case .toolCall(let call):
                let action = core.withLock { $0.action(call, identity: identity) }
                let verdict: Verdict
                do { verdict = try await decider.decide(action) } catch {
                    return Self.json(.ok, MCPProxyCore.refusal(call, message: "Interlock could not decide this call, so it was not made: \(error)"))
                }
                guard verdict.outcome == .allow else {
                    return Self.json(.ok, MCPProxyCore.answer(refusing: call, verdict: verdict))
                }
                return try await forward(request, body: body, readToolsList: false)
            case .forwardToolsList:
                return try await forward(request, body: body, readToolsList: true)
            case .forward:
                return try await forward(request, body: body, readToolsList: false)
            }
        }
        return try await forward(request, body: nil, readToolsList: false)
    }

    /// Sends the request upstream as it came and streams the answer back. A tools/list answer is
    /// read whole first, for its annotations.
    func forward(_ request: Request, body: [UInt8]?, readToolsList: Bool) async throws -> Response {
        var target = upstream.absoluteString
        if let query = request.uri.query, !query.isEmpty { target += "?" + query }
        var outgoing = HTTPClientRequest(url: target)
        outgoing.method = NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName) {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        if let body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let answer: HTTPClientResponse
        do {
            // Long-lived SSE streams (GET) stay open as long as the client keeps them.
            answer = try await HTTPClient.shared.execute(outgoing, timeout: .hours(24))
        } catch {
            return Self.json(.badGateway, MCPProxyCore.error(id: .null, code: -32603, message: "Interlock cannot reach the MCP server: \(error)"))
        }
        var headers = HTTPFields()
        for (name, value) in answer.headers where !Self.hopByHop.contains(name.lowercased()) {
            if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
        }
        let status = HTTPResponse.Status(code: Int(answer.status.code))
        if readToolsList && (200..<300).contains(Int(answer.status.code)) {
            let whole = try await answer.body.collect(upTo: Self.maximumBody)
            var bytes = Array(whole.readableBytesView)
            if let replaced = rememberTools(in: bytes, contentType: answer.headers.first(name: "content-type") ?? "") {
                bytes = replaced
            }
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return Response(status: status, headers: headers, body: ResponseBody(asyncSequence: answer.body))
    }

    /// Reads the tool list from a JSON or SSE answer; returns a replacement body when tools are hidden.
    func rememberTools(in bytes: [UInt8], contentType: String) -> [UInt8]? {
        if contentType.hasPrefix("text/event-stream") {
            // Each `data:` line of an event holds one JSON-RPC message; hidden tools are not
            // rewritten inside a stream, only remembered.
            for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) where line.hasPrefix("data:") {
                if let message = try? JSONValue.parse(String(line.dropFirst(5))) {
                    _ = core.withLock { $0.remember(toolsListAnswer: message) }
                }
            }
            return nil
        }
        guard let message = try? JSONValue.parse(bytes: bytes) else { return nil }
        let hide = self.hide
        return core.withLock { $0.remember(toolsListAnswer: message, hide: hide) }.map { Array($0.jsonText().utf8) }
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: value.jsonText())))
    }
}
