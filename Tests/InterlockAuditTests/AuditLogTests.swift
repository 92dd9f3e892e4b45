import Foundation
import GRDB
import InterlockAudit
import InterlockStore
import Testing

/// A fresh Interlock home in a temporary directory, removed afterwards.
final class TemporaryHome {
    let url: URL
    var home: InterlockHome { InterlockHome(directory: url) }

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("interlock-audit-\(UUID().uuidString)")
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Opens the SQLite file directly, the way someone with disk access would tamper with it.
    func tamper(_ sql: String, arguments: StatementArguments = []) throws {
        let queue = try DatabaseQueue(path: home.databasePath)
        try queue.write { try $0.execute(sql: sql, arguments: arguments) }
        try queue.close()
    }
}

func sampleEntry(_ i: Int) -> AuditEntry {
    AuditEntry(timeMicros: 1_795_000_000_000_000 + Int64(i), kind: .decision, principal: "agent:bench-\(i % 7)",
               channel: "hook", environment: "production", actionDigest: Array(repeating: UInt8(i & 0xff), count: 32),
               action: #"{"input":{"command":"rm -rf /srv/app/tmp/\#(i)","kind":"shell"}}"#, effect: "destructive",
               operations: ["shell:rm"], targets: ["/srv/app/tmp/\(i)"], outcome: "pending", rule: "rule:prod-destructive")
}

@Suite("Audit log on SQLite")
struct AuditLogTests {
    func filledLog(_ count: Int, every: UInt64 = 10, in temp: TemporaryHome) throws -> AuditLog {
        var options = AuditLog.Options()
        options.checkpointEvery = every
        let log = try AuditLog(home: temp.home, options: options)
        for i in 0..<count { try log.appendNow([sampleEntry(i)]) }
        return log
    }

    @Test("appends are numbered, durable across reopening, checkpointed every N, and verify")
    func appendAndVerify() throws {
        let temp = TemporaryHome()
        let log = try filledLog(25, in: temp)
        #expect(try log.size == 25)
        let sizes = try log.checkpoints().map(\.checkpoint.size)
        #expect(sizes == [1, 11, 21])
        #expect(FileManager.default.fileExists(atPath: temp.home.checkpointsDirectory.appendingPathComponent("checkpoint-000000000021").path))
        let report = try log.verify()
        #expect(report.isValid, "\(String(describing: report.problem))")
        #expect(report.size == 25 && report.signedSize == 21 && report.checkpointsChecked >= 3)

        // A second handle (another process) continues the same tree.
        let other = try AuditLog(home: temp.home)
        #expect(try other.appendNow([sampleEntry(25)]) == [25])
        try log.appendNow([sampleEntry(26)])
        #expect(try log.verify().isValid)
        #expect(try log.root(size: 27) == other.verify().root)
        let stored = try log.entries(from: 26, limit: 5)
        #expect(stored.count == 1 && stored[0].entry?.index == 26 && stored[0].entry?.targets == ["/srv/app/tmp/26"])
    }

    @Test("commits are synced to disk: the committing connection runs synchronous=FULL, on a new store and on reopening")
    func commitsAreSynced() throws {
        // GRDB sets its pool's writer to synchronous=NORMAL when it enables WAL; a commit would
        // then return before reaching the disk. The store must set FULL after that.
        let temp = TemporaryHome()
        let log = try AuditLog(home: temp.home)
        #expect(try log.writerSynchronousLevel() == 2)
        try log.appendNow([sampleEntry(0)])
        let reopened = try AuditLog(home: temp.home)
        #expect(try reopened.writerSynchronousLevel() == 2)
    }

    @Test("the write-ahead log stays short: a one-shot process re-reads all of it on opening")
    func writeAheadLogStaysShort() throws {
        let temp = TemporaryHome()
        let log = try AuditLog(home: temp.home)
        #expect(try log.writerAutocheckpointPages() == 128)
        // 600 commits of one entry each, as 600 hooks would make: the log is copied into the
        // database as it passes 128 pages (about half a megabyte), not 1,000 (four).
        for i in 0..<600 { try log.appendNow([sampleEntry(i)]) }
        #expect(log.writeAheadLogBytes < 1 << 20, "\(log.writeAheadLogBytes) bytes")
        #expect(try AuditLog(home: temp.home).writerAutocheckpointPages() == 128)
    }

    @Test("concurrent appends are grouped, and none is lost or duplicated")
    func groupCommit() async throws {
        let temp = TemporaryHome()
        let log = try AuditLog(home: temp.home)
        let indices = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for task in 0..<50 {
                group.addTask {
                    var mine: [UInt64] = []
                    for i in 0..<20 { mine += try await log.append([sampleEntry(task * 100 + i)]) }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(indices.sorted() == Array(0..<1000))
        let targets = Set(try log.entries(from: 0, limit: 2000).compactMap { $0.entry?.targets.first })
        #expect(targets.count == 1000)
        #expect(try log.verify().isValid)
    }

    @Test("inclusion and consistency proofs from the store verify against signed checkpoints")
    func proofs() throws {
        let temp = TemporaryHome()
        let log = try filledLog(45, in: temp)
        let checkpoints = try log.checkpoints()
        let key = log.currentVerifier
        for signed in checkpoints {
            #expect(signed.verify(with: key))
            let size = signed.checkpoint.size
            for index in [0, size / 2, size - 1] {
                let stored = try log.entries(from: index, limit: 1)[0]
                let proof = try log.inclusionProof(index: index, size: size)
                #expect(MerkleProof.verifyInclusion(index: index, size: size, leaf: .leaf(stored.bytes), proof: proof, root: signed.checkpoint.root))
            }
        }
        let first = checkpoints[1].checkpoint, last = checkpoints.last!.checkpoint
        let proof = try log.consistencyProof(old: first.size, new: last.size)
        #expect(MerkleProof.verifyConsistency(oldSize: first.size, newSize: last.size, oldRoot: first.root, newRoot: last.root, proof: proof))
        #expect(throws: StoreError.self) { try log.inclusionProof(index: 45, size: 45) }
    }

    enum Tampering: String, CaseIterable, Sendable {
        case modifyEntry, modifyEntryAndLeaf, deleteRow, deleteAndRenumber, swapRows, insertRow, truncate, rewriteEverything, forgeCheckpoint
    }

    @Test("each kind of tampering is detected at the right index", arguments: Tampering.allCases)
    func tampering(_ kind: Tampering) throws {
        let temp = TemporaryHome()
        let log = try filledLog(40, in: temp)
        let trusted = try log.checkpoints().last!
        func entry(_ i: Int) throws -> Data { Data(try log.entries(from: UInt64(i), limit: 1)[0].bytes) }
        switch kind {
        case .modifyEntry:
            var forged = sampleEntry(17)
            forged.index = 17
            forged.outcome = "allow"
            try temp.tamper("UPDATE audit_entry SET entry = ? WHERE idx = 17", arguments: [Data(AuditEntryCodec.encode(forged))])
        case .modifyEntryAndLeaf:
            var forged = sampleEntry(17)
            forged.index = 17
            forged.outcome = "allow"
            let bytes = AuditEntryCodec.encode(forged)
            try temp.tamper("UPDATE audit_entry SET entry = ?, leaf = ? WHERE idx = 17", arguments: [Data(bytes), Data(MerkleHash.leaf(bytes).bytes)])
        case .deleteRow:
            try temp.tamper("DELETE FROM audit_entry WHERE idx = 17")
        case .deleteAndRenumber:
            try temp.tamper("DELETE FROM audit_entry WHERE idx = 17")
            for i in 18..<40 { try temp.tamper("UPDATE audit_entry SET idx = ? WHERE idx = ?", arguments: [i - 1, i]) }
        case .swapRows:
            let a = try entry(17), b = try entry(18)
            try temp.tamper("UPDATE audit_entry SET entry = ? WHERE idx = 17", arguments: [b])
            try temp.tamper("UPDATE audit_entry SET entry = ? WHERE idx = 18", arguments: [a])
        case .insertRow:
            for i in (17..<40).reversed() { try temp.tamper("UPDATE audit_entry SET idx = ? WHERE idx = ?", arguments: [i + 1, i]) }
            var forged = sampleEntry(999)
            forged.index = 17
            let bytes = AuditEntryCodec.encode(forged)
            try temp.tamper("INSERT INTO audit_entry (idx, entry, leaf, nodes) VALUES (17, ?, ?, X'')", arguments: [Data(bytes), Data(MerkleHash.leaf(bytes).bytes)])
        case .truncate:
            try temp.tamper("DELETE FROM audit_entry WHERE idx >= 25")
            try temp.tamper("DELETE FROM audit_checkpoint")
            for file in try FileManager.default.contentsOfDirectory(atPath: temp.home.checkpointsDirectory.path) {
                try FileManager.default.removeItem(at: temp.home.checkpointsDirectory.appendingPathComponent(file))
            }
        case .rewriteEverything:
            // Rebuild the whole table with entry 17 changed and every stored hash recomputed to match.
            var tree = InMemoryTree()
            var rows: [(Data, Data, Data)] = []
            for i in 0..<40 {
                var e = try AuditEntryCodec.decode(Array(try entry(i)))
                if i == 17 { e.outcome = "allow" }
                let bytes = AuditEntryCodec.encode(e)
                var nodes = Data()
                let leaf = MerkleHash.leaf(bytes)
                tree.frontier.append(leaf) { _, h in nodes.append(contentsOf: h.bytes) }
                rows.append((Data(bytes), Data(leaf.bytes), nodes))
            }
            for (i, row) in rows.enumerated() {
                try temp.tamper("UPDATE audit_entry SET entry = ?, leaf = ?, nodes = ? WHERE idx = ?", arguments: [row.0, row.1, row.2, i])
            }
        case .forgeCheckpoint:
            let note = try log.checkpoints()[1].text.replacingOccurrences(of: "\n11\n", with: "\n12\n")
            try temp.tamper("UPDATE audit_checkpoint SET note = ? WHERE size = 11", arguments: [note])
        }
        let report = try log.verify(trusted: [(trusted, "trusted checkpoint")])
        let problem = try #require(report.problem, "tampering went unnoticed")
        let expected: (AuditLogVerifier.Problem.Kind, UInt64) = switch kind {
        case .modifyEntry: (.modified, 17)
        case .modifyEntryAndLeaf: (.modified, 16)  // the node over 16...17 no longer matches
        case .deleteRow, .deleteAndRenumber: (.deleted, 17)
        case .swapRows: (.reordered, 17)
        case .insertRow: (.inserted, 17)
        case .truncate: (.truncated, 25)
        case .rewriteEverything: (.modified, 11)  // between the last good checkpoint (11) and the first bad one (21)
        case .forgeCheckpoint: (.badCheckpoint, 0)
        }
        #expect(problem.kind == expected.0 && problem.index == expected.1, "\(problem)")
    }

    @Test("after key rotation, old checkpoints still verify and new ones use the new key")
    func keyRotation() throws {
        let temp = TemporaryHome()
        let log = try filledLog(12, in: temp)
        let old = log.currentVerifier
        let new = try log.rotateKey(by: "human:alice")
        #expect(new != old)
        try log.appendNow([sampleEntry(100)])
        let checkpoints = try log.checkpoints()
        #expect(checkpoints.first!.verify(with: old) && !checkpoints.first!.verify(with: new))
        #expect(checkpoints.last!.verify(with: new))
        #expect(try log.verify().isValid)
        #expect(try log.verifierKeys().count == 2)
        // The rotation itself is on the record.
        #expect(try log.entries(from: 12, limit: 1)[0].entry?.kind == .keyRotated)
        // Verifying with only the old key fails on the new checkpoints: trust comes from the keys given.
        #expect(try log.verify(keys: [old]).problem?.kind == .badCheckpoint)
    }

    @Test("an export bundle verifies offline, and an edited bundle does not")
    func bundle() throws {
        let temp = TemporaryHome()
        let log = try filledLog(23, in: temp)
        let bundle = temp.url.appendingPathComponent("bundle")
        #expect(try log.export(to: bundle) == 23)
        let report = try AuditBundle.verify(directory: bundle)
        let root = try log.root(size: 23)
        #expect(report.isValid && report.size == 23 && report.root == root)

        let entries = bundle.appendingPathComponent("entries.jsonl")
        let original = try String(contentsOf: entries, encoding: .utf8)
        try original.replacingOccurrences(of: "rm -rf /srv/app/tmp/5\"", with: "ls /srv/app/tmp/5\"").write(to: entries, atomically: true, encoding: .utf8)
        let edited = try AuditBundle.verify(directory: bundle)
        #expect(edited.problem?.kind == .modified && edited.problem?.index == 5, "\(String(describing: edited.problem))")

        var lines = original.split(separator: "\n")
        lines.removeLast(3)
        try (lines.joined(separator: "\n") + "\n").write(to: entries, atomically: true, encoding: .utf8)
        let truncated = try AuditBundle.verify(directory: bundle)
        #expect(truncated.problem?.kind == .truncated && truncated.problem?.index == 20)
    }

    @Test("a quiet log is checkpointed once the interval has passed, and only if it grew")
    func checkpointInterval() throws {
        let temp = TemporaryHome()
        var options = AuditLog.Options()
        options.checkpointEvery = 1000
        options.checkpointInterval = 0
        let log = try AuditLog(home: temp.home, options: options)
        try log.appendNow([sampleEntry(0)])
        #expect(try log.checkpoints().map(\.checkpoint.size) == [1])
        try log.issueCheckpointIfDue()
        #expect(try log.checkpoints().count == 1)
        var slow = AuditLog.Options()
        slow.checkpointInterval = 3600
        let quiet = try AuditLog(home: temp.home, options: slow)
        try quiet.appendNow([sampleEntry(1)])
        try quiet.issueCheckpointIfDue()
        #expect(try log.checkpoints().map(\.checkpoint.size) == [1])
        try log.issueCheckpointIfDue()
        #expect(try log.checkpoints().map(\.checkpoint.size) == [1, 2])
    }

    @Test("the signing key file is private and a world-readable key is refused")
    func keyFile() throws {
        let temp = TemporaryHome()
        _ = try AuditLog(home: temp.home)
        let attributes = try FileManager.default.attributesOfItem(atPath: temp.home.signingKeyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: temp.home.signingKeyPath)
        #expect(throws: StoreError.self) { try AuditLog(home: temp.home) }
    }
}
