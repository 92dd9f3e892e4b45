import Foundation
import GRDB
import InterlockCore
import Testing

@Suite("interlock audit (real binary, real SQLite file)")
struct AuditCommandTests {
    /// Records `count` decisions through `interlock check --record`.
    func record(_ commands: [String], home: String) throws {
        for command in commands {
            let result = try InterlockBinary.run(["check", "--record", "--home", home, "--env", "production", "--shell", command])
            #expect([0, 2, 4].contains(result.status), "\(command): \(result.stderr)")
        }
    }

    func verify(_ arguments: [String]) throws -> (status: Int32, json: JSONValue) {
        let result = try InterlockBinary.run(["audit", "verify", "--format", "json"] + arguments)
        return (result.status, try JSONValue.parse(result.stdout))
    }

    @Test("recorded decisions verify, secrets never reach the disk, and tampering exits 5 naming the index")
    func recordVerifyTamper() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        try record(["PGPASSWORD=hunter2 psql -h db.prod -c 'DROP TABLE users'", "ls /srv", "rm -rf /srv/app/tmp"], home: home)

        let ok = try verify(["--home", home])
        #expect(ok.status == 0)
        #expect(ok.json["valid"] == .bool(true))
        // policy.loaded, then three decisions.
        #expect(ok.json["size"] == .int(4))

        // Nothing under the home holds the password: not the database, its WAL, nor a checkpoint.
        let files = FileManager.default.enumerator(atPath: home)!.compactMap { $0 as? String }
        for file in files {
            let data = FileManager.default.contents(atPath: home + "/" + file) ?? Data()
            #expect(data.range(of: Data("hunter2".utf8)) == nil, "\(file) holds the secret")
        }
        let show = try InterlockBinary.run(["audit", "show", "--home", home, "1"])
        #expect(show.status == 0 && show.stdout.contains("[REDACTED:password]") && show.stdout.contains("\"outcome\" : \"approval-required\""))

        let queue = try DatabaseQueue(path: home + "/interlock.sqlite")
        try queue.write { db in
            let bytes = try Data.fetchOne(db, sql: "SELECT entry FROM audit_entry WHERE idx = 2")!
            let forged = Data(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "ls /srv", with: "ls /etc").utf8)
            #expect(forged != bytes)
            try db.execute(sql: "UPDATE audit_entry SET entry = ? WHERE idx = 2", arguments: [forged])
        }
        try queue.close()
        let tampered = try verify(["--home", home])
        #expect(tampered.status == 5)
        #expect(tampered.json["problem"]?["kind"] == .string("modified"))
        #expect(tampered.json["problem"]?["index"] == .int(2))
        let text = try InterlockBinary.run(["audit", "verify", "--home", home])
        #expect(text.stdout.hasPrefix("FAILED: modified at index 2"))
    }

    @Test("an exported bundle verifies with the home gone; a trusted checkpoint catches a truncated log")
    func exportAndTrustedCheckpoint() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        try record(["ls /a", "ls /b", "ls /c"], home: home)
        let checkpoint = try InterlockBinary.run(["audit", "checkpoint", "--home", home])
        #expect(checkpoint.status == 0 && checkpoint.stdout.contains("\n4\n") && checkpoint.stdout.contains("\u{2014} interlock.audit/"))
        let trusted = try dir.write("trusted.checkpoint", checkpoint.stdout)
        let key = try InterlockBinary.run(["audit", "key", "show", "--home", home])
        let keyFile = try dir.write("audit.pub", key.stdout)

        let bundle = dir.url.appendingPathComponent("bundle").path
        #expect(try InterlockBinary.run(["audit", "export", "--home", home, "--out", bundle]).status == 0)
        let moved = dir.url.appendingPathComponent("moved").path
        try FileManager.default.moveItem(atPath: bundle, toPath: moved)
        let offline = try verify(["--bundle", moved, "--key", keyFile, "--trusted-checkpoint", trusted])
        #expect(offline.status == 0 && offline.json["size"] == .int(4), "\(offline.json)")

        // Someone with the database drops the newest entry and every checkpoint they can reach.
        let queue = try DatabaseQueue(path: home + "/interlock.sqlite")
        try queue.write { db in
            try db.execute(sql: "DELETE FROM audit_entry WHERE idx = 3")
            try db.execute(sql: "DELETE FROM audit_checkpoint")
        }
        try queue.close()
        try FileManager.default.removeItem(atPath: home + "/checkpoints")
        #expect(try verify(["--home", home]).status == 0)  // nothing left inside contradicts it...
        let caught = try verify(["--home", home, "--trusted-checkpoint", trusted])  // ...but the checkpoint held elsewhere does
        #expect(caught.status == 5)
        #expect(caught.json["problem"]?["kind"] == .string("truncated") && caught.json["problem"]?["index"] == .int(3))
    }

    @Test("proofs printed by the CLI verify")
    func proofs() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        try record(["ls /a", "ls /b", "ls /c", "ls /d", "ls /e"], home: home)
        let prove = try InterlockBinary.run(["audit", "prove", "--home", home, "2"])
        let json = try JSONValue.parse(prove.stdout)
        #expect(json["tree_size"] == .int(6) && json["proof"]?.arrayValue?.count == 3)
        let consistency = try JSONValue.parse(try InterlockBinary.run(["audit", "consistency", "--home", home, "3", "6"]).stdout)
        #expect(consistency["proof"]?.arrayValue?.isEmpty == false)
        let bad = try InterlockBinary.run(["audit", "prove", "--home", home, "99"])
        #expect(bad.status == 3 && bad.stderr.hasPrefix("interlock: "))
    }

    @Test("kill -9 during a burst of appends leaves a log that verifies and holds every committed entry")
    func crashDuringBurst() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let process = Process()
        process.executableURL = InterlockBinary.url.deletingLastPathComponent().appendingPathComponent("InterlockBenchmarks")
        process.arguments = ["audit-append", "10000000", "32", home]
        var environment = ProcessInfo.processInfo.environment
        environment["INTERLOCK_BENCH_REPORT"] = "1"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var committed: UInt64 = 0
        var buffer = Data()
        var lines = 0
        while lines < 3000 {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                if let n = UInt64(line.dropFirst("committed ".count)) { committed = max(committed, n) }
                lines += 1
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(lines >= 3000, "the burst ended early")

        let report = try verify(["--home", home])
        #expect(report.status == 0, "\(report.json)")
        guard case .int(let size)? = report.json["size"] else { Issue.record("no size"); return }
        // Every append that was acknowledged is there; what was in flight is wholly there or wholly absent.
        #expect(UInt64(size) > committed)
        // And the log carries on from where it stopped.
        try record(["ls /after-the-crash"], home: home)
        #expect(try verify(["--home", home]).json["size"] == .int(size + 2))  // policy.loaded + the decision
    }
}

@Suite("interlock token (real binary)")
struct TokenCommandTests {
    @Test("create prints the secret once, list never does, revoke takes effect; bad flags exit 3")
    func lifecycle() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let created = try InterlockBinary.run(["token", "create", "--home", home, "--human", "bob", "--role", "senior"])
        #expect(created.status == 0, "\(created.stderr)")
        let lines = created.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines[0].hasPrefix("tok_") && lines[0].hasSuffix("human:bob") && lines[1].hasPrefix("il_"))
        let id = String(lines[0].split(separator: " ")[0])
        let list = try InterlockBinary.run(["token", "list", "--home", home])
        #expect(list.stdout == "\(id) human:bob roles=senior\n" && !list.stdout.contains(lines[1]))
        #expect(try InterlockBinary.run(["token", "revoke", "--home", home, id]).status == 0)
        #expect(try InterlockBinary.run(["token", "list", "--home", home]).stdout.hasSuffix("revoked\n"))
        #expect(try InterlockBinary.run(["token", "revoke", "--home", home, "tok_missing"]).status == 3)
        #expect(try InterlockBinary.run(["token", "create", "--home", home, "--agent", "x", "--role", "admin"]).status == 3)
        #expect(try InterlockBinary.run(["token", "create", "--home", home]).status == 3)
        #expect(try InterlockBinary.run(["audit", "verify", "--home", home]).status == 0)
    }
}

@Suite("interlock kill and resume (real binary)")
struct KillSwitchCommandTests {
    @Test("an engaged kill switch refuses recorded decisions in scope, across processes, until released; all of it audited")
    func killAndResume() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        func check(_ agent: String, env: String = "staging") throws -> InterlockBinary.Result {
            try InterlockBinary.run(["check", "--record", "--home", home, "--agent", agent, "--env", env, "--shell", "ls /srv"])
        }
        #expect(try check("claude-code").status == 0)
        #expect(try InterlockBinary.run(["kill", "--home", home, "--agent", "claude-code", "--reason", "runaway loop"]).status == 0)
        let refused = try check("claude-code")
        #expect(refused.status == 2 && refused.stdout.contains("kill switch for agent claude-code") && refused.stdout.contains("runaway loop"))
        #expect(try check("cursor").status == 0)  // other agents are out of scope

        #expect(try InterlockBinary.run(["kill", "--home", home, "--env", "production"]).status == 0)
        #expect(try check("cursor", env: "production").status == 2)
        #expect(try check("cursor", env: "staging").status == 0)

        #expect(try InterlockBinary.run(["resume", "--home", home, "--agent", "claude-code"]).status == 0)
        #expect(try check("claude-code").status == 0)
        #expect(try InterlockBinary.run(["resume", "--home", home, "--agent", "claude-code"]).status == 3)  // not engaged
        #expect(try InterlockBinary.run(["kill", "--home", home, "--agent", "a", "--env", "b"]).status == 3)

        let tail = try InterlockBinary.run(["audit", "tail", "--home", home, "-n", "100"]).stdout
        #expect(tail.contains("\"kind\":\"kill.engaged\"") && tail.contains("\"kind\":\"kill.released\"") && tail.contains("\"outcome\":\"deny\""))
        #expect(try InterlockBinary.run(["audit", "verify", "--home", home]).status == 0)
    }
}

@Suite("interlock grant (real binary)")
struct GrantCommandTests {
    @Test("a one-use grant lets the gated action through once as supervised; outside its scope nothing changes")
    func oneUse() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        func check(_ command: String) throws -> Int32 {
            try InterlockBinary.run(["check", "--record", "--home", home, "--agent", "claude-code", "--env", "production", "--shell", command]).status
        }
        #expect(try check("rm -rf /srv/app/tmp/cache") == 4)
        let created = try InterlockBinary.run(["grant", "create", "--home", home, "--agent", "claude-code", "--env", "production",
                                               "--operation", "shell:rm", "--target", "/srv/app/tmp/**", "--for", "1h", "--uses", "1"])
        #expect(created.status == 0 && created.stdout.hasPrefix("grt_"), "\(created.stderr)")
        #expect(try check("rm -rf /srv/app/data") == 4)        // outside the targets
        #expect(try check("rm -rf /srv/app/tmp/cache") == 0)   // inside: once
        #expect(try check("rm -rf /srv/app/tmp/cache") == 4)   // used up
        #expect(try InterlockBinary.run(["grant", "list", "--home", home]).stdout.isEmpty)
        #expect(try InterlockBinary.run(["grant", "create", "--home", home, "--agent", "a", "--env", "production",
                                         "--operation", "shell:rm", "--for", "1h"]).status == 3)  // no target
        #expect(try InterlockBinary.run(["grant", "create", "--home", home, "--agent", "a", "--env", "production",
                                         "--operation", "shell:rm", "--target", "/x", "--for", "soon"]).status == 3)
        let tail = try InterlockBinary.run(["audit", "tail", "--home", home, "-n", "50"]).stdout
        #expect(tail.contains("\"kind\":\"grant.created\"") && tail.contains("allowed by grant grt_"))
        #expect(try InterlockBinary.run(["audit", "verify", "--home", home]).status == 0)
    }
}
