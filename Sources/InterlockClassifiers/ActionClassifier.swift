import InterlockCore

/// Turns one family of inputs into facts. Pure: no I/O, no clock, no policy.
public protocol ActionClassifier: Sendable {
    /// Facts about the action, or nil when the action is not of this classifier's family.
    func classify(_ action: Action) -> Classification?
}

/// The classifiers Interlock consults, in order; the first that recognises an action classifies it.
///
/// Whatever no classifier recognises is `unknown`, never `read`. Environment facts that every input
/// carries on its face (an AWS request's account and region, a SQL connection's host) are added
/// here, so that environment resolution does not depend on which family classifiers exist.
public struct ClassifierSet: Sendable {
    public var classifiers: [any ActionClassifier]
    /// Interlock's own files and the hosts' hook settings: whatever family an action is, a finding
    /// that changes one of them says so (`GuardedPaths`).
    public var guarded: GuardedPaths
    /// The disk's symbolic links, for the paths of editor and MCP tools: a write to
    /// `/tmp/x/settings.json` where `x` leads to `~/.claude` is a write to the hook settings.
    /// (The shell classifier follows them itself, with the links its line makes.)
    public var links: any FileSystemView

    public init(_ classifiers: [any ActionClassifier], guarded: GuardedPaths = GuardedPaths(), links: any FileSystemView = OpaqueFileSystem()) {
        self.classifiers = classifiers
        self.guarded = guarded
        self.links = links
    }

    /// Every classifier this build has, with no view of the disk: what depends on files
    /// (overwrites, scripts) is `unknown`; no MCP server is trusted.
    public static let standard = standard(fileSystem: OpaqueFileSystem())

    /// Every classifier this build has, seeing files through `fileSystem` and believing the MCP
    /// servers `mcpTrust` names (from the policy).
    /// `guarded` names the Interlock home and policy file the edge runs with.
    public static func standard(fileSystem: any FileSystemView, mcpTrust: MCPTrust = MCPTrust(), guarded: GuardedPaths = GuardedPaths()) -> ClassifierSet {
        let shell = ShellClassifier(fileSystem: fileSystem)
        return ClassifierSet([
            FileChangeClassifier(), shell, SQLClassifier(), AWSClassifier(), TerraformPlanClassifier(),
            MCPToolClassifier(trust: mcpTrust, shell: shell),
        ], guarded: guarded, links: fileSystem)
    }

    public func classify(_ action: Action) -> Classification {
        var facts: Classification?
        for classifier in classifiers {
            if let found = classifier.classify(action) {
                facts = found
                break
            }
        }
        var result =
            facts
            ?? .unknown(
                operation: "\(action.input.kind):unclassified",
                reason: "no classifier in this build understands \(action.input.kind) input, so its effect is unknown")
        result.environmentFacts.merge(Self.inputEnvironmentFacts(action))
        switch action.input {
        case .file, .tool:
            guard links.showsLinks else { break }
            var findings = links.withPhysicalTargets(result.findings)
            // A path that leads to a credentials file reads that file.
            let named = Set(result.findings.flatMap(\.targets))
            for target in Set(findings.flatMap(\.targets)).subtracting(named).sorted() where CredentialFiles.mayName(target) {
                guard let reason = CredentialFiles.reason(target, directories: true) else { continue }
                findings.append(Finding(operation: "\(result.operations.first ?? "tool"):credentials", effect: .read, targets: [target], categories: [.credentialIssue],
                                        reason: "a path the tool is given leads to `\(target)`: \(reason), which the agent then holds"))
            }
            var followed = Classification(findings: findings, estimatedCostUSD: result.estimatedCostUSD,
                                          environmentFacts: result.environmentFacts)
            followed.documents = result.documents
            result = followed
        default:
            break
        }
        return guarded.mark(result)
    }

    static func inputEnvironmentFacts(_ action: Action) -> EnvironmentFacts {
        var facts = EnvironmentFacts()
        switch action.input {
        case .aws(let request):
            if let account = request.account { facts.add(.awsAccount, account) }
            if let region = request.region { facts.add(.awsRegion, region) }
        case .sql(let sql):
            if let host = sql.databaseHost { facts.add(.databaseHost, host) }
        case .shell, .tool, .file, .plan:
            break
        }
        return facts
    }
}
