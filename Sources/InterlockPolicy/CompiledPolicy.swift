import InterlockCore

/// A policy laid out for evaluation. What the evaluator scans for every decision (rule guards,
/// limit thresholds) is kept in arrays of plain values, so that scanning them touches no reference
/// counts; what only matching rules need (globs, ids, messages) sits behind class references.
final class CompiledPolicy: Sendable {
    let rules: [CompiledRule]
    /// Parallel to `rules`: the conditions that are bit tests, and the rule's tier.
    let guards: [RuleGuard]
    let environments: [CompiledEnvironment]
    let defaultEnvironmentIndex: Int?
    let limits: [Limit]
    /// Parallel to `limits`.
    let limitGuards: [LimitGuard]
    /// Parallel to `limits`: the principals a limit is restricted to.
    let limitPrincipals: [CompiledGlobSet?]
    /// Bit per literal operation prefix that some rule's pattern starts with (`aws`, `aws:ec2`,
    /// `shell:rm`); prefixes past the 63rd share bit 63. See `operationPrefixMask`.
    let operationPrefixBits: [Substring: UInt64]

    init(_ policy: Policy) {
        let envs = policy.environments.enumerated().map { CompiledEnvironment($0.element, index: $0.offset, policy: policy) }
        environments = envs
        defaultEnvironmentIndex = envs.firstIndex { $0.definition.name == policy.defaultEnvironment }
        var bits: [Substring: UInt64] = [:]
        for rule in policy.rules {
            for pattern in rule.match.operations?.patterns ?? [] {
                if let prefix = Self.literalSegmentPrefix(pattern), bits[Substring(prefix)] == nil {
                    bits[Substring(prefix)] = 1 << UInt64(min(bits.count, 63))
                }
            }
        }
        operationPrefixBits = bits
        rules = policy.rules.map { CompiledRule($0, environments: envs, prefixBits: bits) }
        guards = rules.map(\.guard)
        limits = policy.limits
        limitGuards = policy.limits.map { LimitGuard($0, environments: envs) }
        limitPrincipals = policy.limits.map { $0.principals.map(CompiledGlobSet.init) }
    }

    /// The index of the environment with this name. Policies name a handful of environments, so a
    /// scan is cheaper than hashing the name.
    func environmentIndex(named name: String) -> Int? {
        environments.firstIndex { $0.definition.name == name }
    }

    /// The longest run of whole `:`-separated segments before the first wildcard: `aws:*:Delete*` →
    /// `aws`, `aws:ec2:Delete*` → `aws:ec2`, `shell:rm` → `shell:rm`; nil when even the first segment
    /// holds a wildcard.
    static func literalSegmentPrefix(_ pattern: String) -> String? {
        let wildcard = pattern.firstIndex { $0 == "*" || $0 == "?" || $0 == "[" || $0 == "\\" }
        guard let wildcard else { return pattern }
        guard let colon = pattern[..<wildcard].lastIndex(of: ":") else { return nil }
        return String(pattern[..<colon])
    }

    /// The bits of every segment prefix of the operations (`aws`, `aws:ec2`, `aws:ec2:TerminateInstances`).
    /// A rule whose operation patterns all have literal prefixes can match only operations whose
    /// mask shares a bit with the rule's: a necessary condition, so skipping on it changes no answer.
    func operationPrefixMask(_ operations: [String]) -> UInt64 {
        var mask: UInt64 = 0
        for op in operations {
            let whole = Substring(op)
            if let bit = operationPrefixBits[whole] { mask |= bit }
            // Scan bytes, not Characters: operations are ASCII and grapheme breaking is slow.
            let utf8 = whole.utf8
            var index = utf8.startIndex
            while index != utf8.endIndex {
                if utf8[index] == UInt8(ascii: ":"), let bit = operationPrefixBits[whole[..<index]] { mask |= bit }
                index = utf8.index(after: index)
            }
        }
        return mask
    }

    /// The bits of the named environments; all ones when a rule or limit names none (it covers
    /// every environment).
    static func environmentMask(_ names: Set<String>?, in environments: [CompiledEnvironment]) -> UInt64 {
        guard let names else { return .max }
        return environments.filter { names.contains($0.definition.name) }.reduce(0) { $0 | $1.bit }
    }

    static func categoryBit(_ category: Category) -> UInt64 {
        guard let index = Category.known.firstIndex(of: category) else { return 1 << 63 }
        return 1 << UInt64(index)
    }
}

final class CompiledEnvironment: Sendable {
    let definition: EnvironmentDefinition
    /// A bit per environment; policies with more than 63 environments share the top bit, which
    /// only makes rules and limits apply to more environments, never fewer.
    let bit: UInt64
    /// Tiers indexed by `Effect.severity`.
    let tiers: [Tier?]
    /// Indexed by `Effect.severity`: the message of a decision this environment's tier matrix
    /// makes, before any approval suffix (built here once instead of for every decision).
    let matrixMessages: [String?]
    let matchers: [[(key: EnvironmentFactKey, globs: CompiledGlobSet)]]
    /// The approval the environment's tiers ask for, and its summary.
    let approval: ApprovalRequirement
    let approvalSummary: String

    init(_ definition: EnvironmentDefinition, index: Int, policy: Policy) {
        self.definition = definition
        self.bit = 1 << UInt64(min(index, 63))
        var tiers = [Tier?](repeating: nil, count: Effect.allCases.count)
        var messages = [String?](repeating: nil, count: Effect.allCases.count)
        for (effect, tier) in definition.tiers {
            tiers[effect.severity] = tier
            messages[effect.severity] = DecisionMessage.base(
                tier: tier, source: .tier(environment: definition.name, effect: effect), effect: effect, environment: definition.name)
        }
        self.tiers = tiers
        self.matrixMessages = messages
        self.matchers = definition.matchers.map { $0.conditions.map { (key: $0.key, globs: CompiledGlobSet($0.globs)) } }
        self.approval = definition.approval ?? policy.defaultApproval
        self.approvalSummary = approval.summary
    }
}

/// The conditions of a rule that are bit tests, with its tier: everything the evaluator needs to
/// rule out most rules for an action without touching the rule itself.
struct RuleGuard {
    enum CategoryTest {
        case none
        /// Some category of the action is among the rule's (tightening rules).
        case any
        /// The action has categories and all are among the rule's (loosening rules).
        case only
    }

    var environmentMask: UInt64
    /// All ones means "no usable prefix": the rule must be evaluated whatever the operations.
    var operationPrefixMask: UInt64
    var categoryMask: UInt64
    var effectMask: UInt8
    var channelMask: UInt8
    var categoryTest: CategoryTest
    var decision: Tier
    var tightens: Bool
    /// Whether glob conditions remain after the bit tests.
    var hasGlobConditions: Bool

    @inline(__always)
    func admits(_ masks: FactMasks, environments: UInt64) -> Bool {
        if environmentMask & environments == 0 || effectMask & masks.effectBit == 0 || channelMask & masks.channelBit == 0 { return false }
        if operationPrefixMask != .max && operationPrefixMask & masks.operationPrefixMask == 0 { return false }
        switch categoryTest {
        case .none: return true
        case .any: return masks.categoryMask & categoryMask != 0
        case .only: return masks.categoryMask != 0 && masks.categoryMask & ~categoryMask == 0
        }
    }
}

final class CompiledRule: Sendable {
    let rule: Rule
    let id: String
    let decision: Tier
    let tightens: Bool
    let `guard`: RuleGuard
    // Conditions hoisted out of `rule.match`, so that reading one does not copy the others.
    let operations: CompiledGlobSet?
    let targets: CompiledGlobSet?
    let principals: CompiledGlobSet?
    let launchedBy: CompiledGlobSet?
    let tasks: CompiledGlobSet?
    /// The rule's message without trailing full stops, ready for suffixes.
    let message: String?
    /// The summary of the rule's own approval requirement, if it has one.
    let approvalSummary: String?

    init(_ rule: Rule, environments: [CompiledEnvironment], prefixBits: [Substring: UInt64]) {
        self.rule = rule
        var message = rule.message
        while message?.last == "." { message?.removeLast() }
        self.message = message
        self.approvalSummary = rule.approval?.summary
        var prefixMask: UInt64 = 0
        for pattern in rule.match.operations?.patterns ?? [] {
            guard let prefix = CompiledPolicy.literalSegmentPrefix(pattern), let bit = prefixBits[Substring(prefix)] else {
                prefixMask = .max
                break
            }
            prefixMask |= bit
        }
        operations = rule.match.operations.map(CompiledGlobSet.init)
        targets = rule.match.targets.map(CompiledGlobSet.init)
        principals = rule.match.principals.map(CompiledGlobSet.init)
        launchedBy = rule.match.launchedBy.map(CompiledGlobSet.init)
        tasks = rule.match.tasks.map(CompiledGlobSet.init)
        self.id = rule.id
        self.decision = rule.decision
        self.tightens = rule.tightens
        let environmentMask = CompiledPolicy.environmentMask(rule.match.environments, in: environments)
        let categoryTest: RuleGuard.CategoryTest = rule.match.categories == nil ? .none : (rule.tightens ? .any : .only)
        self.guard = RuleGuard(
            environmentMask: environmentMask,
            operationPrefixMask: rule.match.operations == nil ? .max : prefixMask,
            categoryMask: rule.match.categories.map { $0.reduce(0) { $0 | CompiledPolicy.categoryBit($1) } } ?? 0,
            effectMask: rule.match.effects.map { $0.reduce(0) { $0 | FactMasks.effectBit($1) } } ?? .max,
            channelMask: rule.match.channels.map { $0.reduce(0) { $0 | FactMasks.channelBit($1) } } ?? .max,
            categoryTest: categoryTest, decision: rule.decision, tightens: rule.tightens,
            hasGlobConditions: operations != nil || targets != nil || principals != nil || launchedBy != nil || tasks != nil)
    }
}

/// A limit's thresholds and environments as plain values.
struct LimitGuard {
    var environmentMask: UInt64
    var maxResources: Int?
    var maxCostUSD: Double?
    var maxCostPerDayUSD: Double?
    var maxCostPerTaskUSD: Double?
    var writesPerMinute: Int?
    var destructivePerMinute: Int?
    var destructivePerHour: Int?
    var onExceed: Tier

    init(_ limit: Limit, environments: [CompiledEnvironment]) {
        environmentMask = CompiledPolicy.environmentMask(limit.environments, in: environments)
        maxResources = limit.maxResources
        maxCostUSD = limit.maxCostUSD
        maxCostPerDayUSD = limit.maxCostPerDayUSD
        maxCostPerTaskUSD = limit.maxCostPerTaskUSD
        writesPerMinute = limit.writesPerMinute
        destructivePerMinute = limit.destructivePerMinute
        destructivePerHour = limit.destructivePerHour
        onExceed = limit.onExceed
    }
}

/// What the rule guards test, computed once per decision.
struct FactMasks {
    let effectBit: UInt8
    let channelBit: UInt8
    let categoryMask: UInt64
    let operationPrefixMask: UInt64

    init(action: Action, facts: Classification, compiled: CompiledPolicy) {
        self.operationPrefixMask = compiled.operationPrefixMask(facts.operations)
        self.effectBit = Self.effectBit(facts.effect)
        self.channelBit = Self.channelBit(action.channel)
        var categories: UInt64 = 0
        for category in facts.categories { categories |= CompiledPolicy.categoryBit(category) }
        self.categoryMask = categories
    }

    static func effectBit(_ effect: Effect) -> UInt8 { 1 << UInt8(effect.severity) }

    static func channelBit(_ channel: Channel) -> UInt8 {
        switch channel {
        case .hook: 1 << 0
        case .mcp: 1 << 1
        case .awsAPI: 1 << 2
        case .httpAPI: 1 << 3
        case .cli: 1 << 4
        }
    }
}

/// A glob set behind a class reference, with its programs pre-extracted.
final class CompiledGlobSet: Sendable {
    let programs: [Glob.Program]
    let separators: [UInt8]

    init(_ set: GlobSet) {
        programs = set.globs.map(\.program)
        separators = set.globs.map(\.separator.rawValue)
    }

    /// Same answer as `GlobSet.matches`.
    func matches(_ text: String) -> Bool? {
        GlobSet.anyMatches(text, count: programs.count) { Glob.run(programs[$0], separator: separators[$0], $1) }
    }
}
