import Foundation
import InterlockClassifiers
import InterlockCore
import Testing

/// AWS (CLI, API requests, Kiro tool inputs), Kubernetes and Terraform cases.
@Suite struct InfrastructureCorpusTests {
    struct Case {
        var line: Int
        var object: [String: Any]
        var effect: Effect
        var label: String
    }

    static func cases(_ name: String) throws -> [Case] {
        let text = try String(contentsOf: Corpus.url(name), encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { index, line in
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let effect = try #require((object["effect"] as? String).flatMap(Effect.init(rawValue:)), "\(name):\(index + 1)")
            let label = (object["input"] as? String) ?? "\(object["service"] ?? object["service_name"] ?? object["server"] ?? "?"):\(object["operation"] ?? object["operation_name"] ?? object["tool"] ?? "?")"
            return Case(line: index + 1, object: object, effect: effect, label: label)
        }
    }

    static func jsonValue(_ any: Any?) -> JSONValue {
        switch any {
        case let s as String: return .string(s)
        case let n as NSNumber:
            // JSONSerialization returns booleans as NSNumber too; their type code is `c`.
            return String(cString: n.objCType) == "c" ? .bool(n.boolValue) : .number(n.doubleValue)
        case let b as Bool: return .bool(b)
        case let a as [Any]: return .array(a.map { jsonValue($0) })
        case let o as [String: Any]: return .object(o.mapValues { jsonValue($0) })
        default: return .null
        }
    }

    /// The corpus' trust registry: git's annotations are believed; three sqlite tools only read.
    static let trust = MCPTrust(servers: [
        "git": .init(trustAnnotations: true),
        "sqlite": .init(tools: ["read_query": .read, "list_tables": .read, "describe_table": .read]),
    ])

    static func classify(_ object: [String: Any]) -> Classification {
        let classifiers = ClassifierSet.standard(fileSystem: OpaqueFileSystem(), mcpTrust: trust)
        switch object["kind"] as? String {
        case "mcp":
            let hints = object["annotations"] as? [String: Any]
            let annotations = hints.map {
                ToolAnnotations(readOnlyHint: $0["readOnlyHint"] as? Bool, destructiveHint: $0["destructiveHint"] as? Bool,
                                idempotentHint: $0["idempotentHint"] as? Bool, openWorldHint: $0["openWorldHint"] as? Bool)
            }
            let call = ToolCall(server: object["server"] as? String, tool: object["tool"] as! String, arguments: jsonValue(object["arguments"]), annotations: annotations)
            return classifiers.classify(Action(principal: Principal(agent: "t"), channel: .mcp, input: .tool(call)))
        case "shell":
            return classifiers.classify(Action(principal: Principal(agent: "test"), channel: .cli, input: .shell(ShellInput(command: object["input"] as! String))))
        case "kiro":
            var arguments = object
            arguments["kind"] = nil
            arguments["effect"] = nil
            arguments["family"] = nil
            arguments["cost_usd"] = nil
            return classifiers.classify(Action(principal: Principal(agent: "kiro"), channel: .hook, input: .tool(ToolCall(tool: "use_aws", arguments: jsonValue(arguments)))))
        default:
            let request = AWSRequest(service: object["service"] as! String, operation: object["operation"] as! String, parameters: jsonValue(object["parameters"] ?? [String: Any]()))
            return classifiers.classify(Action(principal: Principal(agent: "proxy"), channel: .awsAPI, input: .aws(request)))
        }
    }

    @Test func everyCaseMatches() throws {
        let cases = try Self.cases("infrastructure.jsonl")
        #expect(cases.count >= 300)
        for item in cases {
            let facts = Self.classify(item.object)
            if facts.effect != item.effect {
                Issue.record("infrastructure.jsonl:\(item.line) \(item.label): expected \(item.effect), got \(facts.effect): \(facts.findings.map { "\($0.operation): \($0.reason)" })")
            }
            // `categories`: each must be among the facts' categories.
            for category in item.object["categories"] as? [String] ?? [] where !facts.categories.contains(Category(rawValue: category)) {
                Issue.record("infrastructure.jsonl:\(item.line) \(item.label): expected category \(category), got \(facts.categories.map(\.rawValue).sorted())")
            }
            // `cost_usd`: the first day's cost the classifier estimates; null for none.
            if let expected = item.object["cost_usd"] {
                let want = (expected as? NSNumber)?.doubleValue
                let got = facts.estimatedCostUSD
                if (want == nil) != (got == nil) || abs((want ?? 0) - (got ?? 0)) > 0.0001 {
                    Issue.record("infrastructure.jsonl:\(item.line) \(item.label): expected cost \(want.map { "\($0)" } ?? "none"), got \(got.map { "\($0)" } ?? "none")")
                }
            }
        }
    }

    @Test func noDestructiveCaseIsReadOrWrite() throws {
        for item in try Self.cases("infrastructure.jsonl") where item.effect == .destructive {
            let effect = Self.classify(item.object).effect
            #expect(effect == .destructive || effect == .unknown, "infrastructure.jsonl:\(item.line) \(item.label)")
        }
    }

    /// Every operation in the traffic captured from the AWS CLI and boto3 (`../shared/fixtures/aws`).
    @Test func everyCapturedOperationIsClassifiedCorrectly() throws {
        let cases = try Self.cases("aws-captured-operations.jsonl")
        #expect(cases.count >= 25)
        for item in cases {
            let facts = AWSOperation.classify(service: item.object["service"] as! String, operation: item.object["operation"] as! String, parameters: .object([:]))
            #expect(Effect.worst(facts.map(\.effect)) == item.effect, "\(item.label)")
        }
    }

    @Test func cliParametersBecomeTargetsAndFacts() {
        let facts = ClassifierSet.standard.classify(Action(
            principal: Principal(agent: "t"), channel: .cli,
            input: .shell(ShellInput(command: "aws --region eu-west-1 ec2 terminate-instances --instance-ids i-1 i-2 i-3"))))
        #expect(facts.operations == ["aws:ec2:TerminateInstances"])
        #expect(facts.targets == ["i-1", "i-2", "i-3"])
        #expect(facts.blastRadius == .count(3))
        #expect(facts.environmentFacts[.awsRegion] == ["eu-west-1"])
    }
}
