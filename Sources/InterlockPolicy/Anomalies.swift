import InterlockCore

/// The anomaly rules' settings (`anomalies:` in a policy; docs/policy.md). Every rule is
/// deterministic and names its evidence, so a reviewer can see why an action was escalated.
public struct AnomalySettings: Sendable, Hashable {
    /// Where the rules apply; nil means the policy's default environment (production) only.
    public var environments: Set<String>?
    /// Escalate the first write or destructive use of an operation by an agent in an environment.
    public var firstTime = true
    /// Escalate writing to a target the same agent destroyed within this window (the incident's
    /// delete-then-recreate). 0 turns the rule off.
    public var deleteRecreateWindowSeconds = 3600
    /// Escalate a destructive (or unknown) request when this many came from the agent within
    /// `destructiveBurstWindowSeconds` already. 0 turns the rule off.
    public var destructiveBurst = 5
    public var destructiveBurstWindowSeconds = 600
    /// Escalate destructive (or unknown) requests within this long after a kill switch covering the
    /// agent or environment was released. 0 turns the rule off.
    public var afterKillReleaseSeconds = 900
    /// `gated` or `blocked`.
    public var escalateTo: Tier = .gated

    public init() {}

    public func applies(to environment: String, defaultEnvironment: String) -> Bool {
        environments.map { $0.contains(environment) } ?? (environment == defaultEnvironment)
    }
}

/// What the gateway knows about an agent's recent activity in one environment, summarised for the
/// anomaly rules. Built by the gateway from its memory; the rules below only read it.
public struct ActivityHistory: Sendable, Hashable {
    /// A target the agent destroyed, and with what.
    public struct Destruction: Sendable, Hashable {
        public var atMicros: Int64
        public var operations: [String]

        public init(atMicros: Int64, operations: [String]) {
            self.atMicros = atMicros
            self.operations = operations
        }
    }

    /// Operations this agent has had allowed in this environment before, ever.
    public var seenOperations: Set<String>
    /// Targets of allowed destructive actions, with the latest time each was destroyed.
    public var destroyed: [String: Destruction]
    /// Destructive or unknown requests (allowed or not) within the burst window, this one excluded.
    public var recentDestructiveRequests: Int
    /// The latest release of a kill switch covering this agent or environment.
    public var lastKillReleaseMicros: Int64?

    public init(
        seenOperations: Set<String> = [], destroyed: [String: Destruction] = [:], recentDestructiveRequests: Int = 0,
        lastKillReleaseMicros: Int64? = nil
    ) {
        self.seenOperations = seenOperations
        self.destroyed = destroyed
        self.recentDestructiveRequests = recentDestructiveRequests
        self.lastKillReleaseMicros = lastKillReleaseMicros
    }
}

/// An anomaly found in an action, with its evidence in words.
public struct Anomaly: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case firstTime = "first-time"
        case deleteRecreate = "delete-then-recreate"
        case destructiveBurst = "destructive-burst"
        case afterKillRelease = "after-kill-release"
    }

    public var kind: Kind
    public var reason: String

    public init(kind: Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "anomaly \(kind.rawValue): \(reason)" }
}

public enum AnomalyRules {
    /// The anomalies in an action, given what the agent did before. Reads only; never counts.
    public static func detect(facts: Classification, history: ActivityHistory, settings: AnomalySettings, now: Int64) -> [Anomaly] {
        var found: [Anomaly] = []
        let destructive = facts.effect == .destructive || facts.effect == .unknown
        if settings.firstTime, facts.effect != .read {
            let firsts = facts.findings.filter { $0.effect != .read && !history.seenOperations.contains($0.operation) }.map(\.operation)
            var unique: [String] = []
            for op in firsts where !unique.contains(op) { unique.append(op) }
            if !unique.isEmpty {
                found.append(Anomaly(kind: .firstTime, reason: "the agent has never had \(unique.joined(separator: ", ")) allowed in this environment"))
            }
        }
        if settings.deleteRecreateWindowSeconds > 0, facts.effect == .write || facts.effect == .destructive {
            let since = now - Int64(settings.deleteRecreateWindowSeconds) * 1_000_000
            for target in facts.targets {
                guard let destruction = history.destroyed[target], destruction.atMicros >= since else { continue }
                // Only a write to what was destroyed is a recreation; destroying it again is not.
                if facts.effect == .destructive, destruction.operations == facts.operations { continue }
                let ago = max(0, (now - destruction.atMicros) / 1_000_000)
                found.append(Anomaly(
                    kind: .deleteRecreate,
                    reason: "\(target) was destroyed by \(destruction.operations.joined(separator: ", ")) \(formatDuration(Int(ago))) ago and this action writes it again"))
                break
            }
        }
        if destructive, settings.destructiveBurst > 0, history.recentDestructiveRequests >= settings.destructiveBurst {
            found.append(Anomaly(
                kind: .destructiveBurst,
                reason: "\(history.recentDestructiveRequests) destructive or unknown requests from this agent in the last \(formatDuration(settings.destructiveBurstWindowSeconds))"))
        }
        if destructive, settings.afterKillReleaseSeconds > 0, let released = history.lastKillReleaseMicros,
           now >= released, now - released < Int64(settings.afterKillReleaseSeconds) * 1_000_000 {
            found.append(Anomaly(
                kind: .afterKillRelease,
                reason: "a kill switch covering this agent was released \(formatDuration(Int((now - released) / 1_000_000))) ago"))
        }
        return found
    }
}
