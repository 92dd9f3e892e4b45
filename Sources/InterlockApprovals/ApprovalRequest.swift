import InterlockCore

/// Someone who can act on an approval request. Agents and humans are different principals: only
/// a human can approve or reject, whoever launched the agent.
public enum Approver: Sendable, Hashable, CustomStringConvertible {
    case agent(String)
    case human(String, roles: Set<String>)

    public var description: String {
        switch self {
        case .agent(let name): "agent:\(name)"
        case .human(let name, _): "human:\(name)"
        }
    }
}

/// One human's vote on a request.
public struct Vote: Sendable, Hashable {
    public var human: String
    public var roles: Set<String>
    public var atMicros: Int64
    public var comment: String?

    public init(human: String, roles: Set<String>, atMicros: Int64, comment: String? = nil) {
        self.human = human
        self.roles = roles
        self.atMicros = atMicros
        self.comment = comment
    }
}

/// A gated action waiting for humans: the four-eyes rules as a state machine with no I/O.
///
/// - N distinct humans, each holding one of the required roles, must approve; the same person
///   approving twice counts once.
/// - The agent that asked, and the human who launched it, can never approve; no agent can.
/// - One rejection rejects.
/// - Silence never approves: past `expiresAtMicros` without enough approvals the request is
///   rejected, and that is decided when the request is read, not when a sweeper gets to it.
/// - An approval covers one exact action (its digest), once, within `consumeWindowMicros` of the
///   approval that completed it.
public struct ApprovalRequest: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        case pending, approved, rejected, expired, consumed
    }

    public var id: String
    public var actionDigest: ActionDigest
    /// The agent that asked.
    public var requester: String
    /// The human who launched that agent.
    public var launchedBy: String?
    public var environment: String
    /// The rule (or tier) that gated the action.
    public var rule: String
    public var requirement: ApprovalRequirement
    public var createdAtMicros: Int64
    public var expiresAtMicros: Int64
    public var consumeWindowMicros: Int64
    /// What reviewers are shown (the redacted action, facts, decision, anomaly flags), as JSON.
    /// Carried, never interpreted: the rules above decide on the digest alone.
    public var context: JSONValue?
    public private(set) var approvals: [Vote] = []
    public private(set) var rejection: Vote?
    /// When the last required approval arrived.
    public private(set) var approvedAtMicros: Int64?
    public private(set) var consumedAtMicros: Int64?

    public static let defaultConsumeWindowSeconds: Int64 = 15 * 60

    public init(
        id: String, actionDigest: ActionDigest, requester: String, launchedBy: String?, environment: String, rule: String,
        requirement: ApprovalRequirement, createdAtMicros: Int64, consumeWindowSeconds: Int64 = defaultConsumeWindowSeconds
    ) {
        self.id = id
        self.actionDigest = actionDigest
        self.requester = requester
        self.launchedBy = launchedBy
        self.environment = environment
        self.rule = rule
        self.requirement = requirement
        self.createdAtMicros = createdAtMicros
        self.expiresAtMicros = createdAtMicros + Int64(requirement.timeoutSeconds) * 1_000_000
        self.consumeWindowMicros = consumeWindowSeconds * 1_000_000
    }

    /// A request as a store kept it, votes and outcome included.
    public static func restored(
        _ base: ApprovalRequest, approvals: [Vote], rejection: Vote?, approvedAtMicros: Int64?, consumedAtMicros: Int64?, expiresAtMicros: Int64
    ) -> ApprovalRequest {
        var request = base
        request.approvals = approvals
        request.rejection = rejection
        request.approvedAtMicros = approvedAtMicros
        request.consumedAtMicros = consumedAtMicros
        request.expiresAtMicros = expiresAtMicros
        return request
    }

    /// The state as of `now`. Expiry is applied here, so a late sweeper never lets silence through.
    public func state(at now: Int64) -> State {
        if consumedAtMicros != nil { return .consumed }
        if rejection != nil { return .rejected }
        if let approved = approvedAtMicros {
            return now <= approved + consumeWindowMicros ? .approved : .expired
        }
        return now < expiresAtMicros ? .pending : .expired
    }

    /// Distinct humans whose approval counts.
    public var approverNames: [String] { approvals.map(\.human) }

    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case agentsCannotVote(String)
        case ownRequest(String)
        case missingRole(String, required: [String])
        case notPending(State)

        public var description: String {
            switch self {
            case .agentsCannotVote(let name): "agent \(name) cannot approve or reject: only humans can"
            case .ownRequest(let name): "\(name) asked for this action (or launched the agent that did) and cannot approve it"
            case .missingRole(let name, let roles): "\(name) holds none of the roles this request needs (\(roles.joined(separator: ", ")))"
            case .notPending(let state): "the request is \(state.rawValue), not pending"
            }
        }
    }

    /// Records an approval. Returns the state afterwards: `.approved` once enough distinct humans
    /// with a required role have approved.
    @discardableResult
    public mutating func approve(by approver: Approver, at now: Int64, comment: String? = nil) throws(Refusal) -> State {
        let (name, roles) = try humanAllowedToVote(approver, at: now)
        if !requirement.roles.isEmpty, roles.isDisjoint(with: requirement.roles) {
            throw .missingRole(name, required: requirement.roles)
        }
        if !approvals.contains(where: { $0.human == name }) {
            approvals.append(Vote(human: name, roles: roles, atMicros: now, comment: comment))
        }
        if approvals.count >= requirement.approvers {
            approvedAtMicros = now
        }
        return state(at: now)
    }

    /// Records a rejection: one is enough. The requester's own launcher may reject (stopping one's
    /// own agent is always allowed); agents may not.
    public mutating func reject(by approver: Approver, at now: Int64, comment: String?) throws(Refusal) {
        guard case .human(let name, let roles) = approver else {
            throw .agentsCannotVote(approver.description)
        }
        let current = state(at: now)
        guard current == .pending || current == .approved else { throw .notPending(current) }
        rejection = Vote(human: name, roles: roles, atMicros: now, comment: comment)
    }

    /// Uses the approval for the action with `digest`: true exactly once, for the approved action,
    /// within the window. Anything else (another action, a second use, too late) is false.
    public mutating func consume(digest: ActionDigest, at now: Int64) -> Bool {
        guard digest == actionDigest, state(at: now) == .approved else { return false }
        consumedAtMicros = now
        return true
    }

    private func humanAllowedToVote(_ approver: Approver, at now: Int64) throws(Refusal) -> (String, Set<String>) {
        guard case .human(let name, let roles) = approver else {
            throw .agentsCannotVote(approver.description)
        }
        if name == requester || name == launchedBy { throw .ownRequest(name) }
        let current = state(at: now)
        guard current == .pending else { throw .notPending(current) }
        return (name, roles)
    }
}
