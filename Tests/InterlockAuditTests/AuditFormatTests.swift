import Crypto
import Foundation
import InterlockAudit
import InterlockCore
import PropertyBased
import Testing

@Suite("Audit entry encoding")
struct AuditEntryCodecTests {
    static let sample = AuditEntry(
        index: 7, timeMicros: 1_795_000_000_123_456, kind: .decision, principal: "agent:claude-code", launchedBy: "alice",
        channel: "hook", environment: "production", actionDigest: Array(repeating: 0xab, count: 32),
        action: #"{"input":{"command":"rm -rf /srv/app/tmp","kind":"shell"}}"#,
        redactions: [.init(field: "action.input.command", kind: "password")], effect: "destructive",
        operations: ["shell:rm"], targets: ["/srv/app/tmp"], blastRadius: "1", categories: ["data_loss"],
        findings: ["rm -r deletes a tree"], outcome: "pending", rule: "rule:prod-destructive", reasons: ["gated"],
        approvers: [], policyHash: Array(repeating: 0x01, count: 32), subject: "req-1", detail: nil)

    @Test("a fixed entry encodes to pinned bytes (version 1 is a published format)")
    func golden() {
        let entry = AuditEntry(index: 1, timeMicros: 2, kind: .killEngaged, principal: "human:bob", operations: ["a", "bc"])
        // 01 | tag 1 len 8 index=1 | tag 2 len 8 time=2 | tag 3 "kill.engaged" | tag 4 "human:bob" | tag 12 list ["a","bc"]
        let expected = "01" + "0100000008" + "0000000000000001" + "0200000008" + "0000000000000002"
            + "030000000c" + Hex.encode(Array("kill.engaged".utf8)) + "0400000009" + Hex.encode(Array("human:bob".utf8))
            + "0c0000000b" + "00000001" + "61" + "00000002" + "6263"
        #expect(Hex.encode(AuditEntryCodec.encode(entry)) == expected)
    }

    @Test("the cost is the last field, tag 24, in millionths of a dollar")
    func cost() throws {
        var entry = AuditEntry(index: 1, timeMicros: 2, kind: .decision, principal: "agent:a")
        let plain = AuditEntryCodec.encode(entry)
        entry.costMicroUSD = AuditEntry.microUSD(12.5)
        let bytes = AuditEntryCodec.encode(entry)
        #expect(Hex.encode(bytes) == Hex.encode(plain) + "1800000008" + "0000000000bebc20")
        #expect(try AuditEntryCodec.decode(bytes).costMicroUSD == 12_500_000)
        #expect(entry.json["cost_usd"]?.doubleValue == 12.5)
        #expect(AuditEntry.microUSD(0) == nil && AuditEntry.microUSD(-1) == nil && AuditEntry.microUSD(.nan) == nil)
        #expect(AuditEntry.microUSD(1e300) == UInt64.max)
    }

    @Test("decode inverts encode for arbitrary entries")
    func roundTrip() async {
        let text = Gen.element(of: ["a", "b:", "-", "é", "✓", " ", "\n", "{}", "\""]).map { $0! }.array(of: 0...6).map { $0.joined() }
        await propertyCheck(count: 300, input: Gen.int(in: 0...Int.max), text, text.array(of: 0...3), Gen.int(in: 0...1)) { seed, a, list, bit in
            let flag = bit == 1
            var entry = Self.sample
            entry.index = UInt64(seed)
            entry.timeMicros = Int64(seed) - Int64(Int.max / 2)
            entry.principal = a
            entry.detail = flag ? a : nil
            entry.targets = list
            entry.kind = AuditEntry.Kind.allCases[seed % AuditEntry.Kind.allCases.count]
            entry.actionDigest = flag ? nil : entry.actionDigest
            entry.costMicroUSD = flag ? nil : UInt64(seed)
            let bytes = AuditEntryCodec.encode(entry)
            #expect((try? AuditEntryCodec.decode(bytes)) == entry)
            #expect(bytes.withUnsafeBytes { AuditEntryCodec.claimedIndex($0) } == entry.index)
        }
    }

    @Test("the decoder accepts one encoding only", arguments: [
        ("trailing bytes", { @Sendable (b: [UInt8]) in b + [0] }),
        ("unknown version", { @Sendable (b: [UInt8]) in [2] + b.dropFirst() }),
        ("truncated", { @Sendable (b: [UInt8]) in Array(b.dropLast(3)) }),
        ("fields out of order", { @Sendable (b: [UInt8]) in
            // Swap the index and time fields (13 bytes each after the version byte).
            [b[0]] + Array(b[14..<27]) + Array(b[1..<14]) + Array(b[27...])
        }),
        ("empty", { @Sendable (_: [UInt8]) in [] }),
    ] as [(String, @Sendable ([UInt8]) -> [UInt8])])
    func strict(_ name: String, _ mutate: @escaping @Sendable ([UInt8]) -> [UInt8]) {
        let bytes = mutate(AuditEntryCodec.encode(Self.sample))
        #expect(throws: AuditEntryDecodingError.self, "\(name)") { try AuditEntryCodec.decode(bytes) }
    }
}

@Suite("Signed checkpoints")
struct CheckpointTests {
    static let key = Curve25519.Signing.PrivateKey()

    @Test("a checkpoint round-trips through the note format and verifies; any edit breaks it")
    func signAndVerify() throws {
        let signer = CheckpointSigner(name: "interlock.audit/test", privateKey: Self.key)
        let checkpoint = Checkpoint(origin: "interlock.audit/test", size: 8, root: MerkleHash(hex: MerkleTreeTests.roots[8])!)
        let signed = try checkpoint.signed(by: signer)
        let text = signed.text
        #expect(text.hasPrefix("interlock.audit/test\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n\u{2014} interlock.audit/test "))
        let parsed = try SignedCheckpoint(parsing: text)
        #expect(parsed == signed)
        #expect(parsed.verify(with: signer.verifier))
        #expect(!parsed.verify(with: CheckpointSigner(name: "interlock.audit/test", privateKey: .init()).verifier))

        let forged = text.replacingOccurrences(of: "\n8\n", with: "\n9\n")
        #expect(try !SignedCheckpoint(parsing: forged).verify(with: signer.verifier))
        #expect(throws: CheckpointError.self) { try SignedCheckpoint(parsing: "interlock.audit/test\n08\nAAAA\n\n") }
        #expect(throws: CheckpointError.self) { try SignedCheckpoint(parsing: checkpoint.body) }
    }

    @Test("verifier keys use the signed-note format and their key id is checked")
    func verifierKeys() throws {
        let verifier = CheckpointVerifier(name: "interlock.audit/test", publicKey: Self.key.publicKey)
        let parsed = try CheckpointVerifier(parsing: verifier.text + "\n")
        #expect(parsed == verifier)
        let parts = verifier.text.split(separator: "+", maxSplits: 2)
        #expect(parts.count == 3 && parts[1].count == 8)
        // Key id = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[0..<4], computed here independently.
        let material = Array("interlock.audit/test".utf8) + [0x0A, 0x01] + Array(Self.key.publicKey.rawRepresentation)
        #expect(String(parts[1]) == Hex.encode(Array(SHA256.hash(data: material).prefix(4))))
        let wrongID = "interlock.audit/test+00000000+" + parts[2]
        #expect(throws: CheckpointError.self) { try CheckpointVerifier(parsing: wrongID) }
    }
}

@Suite("Redaction")
struct RedactionTests {
    struct Case: Decodable {
        var text: String
        var redacted: String
        var kinds: [String]
    }

    static let cases: [Case] = {
        let url = Bundle.module.url(forResource: "Corpus/redaction", withExtension: "jsonl")!
        return try! String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(Case.self, from: Data($0.utf8))
        }
    }()

    @Test("the redaction corpus: secrets go, look-alikes stay", arguments: cases)
    func corpus(_ c: Case) {
        let (text, kinds) = Redactor.redact(c.text)
        #expect(text == c.redacted)
        #expect(kinds.map(\.rawValue) == c.kinds)
        // Redacting redacted text changes nothing.
        #expect(Redactor.redact(text).text == text)
    }

    @Test("a decision entry is redacted everywhere, records what was redacted, and keeps the unredacted digest")
    func decisionEntry() {
        let action = Action(
            principal: Principal(agent: "claude-code", launchedBy: "alice"), channel: .hook, environment: "production",
            input: .shell(ShellInput(command: "PGPASSWORD=hunter2 psql -h db.prod -c 'DROP TABLE users'")))
        let toolAction = Action(
            principal: Principal(agent: "cursor"), channel: .mcp,
            input: .tool(ToolCall(server: "db", tool: "connect", arguments: .object(["password": .string("hunter2"), "host": .string("db")]))))
        let entry = AuditRecord.decision(action: action, facts: nil, decision: nil, outcome: "deny", policyHash: nil, timeMicros: 0,
                                         detail: "agent said: mail bob@example.com")
        #expect(entry.actionDigest == ActionDigest(action).bytes)
        #expect(!(entry.action ?? "").contains("hunter2"))
        #expect(entry.action?.contains("[REDACTED:password]") == true)
        #expect(entry.detail == "agent said: mail [REDACTED:email]")
        #expect(entry.redactions.contains(.init(field: "action.input.command", kind: "password")))
        #expect(entry.redactions.contains(.init(field: "detail", kind: "email")))

        // An entry changed after redaction is redacted again, not waved through as already done.
        var touched = entry
        touched.detail = "now with AKIAIOSFODNN7EXAMPLE"
        #expect(AuditRecord.redactedEntry(touched).detail == "now with [REDACTED:aws-access-key-id]")
        #expect(AuditRecord.redactedEntry(entry) == entry)

        let tool = AuditRecord.decision(action: toolAction, facts: nil, decision: nil, outcome: "allow", policyHash: nil, timeMicros: 0)
        #expect(!(tool.action ?? "").contains("hunter2"))
        #expect(tool.redactions == [.init(field: "action.input.arguments.password", kind: "password")])
    }
}

@Suite("Redacting JSON documents")
struct RedactJSONTests {
    /// Every string left in the document, with the key it sits under.
    static func leaves(_ value: JSONValue, key: String? = nil) -> [(key: String?, value: String)] {
        switch value {
        case .string(let s): return [(key, s)]
        case .array(let items): return items.flatMap { leaves($0, key: key) }
        case .object(let object): return object.flatMap { leaves($0.value, key: $0.key) }
        case .int(let i): return [(key, String(i))]
        default: return []
        }
    }

    @Test("property: a document comes back unchanged exactly when nothing in it is a secret, and nothing secret is left")
    func redactionLeavesNoSecret() async {
        // Plain words, and now and then a secret in a value or under a secret's name.
        let word = Gen.oneOf(
            Gen.letterOrNumber.string(of: 0...12),
            Gen.always("AKIAIOSFODNN7EXAMPLE"), Gen.always("Bearer abcdefgh12345678"), Gen.always("ops@example.com"),
            Gen.always("postgres://admin:hunter2@db/app"), Gen.always("PGPASSWORD=hunter2 psql"))
        let key = Gen.oneOf(Gen.letter.string(of: 1...8), Gen.always("password"), Gen.always("api_key"), Gen.always("token_count"))
        let leaf = Gen.oneOf(word.map { JSONValue.string($0) }, Gen.int(in: 0...9999).map { JSONValue.int(Int64($0)) })
        let object = zip(key, leaf).array(of: 0...5).map { JSONValue.object(Dictionary($0, uniquingKeysWith: { a, _ in a })) }
        let document = zip(key, Gen.oneOf(leaf, object, object.array(of: 0...3).map { JSONValue.array($0) })).array(of: 1...5)
            .map { JSONValue.object(Dictionary($0, uniquingKeysWith: { a, _ in a })) }
        await propertyCheck(count: 300, input: document) { doc in
            var redactions: [AuditEntry.Redaction] = []
            let clean = AuditRecord.redactJSON(doc, path: "action", redactions: &redactions)
            #expect((clean == doc) == redactions.isEmpty)
            for (key, value) in Self.leaves(clean) {
                for secret in ["AKIAIOSFODNN7EXAMPLE", "abcdefgh12345678", "ops@example.com", "hunter2"] {
                    #expect(!value.contains(secret), "left behind: \(value)")
                }
                if let key, Redactor.sensitiveName(key) != nil, !value.isEmpty {
                    #expect(value.hasPrefix("[REDACTED:"), "value under `\(key)` kept: \(value)")
                }
            }
        }
    }
}
