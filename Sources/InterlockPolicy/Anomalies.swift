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

/// One earlier action by the same agent in the same environment, as the gateway remembers it.
public struct ActivityEvent: Sendable, Hashable {
    public var atMicros: Int64
    public var effect: Effect
    public var operations: [String]
    public var targets: [String]
    public var costUSD: Double
    /// Whether the action was allowed (it ran, or may have). Requests that were refused count for
    /// bursts but not for rate limits, cost, or delete-then-recreate.
    public var allowed: Bool

    public init(atMicros: Int64, effect: Effect, operations: [String], targets: [String], costUSD: Double, allowed: Bool) {
        self.atMicros = atMicros
        self.effect = effect
        self.operations = operations
        self.targets = targets
        self.costUSD = costUSD
        self.allowed = allowed
    }
}

/// What the gateway knows about an agent's recent activity in one environment. Built by the
/// gateway from its store; the rules below only read it.
public struct ActivityHistory: Sendable, Hashable {
    /// The last 24 hours, oldest first.
    public var events: [ActivityEvent]
    /// Operations this agent has had allowed in this environment before, ever.
    public var seenOperations: Set<String>
    /// The latest release of a kill switch covering this agent or environment.
    public var lastKillReleaseMicros: Int64?

    public init(events: [ActivityEvent] = [], seenOperations: Set<String> = [], lastKillReleaseMicros: Int64? = nil) {
        self.events = events
        self.seenOperations = seenOperations
        self.lastKillReleaseMicros = lastKillReleaseMicros
    }

    /// The counts that rate and cost limits compare against: allowed actions only, cost over a
    /// rolling 24 hours.
    public func usage(at now: Int64) -> UsageSnapshot {
        var usage = UsageSnapshot()
        for event in events where event.allowed {
            let age = now - event.atMicros
            if age < 0 || age >= 86_400_000_000 { continue }
            usage.costTodayUSD += event.costUSD
            let destructive = event.effect == .destructive || event.effect == .unknown
            if age < 60_000_000 {
                if event.effect == .write { usage.writesLastMinute += 1 }
                if destructive { usage.destructiveLastMinute += 1 }
            }
            if age < 3_600_000_000, destructive { usage.destructiveLastHour += 1 }
        }
        return usage
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
        if settings.deleteRecreateWindowSeconds > 0, facts.effect == .write || facts.effect == .destructive, !facts.targets.isEmpty {
            let since = now - Int64(settings.deleteRecreateWindowSeconds) * 1_000_000
            let wanted = Set(facts.targets)
            for event in history.events.reversed() where event.atMicros >= since && event.allowed && event.effect == .destructive {
                // Only a write to what was destroyed is a recreation; destroying it again is not.
                if facts.effect == .destructive, event.operations == facts.operations { continue }
                if let target = event.targets.first(where: { wanted.contains($0) }) {
                    let ago = max(0, (now - event.atMicros) / 1_000_000)
                    found.append(Anomaly(
                        kind: .deleteRecreate,
                        reason: "\(target) was destroyed by \(event.operations.joined(separator: ", ")) \(formatDuration(Int(ago))) ago and this action writes it again"))
                    break
                }
            }
        }
        if destructive, settings.destructiveBurst > 0 {
            let since = now - Int64(settings.destructiveBurstWindowSeconds) * 1_000_000
            let recent = history.events.filter { $0.atMicros >= since && ($0.effect == .destructive || $0.effect == .unknown) }.count
            if recent >= settings.destructiveBurst {
                found.append(Anomaly(
                    kind: .destructiveBurst,
                    reason: "\(recent) destructive or unknown requests from this agent in the last \(formatDuration(settings.destructiveBurstWindowSeconds))"))
            }
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
