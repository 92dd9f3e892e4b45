import InterlockCore

/// Checks a parsed policy as a whole: references, duplicates, contradictions and rules that can
/// never decide anything. Shape errors are found earlier, by the loader.
enum PolicyValidator {
    static func validate(_ policy: Policy) -> [PolicyDiagnostic] {
        var out: [PolicyDiagnostic] = []
        let envNames = policy.environments.map(\.name)

        var ruleIds: [String: SourceLocation] = [:]
        for rule in policy.rules {
            if let first = ruleIds[rule.id] {
                out.append(PolicyDiagnostic(.error, rule.location, "rule id `\(rule.id)` is already used at \(first.line):\(first.column)", hint: "give every rule its own id"))
            } else {
                ruleIds[rule.id] = rule.location
            }
            for env in (rule.match.environments ?? []).sorted() where !envNames.contains(env) {
                out.append(unknownEnvironment(env, rule.location, "rule `\(rule.id)`", envNames))
            }
        }
        var limitIds: Set<String> = []
        for limit in policy.limits {
            if !limitIds.insert(limit.id).inserted {
                out.append(PolicyDiagnostic(.error, limit.location, "limit id `\(limit.id)` is used twice", hint: "give every limit its own id"))
            }
            for env in (limit.environments ?? []).sorted() where !envNames.contains(env) {
                out.append(unknownEnvironment(env, limit.location, "limit `\(limit.id)`", envNames))
            }
        }

        // Two rules with the same conditions: the same decision is a duplicate; different decisions
        // contradict each other, and the milder one can never decide.
        var bySignature: [String: Rule] = [:]
        for rule in policy.rules {
            let signature = rule.match.signature
            if let earlier = bySignature[signature] {
                if earlier.decision == rule.decision {
                    out.append(PolicyDiagnostic(.error, rule.location, "rule `\(rule.id)` has the same conditions and decision as rule `\(earlier.id)`", hint: "remove one of them"))
                } else {
                    let (milder, stricter) = earlier.decision < rule.decision ? (earlier, rule) : (rule, earlier)
                    out.append(
                        PolicyDiagnostic(
                            .error, rule.location,
                            "rule `\(rule.id)` contradicts rule `\(earlier.id)`: same conditions, decisions \(rule.decision) and \(earlier.decision); `\(milder.id)` can never decide",
                            hint: "remove `\(milder.id)` or narrow one of them so that `\(stricter.id)` does not cover it"))
                }
            } else {
                bySignature[signature] = rule
            }
        }

        // A loosening rule only decides where no stricter tier covers the same actions.
        for rule in policy.rules where !rule.tightens {
            let scopeEnvs = policy.environments.filter { rule.match.environments?.contains($0.name) ?? true }
            let scopeEffects = rule.match.effects.map { Array($0) } ?? Effect.allCases
            guard !scopeEnvs.isEmpty, !scopeEffects.isEmpty else { continue }
            let alwaysStricter = scopeEnvs.allSatisfy { env in
                scopeEffects.allSatisfy { effect in (env.tiers[effect].map { $0 > rule.decision }) ?? false }
            }
            if alwaysStricter {
                out.append(
                    PolicyDiagnostic(
                        .error, rule.location,
                        "rule `\(rule.id)` is unreachable: it decides \(rule.decision), but every environment and effect it matches has a stricter tier, and the most restrictive decision wins",
                        hint: "rules can only tighten a tier; to loosen one for a task, issue a grant, or lower the environment's tier"))
            }
        }

        // The evaluator blocks interlock_control whatever a rule says (`PolicyEvaluator.interlockControlRule`).
        for rule in policy.rules where rule.decision < .blocked && rule.match.categories?.contains(.interlockControl) == true {
            out.append(
                PolicyDiagnostic(
                    .warning, rule.location,
                    "rule `\(rule.id)` decides \(rule.decision) for `interlock_control`, which is blocked for agents whatever the policy says",
                    hint: "an agent never approves, grants, mints tokens or lifts a kill switch; a human does that from their own terminal"))
        }
        for rule in policy.rules where rule.decision == .blocked && rule.message == nil {
            out.append(PolicyDiagnostic(.warning, rule.location, "blocked rule `\(rule.id)` has no `message`", hint: "tell the agent what to do instead"))
        }
        for env in policy.environments {
            let missing = Effect.allCases.filter { env.tiers[$0] == nil }
            if !missing.isEmpty {
                out.append(
                    PolicyDiagnostic(
                        .warning, env.location,
                        "environment `\(env.name)` has no tier for \(missing.map(\.rawValue).joined(separator: ", ")): such actions are denied unless a rule covers them",
                        hint: "add them under `tiers`"))
            }
        }
        return out
    }

    private static func unknownEnvironment(_ name: String, _ location: SourceLocation, _ owner: String, _ known: [String]) -> PolicyDiagnostic {
        let hint = suggestion(for: name, among: known).map { "did you mean `\($0)`?" } ?? "define it under `environments`"
        return PolicyDiagnostic(.error, location, "\(owner) names environment `\(name)`, which is not defined", hint: hint)
    }
}
