// Shared by both fuzz targets. The time one input of up to 4 KiB may take: the target is 1 ms
// for a release build; fuzzing builds carry coverage and address-sanitizer instrumentation, so the
// fuzzers allow a margin set by FUZZ_BUDGET_US.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum FuzzBudget {
    static let nanoseconds: Int = {
        if let raw = getenv("FUZZ_BUDGET_US"), let micros = Int(String(cString: raw)) { return micros * 1000 }
        return 5_000_000
    }()

    /// Stops the run if `work` on an input of `size` bytes really takes longer than the budget. A
    /// first timing over it is measured twice more and the fastest counts: on a shared machine one
    /// timing can include the process being descheduled (a 54-byte input once "took" 52 ms in CI
    /// and 1 ms on every replay), while an input that is really slow is slow every time.
    static func check(size: Int, firstTiming elapsed: UInt64, _ work: () -> Void) {
        guard size <= 4096, elapsed > UInt64(nanoseconds) else { return }
        var fastest = elapsed
        for _ in 0..<2 {
            let start = now()
            work()
            fastest = min(fastest, now() - start)
            if fastest <= UInt64(nanoseconds) { return }
        }
        fatalError("\(size)-byte input took \(fastest / 1000) µs (fastest of three timings)")
    }

    /// A monotonic clock in nanoseconds.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
