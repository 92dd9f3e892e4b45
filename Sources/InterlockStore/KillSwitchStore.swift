import Foundation
import GRDB
import InterlockAudit

/// The kill switch, on the store so that it survives restarts and every process sees it.
///
/// A switch is engaged for everything, for one agent, or for one environment. While one applies,
/// every decision in its scope is a refusal that names who engaged it and when. Engaging and
/// releasing are audit events; released switches are kept, because a destructive request soon
/// after a release is itself suspicious (the gateway's anomaly rules read `lastRelease`).
public final class KillSwitchStore: Sendable {
    public enum Scope: Sendable, Hashable, CustomStringConvertible {
        case everything
        case agent(String)
        case environment(String)

        var columns: (kind: String, value: String) {
            switch self {
            case .everything: ("all", "")
            case .agent(let name): ("agent", name)
            case .environment(let name): ("environment", name)
            }
        }

        public var description: String {
            switch self {
            case .everything: "everything"
            case .agent(let name): "agent \(name)"
            case .environment(let name): "environment \(name)"
            }
        }
    }

    public struct Engagement: Sendable, Hashable {
        public var scope: Scope
        public var engagedBy: String
        public var engagedAtMicros: Int64
        public var reason: String?

        /// The refusal an agent gets while this applies.
        public var message: String {
            "Interlock: the kill switch for \(scope) was engaged by \(engagedBy) at \(AuditEntry.timestamp(micros: engagedAtMicros))"
                + (reason.map { ": \($0)" } ?? "") + "; nothing in its scope runs until a human releases it"
        }
    }

    private let pool: DatabasePool
    private let audit: AuditLog

    public init(audit: AuditLog) {
        self.pool = audit.pool
        self.audit = audit
    }

    /// Engages the switch for `scope` (again engaging an engaged scope changes nothing).
    public func engage(_ scope: Scope, by human: String, reason: String?, now: Int64 = AuditLog.nowMicros()) throws {
        let (kind, value) = scope.columns
        let changed = try pool.write { db -> Bool in
            try db.execute(sql: """
                INSERT INTO kill_switch (scope_kind, scope_value, engaged_by, engaged_at, reason)
                SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS
                    (SELECT 1 FROM kill_switch WHERE scope_kind = ? AND scope_value = ? AND released_at IS NULL)
                """, arguments: [kind, value, human, now, reason, kind, value])
            return db.changesCount == 1
        }
        if changed {
            try audit.appendNow([AuditEntry(timeMicros: now, kind: .killEngaged, principal: human,
                                            environment: { if case .environment(let e) = scope { e } else { nil } }(),
                                            subject: scope.description, detail: reason)])
        }
    }

    /// Releases the switch for `scope`. Releasing a scope that is not engaged is an error.
    public func release(_ scope: Scope, by human: String, now: Int64 = AuditLog.nowMicros()) throws {
        let (kind, value) = scope.columns
        let changed = try pool.write { db -> Int in
            try db.execute(sql: "UPDATE kill_switch SET released_by = ?, released_at = ? WHERE scope_kind = ? AND scope_value = ? AND released_at IS NULL",
                           arguments: [human, now, kind, value])
            return db.changesCount
        }
        guard changed > 0 else { throw StoreError("the kill switch for \(scope) is not engaged") }
        try audit.appendNow([AuditEntry(timeMicros: now, kind: .killReleased, principal: human, subject: scope.description)])
    }

    /// The engaged switch that covers an action by `agent` in any of `environments`, if any:
    /// everything first, then the agent, then the environments.
    public func engagement(agent: String, environments: [String]) throws -> Engagement? {
        Self.covering(try engaged(), agent: agent, environments: environments)
    }

    /// Every switch engaged now, oldest first.
    public func engaged() throws -> [Engagement] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM kill_switch WHERE released_at IS NULL ORDER BY engaged_at").map { row in
                Engagement(scope: Self.scope(row), engagedBy: row["engaged_by"], engagedAtMicros: row["engaged_at"], reason: row["reason"])
            }
        }
    }

    /// The latest release of each scope ever released.
    public func releases() throws -> [Scope: Int64] {
        try pool.read { db in
            var out: [Scope: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT scope_kind, scope_value, MAX(released_at) AS released_at FROM kill_switch WHERE released_at IS NOT NULL GROUP BY scope_kind, scope_value") {
                out[Self.scope(row)] = row["released_at"]
            }
            return out
        }
    }

    /// Of `engaged`, the switch that covers an action by `agent` in any of `environments`.
    public static func covering(_ engaged: [Engagement], agent: String, environments: [String]) -> Engagement? {
        engaged.first { $0.scope == .everything }
            ?? engaged.first { $0.scope == .agent(agent) }
            ?? engaged.first { if case .environment(let e) = $0.scope { environments.contains(e) } else { false } }
    }

    private static func scope(_ row: Row) -> Scope {
        let value: String = row["scope_value"]
        switch row["scope_kind"] as String {
        case "all": return .everything
        case "agent": return .agent(value)
        default: return .environment(value)
        }
    }

    /// When a switch covering `agent` or one of `environments` was last released.
    public func lastRelease(agent: String, environments: [String]) throws -> Int64? {
        try pool.read { db in
            var scopes: [(String, String)] = [("all", ""), ("agent", agent)]
            scopes += environments.map { ("environment", $0) }
            return try scopes.compactMap { kind, value in
                try Int64.fetchOne(db, sql: "SELECT MAX(released_at) FROM kill_switch WHERE scope_kind = ? AND scope_value = ?", arguments: [kind, value])
            }.max()
        }
    }
}
