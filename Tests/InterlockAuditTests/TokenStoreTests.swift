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

    @Test("AWS credentials: AWS-shaped keys for an agent, found by access key id until revoked, never usable as a bearer token")
    func awsCredentials() throws {
        let temp = TemporaryHome()
        let log = try AuditLog(home: temp.home)
        let tokens = TokenStore(audit: log)
        let permanent = try tokens.createAWSCredentials(agent: "deploy-bot", by: "human:alice")
        let temporary = try tokens.createAWSCredentials(agent: "ci-bot", by: "human:alice", launchedBy: "lena", lifetimeSeconds: 3600)
        #expect(permanent.accessKeyID.hasPrefix("AKIL") && permanent.accessKeyID.count == 20)
        #expect(permanent.accessKeyID.allSatisfy { $0.isUppercase || $0.isNumber })
        #expect(permanent.secretAccessKey.count == 40 && permanent.sessionToken == nil)
        #expect(temporary.accessKeyID.hasPrefix("ASIL") && temporary.sessionToken != nil)

        let found = try #require(try tokens.awsCredentials(accessKeyID: temporary.accessKeyID))
        #expect(found.agent == "ci-bot" && found.secretAccessKey == temporary.secretAccessKey && found.sessionToken == temporary.sessionToken)
        #expect(found.token.launchedBy == "lena")
        let expiry = try #require(found.token.expiresAtMicros)
        #expect(abs(expiry - found.token.createdAtMicros - 3_600_000_000) < 1_000_000)
        #expect(try tokens.awsCredentials(accessKeyID: "AKILNOTAKEY000000000") == nil)
        // The secret signs requests to the AWS proxy; it opens nothing at the gateway's API.
        #expect(try tokens.authenticate(permanent.secretAccessKey) == nil)

        try tokens.revoke(id: permanent.token.id, by: "human:alice")
        #expect(try tokens.awsCredentials(accessKeyID: permanent.accessKeyID) == nil)
        #expect(try tokens.list().first { $0.id == temporary.token.id }?.awsAccessKeyID == temporary.accessKeyID)
        let details = try log.entries(from: 0, limit: 10).compactMap { $0.entry?.detail }
        #expect(details.contains { $0.contains(temporary.accessKeyID) && $0.contains("expiring in 3600s") })
        #expect(!details.contains { $0.contains(temporary.secretAccessKey) })
        #expect(try log.verify().isValid)
    }
}
