import InterlockApprovals
import InterlockCore
import PropertyBased
import Testing

@Suite("Approval requests: the four-eyes rules")
struct ApprovalRequestTests {
    static let digest = ActionDigest(Action(principal: Principal(agent: "claude-code"), channel: .hook,
                                            input: .shell(ShellInput(command: "rm -rf /srv/app/tmp"))))
    static let otherDigest = ActionDigest(Action(principal: Principal(agent: "claude-code"), channel: .hook,
                                                 input: .shell(ShellInput(command: "rm -rf /srv/app"))))
    static let minute: Int64 = 60_000_000

    static func request(approvers: Int = 2, roles: [String] = ["senior"]) -> ApprovalRequest {
        ApprovalRequest(
            id: "apr_1", actionDigest: digest, requester: "claude-code", launchedBy: "alice", environment: "production",
            rule: "rule:prod-destructive", requirement: ApprovalRequirement(approvers: approvers, roles: roles, timeoutSeconds: 30 * 60),
            createdAtMicros: 0)
    }

    @Test("two distinct seniors approve; the approval covers the identical action once")
    func fourEyes() throws {
        var r = Self.request()
        let state1 = try r.approve(by: .human("bob", roles: ["senior"]), at: Self.minute)
        #expect(state1 == .pending)
        let state2 = try r.approve(by: .human("bob", roles: ["senior"]), at: 2 * Self.minute)
        #expect(state2 == .pending)  // twice counts once
        let state3 = try r.approve(by: .human("carol", roles: ["senior", "admin"]), at: 3 * Self.minute)
        #expect(state3 == .approved)
        #expect(r.approverNames == ["bob", "carol"])
        let used4 = r.consume(digest: Self.otherDigest, at: 4 * Self.minute)
        #expect(!used4)  // approving tmp never approves the app
        let used5 = r.consume(digest: Self.digest, at: 4 * Self.minute)
        #expect(used5)
        let used6 = r.consume(digest: Self.digest, at: 4 * Self.minute)
        #expect(!used6)  // once
        #expect(r.state(at: 5 * Self.minute) == .consumed)
    }

    @Test("agents, the requester and the human who launched the agent cannot approve; roles are enforced")
    func whoMayApprove() {
        var r = Self.request()
        #expect(throws: ApprovalRequest.Refusal.agentsCannotVote("agent:deploy-bot")) { var copy = r; try copy.approve(by: .agent("deploy-bot"), at: 1) }
        #expect(throws: ApprovalRequest.Refusal.ownRequest("alice")) { var copy = r; try copy.approve(by: .human("alice", roles: ["senior"]), at: 1) }
        #expect(throws: ApprovalRequest.Refusal.ownRequest("claude-code")) { var copy = r; try copy.approve(by: .human("claude-code", roles: ["senior"]), at: 1) }
        #expect(throws: ApprovalRequest.Refusal.missingRole("dave", required: ["senior"])) { var copy = r; try copy.approve(by: .human("dave", roles: ["dev"]), at: 1) }
        #expect(throws: ApprovalRequest.Refusal.agentsCannotVote("agent:x")) { var copy = r; try copy.reject(by: .agent("x"), at: 1, comment: nil) }
        // Refused votes leave no trace.
        #expect((try? r.approve(by: .agent("deploy-bot"), at: 1)) == nil)
        #expect(r.approvals.isEmpty && r.state(at: 2) == .pending)
    }

    @Test("one rejection rejects; silence past the timeout rejects; an unused approval lapses")
    func rejectionAndTimeouts() throws {
        var rejected = Self.request()
        try rejected.approve(by: .human("bob", roles: ["senior"]), at: 1)
        try rejected.reject(by: .human("erin", roles: []), at: 2, comment: "not during the freeze")
        #expect(rejected.state(at: 3) == .rejected)
        #expect(throws: ApprovalRequest.Refusal.notPending(.rejected)) { var copy = rejected; try copy.approve(by: .human("carol", roles: ["senior"]), at: 3) }

        var silent = Self.request()
        #expect(silent.state(at: 30 * Self.minute - 1) == .pending)
        #expect(silent.state(at: 30 * Self.minute) == .expired)
        #expect(throws: ApprovalRequest.Refusal.notPending(.expired)) { var copy = silent; try copy.approve(by: .human("bob", roles: ["senior"]), at: 31 * Self.minute) }
        let used7 = silent.consume(digest: Self.digest, at: 31 * Self.minute)
        #expect(!used7)

        var late = Self.request(approvers: 1)
        try late.approve(by: .human("bob", roles: ["senior"]), at: Self.minute)
        #expect(late.state(at: 16 * Self.minute) == .approved)
        let used8 = late.consume(digest: Self.digest, at: 16 * Self.minute + 1)
        #expect(!used8)
        #expect(late.state(at: 17 * Self.minute) == .expired)
    }

    /// The reference: the rules written as plainly as possible over the whole history.
    struct Oracle {
        var approvers: Set<String> = []
        var rejected = false
        var approvedAt: Int64?
        var consumed = false

        func state(at now: Int64) -> ApprovalRequest.State {
            if consumed { return .consumed }
            if rejected { return .rejected }
            if let approvedAt { return now <= approvedAt + 15 * minute ? .approved : .expired }
            return now < 30 * minute ? .pending : .expired
        }
    }

    @Test("property: random histories agree with the reference rules")
    func agreesWithOracle() async {
        let people = ["alice", "bob", "carol", "dave", "erin", "claude-code", "agent"]
        await propertyCheck(count: 400, input: Gen.int(in: 0...Int.max)) { seed in
            var rng = Xoshiro(seed: (UInt64(seed), 1, 2, 3))
            var r = Self.request(approvers: 1 + Int(rng.next() % 3))
            var oracle = Oracle()
            var now: Int64 = 0
            for _ in 0..<12 {
                now += Int64(rng.next() % UInt64(6 * Self.minute))
                let person = people[Int(rng.next() % UInt64(people.count))]
                let roles: Set<String> = rng.next() % 3 == 0 ? ["dev"] : ["senior"]
                let approver: Approver = person == "agent" ? .agent("bot") : .human(person, roles: roles)
                switch rng.next() % 4 {
                case 0, 1:
                    let eligible = person != "agent" && person != "alice" && person != "claude-code" && roles.contains("senior")
                    let ok = (try? r.approve(by: approver, at: now)) != nil
                    let expectedOK = eligible && oracle.state(at: now) == .pending
                    #expect(ok == expectedOK)
                    if expectedOK {
                        oracle.approvers.insert(person)
                        if oracle.approvers.count >= r.requirement.approvers { oracle.approvedAt = now }
                    }
                case 2:
                    let ok = (try? r.reject(by: approver, at: now, comment: nil)) != nil
                    let before = oracle.state(at: now)
                    let expectedOK = person != "agent" && (before == .pending || before == .approved)
                    #expect(ok == expectedOK)
                    if expectedOK { oracle.rejected = true }
                default:
                    let right = rng.next() % 4 != 0
                    let used = r.consume(digest: right ? Self.digest : Self.otherDigest, at: now)
                    let expected = right && oracle.state(at: now) == .approved
                    #expect(used == expected)
                    if expected { oracle.consumed = true }
                }
                #expect(r.state(at: now) == oracle.state(at: now))
            }
        }
    }
}
