import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, shared by `interlock serve`, the hooks, the
/// proxies and the CLI, which may be separate processes writing at once.
///
/// Durability: `synchronous = FULL`, so a transaction is on disk when its commit returns; writers
/// batch several records into one transaction (group commit) to pay one fsync for many. Writers
/// take the write lock at `BEGIN IMMEDIATE` and wait up to `busyTimeout` for another process.
enum InterlockDatabase {
    static let busyTimeout: TimeInterval = 10
    static let walAutocheckpointPages = 128
    /// For long scans (`verify`), on the reading connection only: a million entries are a
    /// gigabyte, and a read() system call per page costs more than hashing it. Not for the writer,
    /// where mapping slows WAL checkpoints enough to cost a third of the append rate.
    static let scanMmapSize: Int64 = 1 << 34

    static func open(home: InterlockHome) throws -> DatabasePool {
        try home.prepare()
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        let pool = try DatabasePool(path: home.databasePath, configuration: configuration)
        // Set on the writer after the pool exists: GRDB switches its writer to WAL and, with it,
        // to `synchronous = NORMAL` after `prepareDatabase` has run, which would leave commits
        // unsynced (lost on power failure). Only the writer commits, so only it needs this.
        //
        // The write-ahead log is copied into the database every 128 pages rather than SQLite's
        // 1,000: a hook is a new process, the first connection, and re-reads and checksums the whole
        // log on opening (about 1 ms per 4 MB); a short log keeps that small, at the price of more
        // frequent, smaller checkpoints.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(walAutocheckpointPages)")
        }
        try migrator.migrate(pool)
        return pool
    }


    /// Versioned migrations; each runs once, in order, in its own transaction. Never edit a
    /// shipped migration: add the next one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 audit log") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
                -- One row per entry. `idx` is the entry's position (and the rowid). `leaf` is
                -- SHA-256(0x00 || entry); `nodes` are the hashes of the tree nodes this leaf
                -- completed, level 1 upward, 32 bytes each.
                CREATE TABLE audit_entry (
                    idx INTEGER PRIMARY KEY,
                    entry BLOB NOT NULL,
                    leaf BLOB NOT NULL,
                    nodes BLOB NOT NULL
                );
                CREATE TABLE audit_checkpoint (
                    size INTEGER PRIMARY KEY,
                    note TEXT NOT NULL,
                    issued_at INTEGER NOT NULL
                );
                -- Every checkpoint key this log has used, in signed-note verifier format.
                CREATE TABLE audit_key (
                    verifier TEXT PRIMARY KEY NOT NULL,
                    added_at INTEGER NOT NULL,
                    retired_at INTEGER
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2 tokens") { db in
            try db.execute(sql: """
                -- Bearer tokens. Only SHA-256 of the secret is kept.
                CREATE TABLE token (
                    id TEXT PRIMARY KEY NOT NULL,
                    secret_hash BLOB NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('agent', 'human')),
                    name TEXT NOT NULL,
                    roles TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3 approval requests") { db in
            try db.execute(sql: """
                CREATE TABLE approval_request (
                    id TEXT PRIMARY KEY NOT NULL,
                    digest BLOB NOT NULL,
                    requester TEXT NOT NULL,
                    launched_by TEXT,
                    environment TEXT NOT NULL,
                    rule TEXT NOT NULL,
                    approvers INTEGER NOT NULL,
                    roles TEXT NOT NULL,
                    timeout_seconds INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    consume_window INTEGER NOT NULL,
                    approved_at INTEGER,
                    consumed_at INTEGER,
                    rejected_by TEXT,
                    rejected_at INTEGER,
                    rejected_comment TEXT
                ) WITHOUT ROWID;
                CREATE INDEX approval_request_by_digest ON approval_request (digest, requester);
                CREATE TABLE approval_vote (
                    request_id TEXT NOT NULL REFERENCES approval_request (id),
                    human TEXT NOT NULL,
                    roles TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    comment TEXT,
                    PRIMARY KEY (request_id, human)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v4 kill switch") { db in
            try db.execute(sql: """
                -- Engagements, kept after release: the anomaly rules look at recent releases.
                CREATE TABLE kill_switch (
                    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('all', 'agent', 'environment')),
                    scope_value TEXT NOT NULL,
                    engaged_by TEXT NOT NULL,
                    engaged_at INTEGER NOT NULL,
                    reason TEXT,
                    released_by TEXT,
                    released_at INTEGER
                );
                CREATE UNIQUE INDEX kill_switch_engaged ON kill_switch (scope_kind, scope_value) WHERE released_at IS NULL;
                """)
        }
        migrator.registerMigration("v5 grants") { db in
            try db.execute(sql: """
                -- Task-scoped, time-boxed permissions; patterns one per line.
                CREATE TABLE grant_permission (
                    id TEXT PRIMARY KEY NOT NULL,
                    agent TEXT NOT NULL,
                    environment TEXT NOT NULL,
                    operations TEXT NOT NULL,
                    targets TEXT NOT NULL,
                    tier TEXT NOT NULL CHECK (tier IN ('autonomous', 'supervised')),
                    granted_by TEXT NOT NULL,
                    reason TEXT,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    uses_left INTEGER,
                    revoked_at INTEGER
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v6 gateway") { db in
            try db.execute(sql: """
                -- The human an agent token acts for: never an approver of that agent's requests.
                ALTER TABLE token ADD COLUMN launched_by TEXT;
                -- What reviewers see: the redacted action, facts, decision and anomaly flags (JSON).
                ALTER TABLE approval_request ADD COLUMN context TEXT;
                -- When the expiry of a request that nobody answered was recorded in the audit log.
                ALTER TABLE approval_request ADD COLUMN expiry_recorded_at INTEGER;
                CREATE INDEX approval_request_by_created ON approval_request (created_at);
                -- Operations each agent has had allowed in each environment: the first-time anomaly rule.
                CREATE TABLE seen_operation (
                    agent TEXT NOT NULL,
                    environment TEXT NOT NULL,
                    operation TEXT NOT NULL,
                    first_at INTEGER NOT NULL,
                    PRIMARY KEY (agent, environment, operation)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v7 aws credentials") { db in
            try db.execute(sql: """
                -- AWS-style credentials for the AWS proxy, on an agent token. The secret is kept as
                -- it is, because verifying a SigV4 signature needs it; it opens nothing at AWS.
                ALTER TABLE token ADD COLUMN aws_access_key_id TEXT;
                ALTER TABLE token ADD COLUMN aws_secret_access_key TEXT;
                ALTER TABLE token ADD COLUMN aws_session_token TEXT;
                ALTER TABLE token ADD COLUMN expires_at INTEGER;
                CREATE UNIQUE INDEX token_by_aws_access_key ON token (aws_access_key_id) WHERE aws_access_key_id IS NOT NULL;
                """)
        }
        migrator.registerMigration("v8 activity snapshot") { db in
            try db.execute(sql: """
                -- The gateway's summary of the last day's activity (rate and cost counts, destroyed
                -- targets) as of the log's first log_size entries: a start replays only what came after.
                CREATE TABLE activity_snapshot (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    log_size INTEGER NOT NULL,
                    data BLOB NOT NULL
                );
                """)
        }
        return migrator
    }
}
