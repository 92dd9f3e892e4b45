/// One record in the audit log: a decision, an approval event, a kill switch change, a grant, a token
/// change or a policy load.
///
/// Free text in an entry has been through `Redactor` before the entry is built (`AuditRecord`
/// does it); `redactions` says which fields lost what. The action digest is the digest of the
/// *unredacted* action, so an approval recorded here still names exactly what was approved.
///
/// The bytes that are hashed into the Merkle tree are `AuditEntryCodec.encode(entry)`, specified in
/// `docs/audit-log.md`. Every field below has a tag there.
public struct AuditEntry: Sendable, Hashable {
    /// What happened. The raw values are part of the log format: never rename one.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case decision
        case approvalRequested = "approval.requested"
        case approvalApproved = "approval.approved"
        case approvalRejected = "approval.rejected"
        case approvalExpired = "approval.expired"
        case approvalConsumed = "approval.consumed"
        case killEngaged = "kill.engaged"
        case killReleased = "kill.released"
        case grantCreated = "grant.created"
        case grantRevoked = "grant.revoked"
        case tokenCreated = "token.created"
        case tokenRevoked = "token.revoked"
        case policyLoaded = "policy.loaded"
        case keyRotated = "key.rotated"
        /// A door refused a request before it became an action: a bad signature, an unknown key.
        case requestRefused = "request.refused"
    }

    /// A field that lost text to redaction, and what kind of secret it was.
    public struct Redaction: Sendable, Hashable, CustomStringConvertible {
        /// Where: `action.input.command`, `facts.targets[2]`, `detail`.
        public var field: String
        /// What: `aws-access-key-id`, `jwt`, `password`, ... (`Redactor.Kind`).
        public var kind: String

        public init(field: String, kind: String) {
            self.field = field
            self.kind = kind
        }

        public var description: String { "\(field): \(kind)" }
    }

    /// Position in the log, from 0. Assigned by the log when the entry is appended, and part of the
    /// hashed bytes, so a row moved to another position no longer verifies.
    public var index: UInt64
    /// When, in microseconds since 1970-01-01T00:00:00Z.
    public var timeMicros: Int64
    public var kind: Kind
    /// Who caused the entry: `agent:NAME` or `human:NAME` (or `system` for the log's own events).
    public var principal: String
    /// For agent entries: the human who launched the agent.
    public var launchedBy: String?
    public var channel: String?
    public var environment: String?
    /// SHA-256 of the canonical action (`docs/action-digest.md`), over the unredacted action.
    public var actionDigest: [UInt8]?
    /// The action document (`docs/action-format.md`) after redaction, as JSON text.
    public var action: String?
    public var redactions: [Redaction]
    /// Classification facts: effect, operations, targets, blast radius, categories, finding reasons.
    public var effect: String?
    public var operations: [String]
    public var targets: [String]
    public var blastRadius: String?
    public var categories: [String]
    public var findings: [String]
    /// The outcome: `allow`, `supervised`, `pending`, `deny`, `error`, `approved`, `rejected`, ...
    public var outcome: String?
    /// The deciding rule or source (`rule:no-prod-deletes`, `tier:production:write`).
    public var rule: String?
    public var reasons: [String]
    /// Humans whose approvals count toward the outcome.
    public var approvers: [String]
    /// SHA-256 of the policy text in force.
    public var policyHash: [UInt8]?
    /// The approval request, grant or token the entry is about.
    public var subject: String?
    /// Anything else a reviewer needs: a comment, a scope, a message.
    public var detail: String?
    /// The action's estimated cost in millionths of a US dollar, when one was estimated or stated;
    /// the cost budgets are rebuilt from it after a restart.
    public var costMicroUSD: UInt64?
    /// Set by `AuditRecord.redactedEntry`: a fingerprint of the free text as it left redaction, so
    /// the log's own pass can skip an entry nobody has touched since. Not part of the entry's
    /// bytes or its equality.
    var redactionSeal = RedactionSeal()

    public init(
        index: UInt64 = 0, timeMicros: Int64, kind: Kind, principal: String, launchedBy: String? = nil,
        channel: String? = nil, environment: String? = nil, actionDigest: [UInt8]? = nil, action: String? = nil,
        redactions: [Redaction] = [], effect: String? = nil, operations: [String] = [], targets: [String] = [],
        blastRadius: String? = nil, categories: [String] = [], findings: [String] = [], outcome: String? = nil,
        rule: String? = nil, reasons: [String] = [], approvers: [String] = [], policyHash: [UInt8]? = nil,
        subject: String? = nil, detail: String? = nil, costMicroUSD: UInt64? = nil
    ) {
        self.index = index
        self.timeMicros = timeMicros
        self.kind = kind
        self.principal = principal
        self.launchedBy = launchedBy
        self.channel = channel
        self.environment = environment
        self.actionDigest = actionDigest
        self.action = action
        self.redactions = redactions
        self.effect = effect
        self.operations = operations
        self.targets = targets
        self.blastRadius = blastRadius
        self.categories = categories
        self.findings = findings
        self.outcome = outcome
        self.rule = rule
        self.reasons = reasons
        self.approvers = approvers
        self.policyHash = policyHash
        self.subject = subject
        self.detail = detail
        self.costMicroUSD = costMicroUSD
    }

    /// Dollars to the entry's unit, rounded to the nearest millionth; nil for no cost.
    public static func microUSD(_ dollars: Double?) -> UInt64? {
        guard let dollars, dollars.isFinite, dollars > 0 else { return nil }
        return dollars >= 18_000_000_000_000 ? UInt64.max : UInt64((dollars * 1_000_000).rounded())
    }
}

/// A fingerprint that does not take part in equality or hashing (see `AuditEntry.redactionSeal`).
struct RedactionSeal: Sendable, Hashable {
    var fingerprint: Int?

    static func == (lhs: RedactionSeal, rhs: RedactionSeal) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}
