import InterlockCore

/// Evaluates actions against a policy. Pure and synchronous: the caller supplies the facts
/// (from the classifiers) and the recent usage (from the store).
public struct PolicyEvaluator: Sendable {
    public let policy: Policy

    public init(policy: Policy) {
        self.policy = policy
    }

    /// One environment an action resolved to, and why.
    public struct EnvironmentCandidate: Sendable, Hashable {
        public var name: String
        public var reason: String
    }

    /// The full reasoning behind a decision, for `interlock explain`.
    public struct Explanation: Sendable {
        public var decision: Decision
        public var environments: [EnvironmentCandidate]
        /// Per environment: every rule and why it did or did not apply, the matrix tier, the limits.
        public var trace: [String]
    }

    public func evaluate(_ action: Action, facts: Classification, usage: UsageSnapshot = .none) -> Decision {
        decide(action, facts: facts, usage: usage, trace: nil).decision
    }

    public func explain(_ action: Action, facts: Classification, usage: UsageSnapshot = .none) -> Explanation {
        let log = TraceLog()
        let result = decide(action, facts: facts, usage: usage, trace: log)
        return Explanation(decision: result.decision, environments: result.environments, trace: log.lines)
    }

    // MARK: - Environment resolution

    /// Every environment the action belongs to: the one named explicitly, plus every one whose
    /// matchers match the facts. None → the default environment (production unless the policy says).
    public func resolveEnvironments(_ action: Action, facts: Classification) -> [EnvironmentCandidate] {
        var out: [EnvironmentCandidate] = []
        if let explicit = action.environment {
            if policy.environment(named: explicit) != nil {
                out.append(EnvironmentCandidate(name: explicit, reason: "named explicitly"))
            } else {
                out.append(
                    EnvironmentCandidate(
                        name: policy.defaultEnvironment,
                        reason: "the named environment `\(explicit)` is not defined in the policy; treated as \(policy.defaultEnvironment)"))
            }
        }
        for env in policy.environments where !out.contains(where: { $0.name == env.name }) {
            if let why = matchReason(env, action: action, facts: facts) {
                out.append(EnvironmentCandidate(name: env.name, reason: why))
            }
        }
        if out.isEmpty {
            out.append(
                EnvironmentCandidate(
                    name: policy.defaultEnvironment,
                    reason: "no environment could be resolved; treated as \(policy.defaultEnvironment)"))
        }
        return out
    }

    private func factValues(_ key: EnvironmentFactKey, action: Action, facts: Classification) -> [String] {
        var values = facts.environmentFacts[key]
        if key == .workingDirectory, let cwd = action.workingDirectory { values.append(cwd) }
        if key == .host, let host = action.host { values.append(host) }
        return values
    }

    private func matchReason(_ env: EnvironmentDefinition, action: Action, facts: Classification) -> String? {
        matcherLoop: for matcher in env.matchers {
            var parts: [String] = []
            for condition in matcher.conditions {
                let values = factValues(condition.key, action: action, facts: facts)
                // A value whose match cannot be decided counts as matching: placing an action in one
                // more environment can only make its decision stricter.
                guard let hit = values.first(where: { condition.globs.matches($0) != false }) else { continue matcherLoop }
                parts.append("\(condition.key.rawValue) `\(hit)`")
            }
            return "matched " + parts.joined(separator: ", ")
        }
        return nil
    }

    // MARK: - Decision

    private struct Outcome {
        var contribution: DecisionTable.Contribution
        var message: String
        var approval: ApprovalRequirement?
        var missingContext: [ContextField]
        var reasons: [String]
        var matchedRules: [String]
    }

    private func decide(_ action: Action, facts: Classification, usage: UsageSnapshot, trace: TraceLog?)
        -> (decision: Decision, environments: [EnvironmentCandidate])
    {
        let candidates = resolveEnvironments(action, facts: facts)
        var chosen: (Outcome, EnvironmentCandidate)?
        for candidate in candidates {
            guard let env = policy.environment(named: candidate.name) else { continue }
            trace?.lines.append("environment \(env.name): \(candidate.reason)")
            let outcome = evaluate(action, facts: facts, usage: usage, in: env, trace: trace)
            if chosen == nil || outcome.contribution.tier > chosen!.0.contribution.tier {
                chosen = (outcome, candidate)
            }
        }
        // INVARIANT (default environment exists): the loader refuses a policy whose default
        // environment is not defined, so `chosen` is set; the fallback is still a denial.
        guard let (outcome, candidate) = chosen else {
            let d = Decision(
                tier: .blocked, environment: policy.defaultEnvironment, decidedBy: .defaultDeny(environment: policy.defaultEnvironment),
                message: "Interlock: no environment could be evaluated; denied")
            return (d, candidates)
        }
        var reasons = ["environment \(candidate.name): \(candidate.reason)"]
        if candidates.count > 1 {
            reasons.append("the action resolved to \(candidates.map(\.name).joined(separator: ", ")); the most restrictive outcome applies")
        }
        reasons += outcome.reasons
        reasons += facts.findings.map { "\($0.operation): \($0.reason)" }
        let decision = Decision(
            tier: outcome.contribution.tier, environment: candidate.name, decidedBy: outcome.contribution.source,
            message: outcome.message, approval: outcome.approval, missingContext: outcome.missingContext,
            reasons: reasons, matchedRules: outcome.matchedRules)
        return (decision, candidates)
    }

    private func evaluate(
        _ action: Action, facts: Classification, usage: UsageSnapshot, in env: EnvironmentDefinition,
        trace: TraceLog?
    ) -> Outcome {
        var ruleContributions: [DecisionTable.Contribution] = []
        var matched: [Rule] = []
        var reasons: [String] = []
        for rule in policy.rules {
            let result = RuleMatcher.match(rule, action: action, facts: facts, environment: env.name)
            switch result {
            case .yes:
                matched.append(rule)
                ruleContributions.append(.init(tier: rule.decision, source: .rule(rule.id)))
                reasons.append("rule \(rule.id) (\(rule.decision)) matched")
                trace?.lines.append("  rule \(rule.id): matches → \(rule.decision)")
            case .undecided(let why) where rule.tightens:
                matched.append(rule)
                ruleContributions.append(.init(tier: rule.decision, source: .rule(rule.id)))
                reasons.append("rule \(rule.id) (\(rule.decision)) applied because \(why); a rule that tightens applies when it cannot be evaluated")
                trace?.lines.append("  rule \(rule.id): cannot be evaluated (\(why)) → applies, \(rule.decision)")
            case .undecided(let why):
                trace?.lines.append("  rule \(rule.id): cannot be evaluated (\(why)) → ignored; a rule that loosens never applies unless it surely matches")
            case .no(let why):
                trace?.lines.append("  rule \(rule.id): no (\(why))")
            }
        }
        var limitContributions: [DecisionTable.Contribution] = []
        var limitReasons: [(DecisionSource, String)] = []
        for limit in policy.limits {
            guard limit.environments?.contains(env.name) ?? true, limit.principals?.matches(action.principal.agent) != false else { continue }
            if let (why, tier) = LimitChecker.exceeded(limit, facts: facts, usage: usage) {
                limitContributions.append(.init(tier: tier, source: .limit(limit.id)))
                limitReasons.append((.limit(limit.id), why))
                reasons.append("limit \(limit.id) exceeded: \(why) → \(tier)")
                trace?.lines.append("  limit \(limit.id): exceeded (\(why)) → \(tier)")
            } else {
                trace?.lines.append("  limit \(limit.id): within")
            }
        }
        let matrixTier = env.tiers[facts.effect]
        trace?.lines.append("  tier \(env.name)/\(facts.effect): \(matrixTier.map(\.rawValue) ?? "none")")
        let contribution = DecisionTable.decide(
            environment: env.name, matrixTier: matrixTier, effect: facts.effect,
            rules: ruleContributions, limits: limitContributions)
        if let matrixTier { reasons.append("tier \(env.name)/\(facts.effect) is \(matrixTier)") }

        var approval: ApprovalRequirement?
        if contribution.tier == .gated {
            // Every gated source's requirement applies; the strictest combination is asked for.
            var requirement: ApprovalRequirement?
            func add(_ r: ApprovalRequirement) { requirement = requirement.map { $0.stricter(than: r) } ?? r }
            for rule in matched where rule.decision == .gated { add(rule.approval ?? env.approval ?? policy.defaultApproval) }
            if matrixTier == .gated || requirement == nil { add(env.approval ?? policy.defaultApproval) }
            approval = requirement
        }
        let missing = approval?.requiredContext.filter { !action.context.provides($0) } ?? []
        let limitReason = limitReasons.first { $0.0 == contribution.source }?.1
        let message = message(
            for: contribution, matched: matched, effect: facts.effect, env: env.name, limitReason: limitReason,
            approval: approval, missing: missing)
        return Outcome(
            contribution: contribution, message: message, approval: approval, missingContext: missing,
            reasons: reasons, matchedRules: matched.map(\.id))
    }

    private func message(
        for c: DecisionTable.Contribution, matched: [Rule], effect: Effect, env: String, limitReason: String?,
        approval: ApprovalRequirement?, missing: [ContextField]
    ) -> String {
        var text: String
        if case .rule(let id) = c.source, let rule = matched.first(where: { $0.id == id }), let m = rule.message {
            text = m
        } else if case .limit(let id) = c.source, let limitReason {
            text = "Interlock: limit \(id) exceeded: \(limitReason)"
        } else {
            switch (c.tier, c.source) {
            case (_, .defaultDeny):
                text = "nothing in the policy covers \(effect) actions in \(env); denied by default"
            case (.blocked, _):
                text = "\(effect) actions in \(env) are blocked by \(c.source)"
            case (.gated, _):
                text = "\(effect) actions in \(env) need human approval (\(c.source))"
            case (.supervised, _):
                text = "allowed and recorded for review (\(c.source))"
            case (.autonomous, _):
                text = "allowed (\(c.source))"
            }
        }
        while text.last == "." { text.removeLast() }
        if let approval, c.tier == .gated {
            let roles = approval.roles.isEmpty ? "" : " with role \(approval.roles.joined(separator: " or "))"
            text += "; needs \(approval.approvers) distinct approver\(approval.approvers == 1 ? "" : "s")\(roles) within \(formatDuration(approval.timeoutSeconds))"
        }
        if !missing.isEmpty {
            text += "; first state \(missing.map(\.rawValue).joined(separator: ", ")) in the action's context"
        }
        return text
    }
}

/// Collects the evaluator's reasoning line by line; only `explain` creates one, so plain
/// evaluation builds no trace text.
final class TraceLog {
    var lines: [String] = []
}

/// Three-valued rule matching.
enum RuleMatcher {
    enum Result: Equatable {
        case yes
        case no(String)
        /// A condition could not be decided (incomplete targets, a pattern past its budget).
        case undecided(String)
    }

    static func match(_ rule: Rule, action: Action, facts: Classification, environment: String) -> Result {
        let m = rule.match
        let tightens = rule.tightens
        var undecided: String?
        func consider(_ r: Result) -> Result? {
            switch r {
            case .no: return r
            case .undecided(let why): if undecided == nil { undecided = why }
            case .yes: break
            }
            return nil
        }
        if let envs = m.environments, !envs.contains(environment) { return .no("environment is \(environment)") }
        if let effects = m.effects, !effects.contains(facts.effect) { return .no("effect is \(facts.effect)") }
        if let channels = m.channels, !channels.contains(action.channel) { return .no("channel is \(action.channel.rawValue)") }
        if let globs = m.principals, let r = consider(single(globs, action.principal.agent, "principal")) { return r }
        if let globs = m.launchedBy, let r = consider(single(globs, action.principal.launchedBy, "launched by")) { return r }
        if let globs = m.tasks, let r = consider(single(globs, action.principal.task, "task")) { return r }
        if let globs = m.operations, let r = consider(many(globs, facts.operations, complete: true, tightens: tightens, "operation")) { return r }
        if let cats = m.categories {
            let hit = tightens ? !facts.categories.isDisjoint(with: cats) : (!facts.categories.isEmpty && facts.categories.isSubset(of: cats))
            if !hit { return .no("categories are \(facts.categories.isEmpty ? "none" : facts.categories.map(\.rawValue).sorted().joined(separator: ", "))") }
        }
        if let globs = m.targets, let r = consider(many(globs, facts.targets, complete: facts.targetsComplete, tightens: tightens, "target")) { return r }
        if let undecided { return .undecided(undecided) }
        return .yes
    }

    private static func single(_ globs: GlobSet, _ value: String?, _ what: String) -> Result {
        guard let value else { return .no("no \(what)") }
        switch globs.matches(value) {
        case true?: return .yes
        case false?: return .no("\(what) `\(value)` does not match")
        case nil: return .undecided("\(what) `\(value)` is too costly to match")
        }
    }

    /// Tightening: any value matching suffices; loosening: every value must match, and the list must
    /// be complete.
    private static func many(_ globs: GlobSet, _ values: [String], complete: Bool, tightens: Bool, _ what: String) -> Result {
        if tightens {
            var unknown = !complete
            for value in values {
                switch globs.matches(value) {
                case true?: return .yes
                case nil: unknown = true
                case false?: break
                }
            }
            return unknown ? .undecided("some \(what)s are not known") : .no("no \(what) matches")
        }
        guard complete else { return .undecided("some \(what)s are not known") }
        guard !values.isEmpty else { return .no("no \(what)s") }
        for value in values {
            switch globs.matches(value) {
            case true?: continue
            case false?: return .no("\(what) `\(value)` does not match")
            case nil: return .undecided("\(what) `\(value)` is too costly to match")
            }
        }
        return .yes
    }
}

enum LimitChecker {
    /// Why the action would exceed the limit and the tier that follows, or nil when it stays within.
    ///
    /// An unknown blast radius cannot be shown to stay within a resource cap, so it exceeds it; but
    /// it escalates to `gated` at most, so that a human can look, since it is not known to be over.
    static func exceeded(_ limit: Limit, facts: Classification, usage: UsageSnapshot) -> (String, Tier)? {
        if let why = exceededMeasure(limit, facts: facts, usage: usage) { return (why, limit.onExceed) }
        if facts.effect != .read, let max = limit.maxResources, facts.blastRadius == .unknown {
            return ("blast radius unknown (limit \(max) resources)", min(limit.onExceed, .gated))
        }
        return nil
    }

    private static func exceededMeasure(_ limit: Limit, facts: Classification, usage: UsageSnapshot) -> String? {
        let effect = facts.effect
        if effect != .read {
            if let max = limit.maxResources, case .count(let n) = facts.blastRadius, n > max {
                return "\(n) resources affected (limit \(max))"
            }
            if let max = limit.maxCostUSD, let cost = facts.estimatedCostUSD, cost > max {
                return "estimated cost $\(cost) (limit $\(max) per action)"
            }
            if let max = limit.maxCostPerDayUSD, let cost = facts.estimatedCostUSD, usage.costTodayUSD + cost > max {
                return "cost today would reach $\(usage.costTodayUSD + cost) (limit $\(max) per day)"
            }
        }
        if effect == .write, let max = limit.writesPerMinute, usage.writesLastMinute + 1 > max {
            return "\(usage.writesLastMinute + 1) writes in a minute (limit \(max))"
        }
        if effect == .destructive || effect == .unknown {
            if let max = limit.destructivePerMinute, usage.destructiveLastMinute + 1 > max {
                return "\(usage.destructiveLastMinute + 1) destructive actions in a minute (limit \(max))"
            }
            if let max = limit.destructivePerHour, usage.destructiveLastHour + 1 > max {
                return "\(usage.destructiveLastHour + 1) destructive actions in an hour (limit \(max))"
            }
        }
        return nil
    }
}
