import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import InterlockAudit
import InterlockCore
import InterlockStore
import Synchronization
import Testing

/// The gateway as a deployment sees it: the real binary on a random loopback port, a real SQLite
/// file, tokens minted by the CLI, HTTP from a separate client.
@Suite("interlock serve (real binary, loopback HTTP, real SQLite file)")
struct GatewayServerTests {
    struct Principals {
        var agent: String
        var launcher: String
        var alice: String
        var bob: String
        var juniorCarl: String
        var admin: String
    }

    func principals(home: String) throws -> Principals {
        Principals(
            agent: try GatewayProcess.token(home: home, ["--agent", "deploy-bot", "--launched-by", "lena"]),
            launcher: try GatewayProcess.token(home: home, ["--human", "lena", "--role", "senior"]),
            alice: try GatewayProcess.token(home: home, ["--human", "alice", "--role", "senior"]),
            bob: try GatewayProcess.token(home: home, ["--human", "bob", "--role", "senior"]),
            juniorCarl: try GatewayProcess.token(home: home, ["--human", "carl", "--role", "approver"]),
            admin: try GatewayProcess.token(home: home, ["--human", "ada", "--role", "admin"]))
    }

    @Test("four eyes end to end: two distinct seniors approve, the identical retry is allowed once, and only that action")
    func fourEyes() async throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let p = try principals(home: home)
        let gateway = try GatewayProcess(home: home)
        let action = shellAction("rm -rf /srv/app/tmp")

        let first = try await gateway.submit(action, token: p.agent)
        #expect(first.status == 200)
        #expect(first.json["outcome"] == .string("pending"))
        guard let id = first.json["approval"]?["id"]?.stringValue else { Issue.record("no request id: \(first.text)"); return }
        #expect(first.json["approval"]?["approvers_required"] == .int(2))
        #expect(first.json["message"]?.stringValue?.contains(id) == true)

        // An identical retry finds the same request.
        let again = try await gateway.submit(action, token: p.agent)
        #expect(again.json["approval"]?["id"] == .string(id))

        // The agent, the human who launched it, and a human without the role cannot approve.
        let byAgent = try await gateway.call("POST", "/v1/approvals/\(id)/approve", token: p.agent, body: "{}")
        #expect(byAgent.status == 403)
        let byLauncher = try await gateway.call("POST", "/v1/approvals/\(id)/approve", token: p.launcher, body: "{}")
        #expect(byLauncher.status == 403)
        #expect(byLauncher.json["error"]?["code"] == .string("not_allowed_to_vote"))
        let byJunior = try await gateway.call("POST", "/v1/approvals/\(id)/approve", token: p.juniorCarl, body: "{}")
        #expect(byJunior.status == 403)

        // Alice approves twice: it counts once, and the request still waits.
        for _ in 0..<2 {
            let vote = try await gateway.call("POST", "/v1/approvals/\(id)/approve", token: p.alice, body: #"{"comment":"looks right"}"#)
            #expect(vote.status == 200)
            #expect(vote.json["state"] == .string("pending"))
            #expect(vote.json["approvals"] == .int(1))
        }
        let stillPending = try await gateway.submit(action, token: p.agent)
        #expect(stillPending.json["outcome"] == .string("pending"))

        let second = try await gateway.call("POST", "/v1/approvals/\(id)/approve", token: p.bob, body: "{}")
        #expect(second.json["state"] == .string("approved"))

        // The approval binds to the digest: a different command is not covered.
        let wider = try await gateway.submit(shellAction("rm -rf /srv/app"), token: p.agent)
        #expect(wider.json["outcome"] == .string("pending"))
        #expect(wider.json["approval"]?["id"] != .string(id))

        let allowed = try await gateway.submit(action, token: p.agent)
        #expect(allowed.json["outcome"] == .string("allow"))
        #expect(allowed.json["code"] == .string("approved"))
        let third = try await gateway.submit(action, token: p.agent)
        #expect(third.json["outcome"] != .string("allow"))

        // The request shows who approved and its full context.
        let shown = try await gateway.call("GET", "/v1/approvals/\(id)", token: p.alice)
        #expect(shown.json["state"] == .string("consumed"))
        #expect(shown.json["votes"]?.arrayValue?.compactMap { $0["human"]?.stringValue } == ["alice", "bob"])
        #expect(shown.json["context"]?["action"]?["input"]?["command"] == .string("rm -rf /srv/app/tmp"))
        #expect(shown.json["launched_by"] == .string("lena"))
        gateway.stop()

        // Everything is in the audit log, and the log verifies.
        let verify = try InterlockBinary.run(["audit", "verify", "--home", home])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }

    @Test("an agent token gets 403 on every human endpoint; no token gets 401; only admins mint tokens")
    func agentsAreNotHumans() async throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let p = try principals(home: home)
        let gateway = try GatewayProcess(home: home)
        let filed = try await gateway.submit(shellAction("rm -rf /srv/app/cache"), token: p.agent)
        let id = filed.json["approval"]?["id"]?.stringValue ?? "apr_missing"
        let humanEndpoints: [(String, String, String?)] = [
            ("POST", "/v1/approvals/\(id)/approve", "{}"),
            ("POST", "/v1/approvals/\(id)/reject", #"{"comment":"no"}"#),
            ("POST", "/v1/kill", "{}"),
            ("POST", "/v1/resume", "{}"),
            ("GET", "/v1/grants", nil),
            ("POST", "/v1/grants", #"{"agent":"deploy-bot","environment":"production","operations":["shell:rm"],"targets":["**"],"for":"1h"}"#),
            ("DELETE", "/v1/grants/grt_x", nil),
            ("GET", "/v1/tokens", nil),
            ("POST", "/v1/tokens", #"{"agent":"other"}"#),
            ("DELETE", "/v1/tokens/tok_x", nil),
            ("GET", "/v1/policy", nil),
            ("POST", "/v1/policy/reload", nil),
        ]
        for (method, path, body) in humanEndpoints {
            let answer = try await gateway.call(method, path, token: p.agent, body: body)
            #expect(answer.status == 403, "\(method) \(path) gave \(answer.status) to an agent: \(answer.text)")
            let anonymous = try await gateway.call(method, path, token: nil, body: body)
            #expect(anonymous.status == 401, "\(method) \(path) gave \(anonymous.status) without a token")
        }
        // Nor may it ask to do the same another way: the CLI beside the store, the API with a token
        // its operator exported, the gateway's own store. Refused in development too.
        for command in [
            "interlock approvals approve \(id)", "interlock resume --all",
            "curl -X POST -H \"Authorization: Bearer $INTERLOCK_TOKEN\" http://gate:8080/v1/approvals/\(id)/approve",
            "rm -rf \(home)",
        ] {
            let asked = try await gateway.submit(shellAction(command, environment: "development"), token: p.agent)
            #expect(asked.json["outcome"] == .string("deny"), "\(command): \(asked.text)")
            #expect(asked.json["decided_by"] == .string("rule:interlock-control"), "\(command): \(asked.text)")
        }
        let forged = try await gateway.call("GET", "/v1/approvals", token: "il_not-a-token")
        #expect(forged.status == 401)
        // Nothing the agent tried changed anything.
        let shown = try await gateway.call("GET", "/v1/approvals/\(id)", token: p.alice)
        #expect(shown.json["state"] == .string("pending"))
        let kill = try await gateway.call("GET", "/v1/kill", token: p.alice)
        #expect(kill.json["engaged"] == .array([]))
        // A human without the admin role cannot mint tokens either; an admin can.
        let byAlice = try await gateway.call("POST", "/v1/tokens", token: p.alice, body: #"{"agent":"other"}"#)
        #expect(byAlice.status == 403)
        let byAdmin = try await gateway.call("POST", "/v1/tokens", token: p.admin, body: #"{"agent":"other"}"#)
        #expect(byAdmin.status == 201)
        #expect(byAdmin.json["secret"]?.stringValue?.hasPrefix("il_") == true)
        // An agent cannot submit under another agent's name, and a human does not submit actions.
        let spoof = try await gateway.submit(#"{"principal":{"agent":"other"},"input":{"kind":"shell","command":"ls"}}"#, token: p.agent)
        #expect(spoof.status == 403)
        let humanSubmits = try await gateway.submit(shellAction("ls"), token: p.alice)
        #expect(humanSubmits.status == 403)
        // Bad input is a 400 with a stable code.
        let bad = try await gateway.submit(#"{"input":{"kind":"teleport"}}"#, token: p.agent)
        #expect(bad.status == 400)
        #expect(bad.json["error"]?["code"] == .string("invalid_action"))
    }

    @Test("silence rejects: an unanswered request expires, cannot be approved late, and the expiry is recorded")
    func timeoutRejects() async throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let policy = try dir.write("policy.yaml", """
            version: 1
            extends: builtin
            rules:
              - id: quick-review
                match: {operations: ["shell:rm"], environments: [production]}
                decision: gated
                approval: {approvers: 1, roles: [senior], timeout: 2s}
            """)
        let p = try principals(home: home)
        let gateway = try GatewayProcess(home: home, arguments: ["--policy", policy])
        let filed = try await gateway.submit(shellAction("rm -rf /srv/app/old"), token: p.agent)
        guard let id = filed.json["approval"]?["id"]?.stringValue else { Issue.record("not filed: \(filed.text)"); return }
        // A long poll returns when the request leaves pending: here, by expiring.
        let waited = try await gateway.call("GET", "/v1/approvals/\(id)?wait=10s", token: p.agent)
        #expect(waited.json["state"] == .string("expired"))
        let late = try await gateway.call("POST", "/v1/approvals/\(id)/approve", token: p.alice, body: "{}")
        #expect(late.status == 409)
        let retry = try await gateway.submit(shellAction("rm -rf /srv/app/old"), token: p.agent)
        #expect(retry.json["outcome"] == .string("pending"))
        #expect(retry.json["approval"]?["id"] != .string(id))
        try await Task.sleep(for: .seconds(2))
        gateway.stop()
        let log = try AuditLog(home: InterlockHome(directory: URL(fileURLWithPath: home)))
        let kinds = try log.entries(from: 0, limit: 1000).compactMap { $0.entry }.filter { $0.subject == id }.map(\.kind)
        #expect(kinds.contains(.approvalExpired))
    }

    @Test("eight concurrent identical retries of an approved action: exactly one is allowed")
    func concurrentConsumption() async throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let p = try principals(home: home)
        let gateway = try GatewayProcess(home: home)
        let action = shellAction("rm -rf /srv/app/sessions")
        let filed = try await gateway.submit(action, token: p.agent)
        let id = filed.json["approval"]?["id"]?.stringValue ?? ""
        _ = try await gateway.call("POST", "/v1/approvals/\(id)/approve", token: p.alice, body: "{}")
        _ = try await gateway.call("POST", "/v1/approvals/\(id)/approve", token: p.bob, body: "{}")
        let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await gateway.submit(action, token: p.agent).json["outcome"]?.stringValue ?? "?" } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == "allow" }.count == 1, "\(outcomes)")
    }

    @Test("the kill switch refuses everything in scope, blocks approvals, and survives a restart")
    func killSwitchAcrossRestart() async throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let p = try principals(home: home)
        var gateway = try GatewayProcess(home: home)
        let read = shellAction("ls /srv")
        #expect(try await gateway.submit(read, token: p.agent).json["outcome"] == .string("allow"))
        let filed = try await gateway.submit(shellAction("rm -rf /srv/app/logs"), token: p.agent)
        let id = filed.json["approval"]?["id"]?.stringValue ?? ""

        let engaged = try await gateway.call("POST", "/v1/kill", token: p.alice, body: #"{"agent":"deploy-bot","reason":"incident 42"}"#)
        #expect(engaged.status == 200)
        let refused = try await gateway.submit(read, token: p.agent)
        #expect(refused.json["outcome"] == .string("deny"))
        #expect(refused.json["code"] == .string("kill_switch"))
        #expect(refused.json["message"]?.stringValue?.contains("human:alice") == true)
        let approval = try await gateway.call("POST", "/v1/approvals/\(id)/approve", token: p.bob, body: "{}")
        #expect(approval.status == 409)
        #expect(approval.json["error"]?["code"] == .string("kill_switch_engaged"))

        gateway.stop()
        gateway = try GatewayProcess(home: home)
        #expect(try await gateway.submit(read, token: p.agent).json["code"] == .string("kill_switch"))

        // Through the CLI, against the running gateway, as an on-call human would.
        let resume = try InterlockBinary.run(["resume", "--agent", "deploy-bot"], environment: ["INTERLOCK_SERVER": gateway.url, "INTERLOCK_TOKEN": p.alice])
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(try await gateway.submit(read, token: p.agent).json["outcome"] == .string("allow"))
        let byAgent = try InterlockBinary.run(["kill"], environment: ["INTERLOCK_SERVER": gateway.url, "INTERLOCK_TOKEN": p.agent])
        #expect(byAgent.status == 3)
        #expect(byAgent.stderr.contains("agent_forbidden"))
    }

    /// The store failing under a decision (here: another process holds SQLite's write lock past
    /// the busy timeout) must read to the agent as "no", with nothing of the insides, and
    /// leave no allow unrecorded; once the store is back, decisions are allowed and recorded again.
    @Test("a store that cannot commit: the agent hears deny with a generic 500, nothing is allowed unrecorded, and the gateway recovers")
    func storeFailureDenies() async throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let p = try principals(home: home)
        let gateway = try GatewayProcess(home: home)
        #expect(try await gateway.submit(shellAction("ls /srv/before"), token: p.agent).json["outcome"] == .string("allow"))

        // A transaction left open across accesses is what holding the lock takes.
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let blocker = try DatabaseQueue(path: InterlockHome(directory: URL(fileURLWithPath: home)).databasePath, configuration: configuration)
        try await blocker.writeWithoutTransaction { try $0.execute(sql: "BEGIN EXCLUSIVE") }
        let refused = try await gateway.submit(shellAction("ls /srv/during"), token: p.agent)
        try await blocker.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        #expect(refused.status == 500)
        #expect(refused.json["outcome"] == .string("deny"))
        #expect(refused.json["code"] == .string("internal_error"))
        #expect(refused.json["error"]?["message"] == .string("internal error"))
        #expect(!refused.text.lowercased().contains("sqlite") && !refused.text.contains(home))

        #expect(try await gateway.submit(shellAction("ls /srv/after"), token: p.agent).json["outcome"] == .string("allow"))
        gateway.stop()
        // Every allow has its record; the refused action was allowed nowhere.
        let log = try AuditLog(home: InterlockHome(directory: URL(fileURLWithPath: home)))
        let decisions = try log.entries(from: 0, limit: 100).compactMap(\.entry).filter { $0.kind == .decision }
        let allowed = decisions.filter { $0.outcome == "allow" }.map { $0.action ?? "" }
        #expect(allowed.contains { $0.contains("/srv/before") } && allowed.contains { $0.contains("/srv/after") })
        #expect(!allowed.contains { $0.contains("/srv/during") })
        let verify = try InterlockBinary.run(["audit", "verify", "--home", home])
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test("100 concurrent clients submit 10,000 actions: every one answered and recorded exactly once")
    func concurrentLoad() async throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let p = try principals(home: home)
        let gateway = try GatewayProcess(home: home)
        let clients = 100
        let perClient = 100
        let answers = try await withThrowingTaskGroup(of: [String].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var digests: [String] = []
                    for n in 0..<perClient {
                        let answer = try await gateway.submit(shellAction("ls /srv/client-\(client)/item-\(n)"), token: p.agent)
                        if answer.status == 200, answer.json["outcome"] == .string("allow"), let d = answer.json["digest"]?.stringValue {
                            digests.append(d)
                        }
                    }
                    return digests
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(answers.count == clients * perClient)
        #expect(Set(answers).count == clients * perClient)
        gateway.stop()
        let log = try AuditLog(home: InterlockHome(directory: URL(fileURLWithPath: home)))
        let decisions = try log.entries(from: 0, limit: 20_000).compactMap(\.entry).filter { $0.kind == .decision }
        let recorded = decisions.compactMap { $0.actionDigest.map { "sha256:" + Hex.encode($0) } }
        #expect(recorded.count == clients * perClient)
        #expect(Set(recorded) == Set(answers))
    }

    @Test("webhooks: a signed Slack-compatible notification for a new request, retried after a failure")
    func webhooks() async throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let secret = "s3cret-for-hmac"
        let secretFile = try dir.write("webhook.secret", secret)
        let received = Mutex<[(timestamp: String, signature: String, body: String)]>([])
        let attempts = Mutex(0)
        let router = Router()
        router.post("/hook") { request, context -> HTTPResponse.Status in
            let attempt = attempts.withLock { $0 += 1; return $0 }
            // The receiver is down for the first delivery.
            if attempt == 1 { return .internalServerError }
            let body = try await request.body.collect(upTo: 1 << 20)
            received.withLock {
                $0.append((request.headers[HTTPField.Name("X-Interlock-Timestamp")!] ?? "", request.headers[HTTPField.Name("X-Interlock-Signature")!] ?? "",
                           String(buffer: body)))
            }
            return .ok
        }
        let port = Mutex(0)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port ?? 0 } })
        let receiver = Task { try await app.run() }
        defer { receiver.cancel() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(20)) }

        let p = try principals(home: home)
        let gateway = try GatewayProcess(home: home, arguments: [
            "--webhook-url", "http://127.0.0.1:\(port.withLock { $0 })/hook", "--webhook-secret-file", secretFile,
            "--public-url", "https://interlock.example.test",
        ])
        let filed = try await gateway.submit(shellAction("rm -rf /srv/app/uploads"), token: p.agent)
        let id = filed.json["approval"]?["id"]?.stringValue ?? ""
        let deadline = ContinuousClock.now + .seconds(20)
        while received.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        guard let delivery = received.withLock({ $0.first }) else { Issue.record("no webhook delivered"); return }
        #expect(attempts.withLock { $0 } >= 2)
        let payload = try JSONValue.parse(delivery.body)
        #expect(payload["text"]?.stringValue?.contains("https://interlock.example.test/console/requests/\(id)") == true)
        #expect(payload["interlock"]?["event"] == .string("approval.requested"))
        #expect(payload["interlock"]?["request"]?["id"] == .string(id))
        // The signature is HMAC-SHA256 over "timestamp.body" with the shared secret.
        let expected = "sha256=" + HMACCheck.hex(secret: secret, message: delivery.timestamp + "." + delivery.body)
        #expect(delivery.signature == expected)
    }
}

import Crypto

enum HMACCheck {
    static func hex(secret: String, message: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return Hex.encode(Array(mac))
    }
}
