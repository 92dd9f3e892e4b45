/// What an action does to the world, as a classifier found it.
///
/// Effects are facts, not verdicts. Their order is the order of concern: a text made of several
/// commands or statements takes the worst of them (`Effect.worst`). `unknown` ranks above `write`
/// because an action we cannot read may be anything; `destructive` ranks above `unknown` because a
/// known destructive finding is at least as bad as whatever else the text holds.
public enum Effect: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case read
    case write
    case unknown
    case destructive

    public var severity: Int {
        switch self {
        case .read: 0
        case .write: 1
        case .unknown: 2
        case .destructive: 3
        }
    }

    public static func < (lhs: Effect, rhs: Effect) -> Bool { lhs.severity < rhs.severity }

    public var description: String { rawValue }

    /// The worst of several effects; an empty sequence is `unknown`, never `read`.
    public static func worst<S: Sequence>(_ effects: S) -> Effect where S.Element == Effect {
        var result: Effect?
        for effect in effects where result == nil || effect > result! {
            result = effect
        }
        return result ?? .unknown
    }
}

/// How much human oversight an action gets. Ordered from least to most restrictive; when several
/// sources of policy speak about one action, the most restrictive wins.
public enum Tier: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// Allowed.
    case autonomous
    /// Allowed, recorded and spot-checked.
    case supervised
    /// Allowed only after the required humans approve this exact action.
    case gated
    /// Refused.
    case blocked

    public var rank: Int {
        switch self {
        case .autonomous: 0
        case .supervised: 1
        case .gated: 2
        case .blocked: 3
        }
    }

    public static func < (lhs: Tier, rhs: Tier) -> Bool { lhs.rank < rhs.rank }

    public var description: String { rawValue }

    /// Whether the action may run now without a human in the loop.
    public var allowsExecution: Bool { self == .autonomous || self == .supervised }
}
