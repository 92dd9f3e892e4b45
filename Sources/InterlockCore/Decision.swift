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
    /// Every reason that contributed, in words, most relevant first.
    public var reasons: [String]
    /// Ids of every rule that matched.
    public var matchedRules: [String]

    public init(
        tier: Tier, environment: String, decidedBy: DecisionSource, message: String,
        approval: ApprovalRequirement? = nil, missingContext: [ContextField] = [],
        reasons: [String] = [], matchedRules: [String] = []
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
