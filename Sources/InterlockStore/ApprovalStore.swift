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
        let (stored, isNew) = try pool.writeWithoutTransaction { db -> (ApprovalRequest, Bool) in
            var result: (ApprovalRequest, Bool)!
            try db.inTransaction(.immediate) {
                let open = try Self.requests(db, sql: "SELECT * FROM approval_request WHERE digest = ? AND requester = ? AND consumed_at IS NULL AND rejected_at IS NULL ORDER BY created_at DESC",
                                             arguments: [Data(request.actionDigest.bytes), request.requester])
                if let live = open.first(where: { [.pending, .approved].contains($0.state(at: now)) }) {
                    result = (live, false)
                } else {
                    try db.execute(sql: """
                        INSERT INTO approval_request (id, digest, requester, launched_by, environment, rule, approvers, roles,
                            timeout_seconds, created_at, expires_at, consume_window)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [request.id, Data(request.actionDigest.bytes), request.requester, request.launchedBy,
                                         request.environment, request.rule, request.requirement.approvers,
                                         request.requirement.roles.joined(separator: ","), request.requirement.timeoutSeconds,
                                         request.createdAtMicros, request.expiresAtMicros, request.consumeWindowMicros])
                    result = (request, true)
                }
                return .commit
            }
            return result
        }
        if isNew {
            try audit.appendNow([AuditEntry(timeMicros: now, kind: .approvalRequested, principal: "agent:" + request.requester,
                                            launchedBy: request.launchedBy, environment: request.environment,
                                            actionDigest: request.actionDigest.bytes, outcome: "pending", rule: request.rule,
                                            subject: request.id, detail: request.requirement.summary)])
        }
        return stored
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
            let votes = try Row.fetchAll(db, sql: "SELECT * FROM approval_vote WHERE request_id = ? ORDER BY at, human", arguments: [id]).map { vote in
                Vote(human: vote["human"], roles: Set((vote["roles"] as String).split(separator: ",").map(String.init)),
                     atMicros: vote["at"], comment: vote["comment"])
            }
            let rejection: Vote? = (row["rejected_by"] as String?).map {
                Vote(human: $0, roles: [], atMicros: row["rejected_at"], comment: row["rejected_comment"])
            }
            return ApprovalRequest.restored(base, approvals: votes, rejection: rejection, approvedAtMicros: row["approved_at"],
                                            consumedAtMicros: row["consumed_at"], expiresAtMicros: row["expires_at"])
        }
    }
}
