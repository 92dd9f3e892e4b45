import InterlockCore
import InterlockPolicy

/// The gateway's memory of each agent's recent actions per environment, in fixed-size time
/// buckets so that a decision costs the same after a million actions as after ten: per-second
/// counts for the last minute, per-minute counts for the last 24 hours, the targets the agent
/// destroyed, the operations it has had allowed, and each task's spend per minute. Windows are
/// therefore exact to the second (under a minute) or to the minute (longer). Rebuilt on start from
/// the last snapshot, the audit log after it and the store; kept up with other processes' decisions.
struct ActivityMemory: Sendable {
    /// A provisional count made before the decision is known; settled afterwards.
    struct Reservation: Sendable {
        var keys: [String]
        var task: String
        var atMicros: Int64
        var counts: Counts
    }

    struct Counts: Sendable, Equatable {
        /// Allowed writes.
        var writes: Int32 = 0
        /// Allowed destructive or unknown actions.
        var destructive: Int32 = 0
        /// Destructive or unknown requests, allowed or not (the burst rule).
        var destructiveRequests: Int32 = 0
        /// Estimated cost of allowed actions.
        var cost: Double = 0

        static func of(_ effect: Effect, cost: Double, allowed: Bool) -> Counts {
            let destructive = effect == .destructive || effect == .unknown
            var c = Counts()
            c.destructiveRequests = destructive ? 1 : 0
            if allowed {
                c.writes = effect == .write ? 1 : 0
                c.destructive = destructive ? 1 : 0
                c.cost = cost
            }
            return c
        }

        mutating func add(_ other: Counts, sign: Int32) {
            writes += sign * other.writes
            destructive += sign * other.destructive
            destructiveRequests += sign * other.destructiveRequests
            cost += Double(sign) * other.cost
        }
    }

    /// One agent in one environment.
    struct Lane: Sendable {
        var seconds = [Counts](repeating: Counts(), count: 60)
        var secondStamps = [Int64](repeating: -1, count: 60)
        var minutes = [Counts](repeating: Counts(), count: 1440)
        var minuteStamps = [Int64](repeating: -1, count: 1440)
        var destroyed: [String: ActivityHistory.Destruction] = [:]
        var seen: Set<String> = []
        /// Allowed cost per task, by minute; only tasks that spent something have an entry.
        var taskSpend: [String: [Int64: Double]] = [:]
        /// The latest minute counted with a cost, and with an allowed destructive action: most
        /// lanes have neither within the day or the hour, and their sums need not visit the
        /// minute ring's 1,440 slots on every decision.
        var lastCostMinute: Int64 = .min
        var lastDestructiveMinute: Int64 = .min

        /// Allowed cost in the 24 hours ending at `now`.
        func costLastDay(now: Int64) -> Double {
            guard lastCostMinute > now / 60_000_000 - 1440 else { return 0 }
            return sum(lastSeconds: 86_400, now: now).cost
        }

        /// Allowed destructive actions in the hour ending at `now`.
        func destructiveLastHour(now: Int64) -> Int32 {
            guard lastDestructiveMinute > now / 60_000_000 - 60 else { return 0 }
            return sum(lastSeconds: 3600, now: now).destructive
        }

        /// What `task` spent in the 24 hours ending at `now`.
        func spent(task: String, now: Int64) -> Double {
            guard let minutes = taskSpend[task] else { return 0 }
            let minute = now / 60_000_000
            return minutes.reduce(0) { $1.key > minute - 1440 && $1.key <= minute ? $0 + $1.value : $0 }
        }

        /// Adds (or with a negative amount refunds) spend; minutes older than a day are dropped as
        /// the task spends again, and tasks idle for a day once there are many.
        mutating func spend(_ cost: Double, task: String, atMicros: Int64) {
            guard cost != 0 else { return }
            let minute = atMicros / 60_000_000
            taskSpend[task, default: [:]][minute, default: 0] += cost
            if taskSpend[task]!.count > 64 { taskSpend[task] = taskSpend[task]!.filter { $0.key > minute - 1440 } }
            if taskSpend.count > 4096 {
                taskSpend = taskSpend.filter { $0.value.keys.contains { $0 > minute - 1440 } }
            }
        }

        mutating func add(_ counts: Counts, atMicros: Int64, sign: Int32) {
            let second = atMicros / 1_000_000
            noteMarkers(counts, minute: second / 60)
            Self.add(counts, sign: sign, at: second, to: &seconds, stamps: &secondStamps)
            Self.add(counts, sign: sign, at: second / 60, to: &minutes, stamps: &minuteStamps)
        }

        /// Counts into the ring bucket for `time` (in the ring's unit). A refund (sign -1) applies
        /// only while the bucket still holds the time it was counted in.
        private static func add(_ counts: Counts, sign: Int32, at time: Int64, to buckets: inout [Counts], stamps: inout [Int64]) {
            let i = Int(time % Int64(buckets.count))
            if stamps[i] == time {
                buckets[i].add(counts, sign: sign)
            } else if sign > 0, stamps[i] < time {
                stamps[i] = time
                buckets[i] = counts
            }
        }

        mutating func noteMarkers(_ counts: Counts, minute: Int64) {
            if counts.cost != 0 { lastCostMinute = max(lastCostMinute, minute) }
            if counts.destructive != 0 { lastDestructiveMinute = max(lastDestructiveMinute, minute) }
        }

        /// Sum over the last `window` seconds ending at `now`, at second resolution up to a minute
        /// and minute resolution beyond.
        func sum(lastSeconds window: Int, now: Int64) -> Counts {
            var total = Counts()
            let second = now / 1_000_000
            // Only the ring slots the window covers are visited: time t lives in slot t % count,
            // so a slot counts when it still holds the time the window expects there.
            if window <= 60 {
                for back in 0..<Int64(max(window, 0)) where second - back >= 0 {
                    let time = second - back
                    let i = Int(time % 60)
                    if secondStamps[i] == time { total.add(seconds[i], sign: 1) }
                }
            } else {
                let minute = second / 60
                let span = min(Int64((window + 59) / 60), 1440)
                for back in 0..<span where minute - back >= 0 {
                    let time = minute - back
                    let i = Int(time % 1440)
                    if minuteStamps[i] == time { total.add(minutes[i], sign: 1) }
                }
            }
            return total
        }
    }

    private var lanes: [String: Lane] = [:]
    /// The log size this memory has read up to (its own decisions aside), and when it last looked.
    var logPosition: UInt64 = 0
    var lookedAtMicros: Int64 = .min

    static func key(_ agent: String, _ environment: String) -> String { agent + "\u{0}" + environment }

    /// The budget an action's task draws on; actions naming no task share one.
    static func taskKey(_ task: String?) -> String { task ?? "" }

    /// The usage the policy's limits compare against (the most of any candidate environment), with
    /// this action counted provisionally as allowed in each, so that concurrent requests see each
    /// other.
    mutating func reserve(agent: String, task: String?, environments: [String], effect: Effect, cost: Double, now: Int64) -> (UsageSnapshot, Reservation) {
        var usage = UsageSnapshot()
        let counts = Counts.of(effect, cost: cost, allowed: true)
        let task = Self.taskKey(task)
        let keys = environments.map { Self.key(agent, $0) }
        for key in keys {
            Self.modify(&lanes[key, default: Lane()]) { lane in
                let minute = lane.sum(lastSeconds: 60, now: now)
                usage.writesLastMinute = max(usage.writesLastMinute, Int(minute.writes))
                usage.destructiveLastMinute = max(usage.destructiveLastMinute, Int(minute.destructive))
                usage.destructiveLastHour = max(usage.destructiveLastHour, Int(lane.destructiveLastHour(now: now)))
                usage.costTodayUSD = max(usage.costTodayUSD, lane.costLastDay(now: now))
                usage.costThisTaskUSD = max(usage.costThisTaskUSD, lane.spent(task: task, now: now))
                lane.add(counts, atMicros: now, sign: 1)
                lane.spend(counts.cost, task: task, atMicros: now)
            }
        }
        return (usage, Reservation(keys: keys, task: task, atMicros: now, counts: counts))
    }

    /// Settles a provisional count: a refused action keeps only its burst count.
    mutating func settle(_ reservation: Reservation, allowed: Bool) {
        guard !allowed else { return }
        var refund = reservation.counts
        refund.destructiveRequests = 0
        for key in reservation.keys {
            lanes[key]?.add(refund, atMicros: reservation.atMicros, sign: -1)
            lanes[key]?.spend(-refund.cost, task: reservation.task, atMicros: reservation.atMicros)
        }
    }

    /// What the anomaly rules read, without the action being decided.
    func history(agent: String, environment: String, excluding reservation: Reservation, burstWindowSeconds: Int, lastRelease: Int64?) -> ActivityHistory {
        guard let lane = lanes[Self.key(agent, environment)] else { return ActivityHistory(lastKillReleaseMicros: lastRelease) }
        var burst = Int(lane.sum(lastSeconds: burstWindowSeconds, now: reservation.atMicros).destructiveRequests)
        if reservation.keys.contains(Self.key(agent, environment)) { burst -= Int(reservation.counts.destructiveRequests) }
        return ActivityHistory(seenOperations: lane.seen, destroyed: lane.destroyed, recentDestructiveRequests: max(0, burst),
                               lastKillReleaseMicros: lastRelease)
    }

    /// Records what an allowed action did: its write and destructive operations are now known to
    /// the first-time rule (the new ones are returned, to be stored), its destroyed targets to the
    /// delete-then-recreate rule.
    mutating func recordAllowed(agent: String, environment: String, facts: Classification, now: Int64) -> [String] {
        var fresh: [String] = []
        Self.modify(&lanes[Self.key(agent, environment), default: Lane()]) { lane in
            for finding in facts.findings where finding.effect != .read {
                if lane.seen.insert(finding.operation).inserted { fresh.append(finding.operation) }
            }
            if facts.effect == .destructive { lane.remember(destroyed: facts.targets, by: facts.operations, at: now) }
        }
        return fresh
    }

    mutating func markSeen(agent: String, environment: String, operation: String) {
        lanes[Self.key(agent, environment), default: Lane()].seen.insert(operation)
    }

    /// Replays one recorded decision (on start, and one another process recorded).
    mutating func restore(agent: String, task: String?, environment: String, effect: Effect, operations: [String], targets: [String],
                          cost: Double, allowed: Bool, atMicros: Int64) {
        let counts = Counts.of(effect, cost: cost, allowed: allowed)
        Self.modify(&lanes[Self.key(agent, environment), default: Lane()]) { lane in
            lane.add(counts, atMicros: atMicros, sign: 1)
            lane.spend(counts.cost, task: Self.taskKey(task), atMicros: atMicros)
            if allowed, effect == .destructive { lane.remember(destroyed: targets, by: operations, at: atMicros) }
        }
    }

    /// Changes a lane where it is stored. Copying a lane out of the dictionary and back would copy
    /// its rings (about 40 KB) on every decision, because the dictionary still holds the original.
    @inline(__always)
    private static func modify(_ lane: inout Lane, _ change: (inout Lane) -> Void) { change(&lane) }
}

extension ActivityMemory.Lane {
    mutating func remember(destroyed targets: [String], by operations: [String], at now: Int64) {
        for target in targets { destroyed[target] = ActivityHistory.Destruction(atMicros: now, operations: operations) }
        // Bounded: past a few thousand targets, forget those destroyed more than a day ago.
        if destroyed.count > 4096 {
            destroyed = destroyed.filter { now - $0.value.atMicros < 86_400_000_000 }
        }
    }
}

/// `ActivityMemory` as saved between starts (`ActivityStore.saveActivitySnapshot`): the buckets
/// still inside their windows, the destroyed targets and the tasks' spend. What each agent has
/// seen is kept in its own table and not repeated here. Stored as compact JSON through the core's
/// own JSON reader and writer, which a starting hook has loaded anyway.
struct ActivitySnapshot: Sendable, Equatable {
    static let currentVersion: Int64 = 1

    struct Bucket: Sendable, Equatable {
        var time: Int64
        var counts: ActivityMemory.Counts
    }

    struct Destroyed: Sendable, Equatable {
        var target: String
        var atMicros: Int64
        var operations: [String]
    }

    struct TaskSpend: Sendable, Equatable {
        var task: String
        var minutes: [Int64]
        var costs: [Double]
    }

    struct Lane: Sendable, Equatable {
        var agent: String
        var environment: String
        var seconds: [Bucket]
        var minutes: [Bucket]
        var destroyed: [Destroyed]
        var tasks: [TaskSpend]
    }

    var lanes: [Lane] = []

    init(lanes: [Lane] = []) { self.lanes = lanes }

    /// `{"version":1,"lanes":[{"agent","environment","seconds":[[time,writes,destructive,requests,cost]...],
    /// "minutes":[...],"destroyed":[[target,at,[operations]]...],"tasks":[[task,[minutes],[costs]]...]}]}`
    var json: JSONValue {
        func buckets(_ list: [Bucket]) -> JSONValue {
            .array(list.map { b in
                .array([.int(b.time), .int(Int64(b.counts.writes)), .int(Int64(b.counts.destructive)),
                        .int(Int64(b.counts.destructiveRequests)), .double(b.counts.cost)])
            })
        }
        return .object([
            "version": .int(Self.currentVersion),
            "lanes": .array(lanes.map { lane in
                .object([
                    "agent": .string(lane.agent), "environment": .string(lane.environment),
                    "seconds": buckets(lane.seconds), "minutes": buckets(lane.minutes),
                    "destroyed": .array(lane.destroyed.map { .array([.string($0.target), .int($0.atMicros), .array($0.operations.map(JSONValue.string))]) }),
                    "tasks": .array(lane.tasks.map { .array([.string($0.task), .array($0.minutes.map(JSONValue.int)), .array($0.costs.map(JSONValue.double))]) }),
                ])
            }),
        ])
    }

    /// Nil for anything but a well-formed snapshot of this version.
    init?(json: JSONValue) {
        guard json["version"]?.intValue == Self.currentVersion, let lanes = json["lanes"]?.arrayValue else { return nil }
        func int32(_ v: JSONValue) -> Int32? { v.intValue.flatMap { Int32(exactly: $0) } }
        func buckets(_ v: JSONValue?) -> [Bucket]? {
            guard let list = v?.arrayValue else { return nil }
            var out: [Bucket] = []
            for item in list {
                guard let a = item.arrayValue, a.count == 5, let time = a[0].intValue, time >= 0,
                      let w = int32(a[1]), let d = int32(a[2]), let r = int32(a[3]), let c = a[4].doubleValue else { return nil }
                out.append(Bucket(time: time, counts: .init(writes: w, destructive: d, destructiveRequests: r, cost: c)))
            }
            return out
        }
        for item in lanes {
            guard let agent = item["agent"]?.stringValue, let environment = item["environment"]?.stringValue,
                  let seconds = buckets(item["seconds"]), let minutes = buckets(item["minutes"]),
                  let destroyedList = item["destroyed"]?.arrayValue, let taskList = item["tasks"]?.arrayValue else { return nil }
            var lane = Lane(agent: agent, environment: environment, seconds: seconds, minutes: minutes, destroyed: [], tasks: [])
            for d in destroyedList {
                guard let a = d.arrayValue, a.count == 3, let target = a[0].stringValue, let at = a[1].intValue,
                      let operations = a[2].arrayValue?.compactMap(\.stringValue) else { return nil }
                lane.destroyed.append(Destroyed(target: target, atMicros: at, operations: operations))
            }
            for t in taskList {
                guard let a = t.arrayValue, a.count == 3, let task = a[0].stringValue,
                      let minutes = a[1].arrayValue?.compactMap(\.intValue), let costs = a[2].arrayValue?.compactMap(\.doubleValue),
                      minutes.count == costs.count else { return nil }
                lane.tasks.append(TaskSpend(task: task, minutes: minutes, costs: costs))
            }
            self.lanes.append(lane)
        }
    }
}

extension ActivityMemory {
    /// What is still inside a window at `now`.
    func snapshot(now: Int64) -> ActivitySnapshot {
        let second = now / 1_000_000
        let minute = second / 60
        func buckets(_ counts: [Counts], _ stamps: [Int64], after oldest: Int64) -> [ActivitySnapshot.Bucket] {
            stamps.indices.compactMap { i in
                guard stamps[i] > oldest else { return nil }
                return .init(time: stamps[i], counts: counts[i])
            }
        }
        var snapshot = ActivitySnapshot()
        for (key, lane) in lanes.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let tasks = lane.taskSpend.sorted { $0.key < $1.key }.compactMap { task, spend -> ActivitySnapshot.TaskSpend? in
                let kept = spend.filter { $0.key > minute - 1440 }.sorted { $0.key < $1.key }
                return kept.isEmpty ? nil : .init(task: task, minutes: kept.map(\.key), costs: kept.map(\.value))
            }
            snapshot.lanes.append(ActivitySnapshot.Lane(
                agent: String(parts[0]), environment: String(parts[1]),
                seconds: buckets(lane.seconds, lane.secondStamps, after: second - 60),
                minutes: buckets(lane.minutes, lane.minuteStamps, after: minute - 1440),
                destroyed: lane.destroyed.sorted { $0.key < $1.key }.map { .init(target: $0.key, atMicros: $0.value.atMicros, operations: $0.value.operations) },
                tasks: tasks))
        }
        return snapshot
    }

    init(_ snapshot: ActivitySnapshot) {
        self.init()
        for saved in snapshot.lanes {
            var lane = Lane()
            for b in saved.seconds where b.time >= 0 {
                lane.secondStamps[Int(b.time % 60)] = b.time
                lane.seconds[Int(b.time % 60)] = b.counts
            }
            for b in saved.minutes where b.time >= 0 {
                lane.minuteStamps[Int(b.time % 1440)] = b.time
                lane.minutes[Int(b.time % 1440)] = b.counts
                lane.noteMarkers(b.counts, minute: b.time)
            }
            for d in saved.destroyed { lane.destroyed[d.target] = ActivityHistory.Destruction(atMicros: d.atMicros, operations: d.operations) }
            for t in saved.tasks { lane.taskSpend[t.task] = Dictionary(zip(t.minutes, t.costs), uniquingKeysWith: +) }
            lanes[Self.key(saved.agent, saved.environment)] = lane
        }
    }
}
