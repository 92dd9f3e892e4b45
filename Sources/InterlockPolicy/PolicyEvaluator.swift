import InterlockCore

/// Evaluates actions against a policy. Pure and synchronous: the caller supplies the facts
/// (from the classifiers) and the recent usage (from the store).
///
/// How a decision is computed (the semantics are `DecisionTable`'s and docs/policy.md's): the
/// action's candidate environments are resolved; every rule is tested once against the action
/// (only the environment condition differs between environments, and it is a bit test), every
/// limit once against the usage; then each candidate environment's outcome is the table applied to
/// the rules and limits that cover it and its tier matrix. Words (reasons, messages) are built
/// only for the environment that decides.
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
        let resolution = resolve(action, facts: facts)
        return decide(action, facts: facts, usage: usage, resolution: resolution)
    }

    public func explain(_ action: Action, facts: Classification, usage: UsageSnapshot = .none) -> Explanation {
        let resolution = resolve(action, facts: facts)
        let decision = decide(action, facts: facts, usage: usage, resolution: resolution)
        let environments = candidates(resolution, action: action, facts: facts)
        var trace: [String] = []
        let masks = FactMasks(action: action, facts: facts, compiled: compiled)
        for (index, candidate) in zip(resolution.indices, environments) {
            trace.append("environment \(candidate.name): \(candidate.reason)")
            traceEnvironment(compiled.environments[index], action: action, facts: facts, masks: masks, usage: usage, into: &trace)
        }
        return Explanation(decision: decision, environments: environments, trace: trace)
    }

    // MARK: - Environment resolution

    /// Every environment the action belongs to: the one named explicitly, plus every one whose
    /// matchers match the facts. None → the default environment (production unless the policy says).
    public func resolveEnvironments(_ action: Action, facts: Classification) -> [EnvironmentCandidate] {
        candidates(resolve(action, facts: facts), action: action, facts: facts)
    }

    /// Candidate environments as indices into `compiled.environments`, in order: the one named
    /// explicitly (or the default standing in for an undefined name) first, then those whose
    /// matchers match, in policy order; the default alone when there is neither.
    struct Resolution {
        enum First {
            case named
            case undefinedName
            case matched
            case unresolved
        }
        var indices: [Int]
        /// Why `indices[0]` is there; every later one matched.
        var first: First
    }

    private func resolve(_ action: Action, facts: Classification) -> Resolution {
        var indices: [Int] = []
        var first = Resolution.First.matched
        if let explicit = action.environment {
            if let index = compiled.environmentIndex(named: explicit) {
                indices.append(index)
                first = .named
            } else if let index = compiled.defaultEnvironmentIndex {
                indices.append(index)
                first = .undefinedName
            }
        }
        for (index, env) in compiled.environments.enumerated() where !env.matchers.isEmpty && !indices.contains(index) {
            if matchingMatcher(env, action: action, facts: facts) != nil { indices.append(index) }
        }
        if indices.isEmpty, let index = compiled.defaultEnvironmentIndex {
            indices.append(index)
            first = .unresolved
        }
        return Resolution(indices: indices, first: first)
    }

    private func candidates(_ resolution: Resolution, action: Action, facts: Classification) -> [EnvironmentCandidate] {
        var out: [EnvironmentCandidate] = []
        for (position, index) in resolution.indices.enumerated() {
            let env = compiled.environments[index]
            out.append(EnvironmentCandidate(
                name: env.definition.name, reason: reason(env, position: position, resolution: resolution, action: action, facts: facts)))
        }
        if out.isEmpty {
            // INVARIANT (default environment exists): the loader refuses a policy whose default
            // environment is not defined; the name is still reported when it is not.
            out.append(EnvironmentCandidate(name: policy.defaultEnvironment, reason: .unresolved(standIn: policy.defaultEnvironment)))
        }
        return out
    }

    /// Why the environment at `position` of the resolution is a candidate.
    private func reason(_ env: CompiledEnvironment, position: Int, resolution: Resolution, action: Action, facts: Classification) -> EnvironmentReason {
        switch position == 0 ? resolution.first : .matched {
        case .named: .named
        case .undefinedName: .undefinedName(action.environment ?? "", standIn: env.definition.name)
        case .unresolved: .unresolved(standIn: env.definition.name)
        case .matched: .matched(matchedFacts(env, action: action, facts: facts))
        }
    }

    /// The first value of the fact that the globs match (or cannot decide: placing an action in one
    /// more environment can only make its decision stricter).
    private func matchingValue(_ key: EnvironmentFactKey, _ globs: CompiledGlobSet, action: Action, facts: Classification) -> String? {
        if key == .workingDirectory, let cwd = action.workingDirectory, globs.matches(cwd) != false { return cwd }
        if key == .host, let host = action.host, globs.matches(host) != false { return host }
        return facts.environmentFacts[key].first { globs.matches($0) != false }
    }

    /// The index of the first matcher of the environment whose conditions all hold.
    private func matchingMatcher(_ env: CompiledEnvironment, action: Action, facts: Classification) -> Int? {
        matcherLoop: for (index, conditions) in env.matchers.enumerated() {
            for condition in conditions where matchingValue(condition.key, condition.globs, action: action, facts: facts) == nil {
                continue matcherLoop
            }
            return index
        }
        return nil
    }

    /// The facts by which the environment's first matching matcher matched.
    private func matchedFacts(_ env: CompiledEnvironment, action: Action, facts: Classification) -> [EnvironmentFactKey: String] {
        guard let index = matchingMatcher(env, action: action, facts: facts) else { return [:] }
        var matched: [EnvironmentFactKey: String] = [:]
        for condition in env.matchers[index] {
            matched[condition.key] = matchingValue(condition.key, condition.globs, action: action, facts: facts)
        }
        return matched
    }

    // MARK: - Decision

    /// The source that decides one environment's outcome, kept as indices: no strings are built
    /// until the winning environment is known.
    private struct Winner {
        enum Source {
            case rule(Int)
            case matrix
            case limit(Int)
            case defaultDeny
        }
        var tier: Tier
        var source: Source
    }

    /// Per rule: 0 does not apply, 1 applies, 2 applies because it tightens and could not be
    /// decided. Per limit (after the rules): 0 within or not this agent's, else 1 + the rank of
    /// the tier it escalates to. Environments are tested separately, by mask.
    private static let doesNotApply: UInt8 = 0
    private static let applies: UInt8 = 1
    private static let appliesUndecided: UInt8 = 2

    /// The rule no policy can leave out: an agent acting on Interlock's own controls (approving,
    /// granting, minting tokens, lifting a kill switch, changing its store, key or policy) is
    /// blocked in every environment. Agents and humans are different principals, whoever launched
    /// the agent; a policy that said otherwise would let an agent approve itself.
    public static let interlockControlRule = "interlock-control"

    private func decide(_ action: Action, facts: Classification, usage: UsageSnapshot, resolution: Resolution) -> Decision {
        var decision = decideByPolicy(action, facts: facts, usage: usage, resolution: resolution)
        guard facts.categories.contains(.interlockControl) else { return decision }
        decision.reasons.insert(.ruleMatched(id: Self.interlockControlRule, tier: .blocked), at: min(1, decision.reasons.count))
        decision.matchedRules.insert(Self.interlockControlRule, at: 0)
        guard decision.tier != .blocked else { return decision }
        decision.tier = .blocked
        decision.decidedBy = .rule(Self.interlockControlRule)
        decision.approval = nil
        decision.missingContext = []
        decision.message = "Interlock: agents may not act on Interlock itself (approvals, grants, tokens, the kill switch, "
            + "its store, signing key, policy, client settings or programs). A human does this from their own terminal or the console."
        return decision
    }

    private func decideByPolicy(_ action: Action, facts: Classification, usage: UsageSnapshot, resolution: Resolution) -> Decision {
        guard !resolution.indices.isEmpty else {
            return Decision(
                tier: .blocked, environment: policy.defaultEnvironment, decidedBy: .defaultDeny(environment: policy.defaultEnvironment),
                message: "Interlock: no environment could be evaluated; denied")
        }
        let compiled = self.compiled
        let masks = FactMasks(action: action, facts: facts, compiled: compiled)
        var environmentBits: UInt64 = 0
        for index in resolution.indices { environmentBits |= compiled.environments[index].bit }
        let ruleCount = compiled.guards.count
        let limitCount = compiled.limitGuards.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ruleCount + limitCount) { verdicts in
            compiled.guards.withUnsafeBufferPointer { guards in
                for r in 0..<ruleCount {
                    let ruleGuard = guards[r]
                    guard ruleGuard.admits(masks, environments: environmentBits) else {
                        verdicts[r] = Self.doesNotApply
                        continue
                    }
                    guard ruleGuard.hasGlobConditions else {
                        verdicts[r] = Self.applies
                        continue
                    }
                    switch RuleMatcher.globConditions(compiled.rules[r], action: action, facts: facts) {
                    case .yes: verdicts[r] = Self.applies
                    case .undecided where ruleGuard.tightens: verdicts[r] = Self.appliesUndecided
                    case .undecided, .no: verdicts[r] = Self.doesNotApply
                    }
                }
            }
            let agent = action.principal.agent
            for l in 0..<limitCount {
                var verdict: UInt8 = 0
                if compiled.limitPrincipals[l]?.matches(agent) != false,
                    let (_, tier) = LimitChecker.exceeded(compiled.limitGuards[l], facts: facts, usage: usage)
                {
                    verdict = 1 + UInt8(tier.rank)
                }
                verdicts[ruleCount + l] = verdict
            }

            var chosen: (position: Int, winner: Winner)?
            for (position, index) in resolution.indices.enumerated() {
                let winner = outcome(in: compiled.environments[index], effect: facts.effect, verdicts: verdicts, ruleCount: ruleCount)
                if chosen == nil || winner.tier > chosen!.winner.tier { chosen = (position, winner) }
            }
            let (position, winner) = chosen!
            return makeDecision(
                winner, environmentIndex: resolution.indices[position], position: position, resolution: resolution,
                verdicts: verdicts, ruleCount: ruleCount, action: action, facts: facts, usage: usage)
        }
    }

    /// The decision table for one environment over the verdicts: the strictest source wins; on a
    /// tie the first rule, then the matrix, then the first limit (`DecisionTable`).
    private func outcome(in env: CompiledEnvironment, effect: Effect, verdicts: UnsafeMutableBufferPointer<UInt8>, ruleCount: Int) -> Winner {
        var table = DecisionTable.Strictest<Winner.Source>()
        let bit = env.bit
        compiled.guards.withUnsafeBufferPointer { guards in
            for r in 0..<ruleCount where verdicts[r] != Self.doesNotApply && guards[r].environmentMask & bit != 0 {
                table.offer(guards[r].decision, .rule(r))
            }
        }
        if let tier = env.tiers[effect.severity] { table.offer(tier, .matrix) }
        compiled.limitGuards.withUnsafeBufferPointer { limits in
            for l in 0..<limits.count where verdicts[ruleCount + l] != 0 && limits[l].environmentMask & bit != 0 {
                table.offer(Self.tier(verdict: verdicts[ruleCount + l]), .limit(l))
            }
        }
        return table.best.map { Winner(tier: $0.tier, source: $0.source) } ?? Winner(tier: .blocked, source: .defaultDeny)
    }

    private static func tier(verdict: UInt8) -> Tier {
        switch verdict {
        case 1: .autonomous
        case 2: .supervised
        case 3: .gated
        default: .blocked
        }
    }

    private func makeDecision(
        _ winner: Winner, environmentIndex: Int, position: Int, resolution: Resolution, verdicts: UnsafeMutableBufferPointer<UInt8>,
        ruleCount: Int, action: Action, facts: Classification, usage: UsageSnapshot
    ) -> Decision {
        let compiled = self.compiled
        let env = compiled.environments[environmentIndex]
        let name = env.definition.name
        let effect = facts.effect
        var matched: [CompiledRule] = []
        var reasons: [DecisionReason] = []
        reasons.reserveCapacity(4 + facts.findings.count)

        reasons.append(.environment(name, reason(env, position: position, resolution: resolution, action: action, facts: facts)))
        if resolution.indices.count > 1 {
            reasons.append(.severalEnvironments(resolution.indices.map { compiled.environments[$0].definition.name }))
        }
        for r in 0..<ruleCount where verdicts[r] != Self.doesNotApply && compiled.guards[r].environmentMask & env.bit != 0 {
            let rule = compiled.rules[r]
            matched.append(rule)
            if verdicts[r] == Self.appliesUndecided, case .undecided(let why) = RuleMatcher.globConditions(rule, action: action, facts: facts) {
                reasons.append(.ruleUndecided(id: rule.id, tier: rule.decision, why: why.description))
            } else {
                reasons.append(.ruleMatched(id: rule.id, tier: rule.decision))
            }
        }
        var deciding: LimitBreach?
        for l in 0..<compiled.limitGuards.count where verdicts[ruleCount + l] != 0 && compiled.limitGuards[l].environmentMask & env.bit != 0 {
            guard let (breach, tier) = LimitChecker.exceeded(compiled.limitGuards[l], facts: facts, usage: usage) else { continue }
            reasons.append(.limitExceeded(id: compiled.limits[l].id, breach: breach.description, tier: tier))
            if case .limit(l) = winner.source { deciding = breach }
        }
        let matrixTier = env.tiers[effect.severity]
        if let matrixTier { reasons.append(.tier(environment: name, effect: effect, tier: matrixTier)) }
        for finding in facts.findings { reasons.append(.finding(operation: finding.operation, reason: finding.reason)) }

        let source: DecisionSource =
            switch winner.source {
            case .rule(let r): .rule(compiled.rules[r].id)
            case .matrix: .tier(environment: name, effect: effect)
            case .limit(let l): .limit(compiled.limits[l].id)
            case .defaultDeny: .defaultDeny(environment: name)
            }

        var approval: ApprovalRequirement?
        var approvalSummary: String?
        if winner.tier == .gated {
            // Every gated source's requirement applies; the strictest combination is asked for.
            // The summary of a single source's requirement was written when the policy was compiled.
            var sources = 0
            func add(_ requirement: ApprovalRequirement, summary: String) {
                sources += 1
                approval = approval.map { $0.stricter(than: requirement) } ?? requirement
                approvalSummary = sources == 1 ? summary : nil
            }
            for rule in matched where rule.decision == .gated {
                if let own = rule.rule.approval, let summary = rule.approvalSummary {
                    add(own, summary: summary)
                } else {
                    add(env.approval, summary: env.approvalSummary)
                }
            }
            if matrixTier == .gated || approval == nil { add(env.approval, summary: env.approvalSummary) }
        }
        let missing = approval?.requiredContext.filter { !action.context.provides($0) } ?? []

        var text: String
        switch winner.source {
        case .matrix:
            text = env.matrixMessages[effect.severity] ?? ""
        case .rule(let r) where compiled.rules[r].message != nil:
            text = compiled.rules[r].message!
        case .limit(let l) where deciding != nil:
            text = "Interlock: limit \(compiled.limits[l].id) exceeded: \(deciding!)"
        default:
            text = DecisionMessage.base(tier: winner.tier, source: source, effect: effect, environment: name)
        }
        if let approval {
            text += "; needs "
            text += approvalSummary ?? approval.summary
        }
        if !missing.isEmpty {
            text += "; first state \(missing.map(\.rawValue).joined(separator: ", ")) in the action's context"
        }
        return Decision(
            tier: winner.tier, environment: name, decidedBy: source, message: text, approval: approval, missingContext: missing,
            reasons: reasons, matchedRules: matched.map(\.id))
    }

    // MARK: - Explanation

    /// Every rule and limit, and why each did or did not apply in the environment, for `explain`.
    private func traceEnvironment(
        _ env: CompiledEnvironment, action: Action, facts: Classification, masks: FactMasks, usage: UsageSnapshot, into trace: inout [String]
    ) {
        for rule in compiled.rules {
            let result: RuleMatcher.Result =
                rule.guard.admits(masks, environments: env.bit) ? RuleMatcher.globConditions(rule, action: action, facts: facts) : .no
            switch result {
            case .yes:
                trace.append("  rule \(rule.id): matches → \(rule.decision)")
            case .undecided(let why) where rule.tightens:
                trace.append("  rule \(rule.id): cannot be evaluated (\(why)) → applies, \(rule.decision)")
            case .undecided(let why):
                trace.append("  rule \(rule.id): cannot be evaluated (\(why)) → ignored; a rule that loosens never applies unless it surely matches")
            case .no:
                trace.append("  rule \(rule.id): no")
            }
        }
        let matrixTier = env.tiers[facts.effect.severity]
        trace.append("  tier \(env.definition.name)/\(facts.effect): \(matrixTier.map(\.rawValue) ?? "none")")
        for (l, limit) in compiled.limits.enumerated()
        where compiled.limitGuards[l].environmentMask & env.bit != 0 && compiled.limitPrincipals[l]?.matches(action.principal.agent) != false {
            if let (breach, tier) = LimitChecker.exceeded(compiled.limitGuards[l], facts: facts, usage: usage) {
                trace.append("  limit \(limit.id): exceeded (\(breach)) → \(tier)")
            } else {
                trace.append("  limit \(limit.id): within")
            }
        }
    }
}

/// The words of a decision that no rule's message or limit supplies.
enum DecisionMessage {
    static func base(tier: Tier, source: DecisionSource, effect: Effect, environment: String) -> String {
        switch (tier, source) {
        case (_, .defaultDeny):
            "nothing in the policy covers \(effect) actions in \(environment); denied by default"
        case (.blocked, _):
            "\(effect) actions in \(environment) are blocked by \(source)"
        case (.gated, _):
            "\(effect) actions in \(environment) need human approval (\(source))"
        case (.supervised, _):
            "allowed and recorded for review (\(source))"
        case (.autonomous, _):
            "allowed (\(source))"
        }
    }
}

/// Three-valued matching of a rule's glob conditions (principal, launcher, task, operations,
/// targets); its bit-test conditions are `RuleGuard`'s.
enum RuleMatcher {
    /// Why a condition could not be decided; put into words only when reported.
    enum Undecided: CustomStringConvertible {
        /// A pattern ran past its budget on this value.
        case tooCostly(what: StaticString, value: String)
        /// Some values (targets, operations) are not known.
        case notAllKnown(what: StaticString)

        var description: String {
            switch self {
            case .tooCostly(let what, let value): "\(what) `\(value)` is too costly to match"
            case .notAllKnown(let what): "some \(what)s are not known"
            }
        }
    }

    enum Result {
        case yes
        case no
        case undecided(Undecided)
    }

    static func globConditions(_ rule: CompiledRule, action: Action, facts: Classification) -> Result {
        let tightens = rule.tightens
        var undecided: Undecided?
        /// False when the condition rules the match out; an undecided condition is remembered.
        func holds(_ result: Result) -> Bool {
            switch result {
            case .no: return false
            case .undecided(let why): undecided = undecided ?? why
            case .yes: break
            }
            return true
        }
        if let globs = rule.principals, !holds(single(globs, action.principal.agent, "principal")) { return .no }
        if let globs = rule.launchedBy, !holds(single(globs, action.principal.launchedBy, "launched by")) { return .no }
        if let globs = rule.tasks, !holds(single(globs, action.principal.task, "task")) { return .no }
        if let globs = rule.operations, !holds(many(globs, facts.operations, complete: true, tightens: tightens, "operation")) { return .no }
        if let globs = rule.targets, !holds(many(globs, facts.targets, complete: facts.targetsComplete, tightens: tightens, "target")) {
            return .no
        }
        if let undecided { return .undecided(undecided) }
        return .yes
    }

    private static func single(_ globs: CompiledGlobSet, _ value: String?, _ what: StaticString) -> Result {
        guard let value else { return .no }
        switch globs.matches(value) {
        case true?: return .yes
        case false?: return .no
        case nil: return .undecided(.tooCostly(what: what, value: value))
        }
    }

    /// Tightening: any value matching suffices; loosening: every value must match, and the list must
    /// be complete.
    private static func many(_ globs: CompiledGlobSet, _ values: [String], complete: Bool, tightens: Bool, _ what: StaticString) -> Result {
        if tightens {
            var unknown = !complete
            for value in values {
                switch globs.matches(value) {
                case true?: return .yes
                case nil: unknown = true
                case false?: break
                }
            }
            return unknown ? .undecided(.notAllKnown(what: what)) : .no
        }
        guard complete else { return .undecided(.notAllKnown(what: what)) }
        guard !values.isEmpty else { return .no }
        for value in values {
            switch globs.matches(value) {
            case true?: continue
            case false?: return .no
            case nil: return .undecided(.tooCostly(what: what, value: value))
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
    static func exceeded(_ limit: LimitGuard, facts: Classification, usage: UsageSnapshot) -> (LimitBreach, Tier)? {
        if let breach = exceededMeasure(limit, facts: facts, usage: usage) { return (breach, limit.onExceed) }
        if facts.effect != .read, let max = limit.maxResources, facts.blastRadius == .unknown {
            return (.unknownBlastRadius(max: max), min(limit.onExceed, .gated))
        }
        return nil
    }

    private static func exceededMeasure(_ limit: LimitGuard, facts: Classification, usage: UsageSnapshot) -> LimitBreach? {
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
