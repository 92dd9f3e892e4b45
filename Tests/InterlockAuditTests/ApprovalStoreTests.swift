import Foundation
import InterlockApprovals
import InterlockAudit
import InterlockCore
import InterlockStore
import Testing

@Suite("Approval requests on SQLite")
struct ApprovalStoreTests {
    static let action = Action(principal: Principal(agent: "claude-code", launchedBy: "alice"), channel: .hook, environment: "production",
                               input: .shell(ShellInput(command: "rm -rf /srv/app/tmp")))
    static let wider = Action(principal: Principal(agent: "claude-code", launchedBy: "alice"), channel: .hook, environment: "production",
                              input: .shell(ShellInput(command: "rm -rf /srv/app")))

    static func request(id: String, at now: Int64) -> ApprovalRequest {
        ApprovalRequest(id: id, actionDigest: ActionDigest(action), requester: "claude-code", launchedBy: "alice",
                        environment: "production", rule: "rule:prod-destructive",
                        requirement: ApprovalRequirement(approvers: 2, roles: ["senior"]), createdAtMicros: now)
    }

    @Test("four eyes end to end on the store: retries share one request, approvals survive a restart, one use, all audited")
    func fourEyes() throws {
        let temp = TemporaryHome()
        let approvals = ApprovalStore(audit: try AuditLog(home: temp.home))
        let filed = try approvals.file(Self.request(id: "apr_1", at: 0), now: 0)
        #expect(try approvals.file(Self.request(id: "apr_2", at: 5), now: 5).id == filed.id)  // identical retry

        #expect(throws: ApprovalRequest.Refusal.self) { try approvals.approve(id: "apr_1", by: .human("alice", roles: ["senior"]), comment: nil, now: 10) }
        #expect(throws: ApprovalRequest.Refusal.self) { try approvals.approve(id: "apr_1", by: .agent("claude-code"), comment: nil, now: 10) }
        try approvals.approve(id: "apr_1", by: .human("bob", roles: ["senior"]), comment: "looked at the plan", now: 20)

        // Another process (a restart) sees the same state and finishes the approval.
        let restarted = ApprovalStore(audit: try AuditLog(home: temp.home))
        #expect(try restarted.request(id: "apr_1")?.approverNames == ["bob"])
        let approved = try restarted.approve(id: "apr_1", by: .human("carol", roles: ["senior"]), comment: nil, now: 30)
        #expect(approved.state(at: 30) == .approved)

        #expect(try !restarted.consume(id: "apr_1", digest: ActionDigest(Self.wider), now: 40))
        #expect(try restarted.consume(id: "apr_1", digest: ActionDigest(Self.action), now: 40))
        #expect(try !approvals.consume(id: "apr_1", digest: ActionDigest(Self.action), now: 41))
        // After use, the next identical action needs a new request.
        #expect(try approvals.file(Self.request(id: "apr_3", at: 50), now: 50).id == "apr_3")

        let log = try AuditLog(home: temp.home)
        let kinds = try log.entries(from: 0, limit: 20).compactMap { $0.entry?.kind }
        #expect(kinds == [.approvalRequested, .approvalApproved, .approvalApproved, .approvalConsumed, .approvalRequested])
        #expect(try log.verify().isValid)
    }

    @Test("two concurrent retries of an approved action: exactly one is allowed")
    func concurrentConsumption() async throws {
        let temp = TemporaryHome()
        let log = try AuditLog(home: temp.home)
        let approvals = ApprovalStore(audit: log)
        for round in 0..<10 {
            let id = "apr_\(round)"
            var request = Self.request(id: id, at: 0)
            request.actionDigest = ActionDigest(bytes: Array(repeating: UInt8(round), count: 32))
            _ = try approvals.file(request, now: 0)
            try approvals.approve(id: id, by: .human("bob", roles: ["senior"]), comment: nil, now: 1)
            try approvals.approve(id: id, by: .human("carol", roles: ["senior"]), comment: nil, now: 2)
            let digest = request.actionDigest
            let home = temp.home
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<2 {
                    group.addTask { try ApprovalStore(audit: try AuditLog(home: home)).consume(id: id, digest: digest, now: 3) }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1 && results.count == 2, "round \(round)")
        }
    }

    @Test("silence rejects: past the timeout nobody can approve, even with no sweeper")
    func timeout() throws {
        let temp = TemporaryHome()
        let approvals = ApprovalStore(audit: try AuditLog(home: temp.home))
        _ = try approvals.file(Self.request(id: "apr_1", at: 0), now: 0)
        let late: Int64 = 30 * 60 * 1_000_000
        #expect(try approvals.request(id: "apr_1")?.state(at: late) == .expired)
        #expect(throws: ApprovalRequest.Refusal.notPending(.expired)) {
            try approvals.approve(id: "apr_1", by: .human("bob", roles: ["senior"]), comment: nil, now: late)
        }
    }
}
