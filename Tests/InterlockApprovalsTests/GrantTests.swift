import InterlockApprovals
import InterlockCore
import Testing

@Suite("Grants")
struct GrantTests {
    static let hour: Int64 = 3_600_000_000

    static func grant(tier: Tier = .supervised, uses: Int? = nil) throws -> Grant {
        try Grant(id: "grt_1", agent: "claude-code", environment: "production", operations: ["shell:rm"], targets: ["/srv/app/tmp/**"],
                  tier: tier, grantedBy: "human:bob", createdAtMicros: 0, expiresAtMicros: hour, usesLeft: uses)
    }

    static func facts(operations: [String] = ["shell:rm"], targets: [String] = ["/srv/app/tmp/cache"], complete: Bool = true, effect: Effect = .destructive) -> Classification {
        Classification(findings: operations.map {
            Finding(operation: $0, effect: effect, targets: targets, targetsComplete: complete, blastRadius: .count(targets.count), categories: [], reason: "test")
        })
    }

    static let action = Action(principal: Principal(agent: "claude-code"), channel: .hook, environment: "production",
                               input: .shell(ShellInput(command: "rm -rf /srv/app/tmp/cache")))
    static func decision(_ tier: Tier, environment: String = "production") -> Decision {
        Decision(tier: tier, environment: environment, decidedBy: .rule("prod"), message: "needs approval")
    }

    @Test("a grant lowers a gated decision for exactly its scope and time, and never lifts blocked")
    func scope() throws {
        let g = try Self.grant()
        #expect(g.covers(Self.action, facts: Self.facts(), decision: Self.decision(.gated), at: 1))
        #expect(g.apply(to: Self.decision(.gated)).tier == .supervised)
        #expect(!g.covers(Self.action, facts: Self.facts(), decision: Self.decision(.blocked), at: 1))
        #expect(!g.covers(Self.action, facts: Self.facts(), decision: Self.decision(.gated), at: Self.hour))  // expired
        #expect(!g.covers(Self.action, facts: Self.facts(targets: ["/srv/app/tmp/cache", "/srv/app/db"]), decision: Self.decision(.gated), at: 1))
        #expect(!g.covers(Self.action, facts: Self.facts(complete: false), decision: Self.decision(.gated), at: 1))
        #expect(!g.covers(Self.action, facts: Self.facts(operations: ["shell:rm", "shell:chmod"]), decision: Self.decision(.gated), at: 1))
        #expect(!g.covers(Self.action, facts: Self.facts(effect: .unknown), decision: Self.decision(.gated), at: 1))
        #expect(!g.covers(Self.action, facts: Self.facts(), decision: Self.decision(.gated, environment: "staging"), at: 1))
        var other = Self.action
        other.principal.agent = "cursor"
        #expect(!g.covers(other, facts: Self.facts(), decision: Self.decision(.gated), at: 1))
        // Supervised may go to autonomous only with an autonomous grant; never "up".
        #expect(!g.covers(Self.action, facts: Self.facts(), decision: Self.decision(.autonomous), at: 1))
        #expect(!g.covers(Self.action, facts: Self.facts(), decision: Self.decision(.supervised), at: 1))
        #expect(try Self.grant(tier: .autonomous).covers(Self.action, facts: Self.facts(), decision: Self.decision(.supervised), at: 1))
    }

    @Test("malformed grants are refused with a reason")
    func validation() {
        func make(_ tier: Tier = .supervised, ops: [String] = ["shell:rm"], targets: [String] = ["/x"], by: String = "human:bob", uses: Int? = nil, expires: Int64 = 10) throws -> Grant {
            try Grant(id: "g", agent: "a", environment: "e", operations: ops, targets: targets, tier: tier, grantedBy: by,
                      createdAtMicros: 0, expiresAtMicros: expires, usesLeft: uses)
        }
        #expect(throws: GrantError.self) { try make(.gated) }
        #expect(throws: GrantError.self) { try make(ops: []) }
        #expect(throws: GrantError.self) { try make(targets: []) }
        #expect(throws: GrantError.self) { try make(by: "agent:bot") }
        #expect(throws: GrantError.self) { try make(uses: 0) }
        #expect(throws: GrantError.self) { try make(expires: 0) }
        #expect(throws: GrantError.self) { try make(ops: ["shell:[rm"]) }
    }
}
