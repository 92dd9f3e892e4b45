import InterlockCore
import PropertyBased
import Synchronization
import Testing

@testable import InterlockPolicy

@Suite("Decision semantics against the reference oracle")
struct DecisionSemanticsTests {
    @Test("property: the decision table agrees with the reference on random contributions")
    func tableProperty() async {
        let tiers = Gen.element(of: Tier.allCases).map { $0! }
        await propertyCheck(count: 500, input: tiers.array(of: 0...6), Gen.int(in: 0...4)) { ruleTiers, matrixPick in
            let matrix: Tier? = matrixPick == 4 ? nil : Tier.allCases[matrixPick]
            let rules = ruleTiers.enumerated().map { DecisionTable.Contribution(tier: $0.element, source: .rule("r\($0.offset)")) }
            let got = DecisionTable.decide(environment: "production", matrixTier: matrix, effect: .write, rules: rules, limits: [])
            let want = Reference.table(matrix: matrix, rules: ruleTiers.enumerated().map { ($0.element, "r\($0.offset)") })
            #expect(got.tier == want.0)
            let gotSource: String
            switch got.source {
            case .rule(let id): gotSource = "rule:\(id)"
            case .tier: gotSource = "tier"
            case .defaultDeny: gotSource = "default"
            case .limit: gotSource = "limit"
            }
            #expect(gotSource == want.1)
        }
    }

    static let operationPatterns = ["shell:rm", "shell:*", "aws:*:Delete*", "aws:ec2:*", "sql:drop_table", "**", "git:push*"]
    static let operations = ["shell:rm", "shell:ls", "aws:ec2:DeleteVolume", "aws:s3:ListBuckets", "sql:drop_table", "git:push_force"]

    static func randomPolicy(_ rng: inout Xoshiro) -> Reference.PolicySpec {
        func maybe<T>(_ make: () -> T) -> T? { Bool.random(using: &rng) ? make() : nil }
        func subset<T>(_ all: [T]) -> [T] {
            let s = all.filter { _ in Bool.random(using: &rng) }
            return s.isEmpty ? [all.randomElement(using: &rng)!] : s
        }
        var envs: [(String, [Effect: Tier])] = []
        for name in ["production", "development"] {
            var tiers: [Effect: Tier] = [:]
            for effect in Effect.allCases where Int.random(in: 0..<5, using: &rng) > 0 {
                tiers[effect] = Tier.allCases.randomElement(using: &rng)!
            }
            envs.append((name, tiers))
        }
        let rules = (0..<Int.random(in: 0...7, using: &rng)).map { i in
            Reference.RuleSpec(
                id: "r\(i)",
                operations: maybe { subset(operationPatterns) },
                effects: maybe { subset(Effect.allCases) },
                environments: maybe { subset(["production", "development"]) },
                categories: maybe { subset([Category.teardown, Category.dataLoss]) },
                decision: Tier.allCases.randomElement(using: &rng)!)
        }
        return Reference.PolicySpec(environments: envs.map { (name: $0.0, tiers: $0.1) }, rules: rules)
    }

    @Test("property: random policies decide like the reference evaluator")
    func policyProperty() async {
        let loaded = Counter()
        await propertyCheck(count: 400, input: Gen.int(in: 0...Int.max)) { seed in
            var rng = Xoshiro(seed: (UInt64(seed), 1, 2, 3))
            let spec = Self.randomPolicy(&rng)
            // Random policies may be rejected by the validator (contradictions, unreachable rules);
            // those are covered by the lint corpus.
            guard let policy = try? PolicyLoader.load(text: Reference.yaml(spec), file: "random.yaml").0 else { return }
            loaded.add()
            let evaluator = PolicyEvaluator(policy: policy)
            for _ in 0..<8 {
                let effect = Effect.allCases.randomElement(using: &rng)!
                let ops = Array(Self.operations.shuffled(using: &rng).prefix(Int.random(in: 1...3, using: &rng)))
                let cats = Set([Category.teardown, Category.dataLoss].filter { _ in Bool.random(using: &rng) })
                let explicit = [nil, "production", "development", "nowhere"].randomElement(using: &rng)!
                let facts = Classification(
                    findings: ops.enumerated().map { i, op in
                        Finding(operation: op, effect: i == 0 ? effect : .read, targets: ["t"], categories: cats, reason: "r")
                    })
                let action = Action(principal: Principal(agent: "a"), channel: .cli, environment: explicit, input: .shell(ShellInput(command: "x")))
                let got = evaluator.evaluate(action, facts: facts, usage: .none)
                let want = Reference.decide(spec, explicitEnvironment: explicit, effect: facts.effect, operations: ops, categories: cats)
                #expect(got.tier == want.0, "seed \(seed): \(Reference.yaml(spec)) ops \(ops) effect \(facts.effect) env \(explicit ?? "-")")
                let source: String = if case .rule(let id) = got.decidedBy { "rule:\(id)" } else if case .tier = got.decidedBy { "tier" } else { "default" }
                #expect(source == want.1, "seed \(seed)")
            }
        }
        // Guard against a generator that only produces rejected policies: the property would be vacuous.
        #expect(loaded.value > 100)
    }

    @Test("named properties: blocked beats everything; no coverage means denial")
    func namedProperties() throws {
        let text = """
            version: 1
            environments:
              production:
                tiers: {read: autonomous}
            rules:
              - id: allow-ls
                match: {operations: ["shell:ls"]}
                decision: autonomous
              - id: no-rm
                match: {operations: ["shell:rm"]}
                decision: blocked
                message: no
            """
        let evaluator = PolicyEvaluator(policy: try PolicyLoader.load(text: text, file: "p.yaml").0)
        let action = Action(principal: Principal(agent: "a"), channel: .cli, input: .shell(ShellInput(command: "x")))
        func facts(_ ops: [(String, Effect)]) -> Classification {
            Classification(findings: ops.map { Finding(operation: $0.0, effect: $0.1, targets: [], reason: "r") })
        }
        // A loosening rule covers `ls` (unknown effect, no tier) …
        #expect(evaluator.evaluate(action, facts: facts([("shell:ls", .unknown)])).tier == .autonomous)
        // … but not when another operation rides along with it: every operation must match.
        #expect(evaluator.evaluate(action, facts: facts([("shell:ls", .unknown), ("shell:make", .unknown)])).tier == .blocked)
        #expect(evaluator.evaluate(action, facts: facts([("shell:ls", .unknown), ("shell:make", .unknown)])).decidedBy == .defaultDeny(environment: "production"))
        // Blocked wins over the read tier.
        #expect(evaluator.evaluate(action, facts: facts([("shell:rm", .read)])).tier == .blocked)
        // Write has no tier and no rule: default deny.
        #expect(evaluator.evaluate(action, facts: facts([("shell:touch", .write)])).tier == .blocked)
    }

    @Test("no policy lets an agent act on Interlock itself: interlock_control is blocked whatever the rules and tiers say")
    func interlockControlIsAFloor() throws {
        let text = """
            version: 1
            environments:
              production:
                tiers: {read: autonomous, write: autonomous, destructive: autonomous, unknown: autonomous}
            rules:
              - id: trust-the-ops-bot
                match: {categories: [interlock_control], principals: [ops-bot]}
                decision: autonomous
            """
        let (policy, diagnostics) = try PolicyLoader.load(text: text, file: "p.yaml")
        // The author is told the rule cannot do what it says.
        #expect(diagnostics.map(\.description).contains { $0.hasPrefix("p.yaml:6:5: warning: rule `trust-the-ops-bot` decides autonomous for `interlock_control`") },
                "\(diagnostics)")
        let evaluator = PolicyEvaluator(policy: policy)
        let action = Action(principal: Principal(agent: "ops-bot"), channel: .cli, input: .shell(ShellInput(command: "interlock resume --all")))
        let control = Classification(findings: [
            Finding(operation: "interlock:resume", effect: .destructive, categories: [.interlockControl], reason: "r")
        ])
        let decision = evaluator.evaluate(action, facts: control)
        #expect(decision.tier == .blocked)
        #expect(decision.decidedBy == .rule(PolicyEvaluator.interlockControlRule))
        #expect(decision.matchedRules.first == PolicyEvaluator.interlockControlRule)
        #expect(decision.approval == nil)
        #expect(decision.message.contains("may not act on Interlock itself"))
        // The same action without the category is what the policy says.
        let plain = Classification(findings: [Finding(operation: "interlock:resume", effect: .destructive, reason: "r")])
        #expect(evaluator.evaluate(action, facts: plain).tier == .autonomous)
        // `explain` shows the same decision.
        #expect(evaluator.explain(action, facts: control).decision == decision)
    }

    @Test("a tightening rule applies when its target condition cannot be decided; a loosening one does not")
    func failClosedTargets() throws {
        let text = """
            version: 1
            environments:
              production:
                tiers: {read: autonomous, write: supervised, destructive: gated, unknown: gated}
            rules:
              - id: protect-srv
                match: {targets: ["/srv/**"]}
                decision: blocked
                message: hands off /srv
            """
        let evaluator = PolicyEvaluator(policy: try PolicyLoader.load(text: text, file: "p.yaml").0)
        let action = Action(principal: Principal(agent: "a"), channel: .cli, input: .shell(ShellInput(command: "x")))
        let known = Classification(findings: [Finding(operation: "shell:rm", effect: .destructive, targets: ["/tmp/x"], reason: "r")])
        let unknownTargets = Classification(findings: [Finding(operation: "shell:rm", effect: .destructive, targets: ["/tmp/x"], targetsComplete: false, reason: "r")])
        let hit = Classification(findings: [Finding(operation: "shell:rm", effect: .destructive, targets: ["/tmp/x", "/srv/app"], reason: "r")])
        #expect(evaluator.evaluate(action, facts: known).tier == .gated)
        #expect(evaluator.evaluate(action, facts: unknownTargets).tier == .blocked)
        #expect(evaluator.evaluate(action, facts: hit).tier == .blocked)
    }
}

/// Counts across the property's iterations.
final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
