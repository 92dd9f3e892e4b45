import InterlockCore
import InterlockPolicy

/// The gateway's memory of each agent's recent actions per environment: the last 24 hours of
/// events and the operations each agent has had allowed. Held in memory for speed (a decision
/// reads it without touching the disk); rebuilt from the audit log and the store on start.
struct ActivityMemory: Sendable {
    /// A provisional event counted before its decision is known; settled afterwards.
    struct Reservation: Sendable {
        var keys: [String]
        var id: UInt64
    }

    private struct Entry: Sendable {
        var id: UInt64
        var event: ActivityEvent
    }

    private var events: [String: [Entry]] = [:]
    /// Operations allowed before, by agent and environment (`key`).
    var seen: [String: Set<String>] = [:]
    private var nextID: UInt64 = 1

    static let window: Int64 = 86_400_000_000

    static func key(_ agent: String, _ environment: String) -> String { agent + "\u{0}" + environment }

    /// The usage the policy's limits compare against (the most of any candidate environment),
    /// with this event counted provisionally as allowed in each, so that concurrent requests see
    /// each other.
    mutating func reserve(agent: String, environments: [String], event: ActivityEvent, now: Int64) -> (UsageSnapshot, Reservation) {
        var usage = UsageSnapshot()
        let id = nextID
        nextID += 1
        let keys = environments.map { Self.key(agent, $0) }
        for key in keys {
            var list = events[key] ?? []
            if let first = list.first, now - first.event.atMicros > Self.window {
                list.removeAll { now - $0.event.atMicros > Self.window }
            }
            let u = ActivityHistory(events: list.map(\.event)).usage(at: now)
            usage.writesLastMinute = max(usage.writesLastMinute, u.writesLastMinute)
            usage.destructiveLastMinute = max(usage.destructiveLastMinute, u.destructiveLastMinute)
            usage.destructiveLastHour = max(usage.destructiveLastHour, u.destructiveLastHour)
            usage.costTodayUSD = max(usage.costTodayUSD, u.costTodayUSD)
            list.append(Entry(id: id, event: event))
            events[key] = list
        }
        return (usage, Reservation(keys: keys, id: id))
    }

    /// Settles a provisional event: allowed ones count for limits; refused ones only for bursts.
    mutating func settle(_ reservation: Reservation, allowed: Bool) {
        for key in reservation.keys {
            guard var list = events[key], let i = list.lastIndex(where: { $0.id == reservation.id }) else { continue }
            list[i].event.allowed = allowed
            events[key] = list
        }
    }

    /// The history the anomaly rules read, without the event being decided.
    func history(agent: String, environment: String, excluding reservation: Reservation, lastRelease: Int64?) -> ActivityHistory {
        let key = Self.key(agent, environment)
        let list = (events[key] ?? []).filter { $0.id != reservation.id }.map(\.event)
        return ActivityHistory(events: list, seenOperations: seen[key] ?? [], lastKillReleaseMicros: lastRelease)
    }

    /// Marks the write and destructive operations of an allowed action as seen; returns the new ones.
    mutating func markSeen(agent: String, environment: String, findings: [Finding]) -> [String] {
        var fresh: [String] = []
        for finding in findings where finding.effect != .read {
            if seen[Self.key(agent, environment), default: []].insert(finding.operation).inserted { fresh.append(finding.operation) }
        }
        return fresh
    }

    mutating func restore(agent: String, environment: String, event: ActivityEvent) {
        let id = nextID
        nextID += 1
        events[Self.key(agent, environment), default: []].append(Entry(id: id, event: event))
    }
}
