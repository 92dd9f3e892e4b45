import InterlockCore
import Yams

/// Loads policy YAML (docs/policy.md) into a validated ``Policy``.
public enum PolicyLoader {
    static let topKeys = ["version", "name", "extends", "default_environment", "approval", "environments", "rules", "limits", "mcp", "anomalies", "hooks"]
    static let anomalyKeys = [
        "environments", "first_time", "delete_recreate_window", "destructive_burst", "destructive_burst_window",
        "after_kill_release", "escalate_to",
    ]
    static let mcpKeys = ["servers", "hide_blocked_tools"]
    static let hookKeys = ["supervised", "gated"]
    static let mcpServerKeys = ["trust_annotations", "tools"]
    static let environmentKeys = ["match", "tiers", "approval"]
    static let ruleKeys = ["id", "description", "match", "decision", "message", "approval"]
    static let matchKeys = ["operations", "effects", "categories", "targets", "environments", "principals", "launched_by", "tasks", "channels"]
    static let approvalKeys = ["approvers", "roles", "timeout", "require_context"]
    static let limitKeys = [
        "id", "environments", "principals", "max_resources", "max_cost_usd", "max_cost_per_day_usd", "max_cost_per_task_usd",
        "writes_per_minute", "destructive_per_minute", "destructive_per_hour", "on_exceed",
    ]

    /// Loads and validates a policy. Warnings come back with the policy; errors are thrown together.
    public static func load(text: String, file: String) throws(PolicyLoadError) -> (Policy, [PolicyDiagnostic]) {
        let reader = YAMLReader(file: file)
        let parsed = parse(text: text, reader: reader)
        guard var policy = parsed, !reader.hasErrors else {
            throw PolicyLoadError(diagnostics: reader.diagnostics)
        }
        policy.sources = [PolicySource(name: file, text: text)] + policy.sources
        let diagnostics = reader.diagnostics + PolicyValidator.validate(policy)
        if diagnostics.contains(where: { $0.severity == .error }) {
            throw PolicyLoadError(diagnostics: diagnostics)
        }
        return (policy, diagnostics)
    }

    static func parse(text: String, reader r: YAMLReader) -> Policy? {
        guard let root = r.compose(text), let top = r.mapping(root, "the policy", allowed: topKeys) else { return nil }
        var version: Int?
        var name: String?
        var base: Policy?
        var defaultEnvironment: (String, Node)?
        var defaultApproval: ApprovalRequirement?
        var environments: [EnvironmentDefinition] = []
        var rules: [Rule] = []
        var limits: [Limit] = []
        var mcpTrust = MCPTrust()
        var anomalies: AnomalySettings?
        var hooks: HookSettings?
        for entry in top {
            switch entry.key {
            case "version":
                version = r.int(entry.value, "`version`", minimum: 1)
                if let v = version, v != 1 {
                    r.error(entry.value, "unsupported policy version \(v)", hint: "this Interlock reads `version: 1`")
                }
            case "name":
                name = r.string(entry.value, "`name`")
            case "extends":
                if let s = r.string(entry.value, "`extends`") {
                    if s == "builtin" {
                        base = BuiltinPolicy.policy
                    } else {
                        r.error(entry.value, "cannot extend `\(s)`", hint: "the only base is `builtin`; copy other policies in")
                    }
                }
            case "default_environment":
                if let s = r.nonEmptyString(entry.value, "`default_environment`") { defaultEnvironment = (s, entry.value) }
            case "approval":
                defaultApproval = approval(entry.value, r, "the default `approval`")
            case "environments":
                environments = parseEnvironments(entry.value, r)
            case "rules":
                rules = parseRules(entry.value, r)
            case "limits":
                limits = parseLimits(entry.value, r)
            case "mcp":
                mcpTrust = parseMCP(entry.value, r)
            case "anomalies":
                anomalies = parseAnomalies(entry.value, r)
            case "hooks":
                hooks = parseHooks(entry.value, r)
            default:
                break
            }
        }
        if version == nil {
            r.error(root, "the policy has no `version`", hint: "add `version: 1` at the top")
        }
        if let base {
            // The base's environments stay unless redefined; its rules and limits always stay, so
            // extending the built-in policy can tighten it but never drop its rules.
            let redefined = Set(environments.map(\.name))
            environments = base.environments.filter { !redefined.contains($0.name) } + environments
            rules = base.rules + rules
            limits = base.limits + limits
            if defaultApproval == nil { defaultApproval = base.defaultApproval }
            for (server, trust) in base.mcpTrust.servers where mcpTrust.servers[server] == nil { mcpTrust.servers[server] = trust }
            if !mcpTrust.hideBlockedTools { mcpTrust.hideBlockedTools = base.mcpTrust.hideBlockedTools }
        }
        let envName = defaultEnvironment?.0 ?? base?.defaultEnvironment ?? "production"
        if !environments.contains(where: { $0.name == envName }) {
            if let (_, node) = defaultEnvironment {
                r.error(node, "default environment `\(envName)` is not defined", hint: "define it under `environments`")
            } else {
                r.error(root, "no environment named `production` is defined, and actions whose environment is unknown must go somewhere",
                    hint: "define `production` under `environments` or set `default_environment`")
            }
        }
        var policy = Policy(
            version: version ?? 1, name: name, defaultEnvironment: envName, environments: environments,
            rules: rules, limits: limits, defaultApproval: defaultApproval ?? ApprovalRequirement(),
            sources: base?.sources ?? [])
        policy.mcpTrust = mcpTrust
        policy.anomalies = anomalies ?? base?.anomalies ?? AnomalySettings()
        policy.hooks = hooks ?? base?.hooks ?? HookSettings()
        return policy
    }

    static func parseHooks(_ node: Node, _ r: YAMLReader) -> HookSettings? {
        guard let fields = r.mapping(node, "`hooks`", allowed: hookKeys) else { return nil }
        var settings = HookSettings()
        for f in fields {
            switch f.key {
            case "supervised":
                if let v = r.enumValue(f.value, "`hooks.supervised` answer", HookSettings.Supervised.self) { settings.supervised = v }
            case "gated":
                if let v = r.enumValue(f.value, "`hooks.gated` answer", HookSettings.Gated.self) { settings.gated = v }
            default: break
            }
        }
        return settings
    }

    static func parseAnomalies(_ node: Node, _ r: YAMLReader) -> AnomalySettings? {
        guard let fields = r.mapping(node, "`anomalies`", allowed: anomalyKeys) else { return nil }
        var settings = AnomalySettings()
        // A window rule is turned off with `off`; a zero-length window would mean the same, less clearly.
        func window(_ node: Node, _ what: String) -> Int? {
            if case .scalar(let s) = node, s.string == "off" { return 0 }
            return r.duration(node, what)
        }
        for f in fields {
            let what = "`anomalies.\(f.key)`"
            switch f.key {
            case "environments": settings.environments = Set((r.list(f.value, what) ?? []).map(\.0))
            case "first_time":
                switch r.string(f.value, what) {
                case "true"?: settings.firstTime = true
                case "false"?: settings.firstTime = false
                case let other?: r.error(f.value, "\(what) must be true or false, not `\(other)`")
                case nil: break
                }
            case "delete_recreate_window": if let s = window(f.value, what) { settings.deleteRecreateWindowSeconds = s }
            case "destructive_burst": if let n = r.int(f.value, what, minimum: 0) { settings.destructiveBurst = n }
            case "destructive_burst_window":
                if let s = r.duration(f.value, what) { settings.destructiveBurstWindowSeconds = s }
            case "after_kill_release": if let s = window(f.value, what) { settings.afterKillReleaseSeconds = s }
            case "escalate_to":
                if let t = r.enumValue(f.value, "tier", Tier.self) {
                    if t < .gated {
                        r.error(f.value, "`escalate_to: \(t)` would not stop an anomalous action", hint: "write `gated` or `blocked`")
                    } else {
                        settings.escalateTo = t
                    }
                }
            default: break
            }
        }
        return settings
    }

    static func parseEnvironments(_ node: Node, _ r: YAMLReader) -> [EnvironmentDefinition] {
        guard let entries = r.mapping(node, "`environments`") else { return [] }
        var out: [EnvironmentDefinition] = []
        for entry in entries {
            let what = "environment `\(entry.key)`"
            if !isIdentifier(entry.key) {
                r.error(entry.keyNode, "environment name `\(entry.key)` must use letters, digits, `-`, `_` and `.` only")
            }
            guard let fields = r.mapping(entry.value, what, allowed: environmentKeys) else { continue }
            var env = EnvironmentDefinition(name: entry.key, matchers: [], tiers: [:], approval: nil, location: r.location(entry.keyNode))
            for field in fields {
                switch field.key {
                case "match":
                    env.matchers = parseMatchers(field.value, r, what)
                case "tiers":
                    guard let tiers = r.mapping(field.value, "the tiers of \(what)", allowed: Effect.allCases.map(\.rawValue)) else { continue }
                    for t in tiers {
                        if let effect = Effect(rawValue: t.key), let tier = r.enumValue(t.value, "tier", Tier.self) {
                            env.tiers[effect] = tier
                        }
                    }
                case "approval":
                    env.approval = approval(field.value, r, "the approval of \(what)")
                default:
                    break
                }
            }
            out.append(env)
        }
        return out
    }

    static func parseMatchers(_ node: Node, _ r: YAMLReader, _ what: String) -> [EnvironmentMatcher] {
        let items: [Node]
        switch node {
        case .sequence(let seq): items = Array(seq)
        case .mapping: items = [node]
        default:
            r.error(node, "`match` of \(what) must be a list of matchers such as `- kube_context: prod-*`")
            return []
        }
        var out: [EnvironmentMatcher] = []
        for item in items {
            guard let conditions = r.mapping(item, "a matcher of \(what)", allowed: EnvironmentFactKey.allCases.map(\.rawValue)) else { continue }
            if conditions.isEmpty {
                r.error(item, "an empty matcher of \(what) would match every action", hint: "name at least one fact")
                continue
            }
            var matcher = EnvironmentMatcher(conditions: [], location: r.location(item))
            for c in conditions {
                guard let key = EnvironmentFactKey(rawValue: c.key) else { continue }
                let separator: Glob.Separator = key == .workingDirectory ? .slash : .none
                if let globs = r.globSet(c.value, separator: separator, "`\(c.key)`") {
                    matcher.conditions.append((key, globs))
                }
            }
            out.append(matcher)
        }
        return out
    }

    static func parseRules(_ node: Node, _ r: YAMLReader) -> [Rule] {
        guard case .sequence(let seq) = node else {
            r.error(node, "`rules` must be a list of rules, each starting with `- id:`")
            return []
        }
        var out: [Rule] = []
        for item in seq {
            guard let fields = r.mapping(item, "a rule", allowed: ruleKeys) else { continue }
            var id: String?
            var description: String?
            var match = RuleMatch()
            var decision: Tier?
            var message: String?
            var approvalRequirement: ApprovalRequirement?
            var approvalNode: Node?
            for field in fields {
                switch field.key {
                case "id":
                    id = r.nonEmptyString(field.value, "a rule's `id`")
                    if let i = id, !isIdentifier(i) {
                        r.error(field.value, "rule id `\(i)` must use letters, digits, `-`, `_` and `.` only")
                    }
                case "description": description = r.string(field.value, "`description`")
                case "match": match = parseRuleMatch(field.value, r)
                case "decision": decision = r.enumValue(field.value, "decision", Tier.self)
                case "message": message = r.nonEmptyString(field.value, "`message`")
                case "approval":
                    approvalNode = field.value
                    approvalRequirement = approval(field.value, r, "a rule's `approval`")
                default: break
                }
            }
            guard let id else {
                r.error(item, "a rule has no `id`", hint: "add `id: a-short-name`; ids appear in decisions and the audit log")
                continue
            }
            guard let decision else {
                if !fields.contains(where: { $0.key == "decision" }) {
                    r.error(item, "rule `\(id)` has no `decision`", hint: "add `decision: autonomous|supervised|gated|blocked`")
                }
                continue
            }
            if let approvalNode, decision != .gated {
                r.error(approvalNode, "rule `\(id)` is \(decision), so its `approval` would never be used", hint: "remove `approval` or make the rule `gated`")
            }
            out.append(
                Rule(
                    id: id, description: description, match: match, decision: decision, message: message,
                    approval: approvalRequirement, location: r.location(item)))
        }
        return out
    }

    static func parseRuleMatch(_ node: Node, _ r: YAMLReader) -> RuleMatch {
        var m = RuleMatch()
        guard let fields = r.mapping(node, "a rule's `match`", allowed: matchKeys) else { return m }
        for f in fields {
            let what = "`\(f.key)`"
            switch f.key {
            case "operations":
                guard let items = r.list(f.value, what) else { continue }
                var globs: [Glob] = []
                for (text, itemNode) in items {
                    if !text.contains(":") && text != "*" && text != "**" {
                        r.error(itemNode, "operation pattern `\(text)` has no family", hint: "write `family:name`, e.g. `shell:\(text)` or `aws:*:\(text)`")
                    } else if let glob = r.glob(text, itemNode, separator: .colon, what) {
                        globs.append(glob)
                    }
                }
                if globs.count == items.count { m.operations = GlobSet(globs) }
            case "effects":
                m.effects = Set((r.list(f.value, what) ?? []).compactMap { r.enumValue($0.0, $0.1, "effect", Effect.self) })
            case "categories":
                var cats: Set<Category> = []
                for (text, itemNode) in r.list(f.value, what) ?? [] {
                    if Category.known.contains(Category(rawValue: text)) {
                        cats.insert(Category(rawValue: text))
                    } else {
                        let names = Category.known.map(\.rawValue)
                        r.error(itemNode, "unknown category `\(text)`",
                            hint: suggestion(for: text, among: names).map { "did you mean `\($0)`?" } ?? "expected one of \(names.joined(separator: ", "))")
                    }
                }
                m.categories = cats
            case "targets": m.targets = r.globSet(f.value, separator: .slash, what)
            case "environments":
                m.environments = Set((r.list(f.value, what) ?? []).map(\.0))
            case "principals": m.principals = r.globSet(f.value, separator: .none, what)
            case "launched_by": m.launchedBy = r.globSet(f.value, separator: .none, what)
            case "tasks": m.tasks = r.globSet(f.value, separator: .none, what)
            case "channels":
                m.channels = Set((r.list(f.value, what) ?? []).compactMap { r.enumValue($0.0, $0.1, "channel", Channel.self) })
            default: break
            }
        }
        return m
    }

    /// `mcp: {servers: {NAME: {trust_annotations: BOOL, tools: {TOOL: EFFECT}}}}`.
    static func parseMCP(_ node: Node, _ r: YAMLReader) -> MCPTrust {
        var trust = MCPTrust()
        guard let fields = r.mapping(node, "`mcp`", allowed: mcpKeys) else { return trust }
        for field in fields where field.key == "hide_blocked_tools" {
            switch r.string(field.value, "`mcp.hide_blocked_tools`") {
            case "true"?: trust.hideBlockedTools = true
            case "false"?: trust.hideBlockedTools = false
            case let other?: r.error(field.value, "`mcp.hide_blocked_tools: \(other)` is not a boolean", hint: "write `true` or `false`")
            case nil: break
            }
        }
        for field in fields where field.key == "servers" {
            guard let servers = r.mapping(field.value, "`mcp.servers`") else { continue }
            for server in servers {
                let what = "MCP server `\(server.key)`"
                guard let settings = r.mapping(server.value, what, allowed: mcpServerKeys) else { continue }
                var entry = MCPTrust.Server()
                for setting in settings {
                    switch setting.key {
                    case "trust_annotations":
                        switch r.string(setting.value, "`trust_annotations` of \(what)") {
                        case "true"?: entry.trustAnnotations = true
                        case "false"?: entry.trustAnnotations = false
                        case let other?: r.error(setting.value, "`trust_annotations: \(other)` of \(what) is not a boolean", hint: "write `true` or `false`")
                        case nil: break
                        }
                    case "tools":
                        guard let tools = r.mapping(setting.value, "the tools of \(what)") else { continue }
                        for tool in tools {
                            if let effect = r.enumValue(tool.value, "effect", Effect.self) { entry.tools[tool.key] = effect }
                        }
                    default: break
                    }
                }
                trust.servers[server.key] = entry
            }
        }
        return trust
    }

    static func parseLimits(_ node: Node, _ r: YAMLReader) -> [Limit] {
        guard case .sequence(let seq) = node else {
            r.error(node, "`limits` must be a list of limits, each starting with `- id:`")
            return []
        }
        var out: [Limit] = []
        for item in seq {
            guard let fields = r.mapping(item, "a limit", allowed: limitKeys) else { continue }
            var limit = Limit(id: "", onExceed: .gated, location: r.location(item))
            var measures = 0
            for f in fields {
                let what = "`\(f.key)`"
                switch f.key {
                case "id": limit.id = r.nonEmptyString(f.value, "a limit's `id`") ?? ""
                case "environments": limit.environments = Set((r.list(f.value, what) ?? []).map(\.0))
                case "principals": limit.principals = r.globSet(f.value, separator: .none, what)
                case "max_resources": limit.maxResources = r.int(f.value, what, minimum: 0); measures += 1
                case "max_cost_usd": limit.maxCostUSD = r.double(f.value, what); measures += 1
                case "max_cost_per_day_usd": limit.maxCostPerDayUSD = r.double(f.value, what); measures += 1
                case "max_cost_per_task_usd": limit.maxCostPerTaskUSD = r.double(f.value, what); measures += 1
                case "writes_per_minute": limit.writesPerMinute = r.int(f.value, what, minimum: 0); measures += 1
                case "destructive_per_minute": limit.destructivePerMinute = r.int(f.value, what, minimum: 0); measures += 1
                case "destructive_per_hour": limit.destructivePerHour = r.int(f.value, what, minimum: 0); measures += 1
                case "on_exceed":
                    if let t = r.enumValue(f.value, "tier", Tier.self) {
                        if t < .gated {
                            r.error(f.value, "`on_exceed: \(t)` would let an action past its limit run", hint: "write `gated` or `blocked`")
                        } else {
                            limit.onExceed = t
                        }
                    }
                default: break
                }
            }
            if limit.id.isEmpty {
                r.error(item, "a limit has no `id`", hint: "add `id: a-short-name`; ids appear in decisions")
                continue
            }
            if measures == 0 {
                r.error(item, "limit `\(limit.id)` limits nothing",
                    hint: "add one of max_resources, max_cost_usd, max_cost_per_day_usd, max_cost_per_task_usd, writes_per_minute, destructive_per_minute, destructive_per_hour")
            }
            out.append(limit)
        }
        return out
    }

    static func approval(_ node: Node, _ r: YAMLReader, _ what: String) -> ApprovalRequirement? {
        guard let fields = r.mapping(node, what, allowed: approvalKeys) else { return nil }
        var req = ApprovalRequirement()
        for f in fields {
            switch f.key {
            case "approvers": if let n = r.int(f.value, "`approvers`", minimum: 1) { req.approvers = n }
            case "roles": req.roles = (r.list(f.value, "`roles`") ?? []).map(\.0)
            case "timeout": if let s = r.duration(f.value, "`timeout`") { req.timeoutSeconds = s }
            case "require_context":
                req.requiredContext = (r.list(f.value, "`require_context`") ?? []).compactMap { r.enumValue($0.0, $0.1, "context field", ContextField.self) }
            default: break
            }
        }
        return req
    }

    static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95 || c == 46
        }
    }
}
