import InterlockCore
import PropertyBased
import Testing

@Suite("Classification summary")
struct ClassificationTests {
    /// The summary restated the plainest way: first-seen order, no repeats, worst effect.
    static func reference(_ findings: [Finding]) -> (operations: [String], targets: [String], effect: Effect) {
        var operations: [String] = []
        var targets: [String] = []
        for finding in findings {
            if !operations.contains(finding.operation) { operations.append(finding.operation) }
            for target in finding.targets where !targets.contains(target) { targets.append(target) }
        }
        return (operations, targets, findings.isEmpty ? .unknown : Effect.worst(findings.map(\.effect)))
    }

    @Test("property: operations and targets keep first-seen order without repeats, from a few findings to hundreds")
    func summaryMatchesReference() async {
        // Small alphabets make repeats likely; up to 300 findings crosses the point (16 distinct)
        // where the summary switches from scanning to sets.
        let operation = Gen.int(in: 0...40).map { "shell:op\($0)" }
        let target = Gen.int(in: 0...60).map { "/srv/t\($0)" }
        let effect = Gen.oneOf(Gen.always(Effect.read), Gen.always(.write), Gen.always(.destructive), Gen.always(.unknown))
        let finding = zip(operation, target.array(of: 0...3), effect).map { op, targets, effect in
            Finding(operation: op, effect: effect, targets: targets, reason: "r")
        }
        await propertyCheck(count: 200, input: finding.array(of: 0...300)) { findings in
            let facts = Classification(findings: findings)
            let want = Self.reference(findings)
            #expect(facts.operations == want.operations)
            #expect(facts.targets == want.targets)
            #expect(facts.effect == want.effect)
            #expect(facts.findings == findings)
            // Merged one finding at a time (`add`), the summary is the same as built at once.
            let half = findings.count / 2
            let merged = Classification(findings: Array(findings[..<half])).merging(Classification(findings: Array(findings[half...])))
            #expect(merged.operations == want.operations && merged.targets == want.targets)
            if !findings.isEmpty { #expect(merged.effect == want.effect) }
        }
    }

    @Test("environment facts compare by content, however they were built")
    func environmentFactsEquality() {
        var built = EnvironmentFacts()
        built.add(.awsRegion, "eu-west-1")
        #expect(built == EnvironmentFacts([.awsRegion: ["eu-west-1"]]))
        #expect(EnvironmentFacts() == EnvironmentFacts([.host: []]))
        #expect(EnvironmentFacts().isEmpty && EnvironmentFacts()[.host].isEmpty)
        var other = EnvironmentFacts()
        other.add(.host, "web-1")
        other.add(.host, "")
        #expect(other != EnvironmentFacts() && other[.host] == ["web-1"])
        #expect(Set([built, EnvironmentFacts([.awsRegion: ["eu-west-1"]])]).count == 1)
    }
}
