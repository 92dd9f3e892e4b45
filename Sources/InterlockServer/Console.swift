import Foundation
import HTTPTypes
import Hummingbird
import InterlockApprovals
import InterlockAudit
import InterlockConsole
import InterlockCore
import InterlockGateway
import InterlockPolicy
import InterlockStore
import NIOCore
import Synchronization

/// The approver console: server-rendered pages under `/console` on the gateway's own server and
/// store. Humans sign in with their token; the session lives in this process's memory only and
/// re-checks the token on every request (a revoked token ends its sessions within a second).
final class Console: Sendable {
    struct Session: Sendable {
        var secret: String
        var csrf: String
        var expiresAt: ContinuousClock.Instant
    }

    struct Viewer: Sendable {
        var sessionID: String
        var name: String
        var roles: Set<String>
        var csrf: String
    }

    let gateway: Gateway
    let authenticator: Authenticator
    let renderer: ConsoleRenderer
    let secureCookies: Bool
    let sessions = Mutex<[String: Session]>([:])
    static let sessionLifetime: Duration = .seconds(12 * 3600)

    init(gateway: Gateway, authenticator: Authenticator, secureCookies: Bool) throws {
        self.gateway = gateway
        self.authenticator = authenticator
        self.renderer = try ConsoleRenderer()
        self.secureCookies = secureCookies
    }

    func addRoutes(to router: Router<GatewayContext>) {
        router.get("/console") { _, _ in Self.redirect("/console/queue") }
        router.get("/console/static/:name") { _, context in
            guard let name = context.parameters.get("name"), let asset = ConsoleAssets.asset(named: name) else {
                return Self.plain(.notFound, "not found")
            }
            var headers = Self.securityHeaders()
            headers[.contentType] = asset.contentType
            headers[.cacheControl] = "public, max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: asset.body)))
        }
        // Links in notifications name the request; they open its card.
        router.get("/approvals/:id") { _, context in Self.redirect("/console/requests/" + (context.parameters.get("id") ?? "")) }
        router.get("/console/sign-in") { request, _ in
            self.page("sign-in", ["next": request.uri.queryParameters["next"].map(String.init) ?? ""], title: "Sign in", viewer: nil)
        }
        router.post("/console/sign-in") { request, _ in try await self.signIn(request) }
        router.post("/console/sign-out") { request, _ in
            try await self.withForm(request) { viewer, _ in
                _ = self.sessions.withLock { $0.removeValue(forKey: viewer.sessionID) }
                var response = Self.redirect("/console/sign-in")
                response.headers[.setCookie] = ConsoleSecurity.clearedSessionCookie(secure: self.secure(request))
                return response
            }
        }
        router.get("/console/queue") { request, _ in try self.withViewer(request) { try self.queuePage(request, $0) } }
        router.get("/console/queue/rows") { request, _ in
            try self.withViewer(request) { _ in
                var headers = Self.securityHeaders()
                headers[.contentType] = "text/html; charset=utf-8"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: try self.queueRows(request))))
            }
        }
        router.get("/console/requests/:id") { request, context in
            try self.withViewer(request) { try self.cardPage(id: context.parameters.get("id") ?? "", $0, notice: nil) }
        }
        router.post("/console/requests/:id/approve") { request, context in
            try await self.vote(request, id: context.parameters.get("id") ?? "", approve: true)
        }
        router.post("/console/requests/:id/reject") { request, context in
            try await self.vote(request, id: context.parameters.get("id") ?? "", approve: false)
        }
        router.get("/console/history") { request, _ in try self.withViewer(request) { try self.historyPage($0) } }
        router.get("/console/audit") { request, _ in try self.withViewer(request) { try self.auditPage($0, verification: nil) } }
        router.post("/console/audit/verify") { request, _ in
            try await self.withForm(request) { viewer, _ in
                let report = try self.gateway.log.verify()
                let text = report.isValid
                    ? "Verified: \(report.size) entries, root \(report.root.hex.prefix(16))…, \(report.checkpointsChecked) signed checkpoints checked."
                    : "Verification FAILED: \(report.problem!.description)"
                return try self.auditPage(viewer, verification: ["kind": report.isValid ? "ok" : "error", "text": text])
            }
        }
        router.get("/console/kill") { request, _ in try self.withViewer(request) { try self.killPage($0, notice: nil) } }
        router.post("/console/kill") { request, _ in try await self.kill(request, engage: true) }
        router.post("/console/resume") { request, _ in try await self.kill(request, engage: false) }
        router.get("/console/grants") { request, _ in try self.withViewer(request) { try self.grantsPage($0, notice: nil) } }
        router.post("/console/grants") { request, _ in try await self.createGrant(request) }
        router.post("/console/grants/:id/revoke") { request, context in
            try await self.withForm(request) { viewer, _ in
                let id = context.parameters.get("id") ?? ""
                do { try self.gateway.revokeGrant(id: id, by: "human:" + viewer.name) } catch {
                    return try self.grantsPage(viewer, notice: ["kind": "error", "text": "\(error)"], status: .notFound)
                }
                return try self.grantsPage(viewer, notice: ["kind": "ok", "text": "Grant \(id) revoked."])
            }
        }
        router.get("/console/agents") { request, _ in try self.withViewer(request) { try self.agentsPage($0) } }
    }

    // MARK: Sessions, sign-in, CSRF

    func signIn(_ request: Request) async throws -> Response {
        guard sameOrigin(request) else { return message(.forbidden, "Refused", "The sign-in form must be sent from this console.", viewer: nil) }
        let form = try await Self.form(request)
        let presented = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let token = try authenticator.authenticate(presented) else {
            return page("sign-in", ["next": form["next"] ?? ""], title: "Sign in", viewer: nil,
                        notice: ["kind": "error", "text": "That token is unknown or revoked."], status: .unauthorized)
        }
        guard case .human = token.principal else {
            return page("sign-in", ["next": form["next"] ?? ""], title: "Sign in", viewer: nil,
                        notice: ["kind": "error", "text": "Agent tokens cannot sign in: only humans review requests."], status: .forbidden)
        }
        let id = Self.randomToken(), csrf = Self.randomToken()
        sessions.withLock { sessions in
            let now = ContinuousClock.now
            sessions = sessions.filter { $0.value.expiresAt > now }
            sessions[id] = Session(secret: presented, csrf: csrf, expiresAt: now + Self.sessionLifetime)
        }
        let next = form["next"].flatMap { $0.hasPrefix("/console/") && !$0.hasPrefix("//") ? $0 : nil } ?? "/console/queue"
        var response = Self.redirect(next)
        response.headers[.setCookie] = ConsoleSecurity.sessionCookie(id, secure: secure(request), maxAgeSeconds: 12 * 3600)
        return response
    }

    /// Behind TLS (the public URL says https, or a TLS-terminating proxy says so) the cookie is
    /// `Secure`.
    func secure(_ request: Request) -> Bool {
        secureCookies || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    func viewer(_ request: Request) throws -> Viewer? {
        guard let id = ConsoleSecurity.sessionID(cookieHeader: request.headers[.cookie]),
              let session = sessions.withLock({ $0[id] }), session.expiresAt > ContinuousClock.now,
              let token = try authenticator.authenticate(session.secret), case .human(let name, let roles) = token.principal else { return nil }
        return Viewer(sessionID: id, name: name, roles: roles, csrf: session.csrf)
    }

    func withViewer(_ request: Request, _ body: (Viewer) throws -> Response) throws -> Response {
        guard let viewer = try viewer(request) else {
            return Self.redirect("/console/sign-in?next=" + (request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
        return try body(viewer)
    }

    /// A state change: signed in, from this origin, with the session's CSRF token in the form.
    func withForm(_ request: Request, _ body: (Viewer, [String: String]) throws -> Response) async throws -> Response {
        let form = try await Self.form(request)
        guard let viewer = try viewer(request) else {
            return message(.unauthorized, "Signed out", "Your session has ended; sign in again.", viewer: nil)
        }
        guard sameOrigin(request), let presented = form["csrf"], ConsoleSecurity.constantTimeEqual(presented, viewer.csrf) else {
            return message(.forbidden, "Refused", "This form did not come from your console session (CSRF check failed). Reload the page and try again.",
                           viewer: viewer)
        }
        return try body(viewer, form)
    }

    /// When the browser says where a request came from, it must be this console.
    func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin], origin != "null" else { return true }
        guard let host = request.head.authority else { return false }
        return origin == "http://" + host || origin == "https://" + host
    }

    // MARK: Queue

    static func summary(_ request: ApprovalRequest) -> String {
        request.context?["action"]?["input"].map(GatewayJSON.describeInput) ?? "an action"
    }

    static func timeLeft(_ seconds: Int64) -> String {
        if seconds <= 0 { return "expired" }
        let minutes = seconds / 60
        return minutes >= 60 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes) min \(String(format: "%02d", seconds % 60)) s"
    }

    static let effectRank = ["destructive": 0, "unknown": 1, "write": 2, "read": 3]

    func pending(_ request: Request) throws -> [ApprovalRequest] {
        let query = request.uri.queryParameters
        let now = AuditLog.nowMicros()
        let environment = query["environment"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let agent = query["agent"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let effect = query["effect"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        return try gateway.approvals.list(state: .pending, environment: environment, agent: agent, now: now)
            .filter { effect == nil || $0.context?["facts"]?["effect"]?.stringValue == effect }
            .sorted { a, b in
                // Most urgent first: the least time left, then production, then the worst effect,
                // then the widest blast radius.
                if a.expiresAtMicros != b.expiresAtMicros { return a.expiresAtMicros < b.expiresAtMicros }
                if (a.environment == "production") != (b.environment == "production") { return a.environment == "production" }
                let ea = Self.effectRank[a.context?["facts"]?["effect"]?.stringValue ?? "unknown"] ?? 1
                let eb = Self.effectRank[b.context?["facts"]?["effect"]?.stringValue ?? "unknown"] ?? 1
                if ea != eb { return ea < eb }
                return (a.context?["facts"]?["blast_radius"]?.intValue ?? Int64.max) > (b.context?["facts"]?["blast_radius"]?.intValue ?? Int64.max)
            }
    }

    func queueRows(_ request: Request) throws -> String {
        let now = AuditLog.nowMicros()
        let rows: [[String: Any]] = try pending(request).map { r in
            let left = (r.expiresAtMicros - now) / 1_000_000
            let facts = r.context?["facts"]
            return [
                "id": r.id, "environment": r.environment, "effect": facts?["effect"]?.stringValue ?? "unknown",
                "summary": Self.summary(r), "agent": r.requester, "rule": r.rule,
                "blastRadius": facts?["blast_radius"].map { $0.intValue.map(String.init) ?? $0.stringValue ?? "unknown" } ?? "unknown",
                "approvals": r.approvals.count, "required": r.requirement.approvers,
                "timeLeft": Self.timeLeft(left), "expiresAt": r.expiresAtMicros / 1_000_000,
                "urgency": left < 300 ? "high" : left < 900 ? "medium" : "low",
            ]
        }
        return renderer.fragment("queue-rows", ["requests": rows])
    }

    func queuePage(_ request: Request, _ viewer: Viewer) throws -> Response {
        let query = request.uri.queryParameters
        let environment = query["environment"].map(String.init) ?? ""
        let effect = query["effect"].map(String.init) ?? ""
        let agent = query["agent"].map(String.init) ?? ""
        let environments = gateway.policy.environments.map(\.name).sorted()
        var parts: [String] = []
        for (name, value) in [("environment", environment), ("effect", effect), ("agent", agent)] where !value.isEmpty {
            parts.append(name + "=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
        return page("queue", [
            "environments": environments.map { ["name": $0, "selected": $0 == environment] },
            "effects": ["destructive", "unknown", "write", "read"].map { ["name": $0, "selected": $0 == effect] },
            "agent": agent, "query": parts.isEmpty ? "" : "?" + parts.joined(separator: "&"), "rows": try queueRows(request),
        ], title: "Queue", viewer: viewer, nav: "queue")
    }

    // MARK: Request card

    func cardPage(id: String, _ viewer: Viewer, notice: [String: String]?, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let r = try gateway.approvals.request(id: id) else {
            return message(.notFound, "Not found", "There is no approval request \(id).", viewer: viewer)
        }
        let now = AuditLog.nowMicros()
        let state = r.state(at: now)
        let context = r.context ?? .null
        let action = context["action"] ?? .null
        let input = action["input"] ?? .null
        let facts = context["facts"] ?? .null
        let stated = action["context"] ?? .null
        let kind = input["kind"]?.stringValue ?? "unknown"
        let raw = Self.rawText(input)
        var cannot: [String] = []
        let engaged = try gateway.killSwitch.engaged()
        if let killed = KillSwitchStore.covering(engaged, agent: r.requester, environments: [r.environment]) {
            cannot.append("The kill switch for \(killed.scope) is engaged: approvals in its scope wait until a human releases it.")
        }
        if viewer.name == r.requester || viewer.name == r.launchedBy {
            cannot.append("You launched the agent that asked for this (or asked yourself): someone else must decide.")
        } else if r.approvals.contains(where: { $0.human == viewer.name }) {
            cannot.append("You approved this already; another approver must add theirs.")
        } else if !r.requirement.roles.isEmpty, viewer.roles.isDisjoint(with: r.requirement.roles) {
            cannot.append("This request needs one of the roles \(r.requirement.roles.joined(separator: ", ")); you have \(viewer.roles.isEmpty ? "none" : viewer.roles.sorted().joined(separator: ", ")).")
        }
        if state != .pending { cannot.append("The request is \(state.rawValue); it can no longer be decided.") }
        let ownRequest = viewer.name == r.requester
        let canReject = (state == .pending || state == .approved) && !ownRequest
            && KillSwitchStore.covering(engaged, agent: r.requester, environments: [r.environment]) == nil
        let alternatives = stated["alternatives"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let anomalies: [[String: String]] = (context["anomalies"]?.arrayValue ?? []).map {
            ["kind": $0["kind"]?.stringValue ?? "", "reason": $0["reason"]?.stringValue ?? ""]
        }
        let votes: [[String: Any]] = r.approvals.map {
            Self.withoutEmptyText(["human": $0.human, "roles": $0.roles.sorted().joined(separator: ", "), "at": AuditEntry.timestamp(micros: $0.atMicros), "comment": $0.comment ?? ""])
        }
        let documents: [[String: String]] = (context["documents"]?.objectValue ?? [:]).keys.sorted().map { path in
            ["path": path, "digest": context["documents"]?[path]?.stringValue ?? ""]
        }
        let planRows = Self.planRows(input)
        let left = (r.expiresAtMicros - now) / 1_000_000
        let data: [String: Any] = [
            "id": r.id, "headline": "\(r.requester) wants to run \(Self.headlineOperation(facts)) in \(r.environment)",
            "state": state.rawValue, "stateText": Self.stateText(state, r),
            "timeLeft": state == .pending ? Self.timeLeft(left) : "", "expiresAt": r.expiresAtMicros / 1_000_000,
            "warnings": (context["flags"]?.arrayValue?.compactMap(\.stringValue) ?? []).map { "This destructive request has \($0)." },
            "agent": r.requester, "launchedBy": r.launchedBy ?? "", "channel": action["channel"]?.stringValue ?? "",
            "createdAt": AuditEntry.timestamp(micros: r.createdAtMicros),
            "highlighted": Highlighter.html(raw, kind: kind == "aws" ? "aws" : kind),
            "redacted": (context["redacted"]?.arrayValue?.compactMap(\.stringValue) ?? []).joined(separator: "; "),
            "actionJSON": action.jsonText(pretty: true), "digest": r.actionDigest.description,
            "documents": documents, "hasDocuments": !documents.isEmpty,
            "why": stated["why"]?.stringValue ?? "", "impact": stated["impact"]?.stringValue ?? "",
            "rollback": stated["rollback"]?.stringValue ?? "",
            "alternatives": alternatives, "hasAlternatives": !alternatives.isEmpty,
            "environment": r.environment, "effect": facts["effect"]?.stringValue ?? "unknown",
            "targets": facts["targets"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            "targetsComplete": facts["targets_complete"]?.boolValue ?? false,
            "blastRadius": facts["blast_radius"].map { $0.intValue.map { "\($0) resource\($0 == 1 ? "" : "s")" } ?? "unknown" } ?? "unknown",
            "cost": facts["estimated_cost_usd"]?.doubleValue.map { String(format: "$%.2f", $0) } ?? "",
            "findings": (facts["findings"]?.arrayValue ?? []).map {
                ["operation": $0["operation"]?.stringValue ?? "", "effect": $0["effect"]?.stringValue ?? "", "reason": $0["reason"]?.stringValue ?? ""]
            },
            "planRows": planRows, "hasPlan": !planRows.isEmpty,
            "rule": r.rule, "requirement": r.requirement.summary, "message": context["message"]?.stringValue ?? "",
            "reasons": context["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            "anomalies": anomalies, "hasAnomalies": !anomalies.isEmpty,
            "approvals": r.approvals.count, "required": r.requirement.approvers, "votes": votes, "hasVotes": !votes.isEmpty,
            "canVote": cannot.isEmpty, "canReject": canReject, "cannotVote": cannot, "csrf": viewer.csrf,
        ]
        var shown = Self.withoutEmptyText(data)
        if let rejection = r.rejection {
            shown["rejection"] = Self.withoutEmptyText(["human": rejection.human, "at": AuditEntry.timestamp(micros: rejection.atMicros),
                                                        "comment": rejection.comment ?? ""])
        }
        return page("card", shown, title: r.id, viewer: viewer, nav: "queue", notice: notice, status: status)
    }

    /// Mustache shows a section for any string, even an empty one; absent text is left out instead.
    static func withoutEmptyText(_ data: [String: Any]) -> [String: Any] {
        data.filter { !(($0.value as? String)?.isEmpty ?? false) }
    }

    static func headlineOperation(_ facts: JSONValue) -> String {
        let operations = facts["operations"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard let first = operations.first else { return "an action" }
        return operations.count == 1 ? first : "\(first) and \(operations.count - 1) more"
    }

    static func stateText(_ state: ApprovalRequest.State, _ r: ApprovalRequest) -> String {
        switch state {
        case .pending: "Waiting for \(r.requirement.approvers - r.approvals.count) more approval\(r.requirement.approvers - r.approvals.count == 1 ? "" : "s")"
        case .approved: "Approved: the identical action may run once"
        case .consumed: "Approved and used"
        case .rejected: "Rejected"
        case .expired: "Expired: nobody answered in time, so it is rejected"
        }
    }

    /// The text a reviewer reads: the command, the SQL, the API call or the tool call.
    static func rawText(_ input: JSONValue) -> String {
        switch input["kind"]?.stringValue {
        case "shell": return input["command"]?.stringValue ?? ""
        case "sql": return input["text"]?.stringValue ?? ""
        case "aws":
            let parameters = input["parameters"]?.jsonText(pretty: true) ?? "{}"
            return "\(input["service"]?.stringValue ?? "?"):\(input["operation"]?.stringValue ?? "?") in \(input["region"]?.stringValue ?? "?")"
                + (input["account"]?.stringValue.map { " (account \($0))" } ?? "") + "\n" + parameters
        case "tool":
            return "\(input["server"]?.stringValue.map { $0 + " · " } ?? "")\(input["tool"]?.stringValue ?? "")\n" + (input["arguments"]?.jsonText(pretty: true) ?? "")
        case "file":
            return "\(input["operation"]?.stringValue ?? "write") \(input["path"]?.stringValue ?? "")\n" + (input["content"]?.stringValue ?? "")
        default:
            return input.jsonText(pretty: true)
        }
    }

    /// Deleted and replaced resources of a Terraform plan, with the attributes forcing replacement.
    static func planRows(_ input: JSONValue) -> [[String: Any]] {
        guard input["kind"]?.stringValue == "plan", let changes = input["plan"]?["resource_changes"]?.arrayValue else { return [] }
        return changes.compactMap { change in
            let actions = change["change"]?["actions"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard actions.contains("delete") else { return nil }
            let forcing = (change["change"]?["replace_paths"]?.arrayValue ?? []).map { path in
                (path.arrayValue ?? []).map { $0.stringValue ?? $0.intValue.map(String.init) ?? "?" }.joined(separator: ".")
            }
            return ["address": change["address"]?.stringValue ?? "?", "change": actions.contains("create") ? "replace" : "delete", "forcing": forcing]
        }
    }

    func vote(_ request: Request, id: String, approve: Bool) async throws -> Response {
        try await withForm(request) { viewer, form in
            guard let current = try gateway.approvals.request(id: id) else {
                return message(.notFound, "Not found", "There is no approval request \(id).", viewer: viewer)
            }
            if approve, current.approvals.contains(where: { $0.human == viewer.name }) {
                return try cardPage(id: id, viewer, notice: ["kind": "error", "text": "You approved this already; it needs another approver."], status: .conflict)
            }
            let comment = form["comment"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            let approver = Approver.human(viewer.name, roles: viewer.roles)
            do {
                let updated = approve ? try gateway.approve(id: id, by: approver, comment: comment) : try gateway.reject(id: id, by: approver, comment: comment)
                let state = updated.state(at: AuditLog.nowMicros())
                let text = approve
                    ? (state == .approved ? "Approved. The identical action may now run once." : "Your approval is recorded; \(updated.requirement.approvers - updated.approvals.count) more needed.")
                    : "Rejected. The agent's retries will be refused."
                return try cardPage(id: id, viewer, notice: ["kind": "ok", "text": text])
            } catch let refusal as ApprovalRequest.Refusal {
                return try cardPage(id: id, viewer, notice: ["kind": "error", "text": "Refused: \(refusal.description)."], status: .forbidden)
            } catch let error as GatewayError {
                return try cardPage(id: id, viewer, notice: ["kind": "error", "text": "Refused: \(error)."], status: .conflict)
            }
        }
    }

    // MARK: History, audit, kill switch, grants, agents

    func historyPage(_ viewer: Viewer) throws -> Response {
        let now = AuditLog.nowMicros()
        let decided = try gateway.approvals.list(state: nil, environment: nil, agent: nil, now: now)
            .filter { $0.state(at: now) != .pending }
            .sorted { $0.createdAtMicros > $1.createdAtMicros }
            .prefix(200)
        let rows: [[String: Any]] = decided.map { r in
            ["id": r.id, "state": r.state(at: now).rawValue, "agent": r.requester, "environment": r.environment, "summary": Self.summary(r),
             "approvers": r.approvals.map(\.human).joined(separator: ", ") + (r.rejection.map { " (rejected by \($0.human))" } ?? "")]
        }
        return page("history", ["requests": rows], title: "History", viewer: viewer, nav: "history")
    }

    func auditPage(_ viewer: Viewer, verification: [String: String]?) throws -> Response {
        let log = gateway.log
        let entries: [[String: Any]] = try log.tail(50).reversed().map { stored in
            guard let e = stored.entry else { return ["index": stored.index, "kind": "undecodable"] }
            let what = e.action.flatMap { try? JSONValue.parse($0) }?["input"].map(GatewayJSON.describeInput)
                ?? [e.subject, e.detail].compactMap { $0 }.joined(separator: " ")
            return ["index": e.index, "time": AuditEntry.timestamp(micros: e.timeMicros), "kind": e.kind.rawValue, "principal": e.principal,
                    "what": what, "outcome": e.outcome ?? ""]
        }
        let latest = try log.checkpoints().last
        var data: [String: Any] = ["size": try log.size, "entries": entries, "csrf": viewer.csrf, "note": latest?.text ?? ""]
        if let latest {
            data["checkpoint"] = ["size": latest.checkpoint.size, "root": latest.checkpoint.root.hex,
                                  "key": latest.signatures.first.map { "\($0.keyName)+\(String(format: "%08x", $0.keyID))" } ?? ""]
        }
        if let verification { data["verification"] = verification }
        return page("audit", data, title: "Audit", viewer: viewer, nav: "audit")
    }

    func killPage(_ viewer: Viewer, notice: [String: String]?, status: HTTPResponse.Status = .ok) throws -> Response {
        let engaged: [[String: Any]] = try gateway.killSwitch.engaged().map { e in
            ["scope": "\(e.scope)", "scopeValue": Self.scopeValue(e.scope), "by": e.engagedBy,
             "at": AuditEntry.timestamp(micros: e.engagedAtMicros), "reason": e.reason ?? "", "csrf": viewer.csrf].filter { !(($0.value as? String)?.isEmpty ?? false) }
        }
        let agents = Set(try gateway.approvals.list(state: nil, environment: nil, agent: nil, now: AuditLog.nowMicros()).map(\.requester)).sorted()
        return page("kill", ["engaged": engaged, "hasEngaged": !engaged.isEmpty, "csrf": viewer.csrf, "agents": agents,
                             "environments": gateway.policy.environments.map(\.name).sorted()],
                    title: "Kill switch", viewer: viewer, nav: "kill", notice: notice, status: status)
    }

    static func scopeValue(_ scope: KillSwitchStore.Scope) -> String {
        switch scope {
        case .everything: "all"
        case .agent(let a): "agent:" + a
        case .environment(let e): "environment:" + e
        }
    }

    func kill(_ request: Request, engage: Bool) async throws -> Response {
        try await withForm(request) { viewer, form in
            guard form["confirm"] == "yes" else {
                return try killPage(viewer, notice: ["kind": "error", "text": "Tick the confirmation first."], status: .badRequest)
            }
            let value = form["scope"] ?? "all"
            let scope: KillSwitchStore.Scope
            if value == "all" { scope = .everything } else if value.hasPrefix("agent:") { scope = .agent(String(value.dropFirst(6))) } else if value.hasPrefix("environment:") {
                scope = .environment(String(value.dropFirst(12)))
            } else {
                return try killPage(viewer, notice: ["kind": "error", "text": "Unknown scope \(value)."], status: .badRequest)
            }
            do {
                if engage {
                    try gateway.engageKillSwitch(scope, by: "human:" + viewer.name, reason: form["reason"])
                } else {
                    try gateway.releaseKillSwitch(scope, by: "human:" + viewer.name)
                }
            } catch {
                return try killPage(viewer, notice: ["kind": "error", "text": "\(error)"], status: .conflict)
            }
            return try killPage(viewer, notice: ["kind": "ok", "text": engage ? "Kill switch engaged for \(scope)." : "Kill switch released for \(scope)."])
        }
    }

    func grantsPage(_ viewer: Viewer, notice: [String: String]?, status: HTTPResponse.Status = .ok) throws -> Response {
        let grants: [[String: Any]] = try gateway.grants.active(at: AuditLog.nowMicros()).map { g in
            ["id": g.id, "agent": g.agent, "environment": g.environment, "operations": g.operations.joined(separator: ", "),
             "targets": g.targets.joined(separator: ", "), "tier": g.tier.rawValue, "expires": AuditEntry.timestamp(micros: g.expiresAtMicros),
             "uses": g.usesLeft.map(String.init) ?? "unlimited", "csrf": viewer.csrf]
        }
        return page("grants", ["grants": grants, "csrf": viewer.csrf], title: "Grants", viewer: viewer, nav: "grants", notice: notice, status: status)
    }

    func createGrant(_ request: Request) async throws -> Response {
        try await withForm(request) { viewer, form in
            func lines(_ key: String) -> [String] {
                (form[key] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            let now = AuditLog.nowMicros()
            guard let seconds = form["for"].flatMap(parseDurationText), seconds > 0 else {
                return try grantsPage(viewer, notice: ["kind": "error", "text": "`For` must be a duration such as 2h."], status: .badRequest)
            }
            do {
                let grant = try Grant(
                    id: randomIdentifier(prefix: "grt_"), agent: form["agent"] ?? "", environment: form["environment"] ?? "", operations: lines("operations"),
                    targets: lines("targets"), tier: Tier(rawValue: form["tier"] ?? "supervised") ?? .supervised, grantedBy: "human:" + viewer.name,
                    reason: form["reason"], createdAtMicros: now, expiresAtMicros: now + Int64(seconds) * 1_000_000,
                    usesLeft: form["uses"].flatMap { Int($0) })
                try gateway.createGrant(grant)
                return try grantsPage(viewer, notice: ["kind": "ok", "text": "Grant \(grant.id) created."])
            } catch {
                return try grantsPage(viewer, notice: ["kind": "error", "text": "\(error)"], status: .badRequest)
            }
        }
    }

    func agentsPage(_ viewer: Viewer) throws -> Response {
        var byAgent: [String: [[String: Any]]] = [:]
        var refused: [String: Int] = [:], anomalies: [String: Int] = [:]
        for stored in try gateway.log.tail(1000).reversed() {
            guard let e = stored.entry, e.kind == .decision, e.principal.hasPrefix("agent:") else { continue }
            let agent = String(e.principal.dropFirst(6))
            let flagged = e.reasons.contains { $0.contains("anomaly") }
            if e.outcome != "allow" { refused[agent, default: 0] += 1 }
            if flagged { anomalies[agent, default: 0] += 1 }
            if byAgent[agent, default: []].count < 20 {
                let what = e.action.flatMap { try? JSONValue.parse($0) }?["input"].map(GatewayJSON.describeInput) ?? e.operations.joined(separator: ", ")
                byAgent[agent, default: []].append(["time": AuditEntry.timestamp(micros: e.timeMicros), "environment": e.environment ?? "",
                                                    "what": what, "outcome": e.outcome ?? "", "flag": flagged ? "anomaly" : ""])
            }
        }
        let agents: [[String: Any]] = byAgent.keys.sorted().map { name in
            ["name": name, "count": byAgent[name]!.count, "refused": refused[name] ?? 0, "anomalies": anomalies[name] ?? 0, "recent": byAgent[name]!]
        }
        return page("agents", ["agents": agents], title: "Agents", viewer: viewer, nav: "agents")
    }

    // MARK: Rendering

    func page(_ template: String, _ data: [String: Any], title: String, viewer: Viewer?, nav: String? = nil,
              notice: [String: String]? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var chrome: [String: Any] = ["title": title]
        if let viewer {
            chrome["signedIn"] = true
            chrome["human"] = viewer.name
            chrome["csrf"] = viewer.csrf
            if let engaged = try? gateway.killSwitch.engaged() {
                chrome["killBanners"] = engaged.map { "for \($0.scope) by \($0.engagedBy)\($0.reason.map { ": " + $0 } ?? ""). Approvals in its scope wait." }
            }
        }
        if let nav { chrome["nav_" + nav] = true }
        if let notice { chrome["notice"] = notice }
        var headers = Self.securityHeaders()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: renderer.page(template, data, chrome: chrome))))
    }

    func message(_ status: HTTPResponse.Status, _ heading: String, _ text: String, viewer: Viewer?) -> Response {
        page("message", ["heading": heading, "text": text, "back": viewer == nil ? "/console/sign-in" : "/console/queue"], title: heading,
             viewer: viewer, status: status)
    }

    /// Built once: every console response starts from these.
    static let securityFields: HTTPFields = {
        var fields = HTTPFields()
        for (name, value) in ConsoleSecurity.headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return fields
    }()

    static func securityHeaders() -> HTTPFields { securityFields }

    static func redirect(_ location: String) -> Response {
        var headers = securityHeaders()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = securityHeaders()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func form(_ request: Request) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 64 << 10)
        return FormData.decode(String(buffer: body))
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}

private func parseDurationText(_ text: String) -> Int? { parseDuration(text) }
