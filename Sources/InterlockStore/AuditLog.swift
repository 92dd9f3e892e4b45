import Crypto
import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import InterlockAudit
import InterlockCore
import Synchronization

/// The tamper-evident audit log on the embedded store (`docs/audit-log.md`).
///
/// An append stores the entry's canonical bytes, its leaf hash and the tree nodes it completes in
/// one SQLite transaction, so the tree is never behind the entries. Concurrent `append` calls are
/// grouped: while one transaction commits, the next batch gathers, and one fsync covers it.
/// Checkpoints are signed in the same transaction as the batch that makes them due, stored, and
/// then exported as files under `checkpoints/` (`interlock audit tail --checkpoints --follow`
/// streams them to log shippers).
public final class AuditLog: Sendable {
    public struct Options: Sendable {
        /// Issue a checkpoint once this many entries are not covered by one.
        public var checkpointEvery: UInt64 = 1000
        /// ... or once the newest checkpoint is this old and entries have been added since.
        public var checkpointInterval: TimeInterval = 60
        /// Write checkpoint files under the home's `checkpoints/`.
        public var exportCheckpointFiles = true

        public init() {}
    }

    public let home: InterlockHome
    public let origin: String
    /// The store's connection pool, shared with the other tables' stores (`TokenStore`).
    let pool: DatabasePool
    private let options: Options
    private let signer: Mutex<CheckpointSigner>
    /// The tree's right edge as of the last transaction this process committed; checked against
    /// the database at the start of each transaction, since other processes append too.
    private let cachedFrontier = Mutex<MerkleFrontier?>(nil)
    private let pending = Mutex<PendingAppends>(PendingAppends())
    /// Positions this process wrote that `entriesFromOthers` has not yet passed: a gateway already
    /// counted its own decisions, and must count only what other processes add.
    private let ownIndices = Mutex<Set<UInt64>>([])
    private let writer = DispatchQueue(label: "interlock.audit.writer")

    private struct PendingAppends {
        var waiting: [(entries: [[UInt8]], continuation: CheckedContinuation<[UInt64], any Error>)] = []
        var draining = false
    }

    /// Opens the log in `home`, creating the database, the origin and the signing key on first use.
    public init(home: InterlockHome, options: Options = Options()) throws {
        self.home = home
        self.options = options
        let pool = try InterlockDatabase.open(home: home)
        self.pool = pool
        // Every hook call opens the log, so an open that has nothing to create only reads.
        let known = try pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'origin'") }
        let origin = try known ?? pool.write { db -> String in
            if let existing = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'origin'") { return existing }
            let origin = randomIdentifier(prefix: "interlock.audit/")
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('origin', ?)", arguments: [origin])
            return origin
        }
        self.origin = origin
        let signer = try AuditSigningKey.loadOrCreate(home: home, name: origin)
        self.signer = Mutex(signer)
        let verifier = signer.verifier.text
        let registered = try pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM audit_key WHERE verifier = ?)", arguments: [verifier]) ?? false
        }
        if !registered {
            try pool.write { db in
                try db.execute(sql: "INSERT OR IGNORE INTO audit_key (verifier, added_at) VALUES (?, ?)",
                               arguments: [verifier, Int64(Date().timeIntervalSince1970)])
            }
        }
    }

    // MARK: Appending

    /// Appends entries (their `index` is assigned here) and returns their indices once they are
    /// durable. Calls made while a commit is in flight share the next transaction.
    public func append(_ entries: [AuditEntry]) async throws -> [UInt64] {
        // Redaction and encoding run here, on the caller's task, so that the single writer only
        // numbers, hashes and writes.
        let entries = Self.prepare(entries)
        // With no commit in flight, the caller writes its own entries on its own thread: handing
        // them to the writer queue and being resumed afterwards costs two thread wake-ups, most
        // of a lone caller's wait besides the fsync. Callers arriving meanwhile queue up and are
        // written together by the drain that the leader hands over to when it is done.
        let leads = pending.withLock { queue -> Bool in
            if queue.draining { return false }
            queue.draining = true
            return true
        }
        if leads {
            defer { handOver() }
            return try writer.sync { try write(entries) }
        }
        return try await withCheckedThrowingContinuation { continuation in
            let startDrain = pending.withLock { queue -> Bool in
                queue.waiting.append((entries, continuation))
                if queue.draining { return false }
                queue.draining = true
                return true
            }
            if startDrain { writer.async { self.drain() } }
        }
    }

    /// After a leader's own write: the entries queued meanwhile go to the drain, or nothing is
    /// in flight any more.
    private func handOver() {
        let more = pending.withLock { queue -> Bool in
            if queue.waiting.isEmpty {
                queue.draining = false
                return false
            }
            return true
        }
        if more { writer.async { self.drain() } }
    }

    /// Appends in the calling thread and returns once durable: for one-shot processes (the CLI,
    /// the hooks) that have nothing to group with.
    @discardableResult
    public func appendNow(_ entries: [AuditEntry]) throws -> [UInt64] {
        let entries = Self.prepare(entries)
        return try writer.sync { try write(entries) }
    }

    /// Redacted and encoded, index still 0 (the writer sets it).
    private static func prepare(_ entries: [AuditEntry]) -> [[UInt8]] {
        entries.map { AuditEntryCodec.encode(AuditRecord.redactedEntry($0)) }
    }

    private func drain() {
        while true {
            let batch = pending.withLock { queue -> [(entries: [[UInt8]], continuation: CheckedContinuation<[UInt64], any Error>)] in
                if queue.waiting.isEmpty {
                    queue.draining = false
                    return []
                }
                defer { queue.waiting.removeAll(keepingCapacity: true) }
                return queue.waiting
            }
            if batch.isEmpty { return }
            do {
                let indices = try write(batch.flatMap(\.entries))
                var offset = 0
                for request in batch {
                    request.continuation.resume(returning: Array(indices[offset..<offset + request.entries.count]))
                    offset += request.entries.count
                }
            } catch {
                for request in batch { request.continuation.resume(throwing: error) }
            }
        }
    }

    /// Appends a `policy.loaded` entry when the policy in force differs from the last one recorded
    /// (by hash), so the log says which policy every later decision was made under without one
    /// entry per process start.
    public func recordPolicyLoad(hash: [UInt8], source: String, principal: String) throws {
        try writer.sync {
            let hex = Hex.encode(hash)
            let last = try pool.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'policy_hash'") }
            guard last != hex else { return }
            let entry = AuditEntry(timeMicros: Self.nowMicros(), kind: .policyLoaded, principal: principal, policyHash: hash, detail: source)
            _ = try write(Self.prepare([entry]), meta: ["policy_hash": hex])
        }
    }

    /// One transaction: entries, their tree nodes, `meta` values, and a checkpoint if one is due.
    private func write(_ entries: [[UInt8]], meta: [String: String] = [:]) throws -> [UInt64] {
        let now = Date()
        var issued: SignedCheckpoint?
        let indices: [UInt64]
        var attempted: [UInt64] = []
        do {
            indices = try pool.writeWithoutTransaction { db -> [UInt64] in
                var indices: [UInt64] = []
                try db.inTransaction(.immediate) {
                    var frontier = try currentFrontier(db)
                    let insert = try db.cachedStatement(sql: "INSERT INTO audit_entry (idx, entry, leaf, nodes) VALUES (?, ?, ?, ?)")
                    for var bytes in entries {
                        let index = frontier.size
                        AuditEntryCodec.setIndex(index, in: &bytes)
                        let leaf = MerkleHash.leaf(bytes)
                        var nodes = Data()
                        frontier.append(leaf) { _, hash in hash.withUnsafeBytes { nodes.append(contentsOf: $0) } }
                        indices.append(index)
                        try insert.execute(arguments: [Int64(index), Data(bytes), Data(leaf.bytes), nodes])
                    }
                    for (key, value) in meta {
                        try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
                    }
                    if try checkpointDue(db, size: frontier.size, now: now) {
                        issued = try storeCheckpoint(db, frontier: frontier, now: now)
                    }
                    cachedFrontier.withLock { $0 = frontier }
                    // Known as ours before the commit makes the rows visible to readers.
                    attempted = indices
                    ownIndices.withLock { $0.formUnion(indices) }
                    return .commit
                }
                return indices
            }
        } catch {
            cachedFrontier.withLock { $0 = nil }
            ownIndices.withLock { $0.subtract(attempted) }
            throw error
        }
        if let issued { export(issued) }
        return indices
    }

    /// The `synchronous` setting of the connection that commits (2 is FULL: every commit is
    /// synced to disk before it returns). For diagnostics and the tests that hold it there.
    public func writerSynchronousLevel() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// How many pages the write-ahead log may hold before the committing connection copies it
    /// into the database (`PRAGMA wal_autocheckpoint`). For the tests that hold it short.
    public func writerAutocheckpointPages() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? -1 }
    }

    /// The write-ahead log's size in bytes (0 when there is none).
    public var writeAheadLogBytes: Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: home.databasePath + "-wal")
        return (attributes?[.size] as? Int) ?? 0
    }

    /// Entries at positions from `start` on that other processes appended (hooks, proxies, the
    /// CLI on the same store), oldest first, and the log's size when read.
    public func entriesFromOthers(from start: UInt64) throws -> (entries: [AuditEntry], size: UInt64) {
        let size = try self.size
        var found: [AuditEntry] = []
        var next = start
        while next < size {
            let end = min(size, next + 2048)
            let own = ownIndices.withLock { $0 }
            // Only others' entries are decoded: under load most of the range is this process's own.
            try pool.read { db in
                let rows = try Row.fetchCursor(db, sql: "SELECT idx, entry FROM audit_entry WHERE idx >= ? AND idx < ? ORDER BY idx",
                                               arguments: [Int64(next), Int64(end)])
                while let row = try rows.next() {
                    let index = UInt64(row["idx"] as Int64)
                    guard !own.contains(index) else { continue }
                    if let entry = try? AuditEntryCodec.decode(Array(row["entry"] as Data)) { found.append(entry) }
                }
            }
            next = end
        }
        // Positions before `start` are behind the caller for good.
        ownIndices.withLock { own in own = own.filter { $0 >= start } }
        return (found, size)
    }

    /// The frontier for the database as it is now: the cached one if nobody else appended since.
    private func currentFrontier(_ db: Database) throws -> MerkleFrontier {
        let size = try Self.storedSize(db)
        if let cached = cachedFrontier.withLock({ $0 }), cached.size == size { return cached }
        let subtrees = try MerkleFrontier.subtreeCoordinates(size: size).map { try perfectSubtree(db, level: $0.level, index: $0.index) }
        guard let frontier = MerkleFrontier(size: size, subtrees: subtrees) else { throw StoreError("the stored tree is inconsistent") }
        return frontier
    }

    /// How many entries the table holds (one past the highest index).
    private static func storedSize(_ db: Database) throws -> UInt64 {
        // Cached statements: these run in every group commit, and compiling SQL each time showed.
        UInt64(try Int64.fetchOne(db.cachedStatement(sql: "SELECT IFNULL(MAX(idx) + 1, 0) FROM audit_entry")) ?? 0)
    }

    /// The stored hash of the perfect subtree of 2^level leaves starting at leaf `index << level`:
    /// it was completed by leaf `((index + 1) << level) - 1` and stored in that row.
    private func perfectSubtree(_ db: Database, level: Int, index: UInt64) throws -> MerkleHash {
        let row = ((index + 1) << UInt64(level)) - 1
        let column = level == 0 ? "leaf" : "nodes"
        guard let blob = try Data.fetchOne(db, sql: "SELECT \(column) FROM audit_entry WHERE idx = ?", arguments: [Int64(row)]) else {
            throw StoreError("entry \(row) is missing from the store")
        }
        let offset = level == 0 ? 0 : (level - 1) * MerkleHash.byteCount
        guard blob.count >= offset + MerkleHash.byteCount, let hash = MerkleHash(bytes: Array(blob[offset..<offset + MerkleHash.byteCount])) else {
            throw StoreError("the tree hashes stored with entry \(row) are malformed")
        }
        return hash
    }

    private func checkpointDue(_ db: Database, size: UInt64, now: Date) throws -> Bool {
        guard let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT size, issued_at FROM audit_checkpoint ORDER BY size DESC LIMIT 1")) else {
            return size > 0
        }
        let lastSize = UInt64(last["size"] as Int64)
        let lastTime = TimeInterval(last["issued_at"] as Int64)
        guard size > lastSize else { return false }
        return size - lastSize >= options.checkpointEvery || now.timeIntervalSince1970 - lastTime >= options.checkpointInterval
    }

    private func storeCheckpoint(_ db: Database, frontier: MerkleFrontier, now: Date) throws -> SignedCheckpoint {
        let checkpoint = Checkpoint(origin: origin, size: frontier.size, root: frontier.root)
        let signed = try signer.withLock { try checkpoint.signed(by: $0) }
        try db.execute(sql: "INSERT OR REPLACE INTO audit_checkpoint (size, note, issued_at) VALUES (?, ?, ?)",
                       arguments: [Int64(frontier.size), signed.text, Int64(now.timeIntervalSince1970)])
        return signed
    }

    private func export(_ checkpoint: SignedCheckpoint) {
        if options.exportCheckpointFiles {
            // Best effort: the checkpoint is committed in the database already; a missing file is
            // re-exported by the next `audit export`.
            try? Self.writeCheckpointFile(checkpoint, into: home.checkpointsDirectory)
        }
    }

    static func checkpointFileName(size: UInt64) -> String {
        let digits = String(size)
        return "checkpoint-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    static func writeCheckpointFile(_ checkpoint: SignedCheckpoint, into directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(checkpointFileName(size: checkpoint.checkpoint.size))
        try checkpoint.text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Signs and stores a checkpoint of the log as it is now (if it is not empty and has grown since
    /// the last one, a new one; otherwise the latest).
    @discardableResult
    public func issueCheckpoint() throws -> SignedCheckpoint {
        try writer.sync {
            var issued: SignedCheckpoint?
            let latest: SignedCheckpoint? = try pool.writeWithoutTransaction { db in
                var latest: SignedCheckpoint?
                try db.inTransaction(.immediate) {
                    let frontier = try currentFrontier(db)
                    guard frontier.size > 0 else { return .commit }
                    if let note = try String.fetchOne(db, sql: "SELECT note FROM audit_checkpoint WHERE size = ?", arguments: [Int64(frontier.size)]) {
                        latest = try SignedCheckpoint(parsing: note)
                    } else {
                        issued = try storeCheckpoint(db, frontier: frontier, now: Date())
                        latest = issued
                    }
                    return .commit
                }
                return latest
            }
            guard let latest else { throw StoreError("the audit log is empty; there is nothing to sign") }
            if let issued { export(issued) }
            return latest
        }
    }

    /// Issues a checkpoint if the interval has passed with entries uncovered; for a timer in a
    /// long-running process.
    public func issueCheckpointIfDue() throws {
        try writer.sync {
            var issued: SignedCheckpoint?
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let frontier = try currentFrontier(db)
                    if try checkpointDue(db, size: frontier.size, now: Date()) {
                        issued = try storeCheckpoint(db, frontier: frontier, now: Date())
                    }
                    return .commit
                }
            }
            if let issued { export(issued) }
        }
    }

    /// Replaces the signing key. The old key's public half stays in the key table (old checkpoints
    /// keep verifying); its private half is deleted. Records a `key.rotated` entry and signs a
    /// checkpoint with the new key at once.
    public func rotateKey(by principal: String) throws -> CheckpointVerifier {
        let (old, new) = try writer.sync { () throws -> (CheckpointVerifier, CheckpointSigner) in
            let old = signer.withLock { $0.verifier }
            let new = try AuditSigningKey.create(home: home, name: origin)
            signer.withLock { $0 = new }
            let now = Int64(Date().timeIntervalSince1970)
            try pool.write { db in
                try db.execute(sql: "UPDATE audit_key SET retired_at = ? WHERE verifier = ?", arguments: [now, old.text])
                try db.execute(sql: "INSERT OR IGNORE INTO audit_key (verifier, added_at) VALUES (?, ?)", arguments: [new.verifier.text, now])
            }
            return (old, new)
        }
        try appendNow([AuditEntry(timeMicros: Self.nowMicros(), kind: .keyRotated, principal: principal,
                                  subject: new.verifier.text, detail: "retired " + old.text)])
        try issueCheckpoint()
        return new.verifier
    }

    public static func nowMicros() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000_000) }

    // MARK: Reading

    public var size: UInt64 {
        get throws {
            try pool.read { db in try Self.storedSize(db) }
        }
    }

    /// The verifier keys the log has used, oldest first.
    public func verifierKeys() throws -> [CheckpointVerifier] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT verifier FROM audit_key ORDER BY added_at, verifier").map { try CheckpointVerifier(parsing: $0) }
        }
    }

    public var currentVerifier: CheckpointVerifier { signer.withLock { $0.verifier } }

    public struct StoredEntry: Sendable {
        public var index: UInt64
        public var bytes: [UInt8]
        public var leaf: MerkleHash
        /// Nil when the stored bytes do not decode (the log was tampered with; `verify` says how).
        public var entry: AuditEntry?
    }

    public func entries(from start: UInt64, limit: Int) throws -> [StoredEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT idx, entry, leaf FROM audit_entry WHERE idx >= ? ORDER BY idx LIMIT ?",
                             arguments: [Int64(start), limit]).map { row in
                let bytes = Array(row["entry"] as Data)
                return StoredEntry(index: UInt64(row["idx"] as Int64), bytes: bytes,
                                   leaf: MerkleHash(bytes: Array(row["leaf"] as Data)) ?? .emptyTree,
                                   entry: try? AuditEntryCodec.decode(bytes))
            }
        }
    }

    /// The last `count` entries, oldest first.
    public func tail(_ count: Int) throws -> [StoredEntry] {
        let size = try self.size
        return try entries(from: size > UInt64(count) ? size - UInt64(count) : 0, limit: count)
    }

    public func checkpoints() throws -> [SignedCheckpoint] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT note FROM audit_checkpoint ORDER BY size").map { try SignedCheckpoint(parsing: $0) }
        }
    }

    /// An inclusion proof for entry `index` in the tree of `size` entries (default: the newest
    /// checkpoint that covers it, else the whole log).
    public func inclusionProof(index: UInt64, size: UInt64) throws -> [MerkleHash] {
        try pool.read { db in
            let stored = try Self.storedSize(db)
            guard index < size, size <= stored else { throw StoreError("no entry \(index) in a tree of \(size) (the log has \(stored))") }
            return try MerkleProof.inclusion(index: index, size: size) { try perfectSubtree(db, level: $0, index: $1) }
        }
    }

    public func consistencyProof(old: UInt64, new: UInt64) throws -> [MerkleHash] {
        try pool.read { db in
            let stored = try Self.storedSize(db)
            guard old > 0, old <= new, new <= stored else { throw StoreError("no consistency proof from \(old) to \(new) (the log has \(stored))") }
            return try MerkleProof.consistency(old: old, new: new) { try perfectSubtree(db, level: $0, index: $1) }
        }
    }

    public func root(size: UInt64) throws -> MerkleHash {
        try pool.read { db in
            guard size > 0 else { return .emptyTree }
            return try MerkleProof.subtreeHash(start: 0, count: size) { try perfectSubtree(db, level: $0, index: $1) }
        }
    }

    // MARK: Verification and export

    /// Checkpoints found as files in `directory`, each with its path; a file that does not parse
    /// is returned as an error string, because a mangled checkpoint file is itself evidence.
    public static func checkpointFiles(in directory: URL) -> (checkpoints: [(SignedCheckpoint, String)], unreadable: [String]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasPrefix("checkpoint-") }.sorted()
        var checkpoints: [(SignedCheckpoint, String)] = []
        var unreadable: [String] = []
        for name in names {
            let path = directory.appendingPathComponent(name).path
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                unreadable.append("\(path): cannot be read")
                continue
            }
            do {
                checkpoints.append((try SignedCheckpoint(parsing: text), path))
            } catch {
                unreadable.append("\(path): \(error)")
            }
        }
        return (checkpoints, unreadable)
    }

    /// Verifies the whole log (`AuditLogVerifier`): stored checkpoints, exported checkpoint files,
    /// and `trusted` checkpoints, against `keys` (default: every key the log has used).
    public func verify(trusted: [(SignedCheckpoint, String)] = [], keys: [CheckpointVerifier]? = nil) throws -> AuditLogVerifier.Report {
        let files = Self.checkpointFiles(in: home.checkpointsDirectory)
        return try pool.read { db in
            let stored = try Row.fetchAll(db, sql: "SELECT size, note FROM audit_checkpoint ORDER BY size").map { row -> (SignedCheckpoint, String) in
                let size = row["size"] as Int64
                do {
                    return (try SignedCheckpoint(parsing: row["note"] as String), "stored checkpoint \(size)")
                } catch {
                    throw StoreError("stored checkpoint \(size) is malformed: \(error)")
                }
            }
            let knownKeys = try keys ?? String.fetchAll(db, sql: "SELECT verifier FROM audit_key").map { try CheckpointVerifier(parsing: $0) }
            var verifier = AuditLogVerifier(origin: origin, keys: knownKeys, checkpoints: stored + files.checkpoints, trusted: trusted)
            try db.execute(sql: "PRAGMA mmap_size = \(InterlockDatabase.scanMmapSize)")
            try VerificationScan(db: db).run(into: &verifier)
            var report = verifier.finish()
            if report.problem == nil, let first = files.unreadable.first {
                report.problem = .init(kind: .badCheckpoint, index: 0, message: first)
            }
            return report
        }
    }

    /// Writes a self-contained bundle: `entries.jsonl` (each entry's hashed bytes in base64, its
    /// leaf hash, and a readable decoding), `checkpoints/`, `keys` (every verifier key) and
    /// `origin`. `AuditBundle.verify` checks it with nothing else.
    public func export(to directory: URL) throws -> UInt64 {
        let manager = FileManager.default
        try manager.createDirectory(at: directory.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
        try (origin + "\n").write(to: directory.appendingPathComponent("origin"), atomically: true, encoding: .utf8)
        let keys = try verifierKeys().map(\.text).joined(separator: "\n") + "\n"
        try keys.write(to: directory.appendingPathComponent("keys"), atomically: true, encoding: .utf8)
        var checkpoints = try self.checkpoints()
        for (file, _) in Self.checkpointFiles(in: home.checkpointsDirectory).checkpoints where !checkpoints.contains(file) {
            checkpoints.append(file)
        }
        for checkpoint in checkpoints {
            try Self.writeCheckpointFile(checkpoint, into: directory.appendingPathComponent("checkpoints"))
        }
        let entriesURL = directory.appendingPathComponent("entries.jsonl")
        guard manager.createFile(atPath: entriesURL.path, contents: nil) else { throw StoreError("\(entriesURL.path): cannot be created") }
        let handle = try FileHandle(forWritingTo: entriesURL)
        defer { try? handle.close() }
        var count: UInt64 = 0
        try pool.read { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT idx, entry, leaf FROM audit_entry ORDER BY idx")
            var buffer = Data()
            while let row = try cursor.next() {
                let bytes = Array(row[1] as Data)
                buffer.append(contentsOf: AuditBundle.line(index: UInt64(row[0] as Int64), bytes: bytes, leaf: Array(row[2] as Data)).utf8)
                buffer.append(0x0A)
                count += 1
                if buffer.count > 1 << 20 {
                    try handle.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try handle.write(contentsOf: buffer)
        }
        return count
    }
}

/// Reads every row of the log for `verify` in batches, straight from SQLite's row buffers, and
/// hashes each batch's leaves on a second core while this one reads the next batch and walks the
/// tree. A million entries of a kilobyte are a gigabyte of SHA-256: done on one core after the
/// reads, it alone would use most of the two-second budget.
private struct VerificationScan {
    let db: Database
    static let batchSize = 4096

    /// Rows copied out of SQLite, entries back to back, and what the hashing core worked out about
    /// each. Plain arrays in a struct, so the hot loops touch no class property: Swift checks every
    /// access to one at run time, which cost more here than the copying.
    struct Rows {
        var indices: [UInt64] = []
        var entryBytes: [UInt8] = []
        var entryEnds: [Int] = []
        var storedLeaves: [UInt8] = []
        var storedLeafEnds: [Int] = []
        var nodeBytes: [UInt8] = []
        var nodeEnds: [Int] = []
        var leaves: [MerkleHash] = []
        var claimedIndices: [UInt64?] = []
        var leafMatches: [Bool] = []

        var count: Int { indices.count }

        mutating func reset() {
            indices.removeAll(keepingCapacity: true)
            entryBytes.removeAll(keepingCapacity: true)
            entryEnds.removeAll(keepingCapacity: true)
            storedLeaves.removeAll(keepingCapacity: true)
            storedLeafEnds.removeAll(keepingCapacity: true)
            nodeBytes.removeAll(keepingCapacity: true)
            nodeEnds.removeAll(keepingCapacity: true)
            leaves.removeAll(keepingCapacity: true)
            claimedIndices.removeAll(keepingCapacity: true)
            leafMatches.removeAll(keepingCapacity: true)
        }

        /// Everything that depends on one row alone: leaf hash, claimed index, stored-leaf match.
        mutating func hashLeaves() {
            var leaves = self.leaves, claimed = self.claimedIndices, matches = self.leafMatches
            self.leaves = []
            self.claimedIndices = []
            self.leafMatches = []
            entryBytes.withUnsafeBytes { all in
                storedLeaves.withUnsafeBytes { stored in
                    var start = 0, storedStart = 0
                    for row in 0..<indices.count {
                        let entry = UnsafeRawBufferPointer(rebasing: all[start..<entryEnds[row]])
                        let leaf = MerkleHash.leaf(entry)
                        leaves.append(leaf)
                        claimed.append(AuditEntryCodec.claimedIndex(entry))
                        matches.append(MerkleHash(bytes: UnsafeRawBufferPointer(rebasing: stored[storedStart..<storedLeafEnds[row]])) == leaf)
                        start = entryEnds[row]
                        storedStart = storedLeafEnds[row]
                    }
                }
            }
            self.leaves = leaves
            self.claimedIndices = claimed
            self.leafMatches = matches
        }
    }

    /// A `Rows` handed between the reading and the hashing core; `done` says the hashing is over.
    final class Batch: @unchecked Sendable {
        var rows = Rows()
        let done = DispatchSemaphore(value: 0)
    }

    func run(into verifier: inout AuditLogVerifier) throws {
        let statement = try db.makeStatement(sql: "SELECT idx, entry, leaf, nodes FROM audit_entry ORDER BY idx")
        let sqlite = statement.sqliteStatement
        // Stepping a finished statement would start it over, so stop at the first SQLITE_DONE.
        var finished = false
        // Two batches, reused: a fresh 4 MB buffer per batch costs more in page faults than the copy.
        var current = Batch(), next = Batch()
        try read(sqlite, into: current, finished: &finished)
        startHashing(current)
        while current.rows.count > 0 {
            if !finished { try read(sqlite, into: next, finished: &finished) } else { next.rows.reset() }
            current.done.wait()
            startHashing(next)
            consume(current, into: &verifier)
            swap(&current, &next)
        }
    }

    private func startHashing(_ batch: Batch) {
        DispatchQueue.global().async {
            batch.rows.hashLeaves()
            batch.done.signal()
        }
    }

    private func read(_ sqlite: SQLiteStatement, into batch: Batch, finished: inout Bool) throws {
        var rows = Rows()
        swap(&rows, &batch.rows)
        defer { swap(&rows, &batch.rows) }
        rows.reset()
        while rows.count < Self.batchSize {
            let code = sqlite3_step(sqlite)
            if code == SQLITE_DONE {
                finished = true
                break
            }
            guard code == SQLITE_ROW else { throw StoreError("reading the audit log failed (SQLite result \(code))") }
            rows.indices.append(UInt64(bitPattern: sqlite3_column_int64(sqlite, 0)))
            append(column: 1, of: sqlite, to: &rows.entryBytes, ends: &rows.entryEnds)
            append(column: 2, of: sqlite, to: &rows.storedLeaves, ends: &rows.storedLeafEnds)
            append(column: 3, of: sqlite, to: &rows.nodeBytes, ends: &rows.nodeEnds)
        }
    }

    private func append(column: Int32, of sqlite: SQLiteStatement, to bytes: inout [UInt8], ends: inout [Int]) {
        if let blob = sqlite3_column_blob(sqlite, column) {
            let length = Int(sqlite3_column_bytes(sqlite, column))
            // Typed, so that append copies with memcpy rather than byte by byte.
            bytes.append(contentsOf: UnsafeBufferPointer(start: blob.assumingMemoryBound(to: UInt8.self), count: length))
        }
        ends.append(bytes.count)
    }

    private func consume(_ batch: Batch, into verifier: inout AuditLogVerifier) {
        let rows = batch.rows
        rows.nodeBytes.withUnsafeBytes { nodes in
            var nodeStart = 0
            for row in 0..<rows.count {
                verifier.consume(
                    rowIndex: rows.indices[row], claimedIndex: rows.claimedIndices[row], leaf: rows.leaves[row],
                    leafMatchesStored: rows.leafMatches[row],
                    storedNodes: UnsafeRawBufferPointer(rebasing: nodes[nodeStart..<rows.nodeEnds[row]]))
                nodeStart = rows.nodeEnds[row]
            }
        }
    }
}
