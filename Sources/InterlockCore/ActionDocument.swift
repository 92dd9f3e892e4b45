/// An action document that does not describe a valid action: where (a dotted path) and what.
public struct ActionDocumentError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "`\(path)`: \(message)" }
}

/// The JSON form of an action (`docs/action-format.md`), read by `interlock check`, the policy test
/// runner and the gateway's decision API.
///
/// Unknown keys are errors: a misspelt key in a safety tool's input must not be silently dropped.
public enum ActionDocument {
    public static let inputKinds = ["shell", "sql", "aws", "tool", "file", "plan"]

    /// Decodes an action. `defaultPrincipal` and `defaultChannel` apply when the document omits them.
    public static func decode(_ json: JSONValue, defaultPrincipal: Principal, defaultChannel: Channel) throws -> Action {
        var reader = try ObjectReader(json, path: "")
        let principal: Principal
        if let p = reader.take("principal") {
            var pr = try ObjectReader(p, path: "principal")
            principal = Principal(
                // A door that authenticates the agent (the gateway, by token) may leave the name out.
                agent: try pr.string("agent") ?? defaultPrincipal.agent,
                launchedBy: try pr.string("launched_by"),
                session: try pr.string("session"),
                task: try pr.string("task"))
            try pr.finish()
        } else {
            principal = defaultPrincipal
        }
        var channel = defaultChannel
        if let name = try reader.string("channel") {
            guard let c = Channel(rawValue: name) else {
                throw ActionDocumentError(
                    path: "channel", message: "unknown channel `\(name)`; expected one of \(Channel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            channel = c
        }
        let environment = try reader.string("environment")
        let cwd = try reader.string("cwd")
        let host = try reader.string("host")
        guard let inputJSON = reader.take("input") else {
            throw ActionDocumentError(path: "input", message: "missing; an action needs an input such as {\"kind\": \"shell\", \"command\": \"ls\"}")
        }
        let input = try decodeInput(inputJSON)
        var context = AgentContext()
        if let c = reader.take("context") {
            var cr = try ObjectReader(c, path: "context")
            context.why = try cr.string("why")
            context.rollback = try cr.string("rollback")
            context.impact = try cr.string("impact")
            context.alternatives = try cr.stringList("alternatives") ?? []
            try cr.finish()
        }
        _ = reader.take("facts")  // read by the callers that honour it; see `ActionDocument.facts`
        try reader.finish()
        return Action(
            principal: principal, channel: channel, environment: environment,
            workingDirectory: cwd, host: host, input: input, context: context)
    }

    static func decodeInput(_ json: JSONValue) throws -> ActionInput {
        var r = try ObjectReader(json, path: "input")
        let kind = try r.requiredString("kind")
        let input: ActionInput
        switch kind {
        case "shell":
            input = .shell(ShellInput(command: try r.requiredString("command"), shell: try r.string("shell")))
        case "sql":
            input = .sql(
                SQLInput(
                    text: try r.requiredString("sql"), dialect: try r.string("dialect"),
                    databaseHost: try r.string("database_host"), database: try r.string("database")))
        case "aws":
            let parameters = r.take("parameters") ?? .object([:])
            guard case .object = parameters else {
                throw ActionDocumentError(path: "input.parameters", message: "expected an object, found \(parameters.typeName)")
            }
            input = .aws(
                AWSRequest(
                    service: try r.requiredString("service"), operation: try r.requiredString("operation"),
                    parameters: parameters, region: try r.string("region"), account: try r.string("account"),
                    profile: try r.string("profile")))
        case "tool":
            let arguments = r.take("arguments") ?? .object([:])
            var annotations: ToolAnnotations?
            if let raw = r.take("annotations") {
                guard let object = raw.objectValue else {
                    throw ActionDocumentError(path: "input.annotations", message: "expected an object of MCP tool annotations")
                }
                // Other keys (`title`, future hints) are the server's business and are ignored.
                annotations = ToolAnnotations(
                    readOnlyHint: object["readOnlyHint"]?.boolValue, destructiveHint: object["destructiveHint"]?.boolValue,
                    idempotentHint: object["idempotentHint"]?.boolValue, openWorldHint: object["openWorldHint"]?.boolValue)
            }
            input = .tool(ToolCall(server: try r.string("server"), tool: try r.requiredString("tool"), arguments: arguments, annotations: annotations))
        case "file":
            let kindName = try r.string("change") ?? "write"
            guard let changeKind = FileChange.Kind(rawValue: kindName) else {
                throw ActionDocumentError(path: "input.change", message: "unknown change `\(kindName)`; expected write, edit or delete")
            }
            input = .file(
                FileChange(
                    path: try r.requiredString("path"), kind: changeKind,
                    content: try r.string("content"), replacedText: try r.string("replaced")))
        case "plan":
            guard let plan = r.take("plan"), case .object = plan else {
                throw ActionDocumentError(path: "input.plan", message: "expected the object `terraform show -json PLANFILE` prints")
            }
            input = .plan(InfrastructurePlan(tool: try r.string("tool") ?? "terraform", plan: plan))
        default:
            throw ActionDocumentError(path: "input.kind", message: "unknown kind `\(kind)`; expected one of \(inputKinds.joined(separator: ", "))")
        }
        try r.finish()
        return input
    }

    /// Encodes an action as a document (the inverse of `decode`).
    public static func encode(_ action: Action) -> JSONValue {
        var object: [String: JSONValue] = [:]
        var principal: [String: JSONValue] = ["agent": .string(action.principal.agent)]
        principal["launched_by"] = action.principal.launchedBy.map(JSONValue.string)
        principal["session"] = action.principal.session.map(JSONValue.string)
        principal["task"] = action.principal.task.map(JSONValue.string)
        object["principal"] = .object(principal)
        object["channel"] = .string(action.channel.rawValue)
        object["environment"] = action.environment.map(JSONValue.string)
        object["cwd"] = action.workingDirectory.map(JSONValue.string)
        object["host"] = action.host.map(JSONValue.string)
        var input: [String: JSONValue] = ["kind": .string(action.input.kind)]
        switch action.input {
        case .shell(let s):
            input["command"] = .string(s.command)
            input["shell"] = s.shell.map(JSONValue.string)
        case .sql(let s):
            input["sql"] = .string(s.text)
            input["dialect"] = s.dialect.map(JSONValue.string)
            input["database_host"] = s.databaseHost.map(JSONValue.string)
            input["database"] = s.database.map(JSONValue.string)
        case .aws(let a):
            input["service"] = .string(a.service)
            input["operation"] = .string(a.operation)
            input["parameters"] = a.parameters
            input["region"] = a.region.map(JSONValue.string)
            input["account"] = a.account.map(JSONValue.string)
            input["profile"] = a.profile.map(JSONValue.string)
        case .tool(let t):
            input["server"] = t.server.map(JSONValue.string)
            input["tool"] = .string(t.tool)
            input["arguments"] = t.arguments
            if let a = t.annotations {
                var hints: [String: JSONValue] = [:]
                hints["readOnlyHint"] = a.readOnlyHint.map(JSONValue.bool)
                hints["destructiveHint"] = a.destructiveHint.map(JSONValue.bool)
                hints["idempotentHint"] = a.idempotentHint.map(JSONValue.bool)
                hints["openWorldHint"] = a.openWorldHint.map(JSONValue.bool)
                input["annotations"] = .object(hints)
            }
        case .file(let f):
            input["path"] = .string(f.path)
            input["change"] = .string(f.kind.rawValue)
            input["content"] = f.content.map(JSONValue.string)
            input["replaced"] = f.replacedText.map(JSONValue.string)
        case .plan(let p):
            input["tool"] = .string(p.tool)
            input["plan"] = p.plan
        }
        object["input"] = .object(input)
        var context: [String: JSONValue] = [:]
        context["why"] = action.context.why.map(JSONValue.string)
        context["rollback"] = action.context.rollback.map(JSONValue.string)
        context["impact"] = action.context.impact.map(JSONValue.string)
        if !action.context.alternatives.isEmpty {
            context["alternatives"] = .array(action.context.alternatives.map(JSONValue.string))
        }
        if !context.isEmpty { object["context"] = .object(context) }
        return .object(object)
    }

    /// Facts a document states about itself (`"facts": {...}`). Only trusted callers use them:
    /// `interlock check` merges them with the classifier's (they can only make a decision stricter),
    /// and policy test cases use them in place of classification to pin a policy's behaviour.
    public static func facts(_ json: JSONValue) throws -> Classification? {
        guard let f = json["facts"] else { return nil }
        return try decodeFacts(f, path: "facts")
    }

    /// Decodes a facts object: `effect`, `operations`, `targets`, `blast_radius`, `cost_usd`,
    /// `categories`, `environment` (a map of environment fact keys to a string or list).
    public static func decodeFacts(_ json: JSONValue, path: String) throws -> Classification {
        var r = try ObjectReader(json, path: path)
        let effectName = try r.requiredString("effect")
        guard let effect = Effect(rawValue: effectName) else {
            throw ActionDocumentError(path: r.sub("effect"), message: "unknown effect `\(effectName)`; expected read, write, destructive or unknown")
        }
        let operations = try r.stringList("operations") ?? []
        let targets = try r.stringList("targets")
        var blast: BlastRadius?
        if let b = r.take("blast_radius") {
            switch b {
            case .int(let n) where n >= 0: blast = .count(Int(n))
            case .string("unknown"): blast = .unknown
            default:
                throw ActionDocumentError(path: r.sub("blast_radius"), message: "expected a resource count or \"unknown\"")
            }
        }
        var cost: Double?
        if let c = r.take("cost_usd") {
            guard let v = c.doubleValue, v >= 0 else {
                throw ActionDocumentError(path: r.sub("cost_usd"), message: "expected a non-negative number")
            }
            cost = v
        }
        var categories: Set<Category> = []
        for name in try r.stringList("categories") ?? [] {
            guard Category.known.contains(Category(rawValue: name)) else {
                throw ActionDocumentError(
                    path: r.sub("categories"), message: "unknown category `\(name)`; expected one of \(Category.known.map(\.rawValue).joined(separator: ", "))")
            }
            categories.insert(Category(rawValue: name))
        }
        var environment = EnvironmentFacts()
        if let e = r.take("environment") {
            var er = try ObjectReader(e, path: r.sub("environment"))
            for key in EnvironmentFactKey.allCases {
                if let list = try er.stringOrList(key.rawValue) {
                    for value in list { environment.add(key, value) }
                }
            }
            try er.finish()
        }
        try r.finish()
        let ops = operations.isEmpty ? ["facts:\(effect)"] : operations
        let findings = ops.enumerated().map { index, op in
            Finding(
                operation: op, effect: effect, targets: index == 0 ? (targets ?? []) : [],
                targetsComplete: targets != nil,
                blastRadius: index == 0 ? (blast ?? (targets.map { .count($0.count) } ?? .unknown)) : .count(0),
                categories: categories, reason: "stated fact: \(op) is \(effect)")
        }
        return Classification(findings: findings, estimatedCostUSD: cost, environmentFacts: environment)
    }
}

/// Reads an object's members one by one and complains about what is left.
struct ObjectReader {
    private var members: [String: JSONValue]
    let path: String

    init(_ json: JSONValue, path: String) throws {
        guard case .object(let members) = json else {
            throw ActionDocumentError(path: path, message: "expected an object, found \(json.typeName)")
        }
        self.members = members
        self.path = path
    }

    func sub(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func take(_ key: String) -> JSONValue? {
        guard let value = members.removeValue(forKey: key) else { return nil }
        if case .null = value { return nil }
        return value
    }

    mutating func string(_ key: String) throws -> String? {
        guard let value = take(key) else { return nil }
        guard case .string(let s) = value else {
            throw ActionDocumentError(path: sub(key), message: "expected a string, found \(value.typeName)")
        }
        return s
    }

    mutating func requiredString(_ key: String) throws -> String {
        guard let s = try string(key) else {
            throw ActionDocumentError(path: sub(key), message: "missing")
        }
        return s
    }

    mutating func stringList(_ key: String) throws -> [String]? {
        guard let value = take(key) else { return nil }
        guard case .array(let items) = value else {
            throw ActionDocumentError(path: sub(key), message: "expected a list of strings, found \(value.typeName)")
        }
        return try items.enumerated().map { index, item in
            guard case .string(let s) = item else {
                throw ActionDocumentError(path: "\(sub(key))[\(index)]", message: "expected a string, found \(item.typeName)")
            }
            return s
        }
    }

    mutating func stringOrList(_ key: String) throws -> [String]? {
        if case .string(let s)? = members[key] {
            members.removeValue(forKey: key)
            return [s]
        }
        return try stringList(key)
    }

    func finish() throws {
        if let extra = members.keys.sorted().first {
            throw ActionDocumentError(path: sub(extra), message: "unknown key")
        }
    }
}
