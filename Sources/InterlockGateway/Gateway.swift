import Foundation
import InterlockApprovals
import InterlockAudit
import InterlockClassifiers
import InterlockCore
import InterlockPolicy
import InterlockStore
import Synchronization

/// The decision service every door shares. For one proposed action it:
///
/// 1. classifies it and merges the facts the caller stated (stricter only);
/// 2. evaluates the policy with the agent's recent usage (rate and cost limits);
/// 3. refuses it if a kill switch covers the agent or environment;
/// 4. lowers the tier if a grant covers exactly this scope (never `blocked`, never unknown);
/// 5. escalates it if an anomaly rule fires;
/// 6. for a gated action: uses an approval of this exact digest (once), or files or finds the
///    request, or refuses it while the policy's required context is missing;
/// 7. appends the decision to the audit log and waits for the commit — only then answers.
///
/// Any error on the way is thrown; doors turn errors into refusals, never into an allow.
public final class Gateway: Sendable {
    public let log: AuditLog
    public let approvals: ApprovalStore
    public let killSwitch: KillSwitchStore
    public let grants: GrantStore
    public let tokens: TokenStore
    private let activityStore: ActivityStore
    private let loaded: Mutex<LoadedPolicy>
    private let fileSystem: any FileSystemView
    private let guardedPaths: GuardedPaths
    private let memory: Mutex<ActivityMemory>
    private let cache: Mutex<StoreCache>
    private let notify: @Sendable (GatewayEvent) -> Void
    private let consumeWindowSeconds: Int64
    /// How stale the cached kill switches and grants may get before a decision re-reads them. Changes
    /// made through this gateway apply at once; this bounds how long a change made by another
    /// process on the same store (a local `interlock kill`) takes to apply.
    private let refreshMicros: Int64

    public struct Configuration: Sendable {
        public var policy: Policy
        public var policyText: String
        public var policySource: String
        public var consumeWindowSeconds: Int64 = ApprovalRequest.defaultConsumeWindowSeconds
        public var refreshMilliseconds: Int64 = 250
        /// What classifiers may read to see what will run (scripts named by a command). A gateway
        /// serving remote agents cannot see their disks; a hook running beside the agent can.
        public var fileSystem: any FileSystemView = UnseenFileSystem()
        /// Interlock's home and policy file as the classifiers should know them (`GuardedPaths`).
        public var guardedPaths = GuardedPaths()

        public init(policy: Policy, policyText: String, policySource: String) {
            self.policy = policy
            self.policyText = policyText
            self.policySource = policySource
        }
    }

    public init(log: AuditLog, configuration: Configuration, notify: @escaping @Sendable (GatewayEvent) -> Void = { _ in }) throws {
        self.log = log
        self.approvals = ApprovalStore(audit: log)
        self.killSwitch = KillSwitchStore(audit: log)
        self.grants = GrantStore(audit: log)
        self.tokens = TokenStore(audit: log)
        self.activityStore = ActivityStore(audit: log)
        self.notify = notify
        self.consumeWindowSeconds = configuration.consumeWindowSeconds
        self.refreshMicros = configuration.refreshMilliseconds * 1000
        self.fileSystem = DocumentRecordingFileSystem(base: configuration.fileSystem)
        self.guardedPaths = configuration.guardedPaths
        let policy = LoadedPolicy(configuration.policy, text: configuration.policyText, source: configuration.policySource, fileSystem: fileSystem,
                                  guarded: configuration.guardedPaths)
        self.loaded = Mutex(policy)
        self.memory = Mutex(ActivityMemory())
        self.cache = Mutex(StoreCache())
        try log.recordPolicyLoad(hash: policy.hash, source: policy.source, principal: "system")
        try rebuildMemory()
        try refreshCache(now: AuditLog.nowMicros())
    }

    // MARK: Deciding

    /// Decides one action and records the decision. `stated` are facts the caller supplies (a
    /// proxy that knows more); they can only make the action look more dangerous.
    public func decide(_ action: Action, stated: Classification? = nil, now: Int64 = AuditLog.nowMicros()) async throws -> GatewayDecision {
        let policy = loaded.withLock { $0 }
        // What the classifiers read from the disk is part of what an approval covers.
        let documents = DocumentLog()
        var facts = DocumentLog.$current.withValue(documents) { policy.classifiers.classify(action) }
        facts.documents = documents.documents
        if let stated { facts = facts.merging(stated) }
        let digest = ActionDigest(action)
        let agent = action.principal.agent
        let candidates = policy.evaluator.resolveEnvironments(action, facts: facts).map(\.name)

        try catchUpIfStale(now: now)
        // Usage is read and this action provisionally counted in one step, so that concurrent
        // requests cannot all slip under a rate limit; the entry is settled below.
        let (usage, reservation) = memory.withLock {
            $0.reserve(agent: agent, task: action.principal.task, environments: candidates, effect: facts.effect, cost: facts.estimatedCostUSD ?? 0, now: now)
        }
        var settled = false
        defer { if !settled { memory.withLock { $0.settle(reservation, allowed: false) } } }

        let policyDecision = policy.evaluator.evaluate(action, facts: facts, usage: usage)
        var decision = policyDecision
        var answer = GatewayDecision(outcome: .deny, code: .blocked, message: decision.message, action: action, digest: digest,
                                     facts: facts, decision: decision, policyDecision: policyDecision)
        answer.hookSettings = policy.policy.hooks
        try refreshCacheIfStale(now: now)
        let (engaged, releases, activeGrants) = cache.withLock { ($0.engaged, $0.releases, $0.grants) }
        let environments = Array(Set([decision.environment] + candidates + (action.environment.map { [$0] } ?? []))).sorted()

        if let killed = KillSwitchStore.covering(engaged, agent: agent, environments: environments) {
            answer.outcome = .deny
            answer.code = .killSwitch
            answer.message = killed.message
            answer.killSwitch = killed
        } else {
            // A grant a human gave for exactly this scope lowers gated or supervised; it is used
            // (counted down) on the store only when the cached copy says it covers the action.
            if activeGrants.contains(where: { $0.covers(action, facts: facts, decision: decision, at: now) }),
               let grant = try grants.use(for: action, facts: facts, decision: decision, now: now) {
                decision = grant.apply(to: decision)
                answer.grant = grant
            }
            if decision.tier < .blocked, policy.policy.anomalies.applies(to: decision.environment, defaultEnvironment: policy.policy.defaultEnvironment) {
                let lastRelease = environments.compactMap { releases[.environment($0)] }
                    + [releases[.everything], releases[.agent(agent)]].compactMap { $0 }
                let history = memory.withLock {
                    $0.history(agent: agent, environment: decision.environment, excluding: reservation,
                               burstWindowSeconds: policy.policy.anomalies.destructiveBurstWindowSeconds, lastRelease: lastRelease.max())
                }
                var anomalies = AnomalyRules.detect(facts: facts, history: history, settings: policy.policy.anomalies, now: now)
                // A grant is a human's explicit yes to this scope: the operation is not new to them.
                if answer.grant != nil { anomalies.removeAll { $0.kind == .firstTime } }
                answer.anomalies = anomalies
                let escalateTo = policy.policy.anomalies.escalateTo
                if !anomalies.isEmpty, decision.tier < escalateTo {
                    decision = Self.escalate(decision, to: escalateTo, anomalies: anomalies, policy: policy.policy, action: action)
                }
            }
            answer.decision = decision
            answer.message = decision.message
            switch decision.tier {
            case .autonomous:
                answer.outcome = .allow
                answer.code = answer.grant == nil ? .allowed : .granted
            case .supervised:
                answer.outcome = .allow
                answer.code = answer.grant == nil ? .supervised : .granted
            case .blocked:
                answer.outcome = .deny
                answer.code = answer.anomalies.isEmpty || policyDecision.tier == .blocked ? .blocked : .anomaly
            case .gated:
                try resolveGated(&answer, policy: policy, now: now)
            }
        }

        let allowed = answer.outcome == .allow
        memory.withLock { $0.settle(reservation, allowed: allowed) }
        settled = true
        if allowed {
            let newOperations = memory.withLock { $0.recordAllowed(agent: agent, environment: decision.environment, facts: facts, now: now) }
            if !newOperations.isEmpty {
                try activityStore.markSeen(agent: agent, environment: decision.environment, operations: newOperations, now: now)
            }
        }
        // No decision without its audit record: the answer exists only once this has committed.
        let entry = AuditRecord.decision(
            action: action, facts: facts, decision: answer.decision, outcome: answer.auditOutcome, policyHash: policy.hash,
            timeMicros: now, detail: answer.auditDetail, digest: digest)
        answer.auditIndex = try await log.append([entry]).first ?? 0
        return answer
    }

    private func resolveGated(_ answer: inout GatewayDecision, policy: LoadedPolicy, now: Int64) throws {
        let decision = answer.decision
        let action = answer.action
        if !decision.missingContext.isEmpty {
            let fields = decision.missingContext.map(\.rawValue).joined(separator: ", ")
            answer.outcome = .deny
            answer.code = .missingContext
            answer.message = "Interlock: this action needs human approval, and the policy requires the request to state: \(fields). "
                + "Resubmit it with `context.\(decision.missingContext[0].rawValue)` (and the others) filled in; nothing was filed."
            return
        }
        let requirement = decision.approval ?? policy.policy.defaultApproval
        let context = Self.reviewContext(answer, policy: policy)
        // Approve what you see: where the facts came from files too, the approval covers their
        // contents as read now, and an edit after it makes a new request.
        let binding = ActionDigest.binding(answer.digest, documents: answer.facts.documents)
        let resolution = try approvals.resolve(digest: binding, requester: action.principal.agent, now: now) {
            var request = ApprovalRequest(
                id: randomIdentifier(prefix: "apr_"), actionDigest: binding, requester: action.principal.agent,
                launchedBy: action.principal.launchedBy, environment: decision.environment, rule: decision.decidedBy.identifier,
                requirement: requirement, createdAtMicros: now, consumeWindowSeconds: consumeWindowSeconds)
            request.context = context
            return request
        }
        switch resolution {
        case .consumed(let request):
            answer.outcome = .allow
            answer.code = .approved
            answer.request = request
            answer.message = "allowed once: approval request \(request.id) was approved by \(request.approverNames.joined(separator: ", "))"
        case .pending(let request, let isNew):
            answer.outcome = .pending
            answer.code = .pendingApproval
            answer.request = request
            answer.message = Self.pendingMessage(request, now: now) + " Why it needs approval: " + decision.message
            if isNew { notify(.requestFiled(request)) }
        case .rejected(let request):
            answer.outcome = .deny
            answer.code = .rejected
            answer.request = request
            let by = request.rejection.map { "\($0.human)" + ($0.comment.map { ": \($0)" } ?? "") } ?? "a reviewer"
            answer.message = "Interlock: approval request \(request.id) for this exact action was rejected by \(by). Do not retry it or try another way to the same effect; ask the humans."
        }
    }

    static func pendingMessage(_ request: ApprovalRequest, now: Int64) -> String {
        let needed = max(0, request.requirement.approvers - request.approvals.count)
        let left = max(0, (request.expiresAtMicros - now) / 1_000_000)
        return "Interlock: approval request \(request.id) is pending; it needs \(needed) more approval\(needed == 1 ? "" : "s") "
            + "(\(request.requirement.summary)) and is rejected automatically in \(formatDuration(Int(left))). "
            + "Retry the identical action after it is approved; do not try another way to the same effect."
    }

    static func escalate(_ decision: Decision, to tier: Tier, anomalies: [Anomaly], policy: Policy, action: Action) -> Decision {
        var escalated = decision
        escalated.tier = tier
        if tier == .gated {
            let requirement = policy.environment(named: decision.environment)?.approval ?? policy.defaultApproval
            escalated.approval = requirement
            escalated.missingContext = requirement.requiredContext.filter { !action.context.provides($0) }
        } else {
            escalated.approval = nil
            escalated.missingContext = []
        }
        escalated.message = "Interlock: escalated to \(tier) by anomaly rules: " + anomalies.map(\.description).joined(separator: "; ")
        escalated.reasons = anomalies.map { .finding(operation: "anomaly:\($0.kind.rawValue)", reason: $0.reason) } + decision.reasons
        return escalated
    }

    /// What reviewers are shown: the redacted action, the facts, the decision, anomaly flags, and
    /// the warnings a destructive request without a rollback plan or alternatives deserves.
    static func reviewContext(_ answer: GatewayDecision, policy: LoadedPolicy) -> JSONValue {
        var redactions: [AuditEntry.Redaction] = []
        let action = AuditRecord.redactJSON(ActionDocument.encode(answer.action), path: "action", redactions: &redactions)
        var flags: [JSONValue] = []
        if answer.facts.effect == .destructive || answer.facts.effect == .unknown {
            if !answer.action.context.provides(.rollback) { flags.append(.string("no rollback plan stated")) }
            if !answer.action.context.provides(.alternatives) { flags.append(.string("no alternatives stated")) }
        }
        return .object([
            "action": action,
            "facts": GatewayJSON.facts(answer.facts),
            "message": .string(answer.decision.message),
            "reasons": .array(answer.decision.reasons.map { .string($0.description) }),
            "matched_rules": .array(answer.decision.matchedRules.map(JSONValue.string)),
            "anomalies": .array(answer.anomalies.map { .object(["kind": .string($0.kind.rawValue), "reason": .string($0.reason)]) }),
            "flags": .array(flags),
            "redacted": .array(redactions.map { .string($0.description) }),
            // The files the facts were read from, as the approval binds to them.
            "documents": .object(answer.facts.documents.mapValues(JSONValue.string)),
        ])
    }

    // MARK: Human operations (the server checks the principal; these check the rules)

    public func approve(id: String, by approver: Approver, comment: String?, now: Int64 = AuditLog.nowMicros()) throws -> ApprovalRequest {
        guard let request = try approvals.request(id: id) else { throw GatewayError.notFound("no approval request `\(id)`") }
        try refreshCache(now: now)
        let engaged = cache.withLock { $0.engaged }
        if let killed = KillSwitchStore.covering(engaged, agent: request.requester, environments: [request.environment]) {
            throw GatewayError.conflict("the kill switch for \(killed.scope) is engaged; approvals in its scope wait until a human releases it")
        }
        let updated = try approvals.approve(id: id, by: approver, comment: comment, now: now)
        notify(.requestVoted(updated, by: approver.description, approved: true))
        return updated
    }

    public func reject(id: String, by approver: Approver, comment: String?, now: Int64 = AuditLog.nowMicros()) throws -> ApprovalRequest {
        guard try approvals.request(id: id) != nil else { throw GatewayError.notFound("no approval request `\(id)`") }
        let updated = try approvals.reject(id: id, by: approver, comment: comment, now: now)
        notify(.requestVoted(updated, by: approver.description, approved: false))
        return updated
    }

    public func engageKillSwitch(_ scope: KillSwitchStore.Scope, by human: String, reason: String?) throws {
        try killSwitch.engage(scope, by: human, reason: reason)
        try refreshCache(now: AuditLog.nowMicros())
        notify(.killSwitch(scope, by: human, engaged: true))
    }

    public func releaseKillSwitch(_ scope: KillSwitchStore.Scope, by human: String) throws {
        try killSwitch.release(scope, by: human)
        try refreshCache(now: AuditLog.nowMicros())
        notify(.killSwitch(scope, by: human, engaged: false))
    }

    public func createGrant(_ grant: Grant) throws {
        try grants.create(grant)
        try refreshCache(now: AuditLog.nowMicros())
    }

    public func revokeGrant(id: String, by human: String) throws {
        try grants.revoke(id: id, by: human)
        try refreshCache(now: AuditLog.nowMicros())
    }

    /// Records the expiry of requests nobody answered in time and tells the notifier. Expiry
    /// applies on every read regardless; this is the record of it.
    public func sweepExpired(now: Int64 = AuditLog.nowMicros()) throws {
        for request in try approvals.recordExpiries(now: now) { notify(.requestExpired(request)) }
    }

    // MARK: Policy

    public var policy: Policy { loaded.withLock { $0.policy } }
    public var policyHash: [UInt8] { loaded.withLock { $0.hash } }

    /// Replaces the policy in force; the next decision uses it. Recorded as `policy.loaded`.
    public func replacePolicy(_ policy: Policy, text: String, source: String, by principal: String) throws {
        let next = LoadedPolicy(policy, text: text, source: source, fileSystem: fileSystem, guarded: guardedPaths)
        try log.recordPolicyLoad(hash: next.hash, source: source, principal: principal)
        loaded.withLock { $0 = next }
    }

    // MARK: Caches

    private func refreshCacheIfStale(now: Int64) throws {
        if cache.withLock({ now - $0.refreshedAtMicros < refreshMicros }) { return }
        try refreshCache(now: now)
    }

    private func refreshCache(now: Int64) throws {
        let engaged = try killSwitch.engaged()
        let releases = try killSwitch.releases()
        let active = try grants.active(at: now)
        cache.withLock { $0 = StoreCache(engaged: engaged, releases: releases, grants: active, refreshedAtMicros: now) }
    }

    /// After a restart the rate, burst and delete-then-recreate windows start from the audit
    /// log's last 24 hours, and first-time knowledge from the store. The last saved snapshot of
    /// that memory spares a start from decoding the whole day's log (a hook starts on every tool
    /// call): only entries after it are replayed, and once that tail is long a new snapshot is saved.
    private func rebuildMemory() throws {
        let now = AuditLog.nowMicros()
        let seen = try activityStore.seenOperations()
        var start = ActivityMemory()
        var fromIndex: UInt64 = 0
        if let saved = try activityStore.activitySnapshot(),
           let json = try? JSONValue.parse(saved.data), let snapshot = ActivitySnapshot(json: json) {
            start = ActivityMemory(snapshot)
            fromIndex = saved.logSize
        }
        var (entries, logSize) = try activityStore.recentDecisions(sinceMicros: now - 86_400_000_000, fromIndex: fromIndex)
        if logSize < fromIndex {
            // A snapshot of a longer log than this one describes some other history: start over.
            start = ActivityMemory()
            fromIndex = 0
            (entries, logSize) = try activityStore.recentDecisions(sinceMicros: now - 86_400_000_000)
        }
        let snapshot = memory.withLock { memory -> ActivitySnapshot? in
            memory = start
            for s in seen { memory.markSeen(agent: s.agent, environment: s.environment, operation: s.operation) }
            for entry in entries { Self.replay(entry, into: &memory) }
            memory.logPosition = logSize
            memory.lookedAtMicros = now
            return logSize - fromIndex >= Self.snapshotEvery ? memory.snapshot(now: now) : nil
        }
        if let snapshot {
            try activityStore.saveActivitySnapshot(logSize: logSize, data: Data(snapshot.json.jsonText().utf8))
        }
    }

    /// How many log entries past the last snapshot a start replays before it saves a new one.
    static let snapshotEvery: UInt64 = 64

    /// Counts a recorded decision into the memory (on start, and from other processes).
    static func replay(_ entry: AuditEntry, into memory: inout ActivityMemory) {
        guard entry.kind == .decision, entry.principal.hasPrefix("agent:"), let environment = entry.environment else { return }
        let effect = entry.effect.flatMap(Effect.init(rawValue:)) ?? .unknown
        let allowed = entry.outcome == "allow" || entry.outcome == "supervised"
        let cost = Double(entry.costMicroUSD ?? 0) / 1_000_000
        var task: String?
        // Only a cost needs the task it was spent on, which the stored action names.
        if allowed, cost > 0, let text = entry.action, let json = try? JSONValue.parse(text),
           case .object(let document) = json, case .object(let principal)? = document["principal"] {
            task = principal["task"]?.stringValue
        }
        memory.restore(agent: String(entry.principal.dropFirst(6)), task: task, environment: environment, effect: effect,
                       operations: entry.operations, targets: entry.targets, cost: cost, allowed: allowed, atMicros: entry.timeMicros)
    }

    /// Other processes on the same store (hooks, proxies, the CLI) decide for the same agents: their
    /// decisions count toward this gateway's rate and cost limits and anomaly rules too, at most
    /// `refreshMicros` after they were recorded. Without this, an agent could spread a rate limit
    /// over several doors.
    private func catchUpIfStale(now: Int64) throws {
        let from: UInt64? = memory.withLock { memory in
            guard now - memory.lookedAtMicros >= refreshMicros else { return nil }
            memory.lookedAtMicros = now
            return memory.logPosition
        }
        guard let from else { return }
        let (entries, size) = try log.entriesFromOthers(from: from)
        let dayAgo = now - 86_400_000_000
        memory.withLock { memory in
            // Another decision caught up meanwhile, from the same position and at least as far.
            guard memory.logPosition == from, size > from else { return }
            for entry in entries where entry.timeMicros >= dayAgo { Self.replay(entry, into: &memory) }
            memory.logPosition = size
        }
    }
}

/// What the gateway answered, and everything behind it.
public struct GatewayDecision: Sendable {
    public enum Outcome: String, Sendable {
        case allow, deny, pending
    }

    /// A stable reason code for programs.
    public enum Code: String, Sendable {
        case allowed, supervised, granted, approved
        case pendingApproval = "pending_approval"
        case blocked, anomaly
        case killSwitch = "kill_switch"
        case missingContext = "missing_context"
        case rejected
    }

    public var outcome: Outcome
    public var code: Code
    public var message: String
    public var action: Action
    public var digest: ActionDigest
    public var facts: Classification
    /// The decision after grants and anomaly rules.
    public var decision: Decision
    /// What the policy alone said.
    public var policyDecision: Decision
    public var anomalies: [Anomaly] = []
    public var request: ApprovalRequest?
    public var killSwitch: KillSwitchStore.Engagement?
    public var grant: Grant?
    public var auditIndex: UInt64 = 0
    /// How the policy wants hooks to present this decision to their hosts.
    public var hookSettings = HookSettings()

    /// The outcome as the audit log records it.
    var auditOutcome: String {
        switch outcome {
        // An approval's use is recorded as `allow`; otherwise as every door records a tier.
        case .allow: code == .approved ? "allow" : AuditRecord.outcome(decision.tier)
        case .pending: "pending"
        case .deny: "deny"
        }
    }

    var auditDetail: String? {
        var parts: [String] = []
        if let killSwitch { parts.append(killSwitch.message) }
        if let grant { parts.append("grant \(grant.id)") }
        if let request { parts.append("approval request \(request.id)") }
        if code == .missingContext || code == .rejected { parts.append(message) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

public enum GatewayEvent: Sendable {
    case requestFiled(ApprovalRequest)
    case requestVoted(ApprovalRequest, by: String, approved: Bool)
    case requestExpired(ApprovalRequest)
    case killSwitch(KillSwitchStore.Scope, by: String, engaged: Bool)
}

public enum GatewayError: Error, Sendable, CustomStringConvertible {
    case notFound(String)
    case conflict(String)

    public var description: String {
        switch self {
        case .notFound(let m), .conflict(let m): m
        }
    }
}

/// The policy in force, compiled, with the classifiers it configures.
struct LoadedPolicy: Sendable {
    var policy: Policy
    var evaluator: PolicyEvaluator
    var classifiers: ClassifierSet
    var hash: [UInt8]
    var source: String

    init(_ policy: Policy, text: String, source: String, fileSystem: any FileSystemView, guarded: GuardedPaths) {
        self.policy = policy
        self.evaluator = PolicyEvaluator(policy: policy)
        self.classifiers = ClassifierSet.standard(fileSystem: fileSystem, mcpTrust: policy.mcpTrust, guarded: guarded)
        self.hash = AuditRecord.policyHash(text)
        self.source = source
    }
}

/// The file system of a machine the gateway does not run on: nothing can be told about it, so a
/// script named by a command is unknown.
public struct UnseenFileSystem: FileSystemView {
    public init() {}
    public func kind(of path: String) -> PathKind? { nil }
    public func contents(of path: String) -> String? { nil }
}

struct StoreCache: Sendable {
    var engaged: [KillSwitchStore.Engagement] = []
    var releases: [KillSwitchStore.Scope: Int64] = [:]
    var grants: [Grant] = []
    var refreshedAtMicros: Int64 = .min
}
