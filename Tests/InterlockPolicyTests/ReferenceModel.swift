import InterlockCore

/// A deliberately naive restatement of Interlock's decision semantics, used as an oracle.
/// It shares no code with InterlockPolicy: globs are matched over Characters by plain recursion,
/// and the decision table is a sort.
enum Reference {
    /// `*` any run without the separator, `**` any run, `?` one non-separator character.
    static func glob(_ pattern: String, _ text: String, separator: Character?) -> Bool {
        func go(_ p: Substring, _ t: Substring) -> Bool {
            if p.isEmpty { return t.isEmpty }
            if p.hasPrefix("**") {
                let rest = p.dropFirst(2)
                var i = t.startIndex
                while true {
                    if go(rest, t[i...]) { return true }
                    if i == t.endIndex { return false }
                    i = t.index(after: i)
                }
            }
            if p.first == "*" {
                let rest = p.dropFirst()
                var i = t.startIndex
                while true {
                    if go(rest, t[i...]) { return true }
                    if i == t.endIndex || (separator != nil && t[i] == separator) { return false }
                    i = t.index(after: i)
                }
            }
            guard let c = t.first else { return false }
            if p.first == "?" { return c != separator && go(p.dropFirst(), t.dropFirst()) }
            return p.first == c && go(p.dropFirst(), t.dropFirst())
        }
        return go(Substring(pattern), Substring(text))
    }

    struct RuleSpec {
        var id: String
        var operations: [String]?
        var effects: [Effect]?
        var environments: [String]?
        var categories: [Category]?
        var decision: Tier
    }

    struct PolicySpec {
        var environments: [(name: String, tiers: [Effect: Tier])]
        var rules: [RuleSpec]
    }

    /// The decision table: most restrictive wins; ties go to the first rule, then the matrix.
    static func table(matrix: Tier?, rules: [(Tier, String)]) -> (Tier, String) {
        var all = rules.map { ($0.0, "rule:\($0.1)") }
        if let matrix { all.append((matrix, "tier")) }
        guard let top = all.map(\.0).max() else { return (.blocked, "default") }
        return all.first { $0.0 == top }!
    }

    static func decide(_ policy: PolicySpec, explicitEnvironment: String?, effect: Effect, operations: [String], categories: Set<Category>) -> (Tier, String) {
        let known = policy.environments.map(\.name)
        let envs: [String] = explicitEnvironment.map { known.contains($0) ? [$0] : ["production"] } ?? ["production"]
        var best: (Tier, String)?
        for env in envs {
            let tiers = policy.environments.first { $0.name == env }!.tiers
            var applying: [(Tier, String)] = []
            for rule in policy.rules {
                let tightens = rule.decision >= .gated
                if let e = rule.environments, !e.contains(env) { continue }
                if let e = rule.effects, !e.contains(effect) { continue }
                if let ops = rule.operations {
                    let matches = operations.map { op in ops.contains { glob($0, op, separator: ":") } }
                    if tightens ? !matches.contains(true) : (matches.isEmpty || matches.contains(false)) { continue }
                }
                if let cats = rule.categories {
                    let hit = tightens ? !categories.isDisjoint(with: cats) : (!categories.isEmpty && categories.isSubset(of: Set(cats)))
                    if !hit { continue }
                }
                applying.append((rule.decision, rule.id))
            }
            let outcome = table(matrix: tiers[effect], rules: applying)
            if best == nil || outcome.0 > best!.0 { best = outcome }
        }
        return best!
    }

    static func yaml(_ policy: PolicySpec) -> String {
        var lines = ["version: 1", "environments:"]
        for env in policy.environments {
            lines.append("  \(env.name):")
            lines.append("    tiers: {\(env.tiers.sorted { $0.key < $1.key }.map { "\($0.key.rawValue): \($0.value.rawValue)" }.joined(separator: ", "))}")
        }
        if !policy.rules.isEmpty { lines.append("rules:") }
        for rule in policy.rules {
            lines.append("  - id: \(rule.id)")
            var conditions: [String] = []
            if let v = rule.operations { conditions.append("operations: [\(v.map { "\"\($0)\"" }.joined(separator: ", "))]") }
            if let v = rule.effects { conditions.append("effects: [\(v.map(\.rawValue).joined(separator: ", "))]") }
            if let v = rule.environments { conditions.append("environments: [\(v.joined(separator: ", "))]") }
            if let v = rule.categories { conditions.append("categories: [\(v.map(\.rawValue).joined(separator: ", "))]") }
            lines.append("    match: {\(conditions.joined(separator: ", "))}")
            lines.append("    decision: \(rule.decision.rawValue)")
            lines.append("    message: m")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
