import InterlockCore

/// Evaluates actions against a policy. Pure and synchronous: the caller supplies the facts
/// (from the classifiers) and the recent usage (from the store).
public struct PolicyEvaluator: Sendable {
    public let policy: Policy
    let compiled: CompiledPolicy

    public init(policy: Policy) {
        self.policy = policy
        self.compiled = CompiledPolicy(policy)
    }

    /// One environment an action resolved to, and why.
    public struct EnvironmentCandidate: Sendable, Hashable {
        public var name: String
        public var reason: EnvironmentReason
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
            if compiled.environmentsByName[explicit] != nil {
                out.append(EnvironmentCandidate(name: explicit, reason: .named))
            } else {
                out.append(
                    EnvironmentCandidate(name: policy.defaultEnvironment, reason: .undefinedName(explicit, standIn: policy.defaultEnvironment)))
            }
        }
        for env in compiled.environments where !env.definition.matchers.isEmpty && !out.contains(where: { $0.name == env.definition.name }) {
            if let why = matchReason(env.definition, action: action, facts: facts) {
                out.append(EnvironmentCandidate(name: env.definition.name, reason: why))
            }
        }
        if out.isEmpty {
            out.append(EnvironmentCandidate(name: policy.defaultEnvironment, reason: .unresolved(standIn: policy.defaultEnvironment)))
        }
        return out
    }

    /// The first value of the fact that the globs match (or cannot decide: placing an action in one
    /// more environment can only make its decision stricter).
    private func matchingValue(_ key: EnvironmentFactKey, _ globs: GlobSet, action: Action, facts: Classification) -> String? {
        if key == .workingDirectory, let cwd = action.workingDirectory, globs.matches(cwd) != false { return cwd }
        if key == .host, let host = action.host, globs.matches(host) != false { return host }
        return facts.environmentFacts[key].first { globs.matches($0) != false }
    }

    private func matchReason(_ env: EnvironmentDefinition, action: Action, facts: Classification) -> EnvironmentReason? {
        matcherLoop: for matcher in env.matchers {
            var matched: [EnvironmentFactKey: String] = [:]
            for condition in matcher.conditions {
                guard let value = matchingValue(condition.key, condition.globs, action: action, facts: facts) else { continue matcherLoop }
                matched[condition.key] = value
            }
            return .matched(matched)
        }
        return nil
    }

    // MARK: - Decision

    /// The outcome in one environment, kept compact: strings are built only for the winner.
    private struct Outcome {
        var environment: CompiledEnvironment
        var contribution: DecisionTable.Contribution
        var matchedRules: [CompiledRule]
        var undecidedRules: [(CompiledRule, String)]
        var limitBreaches: [(Limit, LimitBreach, Tier)]
        var matrixTier: Tier?
    }

    private func decide(_ action: Action, facts: Classification, usage: UsageSnapshot, trace: TraceLog?)
        -> (decision: Decision, environments: [EnvironmentCandidate])
    {
        let candidates = resolveEnvironments(action, facts: facts)
        let view = FactsView(action: action, facts: facts, compiled: compiled)
        var chosen: (Outcome, EnvironmentCandidate)?
        for candidate in candidates {
            guard let env = compiled.environmentsByName[candidate.name] else { continue }
            trace?.lines.append("environment \(env.definition.name): \(candidate.reason)")
            let outcome = evaluate(view, usage: usage, in: env, trace: trace)
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
        return (makeDecision(outcome, candidate: candidate, candidates: candidates, action: action, facts: facts), candidates)
    }

    private func evaluate(_ view: FactsView, usage: UsageSnapshot, in env: CompiledEnvironment, trace: TraceLog?) -> Outcome {
        var table = DecisionTable.Accumulator()
        var matched: [CompiledRule] = []
        var undecided: [(CompiledRule, String)] = []
        for rule in compiled.rules {
            switch RuleMatcher.match(rule, view, environment: env) {
            case .yes:
                matched.append(rule)
                table.offerRule(.init(tier: rule.decision, source: .rule(rule.id)))
                trace?.lines.append("  rule \(rule.id): matches → \(rule.decision)")
            case .undecided(let why) where rule.tightens:
                matched.append(rule)
                undecided.append((rule, why))
                table.offerRule(.init(tier: rule.decision, source: .rule(rule.id)))
                trace?.lines.append("  rule \(rule.id): cannot be evaluated (\(why)) → applies, \(rule.decision)")
            case .undecided(let why):
                trace?.lines.append("  rule \(rule.id): cannot be evaluated (\(why)) → ignored; a rule that loosens never applies unless it surely matches")
            case .no:
                trace?.lines.append("  rule \(rule.id): no")
            }
        }
        let matrixTier = env.tiers[view.facts.effect.severity]
        trace?.lines.append("  tier \(env.definition.name)/\(view.facts.effect): \(matrixTier.map(\.rawValue) ?? "none")")
        table.offerMatrix(matrixTier, environment: env.definition.name, effect: view.facts.effect)
        var breaches: [(Limit, LimitBreach, Tier)] = []
        for limit in compiled.limits {
            guard limit.environments?.contains(env.definition.name) ?? true,
                limit.principals?.matches(view.action.principal.agent) != false
            else { continue }
            if let (breach, tier) = LimitChecker.exceeded(limit, facts: view.facts, usage: usage) {
                table.offerLimit(.init(tier: tier, source: .limit(limit.id)))
                breaches.append((limit, breach, tier))
                trace?.lines.append("  limit \(limit.id): exceeded (\(breach)) → \(tier)")
            } else {
                trace?.lines.append("  limit \(limit.id): within")
            }
        }
        let contribution = table.result(environment: env.definition.name)
        return Outcome(
            environment: env, contribution: contribution, matchedRules: matched, undecidedRules: undecided,
            limitBreaches: breaches, matrixTier: matrixTier)
    }

    private func makeDecision(
        _ outcome: Outcome, candidate: EnvironmentCandidate, candidates: [EnvironmentCandidate], action: Action, facts: Classification
    ) -> Decision {
        let env = outcome.environment.definition
        let contribution = outcome.contribution
        var reasons: [DecisionReason] = [.environment(candidate.name, candidate.reason)]
        if candidates.count > 1 { reasons.append(.severalEnvironments(candidates.map(\.name))) }
        for rule in outcome.matchedRules {
            if let why = outcome.undecidedRules.first(where: { $0.0 === rule })?.1 {
                reasons.append(.ruleUndecided(id: rule.id, tier: rule.decision, why: why))
            } else {
                reasons.append(.ruleMatched(id: rule.id, tier: rule.decision))
            }
        }
        for (limit, breach, tier) in outcome.limitBreaches {
            reasons.append(.limitExceeded(id: limit.id, breach: breach.description, tier: tier))
        }
        if let matrixTier = outcome.matrixTier { reasons.append(.tier(environment: env.name, effect: facts.effect, tier: matrixTier)) }
        for finding in facts.findings { reasons.append(.finding(operation: finding.operation, reason: finding.reason)) }

        var approval: ApprovalRequirement?
        if contribution.tier == .gated {
            // Every gated source's requirement applies; the strictest combination is asked for.
            var requirement: ApprovalRequirement?
            func add(_ r: ApprovalRequirement) { requirement = requirement.map { $0.stricter(than: r) } ?? r }
            for rule in outcome.matchedRules where rule.decision == .gated {
                add(rule.rule.approval ?? env.approval ?? policy.defaultApproval)
            }
            if outcome.matrixTier == .gated || requirement == nil { add(env.approval ?? policy.defaultApproval) }
            approval = requirement
        }
        let missing = approval?.requiredContext.filter { !action.context.provides($0) } ?? []
        let breach = outcome.limitBreaches.first { DecisionSource.limit($0.0.id) == contribution.source }?.1
        let message = message(
            for: contribution, matched: outcome.matchedRules, effect: facts.effect, env: env.name, limitBreach: breach,
            approval: approval, missing: missing)
        return Decision(
            tier: contribution.tier, environment: candidate.name, decidedBy: contribution.source,
            message: message, approval: approval, missingContext: missing,
            reasons: reasons, matchedRules: outcome.matchedRules.map(\.id))
    }

    private func message(
        for c: DecisionTable.Contribution, matched: [CompiledRule], effect: Effect, env: String, limitBreach: LimitBreach?,
        approval: ApprovalRequirement?, missing: [ContextField]
    ) -> String {
        var text: String
        if case .rule(let id) = c.source, let rule = matched.first(where: { $0.id == id }), let m = rule.message {
            text = m
        } else if case .limit(let id) = c.source, let limitBreach {
            text = "Interlock: limit \(id) exceeded: \(limitBreach)"
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
        if let approval, c.tier == .gated {
            text += "; needs "
            text += approval.summary
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

/// Three-valued rule matching over a compiled rule and a precomputed view of the facts.
enum RuleMatcher {
    enum Result: Equatable {
        case yes
        case no
        /// A condition could not be decided (incomplete targets, a pattern past its budget).
        case undecided(String)
    }

    static func match(_ rule: CompiledRule, _ v: FactsView, environment: CompiledEnvironment) -> Result {
        if rule.environmentMask & environment.bit == 0 { return .no }
        if rule.effectMask & v.effectBit == 0 { return .no }
        if rule.channelMask & v.channelBit == 0 { return .no }
        // All ones means "no usable prefix": the rule must be evaluated whatever the operations.
        if rule.operationPrefixMask != .max && rule.operationPrefixMask & v.operationPrefixMask == 0 { return .no }
        let tightens = rule.tightens
        var undecided: String?
        /// False when the condition rules the match out; an undecided condition is remembered.
        func holds(_ result: Result) -> Bool {
            switch result {
            case .no: return false
            case .undecided(let why): undecided = undecided ?? why
            case .yes: break
            }
            return true
        }
        if let globs = rule.principals, !holds(single(globs, v.action.principal.agent, "principal")) { return .no }
        if let globs = rule.launchedBy, !holds(single(globs, v.action.principal.launchedBy, "launched by")) { return .no }
        if let globs = rule.tasks, !holds(single(globs, v.action.principal.task, "task")) { return .no }
        if let globs = rule.operations, !holds(many(globs, v.facts.operations, complete: true, tightens: tightens, "operation")) { return .no }
        if let mask = rule.categoryMask {
            let hit = tightens ? (v.categoryMask & mask != 0) : (v.categoryMask != 0 && v.categoryMask & ~mask == 0)
            if !hit { return .no }
        }
        if let globs = rule.targets, !holds(many(globs, v.facts.targets, complete: v.facts.targetsComplete, tightens: tightens, "target")) {
            return .no
        }
        if let undecided { return .undecided(undecided) }
        return .yes
    }

    private static func single(_ globs: CompiledGlobSet, _ value: String?, _ what: String) -> Result {
        guard let value else { return .no }
        switch globs.matches(value) {
        case true?: return .yes
        case false?: return .no
        case nil: return .undecided("\(what) `\(value)` is too costly to match")
        }
    }

    /// Tightening: any value matching suffices; loosening: every value must match, and the list must
    /// be complete.
    private static func many(_ globs: CompiledGlobSet, _ values: [String], complete: Bool, tightens: Bool, _ what: String) -> Result {
        if tightens {
            var unknown = !complete
            for value in values {
                switch globs.matches(value) {
                case true?: return .yes
                case nil: unknown = true
                case false?: break
                }
            }
            return unknown ? .undecided("some \(what)s are not known") : .no
        }
        guard complete else { return .undecided("some \(what)s are not known") }
        guard !values.isEmpty else { return .no }
        for value in values {
            switch globs.matches(value) {
            case true?: continue
            case false?: return .no
            case nil: return .undecided("\(what) `\(value)` is too costly to match")
            }
        }
        return .yes
    }
}

/// Why an action exceeds a limit; described only when a decision is reported.
enum LimitBreach: CustomStringConvertible {
    case resources(Int, max: Int)
    case unknownBlastRadius(max: Int)
    case costPerAction(Double, max: Double)
    case costPerDay(Double, max: Double)
    case costPerTask(Double, max: Double)
    case writesPerMinute(Int, max: Int)
    case destructivePerMinute(Int, max: Int)
    case destructivePerHour(Int, max: Int)

    var description: String {
        switch self {
        case .resources(let n, let max): "\(n) resources affected (limit \(max))"
        case .unknownBlastRadius(let max): "blast radius unknown (limit \(max) resources)"
        case .costPerAction(let c, let max): "estimated cost $\(c) (limit $\(max) per action)"
        case .costPerDay(let c, let max): "cost today would reach $\(c) (limit $\(max) per day)"
        case .costPerTask(let c, let max): "this task's cost would reach $\(c) (limit $\(max) per task)"
        case .writesPerMinute(let n, let max): "\(n) writes in a minute (limit \(max))"
        case .destructivePerMinute(let n, let max): "\(n) destructive actions in a minute (limit \(max))"
        case .destructivePerHour(let n, let max): "\(n) destructive actions in an hour (limit \(max))"
        }
    }
}

enum LimitChecker {
    /// How the action would exceed the limit and the tier that follows, or nil when it stays within.
    ///
    /// An unknown blast radius cannot be shown to stay within a resource cap, so it exceeds it; but
    /// it escalates to `gated` at most, so that a human can look, since it is not known to be over.
    static func exceeded(_ limit: Limit, facts: Classification, usage: UsageSnapshot) -> (LimitBreach, Tier)? {
        if let breach = exceededMeasure(limit, facts: facts, usage: usage) { return (breach, limit.onExceed) }
        if facts.effect != .read, let max = limit.maxResources, facts.blastRadius == .unknown {
            return (.unknownBlastRadius(max: max), min(limit.onExceed, .gated))
        }
        return nil
    }

    private static func exceededMeasure(_ limit: Limit, facts: Classification, usage: UsageSnapshot) -> LimitBreach? {
        let effect = facts.effect
        if effect != .read {
            if let max = limit.maxResources, case .count(let n) = facts.blastRadius, n > max {
                return .resources(n, max: max)
            }
            if let max = limit.maxCostUSD, let cost = facts.estimatedCostUSD, cost > max {
                return .costPerAction(cost, max: max)
            }
            if let max = limit.maxCostPerDayUSD, let cost = facts.estimatedCostUSD, usage.costTodayUSD + cost > max {
                return .costPerDay(usage.costTodayUSD + cost, max: max)
            }
            if let max = limit.maxCostPerTaskUSD, let cost = facts.estimatedCostUSD, usage.costThisTaskUSD + cost > max {
                return .costPerTask(usage.costThisTaskUSD + cost, max: max)
            }
        }
        if effect == .write, let max = limit.writesPerMinute, usage.writesLastMinute + 1 > max {
            return .writesPerMinute(usage.writesLastMinute + 1, max: max)
        }
        if effect == .destructive || effect == .unknown {
            if let max = limit.destructivePerMinute, usage.destructiveLastMinute + 1 > max {
                return .destructivePerMinute(usage.destructiveLastMinute + 1, max: max)
            }
            if let max = limit.destructivePerHour, usage.destructiveLastHour + 1 > max {
                return .destructivePerHour(usage.destructiveLastHour + 1, max: max)
            }
        }
        return nil
    }
}
