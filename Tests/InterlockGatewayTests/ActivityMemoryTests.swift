import Foundation
import InterlockCore
@testable import InterlockGateway
import InterlockPolicy
import PropertyBased
import Testing

/// The saved summary of recent activity must say exactly what replaying the log would: the counts
/// behind every limit, the burst rule's count and the destroyed targets.
@Suite("Activity memory: a saved snapshot restores what the log would")
struct ActivityMemoryTests {
    @Test("random activity over a day: usage and history read the same from the memory and from its snapshot, after a round trip through its JSON")
    func snapshotRoundTrip() throws {
        var rng = Xoshiro(seed: (11, 1, 2, 3))
        let now: Int64 = 1_795_000_000_000_000
        var memory = ActivityMemory()
        let agents = ["a", "b"], environments = ["production", "staging"], tasks: [String?] = [nil, "T-1", "T-2"]
        let effects: [Effect] = [.read, .write, .destructive, .unknown]
        for _ in 0..<600 {
            // Spread over the last 25 hours, half of it in the last two minutes.
            let age = rng.next() % 2 == 0 ? Int64(rng.next() % 120_000_000) : Int64(rng.next() % 90_000_000_000)
            let agent = agents[Int(rng.next() % 2)], environment = environments[Int(rng.next() % 2)]
            let effect = effects[Int(rng.next() % 4)]
            let allowed = rng.next() % 3 != 0
            memory.restore(agent: agent, task: tasks[Int(rng.next() % 3)], environment: environment, effect: effect,
                           operations: ["shell:rm"], targets: ["/srv/\(rng.next() % 20)"], cost: Double(rng.next() % 100) / 4,
                           allowed: allowed, atMicros: now - age)
        }
        let snapshot = memory.snapshot(now: now)
        let reread = try #require(ActivitySnapshot(json: try JSONValue.parse(snapshot.json.jsonText())))
        #expect(reread == snapshot)
        var restored = ActivityMemory(reread)
        for agent in agents {
            for environment in environments {
                for task in tasks {
                    var original = memory
                    let (u1, r1) = original.reserve(agent: agent, task: task, environments: [environment], effect: .write, cost: 1, now: now)
                    let (u2, r2) = restored.reserve(agent: agent, task: task, environments: [environment], effect: .write, cost: 1, now: now)
                    #expect(u1 == u2, "\(agent) \(environment) \(task ?? "-")")
                    let h1 = original.history(agent: agent, environment: environment, excluding: r1, burstWindowSeconds: 600, lastRelease: nil)
                    let h2 = restored.history(agent: agent, environment: environment, excluding: r2, burstWindowSeconds: 600, lastRelease: nil)
                    #expect(h1 == h2)
                    restored.settle(r2, allowed: false)
                }
            }
        }
        // Something was counted at all, or the comparison above proves nothing.
        var probe = memory
        #expect(probe.reserve(agent: "a", task: "T-1", environments: ["production"], effect: .write, cost: 0, now: now).0 != UsageSnapshot())
    }

    @Test("the day's cost and the hour's destructive count skip the minute ring only when it holds nothing for them: the full sums agree at every later moment")
    func shortcutSumsAgreeWithFullSums() {
        var rng = Xoshiro(seed: (5, 8, 13, 21))
        let start: Int64 = 1_795_000_000_000_000
        for round in 0..<40 {
            var lane = ActivityMemory.Lane()
            var now = start
            for _ in 0..<(Int(rng.next() % 30) + 1) {
                // Steps from a second to two days, so that windows both hold and lose what was counted.
                now += Int64(rng.next() % 4 == 0 ? rng.next() % 172_800_000_000 : rng.next() % 90_000_000)
                let effect: Effect = [.read, .write, .destructive, .unknown][Int(rng.next() % 4)]
                let cost = rng.next() % 3 == 0 ? Double(rng.next() % 50) / 4 : 0
                let counts = ActivityMemory.Counts.of(effect, cost: cost, allowed: rng.next() % 4 != 0)
                lane.add(counts, atMicros: now, sign: 1)
                if rng.next() % 5 == 0 { lane.add(counts, atMicros: now, sign: -1) }
                for probe in [now, now + 59_000_000, now + 3_540_000_000, now + 3_660_000_000, now + 86_340_000_000, now + 86_460_000_000] {
                    #expect(lane.costLastDay(now: probe) == lane.sum(lastSeconds: 86_400, now: probe).cost, "round \(round)")
                    #expect(lane.destructiveLastHour(now: probe) == lane.sum(lastSeconds: 3600, now: probe).destructive, "round \(round)")
                }
            }
        }
    }

    @Test("a snapshot of another version or shape is not used", arguments: [
        #"{"version":2,"lanes":[]}"#, #"{"lanes":[]}"#, #"{"version":1,"lanes":[{"agent":"a"}]}"#,
        #"{"version":1,"lanes":[{"agent":"a","environment":"p","seconds":[[-5,1,0,0,0]],"minutes":[],"destroyed":[],"tasks":[]}]}"#,
        #"{"version":1,"lanes":[{"agent":"a","environment":"p","seconds":[],"minutes":[],"destroyed":[],"tasks":[["t",[1,2],[0.5]]]}]}"#,
    ])
    func rejectsOtherShapes(_ text: String) throws {
        #expect(ActivitySnapshot(json: try JSONValue.parse(text)) == nil)
    }
}
