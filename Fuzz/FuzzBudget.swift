// The time one input of up to 4 KiB may take. The target is 1 ms for a release build; fuzzing
// builds carry coverage instrumentation, so the fuzzers allow a margin set by FUZZ_BUDGET_US.
enum FuzzBudget {
    static let nanoseconds: Int = {
        #if canImport(Glibc)
        if let raw = getenv("FUZZ_BUDGET_US"), let micros = Int(String(cString: raw)) { return micros * 1000 }
        #endif
        return 5_000_000
    }()
}

#if canImport(Glibc)
import Glibc
#endif
