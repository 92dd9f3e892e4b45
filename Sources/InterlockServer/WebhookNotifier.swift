import AsyncHTTPClient
import Crypto
import Foundation
import InterlockApprovals
import InterlockAudit
import InterlockCore
import InterlockGateway
import InterlockStore
import NIOCore
import NIOHTTP1
import Prometheus

/// Tells humans about new approval requests and their outcomes: a Slack-compatible JSON payload
/// (`text` with a link, plus an `interlock` object for programs), POSTed to one URL.
///
/// Never blocks a decision: events go into a bounded buffer and one task delivers them, retrying
/// with exponential backoff. The body is signed, so a receiver can check it came from this
/// gateway: `X-Interlock-Signature: sha256=HEX(HMAC-SHA256(secret, TIMESTAMP + "." + BODY))` with
/// `X-Interlock-Timestamp: TIMESTAMP` (Unix seconds); receivers should refuse old timestamps.
public final class WebhookNotifier: Sendable {
    public struct Configuration: Sendable {
        public var url: String
        public var secret: [UInt8]
        public var attempts = 6
        public var firstRetryDelay: Duration = .seconds(1)
        public var timeout: Duration = .seconds(5)
        public var bufferSize = 1000

        public init(url: String, secret: [UInt8]) {
            self.url = url
            self.secret = secret
        }
    }

    private let configuration: Configuration
    private let publicURL: String?
    private let metrics: GatewayMetrics
    private let stream: AsyncStream<JSONValue>
    private let continuation: AsyncStream<JSONValue>.Continuation

    public init(configuration: Configuration, publicURL: String?, metrics: GatewayMetrics) {
        self.configuration = configuration
        self.publicURL = publicURL
        self.metrics = metrics
        (stream, continuation) = AsyncStream.makeStream(of: JSONValue.self, bufferingPolicy: .bufferingOldest(configuration.bufferSize))
    }

    /// Queues an event; returns at once. A full buffer drops the event and counts it.
    public func notify(_ event: GatewayEvent) {
        if case .dropped = continuation.yield(payload(event)) { metrics.webhookDropped.increment() }
    }

    func run() async {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        for await payload in stream {
            if Task.isCancelled { break }
            await deliver(payload, client: client)
        }
        try? await client.shutdown()
    }

    private func deliver(_ payload: JSONValue, client: HTTPClient) async {
        let body = payload.jsonText()
        var delay = configuration.firstRetryDelay
        for attempt in 1...configuration.attempts {
            let timestamp = String(Int(Date().timeIntervalSince1970))
            var request = HTTPClientRequest(url: configuration.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "interlock-webhook")
            request.headers.add(name: "X-Interlock-Timestamp", value: timestamp)
            request.headers.add(name: "X-Interlock-Signature", value: "sha256=" + Self.signature(secret: configuration.secret, timestamp: timestamp, body: body))
            request.body = .bytes(ByteBuffer(string: body))
            do {
                let response = try await client.execute(request, timeout: .nanoseconds(Int64(configuration.timeout.components.seconds) * 1_000_000_000))
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(Int(response.status.code)) {
                    metrics.webhookDelivered.increment()
                    return
                }
            } catch {
                // Retried below.
            }
            if attempt == configuration.attempts { break }
            do { try await Task.sleep(for: delay) } catch { return }
            delay *= 2
        }
        metrics.webhookFailed.increment()
        FileHandle.standardError.write(Data("interlock: a webhook notification could not be delivered after \(configuration.attempts) attempts\n".utf8))
    }

    public static func signature(secret: [UInt8], timestamp: String, body: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array((timestamp + "." + body).utf8), using: SymmetricKey(data: secret))
        return Hex.encode(Array(mac))
    }

    func payload(_ event: GatewayEvent) -> JSONValue {
        let now = AuditLog.nowMicros()
        func link(_ request: ApprovalRequest) -> String {
            (publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "") + "/console/requests/" + request.id
        }
        func summary(_ request: ApprovalRequest) -> String {
            let what = request.context?["action"]?["input"].map(GatewayJSON.describeInput) ?? "an action"
            return "\(request.requester) in \(request.environment): \(what)"
        }
        let text: String
        var detail: [String: JSONValue]
        switch event {
        case .requestFiled(let request):
            text = "Approval needed: \(summary(request)) — \(request.requirement.summary). <\(link(request))|Review \(request.id)>"
            detail = ["event": .string("approval.requested"), "request": GatewayJSON.approval(request, now: now), "url": .string(link(request))]
        case .requestVoted(let request, let by, let approved):
            let state = request.state(at: now).rawValue
            text = "\(request.id) \(approved ? "approved" : "rejected") by \(by) (now \(state)): \(summary(request)). <\(link(request))|Open>"
            detail = ["event": .string(approved ? "approval.approved" : "approval.rejected"), "by": .string(by),
                      "request": GatewayJSON.approval(request, now: now), "url": .string(link(request))]
        case .requestExpired(let request):
            text = "\(request.id) expired without enough approvals and is rejected: \(summary(request)). <\(link(request))|Open>"
            detail = ["event": .string("approval.expired"), "request": GatewayJSON.approval(request, now: now), "url": .string(link(request))]
        case .killSwitch(let scope, let by, let engaged):
            text = "Kill switch for \(scope) \(engaged ? "engaged" : "released") by \(by)."
            detail = ["event": .string(engaged ? "kill.engaged" : "kill.released"), "by": .string(by), "scope": GatewayJSON.scope(scope)]
        }
        detail["at"] = .string(AuditEntry.timestamp(micros: now))
        return .object(["text": .string(text), "interlock": .object(detail)])
    }
}
