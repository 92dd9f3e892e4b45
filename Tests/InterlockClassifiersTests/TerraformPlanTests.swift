import Foundation
import InterlockClassifiers
import InterlockCore
import Testing

@Suite struct TerraformPlanTests {
    static func load(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: Corpus.url("plans/\(name).json"))
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    static func facts(_ name: String) throws -> Classification {
        ClassifierSet.standard.classify(Action(principal: Principal(agent: "t"), channel: .cli, input: .plan(InfrastructurePlan(plan: try load(name)))))
    }

    @Test func aTagChangeIsAWrite() throws {
        let facts = try Self.facts("tag-change")
        #expect(facts.effect == .write)
        #expect(facts.operations == ["terraform:update"])
        #expect(facts.targets == ["aws_instance.web"])
    }

    @Test func aScaleUpIsAWrite() throws {
        let facts = try Self.facts("scale-up")
        #expect(facts.effect == .write)
        #expect(facts.blastRadius == .count(3))
    }

    @Test func aForcedReplacementOfADatabaseLosesData() throws {
        let analysis = try TerraformPlanAnalysis(plan: try Self.load("rds-engine-replace"))
        #expect(analysis.counts[.replace] == 2)
        let database = try #require(analysis.destroyed.first { $0.address == "aws_db_instance.main" })
        #expect(database.stateful)
        #expect(database.forcedBy == ["engine"])
        #expect(database.reason == "replace_because_cannot_update")
        let facts = try Self.facts("rds-engine-replace")
        #expect(facts.effect == .destructive)
        #expect(facts.categories.contains(.dataLoss))
        #expect(facts.findings.contains { $0.reason.contains("aws_db_instance.main.engine") })
    }

    @Test func aVPCTeardownIsATeardown() throws {
        let facts = try Self.facts("vpc-teardown")
        #expect(facts.effect == .destructive)
        #expect(facts.categories.contains(.teardown))
        #expect(facts.blastRadius == .count(13))
    }

    @Test func aLargeDestroyCountsEveryResource() throws {
        let facts = try Self.facts("destroy-200")
        #expect(facts.blastRadius == .count(200))
        #expect(facts.categories.isSuperset(of: [.teardown, .dataLoss]))
        let summary = try TerraformPlanAnalysis(plan: try Self.load("destroy-200")).summary
        #expect(summary.hasPrefix("plan: 200 delete, 0 replace"))
        #expect(summary.contains("… and 175 more"))
    }

    @Test func whatIsNotAPlanIsUnknown() {
        for json: JSONValue in [.object(["x": .int(1)]), .object(["format_version": .string("2.0"), "resource_changes": .array([])]), .array([])] {
            let facts = ClassifierSet.standard.classify(Action(principal: Principal(agent: "t"), channel: .cli, input: .plan(InfrastructurePlan(plan: json))))
            #expect(facts.effect == .unknown)
        }
    }
}
