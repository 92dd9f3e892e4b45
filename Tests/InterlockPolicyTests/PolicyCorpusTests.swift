import Foundation
import InterlockClassifiers
import InterlockCore
import PropertyBased
import Testing
import Yams

@testable import InterlockPolicy

@Suite("Policy corpora")
struct PolicyCorpusTests {
    static func corpus(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Corpus/\(name)", withExtension: nil))
        return try String(contentsOf: url, encoding: .utf8)
    }

    struct LintCase: Sendable, CustomStringConvertible {
        var name: String
        var policy: String
        var errors: [String]
        var description: String { name }
    }

    static let lintCases: [LintCase] = {
        guard let text = try? corpus("lint-cases.yaml"), let node = try? Yams.compose(yaml: text), case .sequence(let seq) = node else { return [] }
        return seq.map { item in
            LintCase(
                name: item["name"]?.string ?? "?", policy: item["policy"]?.string ?? "",
                errors: item["errors"]?.array().compactMap(\.string) ?? [])
        }
    }()

    @Test("the lint corpus is not empty")
    func lintCorpusLoaded() {
        #expect(Self.lintCases.count >= 15)
    }

    @Test("lint errors carry exact positions and say what to write instead", arguments: lintCases)
    func lint(testCase: LintCase) {
        do {
            _ = try PolicyLoader.load(text: testCase.policy, file: "policy.yaml")
            Issue.record("\(testCase.name): loaded without errors")
        } catch {
            let reported = error.errors.map { "\($0.location.line):\($0.location.column): \($0.message)\($0.hint.map { "; " + $0 } ?? "")" }
            for expected in testCase.errors {
                #expect(reported.contains { $0.hasPrefix(expected) }, "\(testCase.name): expected `\(expected)` among \(reported)")
            }
            #expect(reported.count == testCase.errors.count, "\(testCase.name): reported \(reported)")
        }
    }

    @Test("the built-in policy loads without errors or warnings")
    func builtinLoads() throws {
        let (_, diagnostics) = try PolicyLoader.load(text: BuiltinPolicy.text, file: "<builtin>")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    @Test("the built-in policy behaves as pinned in its test suite")
    func builtinBehaviour() throws {
        let suite = try PolicyTestSuite.parse(text: Self.corpus("builtin-policy.tests.yaml"), file: "builtin-policy.tests.yaml")
        #expect(suite.cases.count >= 15)
        let failures = suite.run(policy: BuiltinPolicy.policy) { ClassifierSet.standard.classify($0) }
        #expect(failures.isEmpty, "\(failures.map(\.description).joined(separator: "\n"))")
    }

    @Test("a policy test suite reports failures with the case's position")
    func suiteFailures() throws {
        let suite = try PolicyTestSuite.parse(
            text: """
                policy: builtin
                cases:
                  - name: wrong on purpose
                    action: {input: {kind: shell, command: "ls"}}
                    facts: {effect: read, operations: ["shell:ls"]}
                    expect: {decision: blocked}
                """, file: "s.yaml")
        let failures = suite.run(policy: BuiltinPolicy.policy) { ClassifierSet.standard.classify($0) }
        #expect(failures.count == 1)
        #expect(failures.first?.description.hasPrefix("s.yaml:3:5: case `wrong on purpose` failed: decision is autonomous") == true)
    }

    @Test("a task's cost budget: the stated usage plus the action's cost against the limit, which survives rendering")
    func taskBudget() throws {
        let policyText = """
            version: 1
            environments:
              production: {tiers: {read: autonomous, write: autonomous, destructive: gated, unknown: gated}}
            limits:
              - {id: task-budget, environments: [production], max_cost_per_task_usd: 100, on_exceed: blocked}
            """
        let (policy, _) = try PolicyLoader.load(text: policyText, file: "p.yaml")
        let suite = try PolicyTestSuite.parse(
            text: """
                policy: p.yaml
                cases:
                  - name: within the task's budget
                    action: {environment: production, input: {kind: shell, command: "touch a"}}
                    facts: {effect: write, operations: ["shell:touch"], cost_usd: 40}
                    usage: {cost_this_task_usd: 60, cost_today_usd: 5000}
                    expect: {decision: autonomous}
                  - name: past the task's budget
                    action: {environment: production, input: {kind: shell, command: "touch a"}}
                    facts: {effect: write, operations: ["shell:touch"], cost_usd: 40.01}
                    usage: {cost_this_task_usd: 60}
                    expect: {decision: blocked, rule: "limit:task-budget"}
                """, file: "s.yaml")
        for candidate in [policy, try PolicyLoader.load(text: PolicyRenderer.render(policy), file: "r.yaml").0] {
            let failures = suite.run(policy: candidate) { ClassifierSet.standard.classify($0) }
            #expect(failures.isEmpty, "\(failures.map(\.description).joined(separator: "\n"))")
        }
    }

    @Test("rendering a policy and loading it back decides the same way")
    func renderRoundTrip() throws {
        let rendered = PolicyRenderer.render(BuiltinPolicy.policy)
        let (reloaded, _) = try PolicyLoader.load(text: rendered, file: "rendered.yaml")
        #expect(PolicyRenderer.render(reloaded) == rendered)
        let a = PolicyEvaluator(policy: BuiltinPolicy.policy)
        let b = PolicyEvaluator(policy: reloaded)
        var rng = Xoshiro(seed: (7, 1, 2, 3))
        for _ in 0..<500 {
            let effect = Effect.allCases.randomElement(using: &rng)!
            let cats = Set(Category.known.filter { _ in Int.random(in: 0..<4, using: &rng) == 0 })
            let env = ["production", "staging", "development", nil].randomElement(using: &rng)!
            let n = Int.random(in: 0...80, using: &rng)
            let facts = Classification(findings: [Finding(operation: "x:y", effect: effect, targets: (0..<n).map { "t\($0)" }, categories: cats, reason: "r")])
            let action = Action(principal: Principal(agent: "a"), channel: .cli, environment: env, input: .shell(ShellInput(command: "x")))
            let usage = UsageSnapshot(writesLastMinute: Int.random(in: 0...40, using: &rng), destructiveLastHour: Int.random(in: 0...12, using: &rng))
            #expect(a.evaluate(action, facts: facts, usage: usage) == b.evaluate(action, facts: facts, usage: usage))
        }
    }

    @Test("extending the built-in policy keeps its rules and adds new ones")
    func extendsBuiltin() throws {
        let (policy, _) = try PolicyLoader.load(
            text: """
                version: 1
                extends: builtin
                rules:
                  - id: no-friday-deploys
                    match: {operations: ["shell:deploy"]}
                    decision: blocked
                    message: not on Fridays
                """, file: "p.yaml")
        #expect(policy.rules.map(\.id).contains("production-teardown"))
        #expect(policy.rules.last?.id == "no-friday-deploys")
    }
}
