/// What a gated action needs before it may run.
public struct ApprovalRequirement: Sendable, Hashable {
    /// How many distinct humans must approve.
    public var approvers: Int
    /// Roles an approver must hold (any one of them); empty means any human.
    public var roles: [String]
    /// After this long without enough approvals the request is rejected. Silence never approves.
    public var timeoutSeconds: Int
    /// Context the agent must supply before a request is filed at all.
    public var requiredContext: [ContextField]

    public static let defaultTimeoutSeconds = 30 * 60

    /// `2 distinct approvers with role senior or admin within 30m`.
    public var summary: String {
        var text = String(approvers)
        text += approvers == 1 ? " distinct approver" : " distinct approvers"
        if !roles.isEmpty {
            text += " with role "
            text += roles.joined(separator: " or ")
        }
        text += " within "
        text += formatDuration(timeoutSeconds)
        return text
    }

    public init(approvers: Int = 1, roles: [String] = [], timeoutSeconds: Int = defaultTimeoutSeconds, requiredContext: [ContextField] = []) {
        self.approvers = approvers
        self.roles = roles
        self.timeoutSeconds = timeoutSeconds
        self.requiredContext = requiredContext
    }

    /// The stricter of two requirements, for an action that several gated rules match: the one with
    /// more approvers (on a tie, the one listed first) supplies the count and roles; the timeout is the
    /// shorter of the two and the required context is the union.
    public func stricter(than other: ApprovalRequirement) -> ApprovalRequirement {
        var base = other.approvers > approvers ? other : self
        var context = requiredContext
        for field in other.requiredContext where !context.contains(field) { context.append(field) }
        base.requiredContext = context
        base.timeoutSeconds = min(timeoutSeconds, other.timeoutSeconds)
        return base
    }
}

/// Where a decision came from.
public enum DecisionSource: Sendable, Hashable, CustomStringConvertible {
    /// A policy rule, by id.
    case rule(String)
    /// The environment's tier for the action's effect.
    case tier(environment: String, effect: Effect)
    /// A limit that the action would exceed.
    case limit(String)
    /// Nothing in the policy covers the action: default deny.
    case defaultDeny(environment: String)

    public var description: String {
        switch self {
        case .rule(let id): "rule \(id)"
        case .tier(let env, let effect): "tier \(env)/\(effect)"
        case .limit(let id): "limit \(id)"
        case .defaultDeny(let env): "default deny in \(env)"
        }
    }

    /// A stable identifier for logs and JSON output.
    public var identifier: String {
        switch self {
        case .rule(let id): "rule:\(id)"
        case .tier(let env, let effect): "tier:\(env):\(effect)"
        case .limit(let id): "limit:\(id)"
        case .defaultDeny(let env): "default:\(env)"
        }
    }
}

/// The policy's answer for one action.
public struct Decision: Sendable, Hashable {
    public var tier: Tier
    /// The environment whose evaluation decided (the most restrictive of those the action resolved to).
    public var environment: String
    public var decidedBy: DecisionSource
    /// The message for the agent: what happened and what to do instead.
    public var message: String
    /// For gated decisions: who must approve, and how long they have.
    public var approval: ApprovalRequirement?
    /// Context the policy requires that the agent did not supply; a request is not filed until it does.
    public var missingContext: [ContextField]
    /// Every reason that contributed, most relevant first; `description` words each one.
    public var reasons: [DecisionReason]
    /// Ids of every rule that matched.
    public var matchedRules: [String]

    public init(
        tier: Tier, environment: String, decidedBy: DecisionSource, message: String,
        approval: ApprovalRequirement? = nil, missingContext: [ContextField] = [],
        reasons: [DecisionReason] = [], matchedRules: [String] = []
    ) {
        self.tier = tier
        self.environment = environment
        self.decidedBy = decidedBy
        self.message = message
        self.approval = approval
        self.missingContext = missingContext
        self.reasons = reasons
        self.matchedRules = matchedRules
    }
}

/// Why an environment was considered for an action.
public enum EnvironmentReason: Sendable, Hashable, CustomStringConvertible {
    /// Named explicitly (`--env`, `INTERLOCK_ENV`, the document).
    case named
    /// Named explicitly, but the policy does not define it; the default environment stands in.
    case undefinedName(String, standIn: String)
    /// The policy's matchers matched these facts.
    case matched([EnvironmentFactKey: String])
    /// Nothing placed the action; the default environment applies.
    case unresolved(standIn: String)

    public var description: String {
        switch self {
        case .named: "named explicitly"
        case .undefinedName(let name, let standIn): "the named environment `\(name)` is not defined in the policy; treated as \(standIn)"
        case .matched(let facts): "matched " + facts.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) `\($0.value)`" }.joined(separator: ", ")
        case .unresolved(let standIn): "no environment could be resolved; treated as \(standIn)"
        }
    }
}

/// One reason behind a decision, kept as data so that evaluation formats no text; `description`
/// gives the words shown to people and written to the audit log.
public enum DecisionReason: Sendable, Hashable, CustomStringConvertible {
    case environment(String, EnvironmentReason)
    case severalEnvironments([String])
    case ruleMatched(id: String, tier: Tier)
    /// A tightening rule that could not be evaluated and so applies.
    case ruleUndecided(id: String, tier: Tier, why: String)
    case limitExceeded(id: String, breach: String, tier: Tier)
    case tier(environment: String, effect: Effect, tier: Tier)
    case finding(operation: String, reason: String)

    public var description: String {
        switch self {
        case .environment(let name, let why): "environment \(name): \(why)"
        case .severalEnvironments(let names): "the action resolved to \(names.joined(separator: ", ")); the most restrictive outcome applies"
        case .ruleMatched(let id, let tier): "rule \(id) (\(tier)) matched"
        case .ruleUndecided(let id, let tier, let why): "rule \(id) (\(tier)) applied because \(why); a rule that tightens applies when it cannot be evaluated"
        case .limitExceeded(let id, let breach, let tier): "limit \(id) exceeded: \(breach) → \(tier)"
        case .tier(let env, let effect, let tier): "tier \(env)/\(effect) is \(tier)"
        case .finding(let operation, let reason): "\(operation): \(reason)"
        }
    }
}

/// Renders seconds the way policies write durations: `1h30m`, `15m`, `45s`.
public func formatDuration(_ seconds: Int) -> String {
    var rest = seconds
    var out = ""
    for (unit, name) in [(86400, "d"), (3600, "h"), (60, "m"), (1, "s")] where rest >= unit {
        out += "\(rest / unit)\(name)"
        rest %= unit
    }
    return out.isEmpty ? "0s" : out
}
