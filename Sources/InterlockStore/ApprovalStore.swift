import Foundation
import GRDB
import InterlockApprovals
import InterlockAudit
import InterlockCore

/// Approval requests on the store. Every change happens in one `BEGIN IMMEDIATE` transaction that
/// reads the request, applies `ApprovalRequest`'s rules and writes the result, so two processes or
/// two concurrent retries can never both consume one approval. Every change is an audit event in
/// the log of the same store.
public final class ApprovalStore: Sendable {
    private let pool: DatabasePool
    private let audit: AuditLog

    public init(audit: AuditLog) {
        self.pool = audit.pool
        self.audit = audit
    }

    /// Files a request, or returns the open one for the same action and agent (an identical retry
    /// must not create a second request).
    public func file(_ request: ApprovalRequest, now: Int64) throws -> ApprovalRequest {
        switch try resolve(digest: request.actionDigest, requester: request.requester, now: now, consume: false, rememberRejection: false, { request }) {
        case .pending(let stored, _), .consumed(let stored), .rejected(let stored): return stored
        }
    }

    /// What an identical retry of a gated action finds.
    public enum Resolution: Sendable {
        /// An approved request for exactly this action was used up by this retry: allow, once.
        case consumed(ApprovalRequest)
        /// The request (new, or the one already open) waits for humans.
        case pending(ApprovalRequest, isNew: Bool)
        /// Humans rejected this exact action recently; asking again at once is refused.
        case rejected(ApprovalRequest)
    }

    /// The one place a gated action meets the queue, in one `BEGIN IMMEDIATE` transaction: an
    /// approved request for the same digest and agent is consumed (so of two concurrent retries
    /// exactly one gets it); else an open request is returned; else, unless the action was rejected
    /// within its rule's timeout, `makeRequest()` is filed.
    public func resolve(
        digest: ActionDigest, requester: String, now: Int64, consume: Bool = true, rememberRejection: Bool = true,
        _ makeRequest: () -> ApprovalRequest
    ) throws -> Resolution {
        let resolution = try pool.writeWithoutTransaction { db -> Resolution in
            var result: Resolution!
            try db.inTransaction(.immediate) {
                let recent = try Self.requests(db, sql: "SELECT * FROM approval_request WHERE digest = ? AND requester = ? ORDER BY created_at DESC LIMIT 8",
                                               arguments: [Data(digest.bytes), requester])
                if consume, var approved = recent.first(where: { $0.state(at: now) == .approved }) {
                    _ = approved.consume(digest: digest, at: now)
                    try db.execute(sql: "UPDATE approval_request SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL",
                                   arguments: [now, approved.id])
                    result = .consumed(approved)
                } else if let live = recent.first(where: { [.pending, .approved].contains($0.state(at: now)) }) {
                    result = .pending(live, isNew: false)
                } else if rememberRejection, let last = recent.first, last.state(at: now) == .rejected, let rejection = last.rejection,
                          now - rejection.atMicros < Int64(last.requirement.timeoutSeconds) * 1_000_000 {
                    result = .rejected(last)
                } else {
                    let request = makeRequest()
                    try db.execute(sql: """
                        INSERT INTO approval_request (id, digest, requester, launched_by, environment, rule, approvers, roles,
                            timeout_seconds, created_at, expires_at, consume_window, context)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [request.id, Data(request.actionDigest.bytes), request.requester, request.launchedBy,
                                         request.environment, request.rule, request.requirement.approvers,
                                         request.requirement.roles.joined(separator: ","), request.requirement.timeoutSeconds,
                                         request.createdAtMicros, request.expiresAtMicros, request.consumeWindowMicros,
                                         request.context?.jsonText()])
                    result = .pending(request, isNew: true)
                }
                return .commit
            }
            return result
        }
        switch resolution {
        case .pending(let request, true):
            try audit.appendNow([AuditEntry(timeMicros: now, kind: .approvalRequested, principal: "agent:" + request.requester,
                                            launchedBy: request.launchedBy, environment: request.environment,
                                            actionDigest: request.actionDigest.bytes, outcome: "pending", rule: request.rule,
                                            subject: request.id, detail: request.requirement.summary)])
        case .consumed(let request):
            try audit.appendNow([AuditEntry(timeMicros: now, kind: .approvalConsumed, principal: "agent:" + request.requester,
                                            environment: request.environment, actionDigest: digest.bytes, outcome: "allow",
                                            approvers: request.approverNames, subject: request.id)])
        case .pending, .rejected:
            break
        }
        return resolution
    }

    /// Where a request is pending, in SQL: no vote has decided it, nobody used it, and it has not
    /// expired. The same as `state(at:) == .pending`.
    private static let pendingCondition = "approved_at IS NULL AND rejected_at IS NULL AND consumed_at IS NULL AND expires_at > ?"

    /// How many requests wait for humans (the queue-depth metric), counted by the database.
    public func pendingCount(now: Int64) throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM approval_request WHERE " + Self.pendingCondition, arguments: [now]) ?? 0 }
    }

    /// Requests, newest first, filtered by state (as of `now`), environment and requesting agent.
    public func list(state: ApprovalRequest.State? = nil, environment: String? = nil, agent: String? = nil, now: Int64, limit: Int = 200) throws -> [ApprovalRequest] {
        var sql = "SELECT * FROM approval_request WHERE 1"
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let environment { sql += " AND environment = ?"; arguments.append(environment) }
        if let agent { sql += " AND requester = ?"; arguments.append(agent) }
        switch state {
        // Narrow in SQL where the stored columns decide; the exact state is applied below.
        case .pending?: sql += " AND " + Self.pendingCondition; arguments.append(now)
        case .consumed?: sql += " AND consumed_at IS NOT NULL"
        case .rejected?: sql += " AND rejected_at IS NOT NULL"
        default: break
        }
        sql += " ORDER BY created_at DESC, id LIMIT ?"
        arguments.append(state == nil ? limit : limit * 4)
        let found = try pool.read { db in try Self.requests(db, sql: sql, arguments: StatementArguments(arguments)) }
        return Array(found.filter { state == nil || $0.state(at: now) == state }.prefix(limit))
    }

    /// Requests nobody answered in time, or whose approval went unused past its window, that have
    /// not yet been recorded as expired: each gets an `approval.expired` entry, once. Expiry itself
    /// never waits for this (`ApprovalRequest.state(at:)` applies it on every read); this only
    /// puts it in the log and tells the notifier.
    public func recordExpiries(now: Int64) throws -> [ApprovalRequest] {
        let expired = try pool.writeWithoutTransaction { db -> [ApprovalRequest] in
            var result: [ApprovalRequest] = []
            try db.inTransaction(.immediate) {
                let candidates = try Self.requests(db, sql: """
                    SELECT * FROM approval_request
                    WHERE expiry_recorded_at IS NULL AND consumed_at IS NULL AND rejected_at IS NULL
                      AND ((approved_at IS NULL AND expires_at <= ?) OR (approved_at IS NOT NULL AND approved_at + consume_window < ?))
                    LIMIT 500
                    """, arguments: [now, now])
                result = candidates.filter { $0.state(at: now) == .expired }
                for request in result {
                    try db.execute(sql: "UPDATE approval_request SET expiry_recorded_at = ? WHERE id = ?", arguments: [now, request.id])
                }
                return .commit
            }
            return result
        }
        if !expired.isEmpty {
            try audit.appendNow(expired.map { request in
                AuditEntry(timeMicros: now, kind: .approvalExpired, principal: "system", environment: request.environment,
                           actionDigest: request.actionDigest.bytes, outcome: "rejected", approvers: request.approverNames,
                           subject: request.id,
                           detail: request.approvedAtMicros == nil ? "no answer in time: rejected" : "approved but not used within its window")
            })
        }
        return expired
    }

    public func request(id: String) throws -> ApprovalRequest? {
        try pool.read { db in try Self.requests(db, sql: "SELECT * FROM approval_request WHERE id = ?", arguments: [id]).first }
    }

    /// Records an approval; refusals (agents, self-approval, roles, not pending) are thrown and
    /// change nothing.
    @discardableResult
    public func approve(id: String, by approver: Approver, comment: String?, now: Int64) throws -> ApprovalRequest {
        let updated = try mutate(id: id) { request in
            try request.approve(by: approver, at: now, comment: comment)
        }
        try audit.appendNow([AuditEntry(timeMicros: now, kind: .approvalApproved, principal: approver.description,
                                        environment: updated.environment, actionDigest: updated.actionDigest.bytes,
                                        outcome: updated.state(at: now).rawValue, approvers: updated.approverNames,
                                        subject: id, detail: comment)])
        return updated
    }

    @discardableResult
    public func reject(id: String, by approver: Approver, comment: String?, now: Int64) throws -> ApprovalRequest {
        let updated = try mutate(id: id) { request in
            try request.reject(by: approver, at: now, comment: comment)
        }
        try audit.appendNow([AuditEntry(timeMicros: now, kind: .approvalRejected, principal: approver.description,
                                        environment: updated.environment, actionDigest: updated.actionDigest.bytes,
                                        outcome: "rejected", subject: id, detail: comment)])
        return updated
    }

    /// Uses the approval of request `id` for the action with `digest`: true exactly once.
    public func consume(id: String, digest: ActionDigest, now: Int64) throws -> Bool {
        var used = false
        let updated = try mutate(id: id) { request in
            used = request.consume(digest: digest, at: now)
        }
        if used {
            try audit.appendNow([AuditEntry(timeMicros: now, kind: .approvalConsumed, principal: "agent:" + updated.requester,
                                            environment: updated.environment, actionDigest: digest.bytes, outcome: "allow",
                                            approvers: updated.approverNames, subject: id)])
        }
        return used
    }

    /// Reads, changes and writes back one request inside one immediate transaction.
    private func mutate(id: String, _ change: (inout ApprovalRequest) throws -> Void) throws -> ApprovalRequest {
        try pool.writeWithoutTransaction { db in
            var result: ApprovalRequest!
            try db.inTransaction(.immediate) {
                guard var request = try Self.requests(db, sql: "SELECT * FROM approval_request WHERE id = ?", arguments: [id]).first else {
                    throw StoreError("no approval request `\(id)`")
                }
                try change(&request)
                for vote in request.approvals {
                    try db.execute(sql: "INSERT OR IGNORE INTO approval_vote (request_id, human, roles, at, comment) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [id, vote.human, vote.roles.sorted().joined(separator: ","), vote.atMicros, vote.comment])
                }
                try db.execute(sql: """
                    UPDATE approval_request SET approved_at = ?, consumed_at = ?, rejected_by = ?, rejected_at = ?, rejected_comment = ?
                    WHERE id = ?
                    """, arguments: [request.approvedAtMicros, request.consumedAtMicros, request.rejection?.human,
                                     request.rejection?.atMicros, request.rejection?.comment, id])
                result = request
                return .commit
            }
            return result
        }
    }

    private static func requests(_ db: Database, sql: String, arguments: StatementArguments) throws -> [ApprovalRequest] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let id: String = row["id"]
            let roles = (row["roles"] as String).split(separator: ",").map(String.init)
            let base = ApprovalRequest(
                id: id, actionDigest: ActionDigest(bytes: Array(row["digest"] as Data)), requester: row["requester"],
                launchedBy: row["launched_by"], environment: row["environment"], rule: row["rule"],
                requirement: ApprovalRequirement(approvers: row["approvers"], roles: roles, timeoutSeconds: row["timeout_seconds"]),
                createdAtMicros: row["created_at"], consumeWindowSeconds: (row["consume_window"] as Int64) / 1_000_000)
            var withContext = base
            withContext.context = try (row["context"] as String?).map { try JSONValue.parse($0) }
            let votes = try Row.fetchAll(db, sql: "SELECT * FROM approval_vote WHERE request_id = ? ORDER BY at, human", arguments: [id]).map { vote in
                Vote(human: vote["human"], roles: Set((vote["roles"] as String).split(separator: ",").map(String.init)),
                     atMicros: vote["at"], comment: vote["comment"])
            }
            let rejection: Vote? = (row["rejected_by"] as String?).map {
                Vote(human: $0, roles: [], atMicros: row["rejected_at"], comment: row["rejected_comment"])
            }
            return ApprovalRequest.restored(withContext, approvals: votes, rejection: rejection, approvedAtMicros: row["approved_at"],
                                            consumedAtMicros: row["consumed_at"], expiresAtMicros: row["expires_at"])
        }
    }
}
