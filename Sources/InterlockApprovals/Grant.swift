import InterlockCore
import InterlockPolicy

/// A task-scoped, time-boxed permission a human gives an agent: for these operations on these
/// targets in this environment, until this time (and at most this many times), the tier may be
/// lowered to `tier`.
///
/// A grant only ever lowers gated or supervised decisions; it never lifts `blocked`, never applies
/// to an action whose effect is unknown, and applies only when *every* operation and *every*
/// target of the action is inside it and the classifier knows the complete target list. Anything
/// it cannot vouch for stays as the policy decided.
public struct Grant: Sendable, Hashable {
    public var id: String
    public var agent: String
    public var environment: String
    /// Operation patterns (`shell:rm`, `aws:s3:*`), `:`-separated globs.
    public var operations: [String]
    /// Target patterns (`/srv/app/tmp/**`), `/`-separated globs.
    public var targets: [String]
    /// The tier the grant allows: autonomous or supervised.
    public var tier: Tier
    public var grantedBy: String
    public var reason: String?
    public var createdAtMicros: Int64
    public var expiresAtMicros: Int64
    /// Uses left; nil for unlimited within the time box.
    public var usesLeft: Int?

    public init(
        id: String, agent: String, environment: String, operations: [String], targets: [String], tier: Tier = .supervised,
        grantedBy: String, reason: String? = nil, createdAtMicros: Int64, expiresAtMicros: Int64, usesLeft: Int? = nil
    ) throws(GrantError) {
        guard tier == .autonomous || tier == .supervised else { throw GrantError("a grant can allow autonomous or supervised, not \(tier)") }
        guard !operations.isEmpty else { throw GrantError("a grant names at least one operation") }
        guard !targets.isEmpty else { throw GrantError("a grant names at least one target (`**` for any, if you mean it)") }
        guard expiresAtMicros > createdAtMicros else { throw GrantError("a grant must expire after it is made") }
        if let usesLeft, usesLeft < 1 { throw GrantError("a grant needs at least one use") }
        guard grantedBy.hasPrefix("human:") else { throw GrantError("only a human grants") }
        for pattern in operations {
            do { _ = try Glob(pattern, separator: .colon) } catch { throw GrantError("operation pattern `\(pattern)`: \(error.message)") }
        }
        for pattern in targets {
            do { _ = try Glob(pattern, separator: .slash) } catch { throw GrantError("target pattern `\(pattern)`: \(error.message)") }
        }
        self.id = id
        self.agent = agent
        self.environment = environment
        self.operations = operations
        self.targets = targets
        self.tier = tier
        self.grantedBy = grantedBy
        self.reason = reason
        self.createdAtMicros = createdAtMicros
        self.expiresAtMicros = expiresAtMicros
        self.usesLeft = usesLeft
    }

    /// Does this grant cover the action as classified and decided, at `now`?
    public func covers(_ action: Action, facts: Classification, decision: Decision, at now: Int64) -> Bool {
        guard now < expiresAtMicros, usesLeft.map({ $0 > 0 }) ?? true else { return false }
        guard decision.tier == .gated || decision.tier == .supervised, tier < decision.tier else { return false }
        guard facts.effect != .unknown, action.principal.agent == agent, decision.environment == environment else { return false }
        guard !facts.operations.isEmpty, facts.targetsComplete else { return false }
        let operationGlobs = operations.compactMap { try? Glob($0, separator: .colon) }
        let targetGlobs = targets.compactMap { try? Glob($0, separator: .slash) }
        // Undecidable matches (a glob that gives up) count as outside the grant.
        let everyOperation = facts.operations.allSatisfy { op in operationGlobs.contains { $0.matches(op) == true } }
        let everyTarget = facts.targets.allSatisfy { target in targetGlobs.contains { $0.matches(target) == true } }
        return everyOperation && everyTarget
    }

    /// The decision with the grant applied: the tier lowered, the grant named as the source.
    public func apply(to decision: Decision) -> Decision {
        var lowered = decision
        lowered.tier = tier
        lowered.approval = nil
        lowered.missingContext = []
        lowered.message = "allowed by grant \(id) from \(grantedBy)" + (reason.map { " (\($0))" } ?? "") + "; the policy alone would have said: \(decision.message)"
        return lowered
    }
}

public struct GrantError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
