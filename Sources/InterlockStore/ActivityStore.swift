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

    /// Decision entries recorded at or after `sinceMicros` and at or after position `fromIndex`,
    /// oldest first, and the log's size when read. Read backwards from the end of the log until an
    /// older one is found (entries are appended in time order, give or take the writer's
    /// batching, which the margin covers).
    public func recentDecisions(sinceMicros: Int64, fromIndex: UInt64 = 0) throws -> (entries: [AuditEntry], logSize: UInt64) {
        var collected: [AuditEntry] = []
        let size = try audit.size
        var end = size
        let margin: Int64 = 60_000_000
        scan: while end > fromIndex {
            let start = max(fromIndex, end >= 2048 ? end - 2048 : 0)
            let batch = try audit.entries(from: start, limit: Int(end - start))
            for stored in batch.reversed() {
                guard let entry = stored.entry else { continue }
                if entry.timeMicros < sinceMicros - margin { break scan }
                if entry.kind == .decision, entry.timeMicros >= sinceMicros { collected.append(entry) }
            }
            end = start
        }
        return (collected.reversed(), size)
    }

    /// The gateway's last saved summary of recent activity and the log size it covers, if any.
    /// It only spares a restart from re-reading the whole day's log; the log stays the truth.
    public func activitySnapshot() throws -> (logSize: UInt64, data: Data)? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT log_size, data FROM activity_snapshot WHERE id = 1").map {
                (UInt64($0["log_size"] as Int64), $0["data"] as Data)
            }
        }
    }

    /// Saves a summary covering the log's first `logSize` entries, unless a newer one is saved.
    public func saveActivitySnapshot(logSize: UInt64, data: Data) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO activity_snapshot (id, log_size, data) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET log_size = excluded.log_size, data = excluded.data
                WHERE excluded.log_size > activity_snapshot.log_size
                """, arguments: [Int64(logSize), data])
        }
    }
}
