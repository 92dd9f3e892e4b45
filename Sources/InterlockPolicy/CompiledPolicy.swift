import InterlockCore

/// A policy laid out for evaluation: rules and environments behind class references (so that
/// iterating them copies nothing), and the set-valued conditions as bit masks.
final class CompiledPolicy: Sendable {
    let rules: [CompiledRule]
    let environments: [CompiledEnvironment]
    let environmentsByName: [String: CompiledEnvironment]
    let limits: [Limit]
    /// Bit per literal operation prefix that some rule's pattern starts with (`aws`, `aws:ec2`,
    /// `shell:rm`); prefixes past the 63rd share bit 63. See `operationPrefixMask`.
    let operationPrefixBits: [Substring: UInt64]

    init(_ policy: Policy) {
        let envs = policy.environments.enumerated().map { CompiledEnvironment($0.element, index: $0.offset) }
        environments = envs
        environmentsByName = Dictionary(envs.map { ($0.definition.name, $0) }, uniquingKeysWith: { first, _ in first })
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
        limits = policy.limits
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

    static func categoryBit(_ category: Category) -> UInt64 {
        guard let index = Category.known.firstIndex(of: category) else { return 1 << 63 }
        return 1 << UInt64(index)
    }
}

final class CompiledEnvironment: Sendable {
    let definition: EnvironmentDefinition
    /// A bit per environment; policies with more than 63 environments share the top bit, which
    /// only makes rules match more environments, never fewer.
    let bit: UInt64
    /// Tiers indexed by `Effect.severity`.
    let tiers: [Tier?]

    init(_ definition: EnvironmentDefinition, index: Int) {
        self.definition = definition
        self.bit = 1 << UInt64(min(index, 63))
        var tiers = [Tier?](repeating: nil, count: Effect.allCases.count)
        for (effect, tier) in definition.tiers { tiers[effect.severity] = tier }
        self.tiers = tiers
    }
}

final class CompiledRule: Sendable {
    let rule: Rule
    let id: String
    let decision: Tier
    let tightens: Bool
    let environmentMask: UInt64
    let effectMask: UInt8
    let channelMask: UInt8
    let categoryMask: UInt64?
    // Conditions hoisted out of `rule.match`, so that reading one does not copy the others.
    let operations: CompiledGlobSet?
    let targets: CompiledGlobSet?
    let principals: CompiledGlobSet?
    let launchedBy: CompiledGlobSet?
    let tasks: CompiledGlobSet?

    /// Bits of the literal prefixes of the rule's operation patterns; all ones when some pattern
    /// has none, or when the rule has no operation condition.
    let operationPrefixMask: UInt64
    /// The rule's message without trailing full stops, ready for suffixes.
    let message: String?

    init(_ rule: Rule, environments: [CompiledEnvironment], prefixBits: [Substring: UInt64]) {
        self.rule = rule
        var message = rule.message
        while message?.last == "." { message?.removeLast() }
        self.message = message
        var prefixMask: UInt64 = 0
        for pattern in rule.match.operations?.patterns ?? [] {
            guard let prefix = CompiledPolicy.literalSegmentPrefix(pattern), let bit = prefixBits[Substring(prefix)] else {
                prefixMask = .max
                break
            }
            prefixMask |= bit
        }
        operationPrefixMask = rule.match.operations == nil ? .max : prefixMask
        operations = rule.match.operations.map(CompiledGlobSet.init)
        targets = rule.match.targets.map(CompiledGlobSet.init)
        principals = rule.match.principals.map(CompiledGlobSet.init)
        launchedBy = rule.match.launchedBy.map(CompiledGlobSet.init)
        tasks = rule.match.tasks.map(CompiledGlobSet.init)
        self.id = rule.id
        self.decision = rule.decision
        self.tightens = rule.tightens
        if let names = rule.match.environments {
            environmentMask = environments.filter { names.contains($0.definition.name) }.reduce(0) { $0 | $1.bit }
        } else {
            environmentMask = .max
        }
        effectMask = rule.match.effects.map { $0.reduce(0) { $0 | FactsView.effectBit($1) } } ?? .max
        channelMask = rule.match.channels.map { $0.reduce(0) { $0 | FactsView.channelBit($1) } } ?? .max
        categoryMask = rule.match.categories.map { $0.reduce(0) { $0 | CompiledPolicy.categoryBit($1) } }
    }
}

/// What the rules look at, computed once per decision.
struct FactsView {
    let action: Action
    let facts: Classification
    let effectBit: UInt8
    let channelBit: UInt8
    let categoryMask: UInt64
    let operationPrefixMask: UInt64

    init(action: Action, facts: Classification, compiled: CompiledPolicy) {
        self.action = action
        self.facts = facts
        self.operationPrefixMask = compiled.operationPrefixMask(facts.operations)
        self.effectBit = Self.effectBit(facts.effect)
        self.channelBit = Self.channelBit(action.channel)
        self.categoryMask = facts.categories.reduce(0) { $0 | CompiledPolicy.categoryBit($1) }
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
