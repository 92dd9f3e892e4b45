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

    /// A monotonic clock in nanoseconds.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
