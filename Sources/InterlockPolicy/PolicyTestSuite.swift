import InterlockCore
import Yams

/// A policy's own test cases (`interlock policy test`): an action in, the expected decision out.
///
/// ```yaml
/// policy: ./policy.yaml        # or `builtin`; a relative path is relative to this file
/// cases:
///   - name: reads run in production
///     action: {environment: production, input: {kind: shell, command: "ls -la"}}
///     facts: {effect: read, operations: ["shell:ls"]}    # optional: replaces classification
///     usage: {writes_last_minute: 31}                     # optional: recent activity
///     expect: {decision: autonomous, environment: production, rule: some-rule, approvers: 2}
/// ```
public struct PolicyTestSuite: Sendable {
    public struct Case: Sendable {
        public var name: String
        public var location: SourceLocation
        public var action: Action
        public var facts: Classification?
        public var usage: UsageSnapshot
        public var expectedTier: Tier
        public var expectedEnvironment: String?
        /// `rule:ID`, `tier:ENV:EFFECT`, `limit:ID` or `default:ENV`; a bare id means `rule:ID`.
        public var expectedSource: String?
        public var expectedApprovers: Int?
    }

    public struct Failure: Sendable, CustomStringConvertible {
        public var testCase: String
        public var location: SourceLocation
        public var problems: [String]
        public var description: String { "\(location): case `\(testCase)` failed: \(problems.joined(separator: "; "))" }
    }

    /// `builtin` or a path as written in the suite.
    public var policyReference: String
    public var cases: [Case]

    static let suiteKeys = ["policy", "cases"]
    static let caseKeys = ["name", "action", "facts", "usage", "expect"]
    static let expectKeys = ["decision", "environment", "rule", "approvers"]
    static let usageKeys = ["writes_last_minute", "destructive_last_minute", "destructive_last_hour", "cost_today_usd", "cost_this_task_usd"]

    public static func parse(text: String, file: String) throws(PolicyLoadError) -> PolicyTestSuite {
        let r = YAMLReader(file: file)
        var suite = PolicyTestSuite(policyReference: "builtin", cases: [])
        guard let root = r.compose(text), let top = r.mapping(root, "a policy test suite", allowed: suiteKeys) else {
            throw PolicyLoadError(diagnostics: r.diagnostics)
        }
        for entry in top {
            switch entry.key {
            case "policy":
                suite.policyReference = r.nonEmptyString(entry.value, "`policy`") ?? "builtin"
            case "cases":
                guard case .sequence(let seq) = entry.value else {
                    r.error(entry.value, "`cases` must be a list of test cases")
                    continue
                }
                for item in seq {
                    if let c = parseCase(item, r) { suite.cases.append(c) }
                }
            default: break
            }
        }
        if !top.contains(where: { $0.key == "cases" }) {
            r.error(root, "the suite has no `cases`", hint: "add a list of cases, each with `action` and `expect`")
        }
        if r.hasErrors { throw PolicyLoadError(diagnostics: r.diagnostics) }
        return suite
    }

    static func parseCase(_ node: Node, _ r: YAMLReader) -> Case? {
        guard let fields = r.mapping(node, "a test case", allowed: caseKeys) else { return nil }
        var name: String?
        var action: Action?
        var facts: Classification?
        var usage = UsageSnapshot()
        var tier: Tier?
        var environment: String?
        var source: String?
        var approvers: Int?
        for f in fields {
            switch f.key {
            case "name": name = r.nonEmptyString(f.value, "a case's `name`")
            case "action":
                do {
                    action = try ActionDocument.decode(jsonValue(f.value), defaultPrincipal: Principal(agent: "test-agent"), defaultChannel: .cli)
                } catch let e as ActionDocumentError {
                    r.error(f.value, "invalid action: \(e)")
                } catch {
                    r.error(f.value, "invalid action")
                }
            case "facts":
                do {
                    facts = try ActionDocument.decodeFacts(jsonValue(f.value), path: "facts")
                } catch let e as ActionDocumentError {
                    r.error(f.value, "invalid facts: \(e)")
                } catch {
                    r.error(f.value, "invalid facts")
                }
            case "usage":
                guard let u = r.mapping(f.value, "`usage`", allowed: usageKeys) else { continue }
                for e in u {
                    switch e.key {
                    case "writes_last_minute": usage.writesLastMinute = r.int(e.value, "`\(e.key)`", minimum: 0) ?? 0
                    case "destructive_last_minute": usage.destructiveLastMinute = r.int(e.value, "`\(e.key)`", minimum: 0) ?? 0
                    case "destructive_last_hour": usage.destructiveLastHour = r.int(e.value, "`\(e.key)`", minimum: 0) ?? 0
                    case "cost_today_usd": usage.costTodayUSD = r.double(e.value, "`\(e.key)`") ?? 0
                    case "cost_this_task_usd": usage.costThisTaskUSD = r.double(e.value, "`\(e.key)`") ?? 0
                    default: break
                    }
                }
            case "expect":
                guard let e = r.mapping(f.value, "`expect`", allowed: expectKeys) else { continue }
                for x in e {
                    switch x.key {
                    case "decision": tier = r.enumValue(x.value, "decision", Tier.self)
                    case "environment": environment = r.nonEmptyString(x.value, "`environment`")
                    case "rule":
                        if let s = r.nonEmptyString(x.value, "`rule`") { source = s.contains(":") ? s : "rule:\(s)" }
                    case "approvers": approvers = r.int(x.value, "`approvers`", minimum: 1)
                    default: break
                    }
                }
                if tier == nil && !e.contains(where: { $0.key == "decision" }) {
                    r.error(f.value, "`expect` has no `decision`", hint: "add `decision: autonomous|supervised|gated|blocked`")
                }
            default: break
            }
        }
        if !fields.contains(where: { $0.key == "action" }) { r.error(node, "the test case has no `action`") }
        guard let action, let tier else { return nil }
        return Case(
            name: name ?? "line \(node.mark?.line ?? 0)", location: r.location(node), action: action, facts: facts,
            usage: usage, expectedTier: tier, expectedEnvironment: environment, expectedSource: source,
            expectedApprovers: approvers)
    }

    /// Runs every case; `classify` supplies facts for cases that do not state them.
    public func run(policy: Policy, classify: (Action) -> Classification) -> [Failure] {
        let evaluator = PolicyEvaluator(policy: policy)
        var failures: [Failure] = []
        for c in cases {
            let facts = c.facts.map { stated in
                var f = stated
                f.environmentFacts.merge(classify(c.action).environmentFacts)
                return f
            } ?? classify(c.action)
            let d = evaluator.evaluate(c.action, facts: facts, usage: c.usage)
            var problems: [String] = []
            if d.tier != c.expectedTier { problems.append("decision is \(d.tier) (by \(d.decidedBy)), expected \(c.expectedTier)") }
            if let env = c.expectedEnvironment, env != d.environment { problems.append("environment is \(d.environment), expected \(env)") }
            if let src = c.expectedSource, src != d.decidedBy.identifier { problems.append("decided by \(d.decidedBy.identifier), expected \(src)") }
            if let n = c.expectedApprovers, n != d.approval?.approvers {
                problems.append("approvers required: \(d.approval.map { "\($0.approvers)" } ?? "none"), expected \(n)")
            }
            if !problems.isEmpty { failures.append(Failure(testCase: c.name, location: c.location, problems: problems)) }
        }
        return failures
    }
}

/// Converts a YAML node to a JSON value, resolving plain scalars the way YAML 1.2's core schema does.
func jsonValue(_ node: Node) -> JSONValue {
    switch node {
    case .scalar(let s):
        if s.style != .plain { return .string(s.string) }
        let text = s.string
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let i = Int64(text) { return .int(i) }
        if let d = Double(text), d.isFinite, text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .number(d) }
        return .string(text)
    case .sequence(let seq):
        return .array(seq.map(jsonValue))
    case .mapping(let mapping):
        var object: [String: JSONValue] = [:]
        for (k, v) in mapping { object[k.string ?? ""] = jsonValue(v) }
        return .object(object)
    case .alias:
        return .null
    }
}
