import Foundation
import GRDB
import InterlockAudit

/// What the gateway's anomaly rules remember across restarts: which operations each agent has had
/// allowed in each environment (the first-time rule), and the recent decisions, which the audit
/// log already holds.
public final class ActivityStore: Sendable {
    public struct Seen: Sendable, Hashable {
        public var agent: String
        public var environment: String
        public var operation: String
    }

    private let pool: DatabasePool
    private let audit: AuditLog

    public init(audit: AuditLog) {
        self.pool = audit.pool
        self.audit = audit
    }

    public func seenOperations() throws -> [Seen] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT agent, environment, operation FROM seen_operation").map {
                Seen(agent: $0["agent"], environment: $0["environment"], operation: $0["operation"])
            }
        }
    }

    /// Remembers operations as seen; ones already known are left alone.
    public func markSeen(agent: String, environment: String, operations: [String], now: Int64) throws {
        guard !operations.isEmpty else { return }
        try pool.write { db in
            for operation in operations {
                try db.execute(sql: "INSERT OR IGNORE INTO seen_operation (agent, environment, operation, first_at) VALUES (?, ?, ?, ?)",
                               arguments: [agent, environment, operation, now])
            }
        }
    }

    /// Decision entries recorded at or after `sinceMicros`, oldest first, read backwards from the
    /// end of the log until an older one is found (entries are appended in time order, give or take
    /// the writer's batching, which the margin covers).
    public func recentDecisions(sinceMicros: Int64) throws -> [AuditEntry] {
        var collected: [AuditEntry] = []
        var end = try audit.size
        let margin: Int64 = 60_000_000
        scan: while end > 0 {
            let start = end >= 2048 ? end - 2048 : 0
            let batch = try audit.entries(from: start, limit: Int(end - start))
            for stored in batch.reversed() {
                guard let entry = stored.entry else { continue }
                if entry.timeMicros < sinceMicros - margin { break scan }
                if entry.kind == .decision, entry.timeMicros >= sinceMicros { collected.append(entry) }
            }
            end = start
        }
        return collected.reversed()
    }
}
