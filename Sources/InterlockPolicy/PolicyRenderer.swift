import InterlockCore

/// Renders a policy back to YAML: what `interlock policy show` prints. Loading the output gives a
/// policy that decides exactly like the one rendered.
public enum PolicyRenderer {
    public static func render(_ policy: Policy) -> String {
        var out: [String] = []
        out.append("version: \(policy.version)")
        if let name = policy.name { out.append("name: \(q(name))") }
        out.append("default_environment: \(q(policy.defaultEnvironment))")
        out.append("approval:")
        out += approval(policy.defaultApproval, indent: "  ")
        out.append("environments:")
        for env in policy.environments {
            out.append("  \(q(env.name)):")
            if !env.matchers.isEmpty {
                out.append("    match:")
                for matcher in env.matchers {
                    for (i, c) in matcher.conditions.enumerated() {
                        out.append("      \(i == 0 ? "- " : "  ")\(c.key.rawValue): \(list(c.globs.patterns))")
                    }
                }
            }
            out.append("    tiers:")
            for effect in Effect.allCases.sorted(by: { $0.severity < $1.severity }) {
                if let tier = env.tiers[effect] { out.append("      \(effect.rawValue): \(tier.rawValue)") }
            }
            if let a = env.approval {
                out.append("    approval:")
                out += approval(a, indent: "      ")
            }
        }
        if !policy.rules.isEmpty {
            out.append("rules:")
            for rule in policy.rules {
                out.append("  - id: \(q(rule.id))")
                if let d = rule.description { out.append("    description: \(q(d))") }
                let m = rule.match
                var conditions: [String] = []
                if let v = m.operations { conditions.append("operations: \(list(v.patterns))") }
                if let v = m.effects { conditions.append("effects: \(list(Effect.allCases.filter(v.contains).map(\.rawValue)))") }
                if let v = m.categories { conditions.append("categories: \(list(v.sorted().map(\.rawValue)))") }
                if let v = m.targets { conditions.append("targets: \(list(v.patterns))") }
                if let v = m.environments { conditions.append("environments: \(list(v.sorted()))") }
                if let v = m.principals { conditions.append("principals: \(list(v.patterns))") }
                if let v = m.launchedBy { conditions.append("launched_by: \(list(v.patterns))") }
                if let v = m.tasks { conditions.append("tasks: \(list(v.patterns))") }
                if let v = m.channels { conditions.append("channels: \(list(Channel.allCases.filter(v.contains).map(\.rawValue)))") }
                if conditions.isEmpty {
                    out.append("    match: {}")
                } else {
                    out.append("    match:")
                    out += conditions.map { "      " + $0 }
                }
                out.append("    decision: \(rule.decision.rawValue)")
                if let msg = rule.message { out.append("    message: \(q(msg))") }
                if let a = rule.approval {
                    out.append("    approval:")
                    out += approval(a, indent: "      ")
                }
            }
        }
        if !policy.limits.isEmpty {
            out.append("limits:")
            for limit in policy.limits {
                out.append("  - id: \(q(limit.id))")
                if let v = limit.environments { out.append("    environments: \(list(v.sorted()))") }
                if let v = limit.principals { out.append("    principals: \(list(v.patterns))") }
                if let v = limit.maxResources { out.append("    max_resources: \(v)") }
                if let v = limit.maxCostUSD { out.append("    max_cost_usd: \(v)") }
                if let v = limit.maxCostPerDayUSD { out.append("    max_cost_per_day_usd: \(v)") }
                if let v = limit.maxCostPerTaskUSD { out.append("    max_cost_per_task_usd: \(v)") }
                if let v = limit.writesPerMinute { out.append("    writes_per_minute: \(v)") }
                if let v = limit.destructivePerMinute { out.append("    destructive_per_minute: \(v)") }
                if let v = limit.destructivePerHour { out.append("    destructive_per_hour: \(v)") }
                out.append("    on_exceed: \(limit.onExceed.rawValue)")
            }
        }
        if !policy.mcpTrust.servers.isEmpty {
            out.append("mcp:")
            out.append("  servers:")
            for server in policy.mcpTrust.servers.keys.sorted() {
                let entry = policy.mcpTrust.servers[server]!
                out.append("    \(q(server)):")
                out.append("      trust_annotations: \(entry.trustAnnotations)")
                if !entry.tools.isEmpty {
                    out.append("      tools:")
                    for tool in entry.tools.keys.sorted() { out.append("        \(q(tool)): \(entry.tools[tool]!.rawValue)") }
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func approval(_ a: ApprovalRequirement, indent: String) -> [String] {
        var out = ["\(indent)approvers: \(a.approvers)"]
        if !a.roles.isEmpty { out.append("\(indent)roles: \(list(a.roles))") }
        out.append("\(indent)timeout: \(formatDuration(a.timeoutSeconds))")
        if !a.requiredContext.isEmpty { out.append("\(indent)require_context: \(list(a.requiredContext.map(\.rawValue)))") }
        return out
    }

    private static func list(_ items: [String]) -> String {
        "[" + items.map(q).joined(separator: ", ") + "]"
    }

    /// A YAML scalar for `s`: bare when that reads back as the same string, else double-quoted
    /// (a JSON string is a valid YAML double-quoted scalar).
    static func q(_ s: String) -> String {
        let plainSafe = !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_" || c == "."
        }
        let reserved = ["true", "false", "null", "yes", "no", "on", "off", "~"].contains(s.lowercased())
        if plainSafe && !reserved && Double(s) == nil { return s }
        return JSONValue.string(s).jsonText()
    }
}
