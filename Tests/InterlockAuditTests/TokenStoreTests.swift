import Foundation
import InterlockApprovals
import InterlockAudit
import InterlockStore
import Testing

@Suite("Tokens on SQLite")
struct TokenStoreTests {
    @Test("a token authenticates as its principal until revoked; only its hash is stored; both events are audited")
    func lifecycle() throws {
        let temp = TemporaryHome()
        let log = try AuditLog(home: temp.home)
        let tokens = TokenStore(audit: log)
        let (agent, agentSecret) = try tokens.create(for: .agent("claude-code"), by: "human:alice")
        let (senior, seniorSecret) = try tokens.create(for: .human("bob", roles: ["senior", "approver"]), by: "human:alice")
        #expect(agentSecret.hasPrefix("il_") && agentSecret.count > 40 && agentSecret != seniorSecret)

        #expect(try tokens.authenticate(agentSecret)?.principal == .agent("claude-code"))
        #expect(try tokens.authenticate(seniorSecret)?.principal == .human("bob", roles: ["senior", "approver"]))
        #expect(try tokens.authenticate(agentSecret + "x") == nil)
        #expect(try tokens.authenticate("") == nil)

        try tokens.revoke(id: agent.id, by: "human:alice")
        try tokens.revoke(id: agent.id, by: "human:alice")  // twice is fine, and audited once
        #expect(try tokens.authenticate(agentSecret) == nil)
        #expect(try tokens.authenticate(seniorSecret)?.id == senior.id)
        #expect(throws: StoreError.self) { try tokens.revoke(id: "tok_nope", by: "human:alice") }
        #expect(try tokens.list().map { $0.revokedAtMicros != nil } == [true, false])

        for file in FileManager.default.enumerator(atPath: temp.url.path)!.compactMap({ $0 as? String }) {
            let data = FileManager.default.contents(atPath: temp.url.path + "/" + file) ?? Data()
            #expect(data.range(of: Data(agentSecret.utf8)) == nil, "\(file) holds a token secret")
        }
        let kinds = try log.entries(from: 0, limit: 10).compactMap { $0.entry?.kind }
        #expect(kinds == [.tokenCreated, .tokenCreated, .tokenRevoked])
        #expect(try log.verify().isValid)
    }
}
