import Foundation
import GRDB
import InterlockApprovals
import InterlockAudit
import InterlockCore

/// Grants on the store. A grant is used inside one `BEGIN IMMEDIATE` transaction that checks it
/// still covers the action and counts the use down, so a one-use grant is used once however many
/// processes race for it. Creating, using and revoking grants are audit events.
public final class GrantStore: Sendable {
    private let pool: DatabasePool
    private let audit: AuditLog

    public init(audit: AuditLog) {
        self.pool = audit.pool
        self.audit = audit
    }

    public func create(_ grant: Grant) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO grant_permission (id, agent, environment, operations, targets, tier, granted_by, reason, created_at, expires_at, uses_left)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [grant.id, grant.agent, grant.environment, grant.operations.joined(separator: "\n"),
                                 grant.targets.joined(separator: "\n"), grant.tier.rawValue, grant.grantedBy, grant.reason,
                                 grant.createdAtMicros, grant.expiresAtMicros, grant.usesLeft])
        }
        try audit.appendNow([AuditEntry(
            timeMicros: grant.createdAtMicros, kind: .grantCreated, principal: grant.grantedBy, environment: grant.environment,
            operations: grant.operations, targets: grant.targets, outcome: grant.tier.rawValue, subject: grant.id,
            detail: "agent \(grant.agent) until \(AuditEntry.timestamp(micros: grant.expiresAtMicros))"
                + (grant.usesLeft.map { ", \($0) uses" } ?? "") + (grant.reason.map { ": \($0)" } ?? ""))])
    }

    /// Grants not revoked, not expired and not used up at `now`.
    public func active(at now: Int64) throws -> [Grant] {
        try pool.read { db in try Self.grants(db, now: now) }
    }

    public func revoke(id: String, by human: String, now: Int64 = AuditLog.nowMicros()) throws {
        let changed = try pool.write { db -> Int in
            try db.execute(sql: "UPDATE grant_permission SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            return db.changesCount
        }
        guard changed == 1 else { throw StoreError("no active grant `\(id)`") }
        try audit.appendNow([AuditEntry(timeMicros: now, kind: .grantRevoked, principal: human, subject: id)])
    }

    /// The grant that covers this action, used once (its count goes down in the same transaction),
    /// or nil. The caller records the decision; the use itself is not a separate entry.
    public func use(for action: Action, facts: Classification, decision: Decision, now: Int64) throws -> Grant? {
        guard decision.tier == .gated || decision.tier == .supervised else { return nil }
        return try pool.writeWithoutTransaction { db in
            var used: Grant?
            try db.inTransaction(.immediate) {
                guard let grant = try Self.grants(db, now: now).first(where: { $0.covers(action, facts: facts, decision: decision, at: now) }) else {
                    return .commit
                }
                if grant.usesLeft != nil {
                    try db.execute(sql: "UPDATE grant_permission SET uses_left = uses_left - 1 WHERE id = ?", arguments: [grant.id])
                }
                used = grant
                return .commit
            }
            return used
        }
    }

    private static func grants(_ db: Database, now: Int64) throws -> [Grant] {
        try Row.fetchAll(db, sql: """
            SELECT * FROM grant_permission WHERE revoked_at IS NULL AND expires_at > ? AND (uses_left IS NULL OR uses_left > 0)
            ORDER BY created_at, id
            """, arguments: [now]).map { row in
            do {
                return try Grant(
                    id: row["id"], agent: row["agent"], environment: row["environment"],
                    operations: (row["operations"] as String).split(separator: "\n").map(String.init),
                    targets: (row["targets"] as String).split(separator: "\n").map(String.init),
                    tier: Tier(rawValue: row["tier"]) ?? .gated, grantedBy: row["granted_by"], reason: row["reason"],
                    createdAtMicros: row["created_at"], expiresAtMicros: row["expires_at"], usesLeft: row["uses_left"])
            } catch {
                throw StoreError("stored grant \(row["id"] as String) is invalid: \(error)")
            }
        }
    }
}
