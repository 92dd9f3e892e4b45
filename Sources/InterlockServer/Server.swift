import Foundation
import Hummingbird
import InterlockApprovals
import InterlockAudit
import InterlockCore
import InterlockGateway
import InterlockPolicy
import InterlockStore
import Logging
import NIOCore
import Prometheus
import Synchronization

/// `interlock serve`: the decision API (docs/openapi.yaml) on Hummingbird, in front of one
/// `Gateway` and its store.
public struct GatewayServer: Sendable {
    public struct Options: Sendable {
        public var host = "127.0.0.1"
        public var port = 8421
        /// Where humans reach this gateway; links in notifications point here.
        public var publicURL: String?
        public var webhook: WebhookNotifier.Configuration?
        /// Longest `?wait=` a long poll may ask for.
        public var maximumWaitSeconds = 60
        public var sweepIntervalSeconds = 5
        public var checkpointCheckSeconds = 10

        public init() {}
    }

    let gateway: Gateway
    let options: Options
    let metrics: GatewayMetrics
    let authenticator: Authenticator
    let webhooks: WebhookNotifier?
    let policyReloader: (@Sendable () throws -> (Policy, String, String))?

    /// `policyReloader` reads the policy from where it came from; nil when it cannot be reloaded
    /// (the built-in policy).
    public init(gateway: Gateway, options: Options, metrics: GatewayMetrics, webhooks: WebhookNotifier?,
                policyReloader: (@Sendable () throws -> (Policy, String, String))?) {
        self.gateway = gateway
        self.options = options
        self.metrics = metrics
        self.authenticator = Authenticator(tokens: gateway.tokens)
        self.webhooks = webhooks
        self.policyReloader = policyReloader
    }

    /// Runs until SIGINT or SIGTERM. `onListening` gets the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) -> Void) async throws {
        let logger = {
            var logger = Logger(label: "interlock")
            logger.logLevel = .warning
            return logger
        }()
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "interlock"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Shutdown.runUntilSignalled(app, logger: logger) }
            group.addTask { await self.housekeeping() }
            if let webhooks { group.addTask { await webhooks.run() } }
            // When the server stops (a signal), stop the rest.
            try await group.next()
            group.cancelAll()
        }
    }

    /// Records expiries, refreshes the queue-depth gauge and issues checkpoints when due, so that
    /// a quiet gateway still signs its log and still records what silence rejected.
    func housekeeping() async {
        var lastCheckpointCheck = ContinuousClock.now
        while !Task.isCancelled {
            do {
                try gateway.sweepExpired()
                metrics.queueDepth.set(Double(try gateway.approvals.pendingCount(now: AuditLog.nowMicros())))
                if ContinuousClock.now - lastCheckpointCheck >= .seconds(options.checkpointCheckSeconds) {
                    try gateway.log.issueCheckpointIfDue()
                    lastCheckpointCheck = ContinuousClock.now
                }
            } catch {
                FileHandle.standardError.write(Data("interlock: housekeeping failed: \(error)\n".utf8))
            }
            try? await Task.sleep(for: .seconds(options.sweepIntervalSeconds))
        }
    }

    func makeRouter() -> Router<GatewayContext> {
        let router = Router(context: GatewayContext.self)
        router.add(middleware: ErrorMiddleware())
        router.get("/healthz") { _, _ in Self.json(.ok, .object(["status": .string("ok")])) }
        router.get("/readyz") { _, _ in
            do {
                _ = try gateway.log.size
                return Self.json(.ok, .object(["status": .string("ready"), "policy_hash": .string(Hex.encode(gateway.policyHash))]))
            } catch {
                return Self.json(.serviceUnavailable, .object(["status": .string("unavailable")]))
            }
        }
        do {
            let console = try Console(gateway: gateway, authenticator: authenticator,
                                      secureCookies: options.publicURL?.hasPrefix("https://") == true)
            console.addRoutes(to: router)
        } catch {
            FileHandle.standardError.write(Data("interlock: the console's templates do not compile: \(error)\n".utf8))
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }

        let v1 = router.group("v1").add(middleware: AuthenticationMiddleware(authenticator: authenticator))
        v1.post("actions") { request, context in try await submit(request, context) }
        v1.get("approvals") { request, context in try listApprovals(request, context) }
        v1.get("approvals/:id") { request, context in try await showApproval(request, context) }
        v1.post("approvals/:id/approve") { request, context in try await vote(request, context, approve: true) }
        v1.post("approvals/:id/reject") { request, context in try await vote(request, context, approve: false) }
        v1.get("kill") { _, context in
            _ = try context.principal()
            return Self.json(.ok, .object(["engaged": .array(try gateway.killSwitch.engaged().map(GatewayJSON.engagement))]))
        }
        v1.post("kill") { request, context in try await kill(request, context, engage: true) }
        v1.post("resume") { request, context in try await kill(request, context, engage: false) }
        v1.get("grants") { _, context in
            _ = try context.human()
            return Self.json(.ok, .object(["grants": .array(try gateway.grants.active(at: AuditLog.nowMicros()).map(GatewayJSON.grant))]))
        }
        v1.post("grants") { request, context in try await createGrant(request, context) }
        v1.delete("grants/:id") { _, context in
            let (name, _) = try context.human()
            let id = try context.parameters.require("id")
            do { try gateway.revokeGrant(id: id, by: "human:" + name) } catch let error as StoreError { throw APIError(.notFound, "not_found", error.description) }
            return Self.json(.ok, .object(["revoked": .string(id)]))
        }
        v1.get("tokens") { _, context in
            try context.admin()
            return Self.json(.ok, .object(["tokens": .array(try gateway.tokens.list().map(Self.tokenJSON))]))
        }
        v1.post("tokens") { request, context in try await createToken(request, context) }
        v1.delete("tokens/:id") { _, context in
            let name = try context.admin()
            let id = try context.parameters.require("id")
            do { try gateway.tokens.revoke(id: id, by: "human:" + name) } catch let error as StoreError { throw APIError(.notFound, "not_found", error.description) }
            authenticator.forgetAll()
            return Self.json(.ok, .object(["revoked": .string(id)]))
        }
        v1.get("policy") { _, context in
            _ = try context.human()
            let policy = gateway.policy
            return Self.json(.ok, .object([
                "hash": .string(Hex.encode(gateway.policyHash)),
                "sources": .array(policy.sources.map { .object(["name": .string($0.name), "text": .string($0.text)]) }),
            ]))
        }
        v1.post("policy/reload") { _, context in
            let name = try context.admin()
            guard let policyReloader else {
                throw APIError(.conflict, "not_reloadable", "this gateway runs the built-in policy; restart it with --policy FILE to change policy")
            }
            let (policy, text, source): (Policy, String, String)
            do { (policy, text, source) = try policyReloader() } catch {
                throw APIError(.badRequest, "invalid_policy", "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid policy")
            }
            try gateway.replacePolicy(policy, text: text, source: source, by: "human:" + name)
            return Self.json(.ok, .object(["hash": .string(Hex.encode(gateway.policyHash))]))
        }
        return router
    }

    // MARK: Handlers

    func submit(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let started = ContinuousClock.now
        let token = try context.principal()
        guard case .agent(let agentName) = token.principal else {
            throw APIError(.forbidden, "agents_only", "actions are submitted with an agent token; a human decides on them")
        }
        let body = try await Self.body(request, context)
        let json: JSONValue
        do { json = try JSONValue.parse(Data(body.readableBytesView)) } catch {
            throw APIError(.badRequest, "invalid_json", "the body is not JSON: \(error)")
        }
        var action: Action
        let stated: Classification?
        do {
            action = try ActionDocument.decode(json, defaultPrincipal: Principal(agent: agentName), defaultChannel: .httpAPI)
            stated = try ActionDocument.facts(json)
        } catch {
            throw APIError(.badRequest, "invalid_action", "\(error)")
        }
        // The token says who the agent is and for whom it runs; the document cannot claim otherwise.
        guard action.principal.agent == agentName else {
            throw APIError(.forbidden, "wrong_principal", "the action names agent `\(action.principal.agent)` but the token belongs to agent `\(agentName)`")
        }
        if let launcher = token.launchedBy { action.principal.launchedBy = launcher }
        let answer: GatewayDecision
        do {
            answer = try await gateway.decide(action, stated: stated)
        } catch {
            // Whatever went wrong, the agent hears "no", and learns nothing about our insides.
            metrics.decisions(.deny).increment()
            FileHandle.standardError.write(Data("interlock: decision failed for agent \(agentName): \(error)\n".utf8))
            return Self.json(.internalServerError, .object([
                "outcome": .string("deny"), "code": .string("internal_error"),
                "message": .string("Interlock could not decide this action, so it is refused."),
                "error": .object(["code": .string("internal_error"), "message": .string("internal error")]),
            ]))
        }
        metrics.decisions(answer.outcome).increment()
        metrics.decisionLatency.record(ContinuousClock.now - started)
        return Self.json(.ok, GatewayJSON.decision(answer, now: AuditLog.nowMicros()))
    }

    func listApprovals(_ request: Request, _ context: GatewayContext) throws -> Response {
        let token = try context.principal()
        let query = request.uri.queryParameters
        var state: ApprovalRequest.State?
        if let s = query["state"] {
            guard let parsed = ApprovalRequest.State(rawValue: String(s)) else {
                throw APIError(.badRequest, "invalid_query", "unknown state `\(s)`; expected pending, approved, rejected, expired or consumed")
            }
            state = parsed
        }
        var agent = query["agent"].map(String.init)
        if case .agent(let own) = token.principal {
            // An agent sees its own requests only.
            if let asked = agent, asked != own { throw APIError(.forbidden, "agent_forbidden", "an agent can list only its own requests") }
            agent = own
        }
        let now = AuditLog.nowMicros()
        let requests = try gateway.approvals.list(state: state, environment: query["environment"].map(String.init), agent: agent, now: now)
        return Self.json(.ok, .object(["approvals": .array(requests.map { GatewayJSON.approval($0, now: now) })]))
    }

    func showApproval(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let token = try context.principal()
        let id = try context.parameters.require("id")
        var wait = 0
        if let w = request.uri.queryParameters["wait"] {
            guard let seconds = parseDuration(String(w)) ?? Int(w) else {
                throw APIError(.badRequest, "invalid_query", "`wait` must be a duration such as 30s")
            }
            wait = min(seconds, options.maximumWaitSeconds)
        }
        let deadline = ContinuousClock.now + .seconds(wait)
        while true {
            guard let found = try gateway.approvals.request(id: id) else { throw APIError(.notFound, "not_found", "no approval request `\(id)`") }
            if case .agent(let own) = token.principal, found.requester != own {
                throw APIError(.notFound, "not_found", "no approval request `\(id)`")
            }
            let now = AuditLog.nowMicros()
            // A long poll ends when the request leaves `pending`, or at the deadline.
            if found.state(at: now) != .pending || ContinuousClock.now >= deadline {
                return Self.json(.ok, GatewayJSON.approval(found, now: now))
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    func vote(_ request: Request, _ context: GatewayContext, approve: Bool) async throws -> Response {
        let token = try context.principal()
        guard case .human(let name, let roles) = token.principal else {
            throw APIError(.forbidden, "agent_forbidden", "agents can never approve or reject; only humans can")
        }
        let id = try context.parameters.require("id")
        let body = try await Self.optionalJSON(request, context)
        let comment = body?["comment"]?.stringValue
        do {
            let updated = approve
                ? try gateway.approve(id: id, by: .human(name, roles: roles), comment: comment)
                : try gateway.reject(id: id, by: .human(name, roles: roles), comment: comment)
            return Self.json(.ok, GatewayJSON.approval(updated, now: AuditLog.nowMicros()))
        } catch let refusal as ApprovalRequest.Refusal {
            switch refusal {
            case .notPending: throw APIError(.conflict, "not_pending", refusal.description)
            default: throw APIError(.forbidden, "not_allowed_to_vote", refusal.description)
            }
        } catch let error as GatewayError {
            switch error {
            case .notFound(let m): throw APIError(.notFound, "not_found", m)
            case .conflict(let m): throw APIError(.conflict, "kill_switch_engaged", m)
            }
        }
    }

    func kill(_ request: Request, _ context: GatewayContext, engage: Bool) async throws -> Response {
        let (name, _) = try context.human()
        let body = try await Self.optionalJSON(request, context) ?? .object([:])
        let scope: KillSwitchStore.Scope
        switch (body["agent"]?.stringValue, body["environment"]?.stringValue) {
        case (nil, nil): scope = .everything
        case (let agent?, nil): scope = .agent(agent)
        case (nil, let environment?): scope = .environment(environment)
        default: throw APIError(.badRequest, "invalid_scope", "give `agent` or `environment` (or neither, for everything), not both")
        }
        if engage {
            try gateway.engageKillSwitch(scope, by: "human:" + name, reason: body["reason"]?.stringValue)
        } else {
            do { try gateway.releaseKillSwitch(scope, by: "human:" + name) } catch let error as StoreError {
                throw APIError(.conflict, "not_engaged", error.description)
            }
        }
        return Self.json(.ok, .object(["engaged": .array(try gateway.killSwitch.engaged().map(GatewayJSON.engagement))]))
    }

    func createGrant(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let (name, _) = try context.human()
        guard let body = try await Self.optionalJSON(request, context) else { throw APIError(.badRequest, "invalid_grant", "the body must be a JSON object") }
        func strings(_ key: String) -> [String] { body[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        guard let agent = body["agent"]?.stringValue, let environment = body["environment"]?.stringValue else {
            throw APIError(.badRequest, "invalid_grant", "a grant needs `agent` and `environment`")
        }
        guard let forText = body["for"]?.stringValue, let seconds = parseDuration(forText), seconds > 0 else {
            throw APIError(.badRequest, "invalid_grant", "a grant needs `for`, a duration such as `2h`")
        }
        let tier = body["tier"]?.stringValue.flatMap(Tier.init(rawValue:)) ?? .supervised
        let now = AuditLog.nowMicros()
        let grant: Grant
        do {
            grant = try Grant(
                id: randomIdentifier(prefix: "grt_"), agent: agent, environment: environment, operations: strings("operations"),
                targets: strings("targets"), tier: tier, grantedBy: "human:" + name, reason: body["reason"]?.stringValue,
                createdAtMicros: now, expiresAtMicros: now + Int64(seconds) * 1_000_000,
                usesLeft: body["uses"]?.intValue.map { Int($0) })
        } catch {
            throw APIError(.badRequest, "invalid_grant", error.description)
        }
        try gateway.createGrant(grant)
        return Self.json(.created, GatewayJSON.grant(grant))
    }

    func createToken(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let name = try context.admin()
        guard let body = try await Self.optionalJSON(request, context) else { throw APIError(.badRequest, "invalid_token", "the body must be a JSON object") }
        let principal: Approver
        switch (body["agent"]?.stringValue, body["human"]?.stringValue) {
        case (let agent?, nil): principal = .agent(agent)
        case (nil, let human?): principal = .human(human, roles: Set(body["roles"]?.arrayValue?.compactMap(\.stringValue) ?? []))
        default: throw APIError(.badRequest, "invalid_token", "give exactly one of `agent` or `human`")
        }
        do {
            let created = try gateway.tokens.create(for: principal, by: "human:" + name, launchedBy: body["launched_by"]?.stringValue)
            var json = Self.tokenJSON(created.token)
            if case .object(var o) = json { o["secret"] = .string(created.secret); json = .object(o) }
            return Self.json(.created, json)
        } catch let error as StoreError {
            throw APIError(.badRequest, "invalid_token", error.description)
        }
    }

    // MARK: Helpers

    static func tokenJSON(_ t: TokenStore.Token) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(t.id), "created_at": .string(AuditEntry.timestamp(micros: t.createdAtMicros)),
            "revoked": .bool(t.revokedAtMicros != nil),
        ]
        switch t.principal {
        case .agent(let name):
            o["kind"] = .string("agent"); o["name"] = .string(name)
            o["launched_by"] = t.launchedBy.map(JSONValue.string) ?? .null
        case .human(let name, let roles):
            o["kind"] = .string("human"); o["name"] = .string(name); o["roles"] = .array(roles.sorted().map(JSONValue.string))
        }
        return .object(o)
    }

    static let maximumBody = 1 << 20

    static func body(_ request: Request, _ context: GatewayContext) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: maximumBody)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "the body is larger than \(maximumBody) bytes")
        }
    }

    static func optionalJSON(_ request: Request, _ context: GatewayContext) async throws -> JSONValue? {
        let body = try await body(request, context)
        if body.readableBytes == 0 { return nil }
        do {
            let json = try JSONValue.parse(Data(body.readableBytesView))
            guard case .object = json else { throw APIError(.badRequest, "invalid_json", "the body must be a JSON object") }
            return json
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.badRequest, "invalid_json", "the body is not JSON: \(error)")
        }
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        let buffer = ByteBuffer(bytes: value.jsonBytes(terminator: UInt8(ascii: "\n")))
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}

/// A refusal the API reports as `{"error": {"code", "message"}}` with its HTTP status.
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        GatewayServer.json(status, .object(["error": .object(["code": .string(code), "message": .string(message)])]))
    }
}

/// Turns every error a handler throws into the API's error shape; anything unexpected becomes a
/// generic 500 with no internals in the body.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let code = error.status == .notFound ? "not_found" : "http_error"
            return GatewayServer.json(error.status, .object(["error": .object([
                "code": .string(code), "message": .string(error.body ?? error.status.reasonPhrase),
            ])]))
        } catch {
            FileHandle.standardError.write(Data("interlock: \(request.method) \(request.uri.path) failed: \(error)\n".utf8))
            return GatewayServer.json(.internalServerError, .object(["error": .object([
                "code": .string("internal_error"), "message": .string("internal error"),
            ])]))
        }
    }
}

public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    var token: TokenStore.Token?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    func principal() throws -> TokenStore.Token {
        guard let token else { throw APIError(.unauthorized, "unauthenticated", "send `Authorization: Bearer TOKEN`") }
        return token
    }

    /// The human behind the request; agents get 403 on every human endpoint.
    func human() throws -> (String, Set<String>) {
        guard case .human(let name, let roles) = try principal().principal else {
            throw APIError(.forbidden, "agent_forbidden", "this endpoint is for humans; an agent token can never use it")
        }
        return (name, roles)
    }

    /// A human with the `admin` role.
    @discardableResult
    func admin() throws -> String {
        let (name, roles) = try human()
        guard roles.contains("admin") else { throw APIError(.forbidden, "admin_only", "this endpoint needs a human token with the admin role") }
        return name
    }
}

struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, "unauthenticated", "send `Authorization: Bearer TOKEN`")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", let token = try authenticator.authenticate(String(parts[1])) else {
            throw APIError(.unauthorized, "unauthenticated", "the bearer token is unknown or revoked")
        }
        var context = context
        context.token = token
        return try await next(request, context)
    }
}

/// Token lookups, cached for a second: a busy agent's token is checked against the store once a
/// second, not once a request. Revocation through this gateway clears the cache at once; through
/// another process it applies within the second.
final class Authenticator: Sendable {
    private let tokens: TokenStore
    private let cache = Mutex<[String: (TokenStore.Token, ContinuousClock.Instant)]>([:])

    init(tokens: TokenStore) { self.tokens = tokens }

    func authenticate(_ presented: String) throws -> TokenStore.Token? {
        let now = ContinuousClock.now
        if let (token, until) = cache.withLock({ $0[presented] }), now < until { return token }
        guard let token = try tokens.authenticate(presented) else { return nil }
        cache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[presented] = (token, now + .seconds(1))
        }
        return token
    }

    func forgetAll() { cache.withLock { $0.removeAll() } }
}
