import InterlockCore

/// The decision table, written once. Everything else in the evaluator only gathers its inputs.
///
/// Inputs, for one environment: the tier the environment's matrix gives the action's effect (if
/// any), the tiers of the rules that apply, and the tiers of the limits the action would exceed.
/// Output: the most restrictive of them; on a tie the first rule decides, then the tier matrix, then
/// the first limit (a rule is the most specific source and carries the best message; a limit only
/// decides when it is what makes the outcome stricter). Nothing at all → blocked, the default deny.
///
/// The tie-break lives in `Strictest`, which the evaluator also uses over its own compact sources
/// (`PolicyEvaluator.outcome`, offering rules, then the matrix, then limits, as here). The tests
/// restate this table independently (`ReferenceDecisionTable`) and compare both this type and the
/// evaluator with it on random inputs.
public enum DecisionTable {
    public struct Contribution: Sendable, Hashable {
        public var tier: Tier
        public var source: DecisionSource

        public init(tier: Tier, source: DecisionSource) {
            self.tier = tier
            self.source = source
        }
    }

    public static func decide(
        environment: String, matrixTier: Tier?, effect: Effect,
        rules: [Contribution], limits: [Contribution]
    ) -> Contribution {
        var table = Accumulator()
        for rule in rules { table.offerRule(rule) }
        table.offerMatrix(matrixTier, environment: environment, effect: effect)
        for limit in limits { table.offerLimit(limit) }
        return table.result(environment: environment)
    }

    /// The most restrictive tier offered, and its source: a later offer replaces the current one
    /// only when it is strictly more restrictive, so among equals the first offered stays.
    public struct Strictest<Source> {
        public private(set) var best: (tier: Tier, source: Source)?

        public init() {}

        @inline(__always)
        public mutating func offer(_ tier: Tier, _ source: Source) {
            if best == nil || tier > best!.tier { best = (tier, source) }
        }
    }

    /// The same table, fed one source at a time so that the evaluator keeps no lists.
    /// Sources must be offered in the table's order: rules, then the matrix, then limits; a later
    /// source replaces the current one only when it is strictly more restrictive.
    public struct Accumulator: Sendable {
        private var strictest = Strictest<DecisionSource>()
        public var best: Contribution? { strictest.best.map { Contribution(tier: $0.tier, source: $0.source) } }

        public init() {}

        public mutating func offerRule(_ c: Contribution) { offer(c) }

        public mutating func offerMatrix(_ tier: Tier?, environment: String, effect: Effect) {
            if let tier { offer(Contribution(tier: tier, source: .tier(environment: environment, effect: effect))) }
        }

        public mutating func offerLimit(_ c: Contribution) { offer(c) }

        private mutating func offer(_ c: Contribution) { strictest.offer(c.tier, c.source) }

        /// The decision; nothing offered means blocked, the default deny.
        public func result(environment: String) -> Contribution {
            best ?? Contribution(tier: .blocked, source: .defaultDeny(environment: environment))
        }
    }
}

extension DecisionTable.Strictest: Sendable where Source: Sendable {}
