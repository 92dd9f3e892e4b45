/// A kind of consequence that policies single out, beyond the four effects.
public struct Category: RawRepresentable, Sendable, Hashable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: Category, rhs: Category) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Deletes or replaces a whole environment: a stack, a cluster namespace, every resource of a plan.
    public static let teardown: Category = "teardown"
    /// Grants, revokes or changes who may do what (IAM, SQL GRANT, chmod on shared paths).
    public static let permissionChange: Category = "permission_change"
    /// Destroys data that cannot be brought back from the action itself.
    public static let dataLoss: Category = "data_loss"
    /// Turns off a protection (deletion protection, versioning, backups).
    public static let protectionOff: Category = "protection_off"
    /// Rewrites shared history (git force push).
    public static let historyRewrite: Category = "history_rewrite"
    /// Runs code or data whose content cannot be seen before it runs.
    public static let opaqueExecution: Category = "opaque_execution"
    /// Acts on Interlock itself: approves, rejects, grants, mints or revokes tokens, lifts a kill
    /// switch, or changes its store, signing key, the policy in force, the client settings that
    /// name the gateway, or the programs hosts run as hooks. Only humans do these; every policy
    /// blocks them for agents (see `PolicyEvaluator`).
    public static let interlockControl: Category = "interlock_control"
    /// Changes a host's hook settings or MCP server configuration, through which the agent's host
    /// asks Interlock before each tool call: changing them can switch the guard off.
    public static let hookConfig: Category = "hook_config"
    /// Hands credentials to the caller: temporary AWS keys (`sts:GetSessionToken`,
    /// `AssumeRole`), new access keys, registry or database tokens, stored secrets. Through the
    /// AWS proxy the proxy's own credentials would sign the call and the agent would hold what
    /// comes back, usable without Interlock.
    public static let credentialIssue: Category = "credential_issue"

    /// Categories the policy language knows; others are rejected by the validator as likely typos.
    public static let known: [Category] = [
        .teardown, .permissionChange, .dataLoss, .protectionOff, .historyRewrite, .opaqueExecution, .interlockControl, .hookConfig,
        .credentialIssue,
    ]
}

/// How many resources an action touches.
public enum BlastRadius: Sendable, Hashable, CustomStringConvertible {
    case count(Int)
    /// Recursive, wildcard, filter-based or otherwise not countable.
    case unknown

    public static func + (lhs: BlastRadius, rhs: BlastRadius) -> BlastRadius {
        switch (lhs, rhs) {
        case (.count(let a), .count(let b)): .count(a + b)
        default: .unknown
        }
    }

    public var description: String {
        switch self {
        case .count(let n): "\(n)"
        case .unknown: "unknown"
        }
    }
}

/// The facts about the world that place an action in an environment.
public enum EnvironmentFactKey: String, Sendable, Hashable, CaseIterable, Comparable {
    case awsAccount = "aws_account"
    case awsRegion = "aws_region"
    case kubeContext = "kube_context"
    case kubeNamespace = "kube_namespace"
    case databaseHost = "database_host"
    case terraformWorkspace = "terraform_workspace"
    case workingDirectory = "working_directory"
    case host
    /// The application environment a framework runs in (`RAILS_ENV`, `MIX_ENV`, `APP_ENV` …).
    case appEnvironment = "app_environment"

    public static func < (lhs: EnvironmentFactKey, rhs: EnvironmentFactKey) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Environment facts found in an action; a key may carry several values (two kube contexts in one
/// command line).
public struct EnvironmentFacts: Sendable, Hashable {
    // One slot per key, indexed by `EnvironmentFactKey.slot`: looking a fact up hashes nothing.
    // Empty until the first fact arrives: most actions carry none, and every classification
    // starts with an empty set of facts.
    private var slots: [[String]] = []

    public init(_ values: [EnvironmentFactKey: [String]] = [:]) {
        for (key, list) in values {
            for value in list { add(key, value) }
        }
    }

    public subscript(key: EnvironmentFactKey) -> [String] {
        slots.isEmpty ? [] : slots[key.slot]
    }

    /// Every key that has at least one value.
    public var values: [EnvironmentFactKey: [String]] {
        var out: [EnvironmentFactKey: [String]] = [:]
        for key in EnvironmentFactKey.allCases where !self[key].isEmpty { out[key] = self[key] }
        return out
    }

    public mutating func add(_ key: EnvironmentFactKey, _ value: String) {
        guard !value.isEmpty else { return }
        if slots.isEmpty { slots = Array(repeating: [], count: EnvironmentFactKey.allCases.count) }
        guard !slots[key.slot].contains(value) else { return }
        slots[key.slot].append(value)
    }

    public mutating func merge(_ other: EnvironmentFacts) {
        for key in EnvironmentFactKey.allCases {
            for value in other[key] { add(key, value) }
        }
    }

    public var isEmpty: Bool { slots.allSatisfy(\.isEmpty) }

    // Equality by content: no slots and empty slots are the same facts.
    public static func == (lhs: EnvironmentFacts, rhs: EnvironmentFacts) -> Bool {
        EnvironmentFactKey.allCases.allSatisfy { lhs[$0] == rhs[$0] }
    }

    public func hash(into hasher: inout Hasher) {
        for key in EnvironmentFactKey.allCases { hasher.combine(self[key]) }
    }
}

extension EnvironmentFactKey {
    /// A dense index for array storage.
    var slot: Int {
        switch self {
        case .awsAccount: 0
        case .awsRegion: 1
        case .kubeContext: 2
        case .kubeNamespace: 3
        case .databaseHost: 4
        case .terraformWorkspace: 5
        case .workingDirectory: 6
        case .host: 7
        case .appEnvironment: 8
        }
    }
}

/// One thing a classifier found, with the reason in words a reviewer reads.
public struct Finding: Sendable, Hashable {
    /// The operation, namespaced by family: `shell:rm`, `sql:drop_table`, `aws:ec2:TerminateInstances`.
    public var operation: String
    public var effect: Effect
    public var targets: [String]
    /// False when the operation has targets that could not be determined (a glob, a variable).
    public var targetsComplete: Bool
    public var blastRadius: BlastRadius
    public var categories: Set<Category>
    public var reason: String
    /// True when the operation acts on what lies beneath its targets as well as on them: a
    /// recursive change, an archive extracted into a directory, a directory's contents copied
    /// there. Whatever is kept in such a directory is touched without being named.
    public var reachesBeneathTargets: Bool

    public init(
        operation: String, effect: Effect, targets: [String] = [], targetsComplete: Bool = true,
        blastRadius: BlastRadius? = nil, categories: Set<Category> = [], reason: String, reachesBeneathTargets: Bool = false
    ) {
        self.operation = operation
        self.effect = effect
        self.targets = targets
        self.targetsComplete = targetsComplete
        self.blastRadius = blastRadius ?? (targetsComplete ? .count(targets.count) : .unknown)
        self.categories = categories
        self.reason = reason
        self.reachesBeneathTargets = reachesBeneathTargets
    }
}

/// The facts a classifier established about an action. Never a verdict: the policy decides.
public struct Classification: Sendable, Hashable {
    public private(set) var findings: [Finding]
    public private(set) var effect: Effect
    public private(set) var operations: [String]
    public private(set) var targets: [String]
    public private(set) var targetsComplete: Bool
    public private(set) var blastRadius: BlastRadius
    public private(set) var categories: Set<Category>
    public var estimatedCostUSD: Double?
    public var environmentFacts: EnvironmentFacts
    /// Files (and directory listings, keyed with a trailing `/`) the facts were read from, with
    /// their `DocumentDigest`s: an approval binds to them as well as to the action
    /// (`ActionDigest.binding`). The gateway fills it in from what its view of the disk served
    /// during the classification; classifiers leave it empty.
    public var documents: [String: String] = [:]

    /// Builds the summary from the findings. No finding at all means the classifier could not tell
    /// what the action does: the effect is `unknown`.
    public init(findings: [Finding], estimatedCostUSD: Double? = nil, environmentFacts: EnvironmentFacts = EnvironmentFacts()) {
        self.findings = []
        self.effect = .unknown
        self.operations = []
        self.targets = []
        self.targetsComplete = true
        self.blastRadius = .count(0)
        self.categories = []
        self.estimatedCostUSD = estimatedCostUSD
        self.environmentFacts = environmentFacts
        operations.reserveCapacity(findings.count)
        var seen = Seen(switchesToSets: true)
        for (index, finding) in findings.enumerated() { absorb(finding, isFirst: index == 0, seen: &seen) }
        self.findings = findings
    }

    /// Which operations and targets the summary holds already. They keep first-seen order without
    /// repeats; while there are few of them a scan finds repeats fastest, past 16 sets do (a line
    /// of 500 commands must not cost 500² comparisons).
    private struct Seen {
        var switchesToSets: Bool
        var operations: Set<String>?
        var targets: Set<String>?
    }

    /// Adds one finding to the summary (not to `findings`).
    private mutating func absorb(_ finding: Finding, isFirst: Bool, seen: inout Seen) {
        effect = isFirst ? finding.effect : max(effect, finding.effect)
        // The sets are mutated through the optionals, in place: a copy would be copied on every insert.
        if seen.operations != nil {
            if seen.operations!.insert(finding.operation).inserted { operations.append(finding.operation) }
        } else if !operations.contains(finding.operation) {
            operations.append(finding.operation)
            if seen.switchesToSets, operations.count > 16 { seen.operations = Set(operations) }
        }
        for target in finding.targets {
            if seen.targets != nil {
                if seen.targets!.insert(target).inserted { targets.append(target) }
            } else if !targets.contains(target) {
                targets.append(target)
                if seen.switchesToSets, targets.count > 16 { seen.targets = Set(targets) }
            }
        }
        targetsComplete = targetsComplete && finding.targetsComplete
        // Reads do not count toward the blast radius: it measures what can be damaged.
        if finding.effect != .read { blastRadius = blastRadius + finding.blastRadius }
        // The first categories are taken as they are (sharing their storage), not copied in.
        if !finding.categories.isEmpty {
            if categories.isEmpty { categories = finding.categories } else { categories.formUnion(finding.categories) }
        }
    }

    /// Facts that say only "we could not tell", with the reason.
    public static func unknown(operation: String, reason: String, environmentFacts: EnvironmentFacts = EnvironmentFacts()) -> Classification {
        Classification(
            findings: [Finding(operation: operation, effect: .unknown, targetsComplete: false, reason: reason)],
            environmentFacts: environmentFacts)
    }

    public mutating func add(_ finding: Finding) {
        // One finding at a time: a scan of what is there, no sets built to be thrown away.
        var seen = Seen(switchesToSets: false)
        absorb(finding, isFirst: findings.isEmpty, seen: &seen)
        findings.append(finding)
    }

    /// Combines facts from two sources; the result is never milder than either.
    public func merging(_ other: Classification) -> Classification {
        var merged = self
        for finding in other.findings { merged.add(finding) }
        merged.environmentFacts.merge(other.environmentFacts)
        if !other.documents.isEmpty { merged.documents.merge(other.documents) { first, _ in first } }
        switch (estimatedCostUSD, other.estimatedCostUSD) {
        case (let a?, let b?): merged.estimatedCostUSD = a + b
        case (let a?, nil): merged.estimatedCostUSD = a
        case (nil, let b?): merged.estimatedCostUSD = b
        case (nil, nil): merged.estimatedCostUSD = nil
        }
        return merged
    }
}
