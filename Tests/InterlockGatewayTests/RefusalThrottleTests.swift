import InterlockGateway
import Testing

@Suite("Refusal throttle: a flood of refusals becomes a count, never a gap")
struct RefusalThrottleTests {
    @Test("past the burst a window's refusals are counted; the summary comes with the next window's first refusal")
    func burstThenSummary() {
        var throttle = RefusalThrottle(burst: 3, windowSeconds: 60)
        let t0: Int64 = 1_000_000_000
        var recorded = 0
        for i in 0..<10 {
            let (record, closed) = throttle.admit(principal: "unauthenticated", reason: "bad signature \(i)", now: t0 + Int64(i) * 1_000_000)
            #expect(closed == nil)
            if record { recorded += 1 }
        }
        #expect(recorded == 3)
        // Another principal has its own burst.
        #expect(throttle.admit(principal: "agent:a", reason: "x", now: t0).recordThis)
        let (record, closed) = throttle.admit(principal: "unauthenticated", reason: "later", now: t0 + 60_000_000)
        #expect(record)
        #expect(closed == RefusalThrottle.Summary(principal: "unauthenticated", count: 7, fromMicros: t0, toMicros: t0 + 9_000_000,
                                                  lastReason: "bad signature 9"))
    }

    @Test("closing windows: only those over, only with something uncounted, and nothing twice")
    func closing() {
        var throttle = RefusalThrottle(burst: 1, windowSeconds: 10)
        let t0: Int64 = 5_000_000
        _ = throttle.admit(principal: "unauthenticated", reason: "a", now: t0)
        _ = throttle.admit(principal: "unauthenticated", reason: "b", now: t0 + 1)
        _ = throttle.admit(principal: "agent:quiet", reason: "c", now: t0)
        #expect(throttle.closeWindows(now: t0 + 9_999_999).isEmpty)
        let due = throttle.closeWindows(now: t0 + 10_000_000)
        #expect(due.map(\.principal) == ["unauthenticated"])
        #expect(due.first?.count == 1)
        #expect(throttle.closeWindows(now: .max).isEmpty)
        // After closing, a principal starts with a fresh burst.
        #expect(throttle.admit(principal: "unauthenticated", reason: "d", now: t0 + 10_000_001).recordThis)
    }
}
