import InterlockCore

/// A place in a policy source, 1-based.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A validated policy, ready to evaluate.
///
/// Semantics (docs/policy.md): for each environment an action resolves to, the environment's tier
/// for the action's effect, every matching rule and every exceeded limit each name a tier; the most
/// restrictive one decides (blocked > gated > supervised > autonomous). On a tie a rule decides
/// before the tier matrix, and the matrix before a limit (`DecisionTable`). When nothing covers the action it is blocked (default deny). When an action
/// resolves to several environments, the most restrictive outcome wins.
public struct Policy: Sendable {
    public var version: Int
    public var name: String?
    /// Where actions whose environment cannot be resolved go. `production` unless the policy says.
    public var defaultEnvironment: String
    public var environments: [EnvironmentDefinition]
    public var rules: [Rule]
    public var limits: [Limit]
    /// Approval requirement for actions gated by a tier (not by a rule).
    public var defaultApproval: ApprovalRequirement
    /// The MCP servers whose claims about their tools this policy believes.
    public var mcpTrust: MCPTrust = MCPTrust()
    /// The gateway's anomaly rules (`anomalies:`).
    public var anomalies = AnomalySettings()
    /// How host hooks and the MCP proxy present tiers to their hosts (`hooks:`).
    public var hooks = HookSettings()
    /// The exact source text(s) the policy was loaded from, for `policy show` and the policy hash.
    public var sources: [PolicySource]

    public func environment(named name: String) -> EnvironmentDefinition? {
        environments.first { $0.name == name }
    }
}

public struct PolicySource: Sendable, Hashable {
    public var name: String
    public var text: String
}

public struct EnvironmentDefinition: Sendable {
    public var name: String
    /// Any matcher that matches places the action in this environment.
    public var matchers: [EnvironmentMatcher]
    public var tiers: [Effect: Tier]
    /// Overrides the policy's default approval for actions this environment's tiers gate.
    public var approval: ApprovalRequirement?
    public var location: SourceLocation
}

/// All conditions must hold; each condition holds when any value of that fact matches.
public struct EnvironmentMatcher: Sendable {
    public var conditions: [(key: EnvironmentFactKey, globs: GlobSet)]
    public var location: SourceLocation
}

public struct Rule: Sendable {
    public var id: String
    public var description: String?
    public var match: RuleMatch
    public var decision: Tier
    public var message: String?
    /// For gated rules: who must approve and what context the agent must give.
    public var approval: ApprovalRequirement?
    public var location: SourceLocation

    /// Rules that tighten (gated, blocked) match when any value matches and when a condition cannot
    /// be decided; rules that loosen (autonomous, supervised) match only when every value matches.
    public var tightens: Bool { decision >= .gated }
}

/// Conditions of a rule; nil means "any".
public struct RuleMatch: Sendable {
    public var operations: GlobSet?
    public var effects: Set<Effect>?
    public var categories: Set<Category>?
    public var targets: GlobSet?
    public var environments: Set<String>?
    public var principals: GlobSet?
    public var launchedBy: GlobSet?
    public var tasks: GlobSet?
    public var channels: Set<Channel>?

    /// A canonical text of the conditions, to find duplicate and contradicting rules.
    var signature: String {
        func s<T>(_ name: String, _ v: T?, _ f: (T) -> [String]) -> String {
            guard let v else { return "\(name)=*" }
            return "\(name)=" + f(v).sorted().joined(separator: ",")
        }
        return [
            s("op", operations) { $0.patterns }, s("eff", effects) { $0.map(\.rawValue) },
            s("cat", categories) { $0.map(\.rawValue) }, s("tgt", targets) { $0.patterns },
            s("env", environments) { Array($0) }, s("pr", principals) { $0.patterns },
            s("lb", launchedBy) { $0.patterns }, s("task", tasks) { $0.patterns },
            s("ch", channels) { $0.map(\.rawValue) },
        ].joined(separator: ";")
    }
}

/// Rate, cost and blast-radius limits for some environments and principals.
public struct Limit: Sendable {
    public var id: String
    public var environments: Set<String>?
    public var principals: GlobSet?
    /// Most resources one write or destructive action may touch; an unknown blast radius exceeds it.
    public var maxResources: Int?
    /// Most estimated cost of one action, in US dollars.
    public var maxCostUSD: Double?
    /// Most estimated cost per agent per day, in US dollars.
    public var maxCostPerDayUSD: Double?
    /// Most estimated cost of one agent's task over the last 24 hours, in US dollars. Actions that
    /// name no task share one budget, so leaving the task out never buys a fresh one.
    public var maxCostPerTaskUSD: Double?
    public var writesPerMinute: Int?
    /// Destructive and unknown actions count here: an action we cannot read may be destructive.
    public var destructivePerMinute: Int?
    public var destructivePerHour: Int?
    /// `gated` or `blocked`.
    public var onExceed: Tier
    public var location: SourceLocation
}

/// Recent activity of the acting agent in the environment under evaluation, supplied by the store.
/// The pure evaluator never counts for itself.
public struct UsageSnapshot: Sendable, Hashable {
    public var writesLastMinute: Int
    public var destructiveLastMinute: Int
    public var destructiveLastHour: Int
    public var costTodayUSD: Double
    /// Spent by the action's task (the agent's, over the last 24 hours).
    public var costThisTaskUSD: Double

    public init(writesLastMinute: Int = 0, destructiveLastMinute: Int = 0, destructiveLastHour: Int = 0, costTodayUSD: Double = 0,
                costThisTaskUSD: Double = 0) {
        self.writesLastMinute = writesLastMinute
        self.destructiveLastMinute = destructiveLastMinute
        self.destructiveLastHour = destructiveLastHour
        self.costTodayUSD = costTodayUSD
        self.costThisTaskUSD = costThisTaskUSD
    }

    public static let none = UsageSnapshot()
}

/// How the doors that speak a host's protocol present tiers (`hooks:` in a policy). The decision
/// itself never changes: these only choose between answers the host offers for it.
public struct HookSettings: Sendable, Hashable {
    /// What a supervised action becomes in a host that can ask its user.
    public enum Supervised: String, Sendable, Hashable, CaseIterable {
        /// Run it; the audit log records it for review.
        case allow
        /// Also ask the person at the keyboard (Claude Code `ask`). Hosts without a prompt refuse.
        case ask
    }

    /// What a gated action waiting for approval becomes.
    public enum Gated: String, Sendable, Hashable, CaseIterable {
        /// Refuse it with a message naming the approval request.
        case deny
        /// Claude Code `defer`: a non-interactive run stops and asks again on resume. Other hosts deny.
        case `defer`
    }

    public var supervised: Supervised = .allow
    public var gated: Gated = .deny

    public init(supervised: Supervised = .allow, gated: Gated = .deny) {
        self.supervised = supervised
        self.gated = gated
    }
}
