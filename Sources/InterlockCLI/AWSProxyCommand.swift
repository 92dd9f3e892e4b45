import ArgumentParser
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import InterlockAudit
import InterlockAWS
import InterlockCore
import InterlockDoors
import InterlockGateway
import InterlockIntegrations
import InterlockPolicy
import InterlockServer
import InterlockStore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Synchronization

struct AWSProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws-proxy",
        abstract: "An AWS endpoint for agents: every call is checked, and allowed ones are signed with credentials only Interlock holds.",
        discussion: """
            Agents get credentials from `interlock token create --agent NAME --aws` and set \
            AWS_ENDPOINT_URL=http://HOST:PORT. Each call's Signature Version 4 is verified; the call is decoded, classified \
            and decided by the policy on this home's store (approvals through `interlock serve` or `interlock approvals` on \
            the same home); allowed calls are re-signed with the upstream credentials of --config and forwarded. \
            Refusals are AWS errors (AccessDenied naming the approval request; SignatureDoesNotMatch, InvalidClientTokenId, \
            RequestTimeTooSkewed). SIGINT or SIGTERM stops it: calls in flight get 10 seconds, then are cancelled. \
            Exit codes: 0 on SIGINT/SIGTERM; 3 invalid options, policy or configuration; 1 failure.
            """)

    @Option(help: ArgumentHelp("The upstream configuration: accounts, credentials, and which agent reaches which (docs/aws-proxy.md).", valueName: "file"))
    var config: String

    @Option(help: ArgumentHelp("Listen here; port 0 picks a free one.", valueName: "address"))
    var listen = "127.0.0.1:8790"

    @Option(name: .customLong("max-body"), help: ArgumentHelp("The largest request body accepted, in MiB (bodies are verified whole before anything is forwarded).", valueName: "MiB"))
    var maxBodyMiB = 64

    @Option(name: .customLong("refusal-window"), help: ArgumentHelp("Per principal, the first 20 refusals before any action (bad signatures, unknown keys) in each window of this many seconds are recorded one by one, the rest as one count.", valueName: "seconds"))
    var refusalWindowSeconds: Int64 = 60

    @OptionGroup var policySource: PolicySourceOptions
    @OptionGroup var home: HomeOptions

    func run() async throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw InvalidInput("--listen `\(listen)`: expected HOST:PORT, e.g. 127.0.0.1:8790")
        }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard maxBodyMiB > 0 else { throw InvalidInput("--max-body must be at least 1 MiB") }
        guard refusalWindowSeconds > 0 else { throw InvalidInput("--refusal-window must be at least 1 second") }
        let text: String
        do { text = try String(contentsOfFile: config, encoding: .utf8) } catch {
            throw InvalidInput("cannot read the AWS proxy configuration \(config): \(error.localizedDescription)")
        }
        let configuration: AWSProxyConfiguration
        do { configuration = try AWSProxyConfiguration.parse(text, file: config) } catch { throw InvalidInput(error.description) }
        let (policy, policyText, source) = try policySource.source.loadWithSource()
        for upstream in configuration.upstreams.values where policy.environment(named: upstream.environment) == nil {
            throw InvalidInput("\(config): upstream `\(upstream.name)` names environment `\(upstream.environment)`, which the policy (\(source)) does not define")
        }
        let credentials = try UpstreamCredentialStore(configuration: configuration)
        let log = try home.openLog()
        let gateway: Gateway
        do {
            var gatewayConfiguration = Gateway.Configuration(policy: policy, policyText: policyText, policySource: source)
            gatewayConfiguration.guardedPaths = guardedPaths(home: home.home, policy: policySource.source)
            gateway = try Gateway(log: log, configuration: gatewayConfiguration)
        } catch {
            throw OperationalFailure("cannot start the in-process gateway: \(error)")
        }
        let proxy = AWSProxyServer(configuration: configuration, credentials: credentials, gateway: gateway, maximumBody: maxBodyMiB << 20,
                                   refusalWindowSeconds: refusalWindowSeconds)
        do {
            try await proxy.run(host: host, port: port) { bound in
                FileHandle.standardOutput.write(Data("listening on http://\(host.contains(":") ? "[\(host)]" : host):\(bound)\n".utf8))
            }
        } catch {
            throw OperationalFailure("the AWS proxy stopped: \(error)")
        }
    }
}

/// The AWS proxy's I/O: HTTP in, verification, decision, re-signing, HTTP out.
final class AWSProxyServer: Sendable {
    let configuration: AWSProxyConfiguration
    let credentials: UpstreamCredentialStore
    let gateway: Gateway
    let maximumBody: Int
    let verifier = SigV4Verifier()
    /// Connections to upstreams are pooled and kept alive; TCP_NODELAY is set by NIO's bootstrap.
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(decompression: .disabled))

    init(configuration: AWSProxyConfiguration, credentials: UpstreamCredentialStore, gateway: Gateway, maximumBody: Int, refusalWindowSeconds: Int64 = 60) {
        self.configuration = configuration
        self.credentials = credentials
        self.gateway = gateway
        self.maximumBody = maximumBody
        self.refusals = Mutex(RefusalThrottle(windowSeconds: refusalWindowSeconds))
    }

    func run(host: String, port: Int, onListening: @escaping @Sendable (Int) -> Void) async throws {
        var logger = Logger(label: "interlock-aws-proxy")
        logger.logLevel = .warning
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { [self] request, _ in
                await self.respond(request)
            },
            // SDKs send S3 bodies only after `100 Continue` (or a one-second wait).
            server: .http1(configuration: .init(additionalChannelHandlers: [AWSConnectionHandler()])),
            configuration: .init(address: .hostname(host, port: port), serverName: "interlock-aws-proxy"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        let summaries = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(10))
                await recordClosedRefusalWindows()
            }
        }
        defer { summaries.cancel() }
        try await Shutdown.runUntilSignalled(app, logger: logger)
        await recordClosedRefusalWindows(stopping: true)
        try? await client.shutdown()
    }

    /// Request ids only need to be unique: a random prefix drawn once per process and a counter,
    /// rather than a `getrandom` system call or two on every call.
    static func requestID() -> String {
        let serial = requestSerial.add(1, ordering: .relaxed).newValue
        return requestIDPrefix + withUnsafeBytes(of: serial.bigEndian) { Hex.encode($0) }.uppercased()
    }

    static let requestIDPrefix: String = {
        var generator = SystemRandomNumberGenerator()
        return withUnsafeBytes(of: generator.next(upperBound: UInt64.max)) { Hex.encode($0) }.uppercased()
    }()

    static let requestSerial = Atomic<UInt64>(0)

    /// Agents' credentials, read from the store at most every quarter second per key: a revoked
    /// credential stops working within that time (as a kill switch set by another process does),
    /// and a busy agent does not cost a database read per call.
    let credentialCache = Mutex<[String: (credential: AgentAWSCredential?, readAt: UInt64)]>([:])
    static let credentialCacheNanoseconds: UInt64 = 250_000_000

    func credential(accessKeyID key: String) -> AgentAWSCredential? {
        let now = DispatchTime.now().uptimeNanoseconds
        if let cached = credentialCache.withLock({ $0[key] }), now - cached.readAt < Self.credentialCacheNanoseconds {
            return cached.credential
        }
        // An unknown key is not cached: the cache must not grow with whatever keys strangers try.
        guard let found = try? gateway.tokens.awsCredentials(accessKeyID: key) else { return nil }
        let credential = AgentAWSCredential(accessKeyID: found.accessKeyID, secretAccessKey: found.secretAccessKey, sessionToken: found.sessionToken,
                                            agent: found.agent, launchedBy: found.token.launchedBy,
                                            expiresAtSeconds: found.token.expiresAtMicros.map { $0 / 1_000_000 })
        credentialCache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[key] = (credential, now)
        }
        return credential
    }

    func respond(_ request: Request) async -> Response {
        let requestID = Self.requestID()
        var headers: [SigV4.Header] = request.headers.map { ($0.name.rawName, $0.value) }
        if !headers.contains(where: { $0.name.equalsIgnoringASCIICase("host") }), let authority = request.head.authority { headers.append(("Host", authority)) }
        let target = request.uri.string
        let body: [UInt8]
        do {
            body = Array(try await request.body.collect(upTo: maximumBody).readableBytesView)
        } catch {
            let incoming = IncomingAWSRequest(method: request.method.rawValue, target: target, headers: headers, body: [])
            return Self.answer(AWSErrorResponse.make(code: "EntityTooLarge", message: "Interlock: the body is over the proxy's limit of \(maximumBody >> 20) MiB",
                                                     status: 413, shape: AWSErrorResponse.shape(of: incoming, service: nil), requestID: requestID))
        }
        let incoming = IncomingAWSRequest(method: request.method.rawValue, target: target, headers: headers, body: body)
        let now = Int64(Date().timeIntervalSince1970)
        let verified: VerifiedAWSRequest
        switch verifier.verify(incoming, now: now, credential: credential(accessKeyID:)) {
        case .success(let request):
            verified = request
        case .failure(let failure):
            let service = SigV4Verifier.claimedScope(incoming)?.service
            let error = AWSErrorResponse.authentication(failure, shape: AWSErrorResponse.shape(of: incoming, service: service), requestID: requestID)
            await recordRefusal(incoming, reason: "\(failure)")
            return Self.answer(error)
        }
        let shape = AWSErrorResponse.shape(of: incoming, service: verified.scope.service)
        if let ambiguity = AWSProxyCore.ambiguity(incoming) {
            let message = "Interlock: \(ambiguity); send it one way only"
            await recordRefusal(incoming, reason: message, agent: verified.credential.agent)
            return Self.answer(AWSErrorResponse.make(code: "InvalidRequest", message: message, status: 400, shape: shape, requestID: requestID))
        }
        guard let upstream = configuration.upstream(forAgent: verified.credential.agent) else {
            let message = "Interlock: agent \(verified.credential.agent) has no AWS upstream in the proxy's configuration"
            await recordRefusal(incoming, reason: message, agent: verified.credential.agent)
            return Self.answer(AWSErrorResponse.accessDenied(message, shape: shape, requestID: requestID))
        }
        if let regions = upstream.regions, !regions.contains(verified.scope.region) {
            let message = "Interlock: region \(verified.scope.region) is not open to agent \(verified.credential.agent) (upstream \(upstream.name) allows \(regions.joined(separator: ", ")))"
            await recordRefusal(incoming, reason: message, agent: verified.credential.agent)
            return Self.answer(AWSErrorResponse.accessDenied(message, shape: shape, requestID: requestID))
        }

        let action = AWSProxyCore.action(verified, original: incoming, upstream: upstream)
        let endpoint = AWSProxyCore.endpoint(service: verified.scope.service, region: verified.scope.region, upstream: upstream)
        // The call is signed for the upstream on another thread while the decision is made and its
        // audit record made durable (the fsync is most of that time). The signed request stays in
        // this function: it is sent only if the decision allows the call. Only credentials at hand
        // are used this way; obtaining credentials (an STS call) waits for an allow.
        let atHand = credentials.credentialsAtHand(for: upstream)
        async let signedMeanwhile = atHand.map {
            AWSProxyCore.outgoing(verified, endpoint: endpoint, credentials: $0, now: Int64(Date().timeIntervalSince1970))
        }
        let verdict: Verdict
        do {
            verdict = try Verdict(json: .object(GatewayJSON.verdictFields(try await gateway.decide(action), now: AuditLog.nowMicros())))
        } catch {
            return Self.answer(AWSErrorResponse.accessDenied("Interlock could not decide this call, so it was not made: \(error)", shape: shape, requestID: requestID))
        }
        guard verdict.outcome == .allow else {
            let message = AWSProxyCore.refusalMessage(code: verdict.code, message: verdict.message, approvalID: verdict.approvalID,
                                                      approversRequired: verdict.approversRequired, missingContext: verdict.missingContext)
            return Self.answer(AWSErrorResponse.accessDenied(message, shape: shape, requestID: requestID))
        }

        let outgoing: OutgoingAWSRequest
        if let signed = await signedMeanwhile {
            outgoing = signed
        } else {
            let upstreamCredentials: UpstreamCredentials
            do { upstreamCredentials = try await credentials.credentials(for: upstream, region: verified.scope.region, client: client) } catch {
                return Self.answer(AWSErrorResponse.make(code: "ServiceUnavailable", message: "Interlock cannot obtain the upstream credentials: \(error)",
                                                         status: 503, shape: shape, requestID: requestID))
            }
            outgoing = AWSProxyCore.outgoing(verified, endpoint: endpoint, credentials: upstreamCredentials, now: Int64(Date().timeIntervalSince1970))
        }
        var forwarded = HTTPClientRequest(url: outgoing.url)
        forwarded.method = NIOHTTP1.HTTPMethod(rawValue: outgoing.method)
        for header in outgoing.headers { forwarded.headers.add(name: header.name, value: header.value) }
        if !outgoing.body.isEmpty || ["PUT", "POST", "PATCH"].contains(outgoing.method) {
            forwarded.body = .bytes(ByteBuffer(bytes: outgoing.body))
        }
        let answer: HTTPClientResponse
        do {
            answer = try await client.execute(forwarded, timeout: .seconds(300))
        } catch {
            return Self.answer(AWSErrorResponse.make(code: "ServiceUnavailable", message: "Interlock cannot reach \(endpoint): \(error)",
                                                     status: 503, shape: shape, requestID: requestID))
        }
        var responseHeaders = HTTPFields()
        for (name, value) in answer.headers where !Self.hopByHopHeaders.contains(where: name.equalsIgnoringASCIICase) {
            if let fieldName = HTTPField.Name(name) { responseHeaders.append(HTTPField(name: fieldName, value: value)) }
        }
        let status = HTTPResponse.Status(code: Int(answer.status.code))
        // Small answers (most API calls) are passed on whole, which is quicker than streaming
        // them between event loops; large ones (object downloads) stream as they come.
        if let lengthText = answer.headers.first(name: "content-length"), let length = Int(lengthText), length <= 1 << 20 {
            do {
                let whole = try await answer.body.collect(upTo: length)
                return Response(status: status, headers: responseHeaders, body: ResponseBody(byteBuffer: whole))
            } catch {
                return Self.answer(AWSErrorResponse.make(code: "ServiceUnavailable", message: "Interlock lost the answer from \(endpoint): \(error)",
                                                         status: 503, shape: shape, requestID: requestID))
            }
        }
        if let length = answer.headers.first(name: "content-length") { responseHeaders[.contentLength] = length }
        return Response(status: status, headers: responseHeaders, body: ResponseBody(asyncSequence: answer.body))
    }

    /// Refusals before a request is an action are audit events too: someone signed with a key
    /// that does not exist, a wrong secret, or a stale date. Anyone who can reach the port can
    /// cause them, so past a burst they are counted into one summary entry per principal and
    /// minute (`RefusalThrottle`) rather than each costing an entry and a disk flush.
    func recordRefusal(_ request: IncomingAWSRequest, reason: String, agent: String? = nil) async {
        let principal = agent.map { "agent:\($0)" } ?? "unauthenticated"
        let subject = Redactor.redact("\(request.method) \(request.path)"), detail = Redactor.redact(reason)
        let now = AuditLog.nowMicros()
        let (recordThis, closed) = refusals.withLock { $0.admit(principal: principal, reason: detail.text, now: now) }
        var entries = closed.map { [Self.summaryEntry($0)] } ?? []
        if recordThis {
            let redactions = subject.kinds.map { AuditEntry.Redaction(field: "subject", kind: $0.rawValue) }
                + detail.kinds.map { AuditEntry.Redaction(field: "detail", kind: $0.rawValue) }
            entries.append(AuditEntry(timeMicros: now, kind: .requestRefused, principal: principal, channel: Channel.awsAPI.rawValue,
                                      redactions: redactions, subject: subject.text, detail: detail.text))
        }
        if !entries.isEmpty { _ = try? await gateway.log.append(entries) }
    }

    let refusals: Mutex<RefusalThrottle>

    /// Headers of the upstream's answer that describe the hop, not the answer: not passed on.
    static let hopByHopHeaders = ["connection", "keep-alive", "transfer-encoding", "content-length"]

    /// Records the summaries of windows that closed with no refusal after them to carry them
    /// (all of them, closed or not, when the proxy stops).
    func recordClosedRefusalWindows(stopping: Bool = false) async {
        let due = refusals.withLock { $0.closeWindows(now: stopping ? .max : AuditLog.nowMicros()) }
        if !due.isEmpty { _ = try? await gateway.log.append(due.map(Self.summaryEntry)) }
    }

    static func summaryEntry(_ summary: RefusalThrottle.Summary) -> AuditEntry {
        AuditEntry(timeMicros: AuditLog.nowMicros(), kind: .requestRefused, principal: summary.principal, channel: Channel.awsAPI.rawValue,
                   subject: "\(summary.count) more refused requests",
                   detail: "\(summary.count) further requests were refused between \(AuditEntry.timestamp(micros: summary.fromMicros)) and "
                       + "\(AuditEntry.timestamp(micros: summary.toMicros)), past the number recorded one by one; the last: \(summary.lastReason)")
    }

    static func answer(_ error: AWSErrorResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in error.headers { if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) } }
        return Response(status: HTTPResponse.Status(code: error.status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: error.body)))
    }
}

/// Per connection: TCP_NODELAY, stated rather than left to inheritance from the listening socket
/// (small answers must not wait for Nagle's algorithm: about 40 ms a call), and `Expect:
/// 100-continue` answered at once, so that clients send the body without waiting.
final class AWSConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func handlerAdded(context: ChannelHandlerContext) {
        try? context.channel.syncOptions?.setOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(var head) = unwrapInboundIn(data), head.headerFields[.expect]?.lowercased() == "100-continue" {
            head.headerFields[.expect] = nil
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            context.fireChannelRead(wrapInboundOut(.head(head)))
            return
        }
        context.fireChannelRead(data)
    }
}
