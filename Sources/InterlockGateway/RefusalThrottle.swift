/// Keeps refusals that happen before there is an action (a bad signature, an unknown key) from
/// flooding the audit log: anyone can send those, as fast as they like. Per principal, the first
/// `burst` refusals of each window are recorded one by one; the rest are only counted, and one
/// summary entry per window says how many there were and the last reason. Nothing goes unrecorded:
/// a flood becomes a count.
///
/// Pure bookkeeping: the caller asks before recording and collects the summaries due.
public struct RefusalThrottle: Sendable {
    /// What the caller records for the refusals past the burst of one window.
    public struct Summary: Sendable, Equatable {
        public var principal: String
        public var count: Int
        public var fromMicros: Int64
        public var toMicros: Int64
        public var lastReason: String

        public init(principal: String, count: Int, fromMicros: Int64, toMicros: Int64, lastReason: String) {
            self.principal = principal
            self.count = count
            self.fromMicros = fromMicros
            self.toMicros = toMicros
            self.lastReason = lastReason
        }
    }

    public let burst: Int
    public let windowMicros: Int64
    private var windows: [String: Window] = [:]

    private struct Window: Sendable {
        var startMicros: Int64
        var recorded = 0
        var suppressed = 0
        var lastSuppressedMicros: Int64 = 0
        var lastReason = ""
    }

    public init(burst: Int = 20, windowSeconds: Int64 = 60) {
        self.burst = burst
        self.windowMicros = windowSeconds * 1_000_000
    }

    /// Whether this refusal is recorded on its own (true) or counted into its window's summary;
    /// a summary of the principal's previous window, when that has closed, comes back to record first.
    public mutating func admit(principal: String, reason: String, now: Int64) -> (recordThis: Bool, closed: Summary?) {
        var closed: Summary?
        var window = windows[principal] ?? Window(startMicros: now)
        if now - window.startMicros >= windowMicros {
            closed = Self.summary(principal, window)
            window = Window(startMicros: now)
        }
        defer { windows[principal] = window }
        if window.recorded < burst {
            window.recorded += 1
            return (true, closed)
        }
        window.suppressed += 1
        window.lastSuppressedMicros = now
        window.lastReason = reason
        return (false, closed)
    }

    /// Summaries of every window that has closed by `now`; their principals start afresh.
    public mutating func closeWindows(now: Int64) -> [Summary] {
        var due: [Summary] = []
        for (principal, window) in windows where now - window.startMicros >= windowMicros {
            if let summary = Self.summary(principal, window) { due.append(summary) }
            windows[principal] = nil
        }
        return due.sorted { ($0.fromMicros, $0.principal) < ($1.fromMicros, $1.principal) }
    }

    private static func summary(_ principal: String, _ window: Window) -> Summary? {
        guard window.suppressed > 0 else { return nil }
        return Summary(principal: principal, count: window.suppressed, fromMicros: window.startMicros,
                       toMicros: window.lastSuppressedMicros, lastReason: window.lastReason)
    }
}
