import InterlockCore

/// The decision table, written once. Everything else in the evaluator only gathers its inputs.
///
/// Inputs, for one environment: the tier the environment's matrix gives the action's effect (if
/// any), the tiers of the rules that apply, and the tiers of the limits the action would exceed.
/// Output: the most restrictive of them; on a tie the first rule decides, then the tier matrix, then
/// the first limit (a rule is the most specific source and carries the best message; a limit only
/// decides when it is what makes the outcome stricter). Nothing at all → blocked, the default deny.
///
/// The tests restate this table independently (`ReferenceDecisionTable`) and compare the two on
/// random inputs.
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
        var best: Contribution?
        for candidate in rules where best == nil || candidate.tier > best!.tier {
            best = candidate
        }
        if let matrixTier, best == nil || matrixTier > best!.tier {
            best = Contribution(tier: matrixTier, source: .tier(environment: environment, effect: effect))
        }
        for candidate in limits where best == nil || candidate.tier > best!.tier {
            best = candidate
        }
        return best ?? Contribution(tier: .blocked, source: .defaultDeny(environment: environment))
    }
}
