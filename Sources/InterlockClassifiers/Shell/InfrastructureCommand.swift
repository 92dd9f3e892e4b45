import InterlockCore

/// One invocation of an infrastructure CLI found in a command line: `aws`, `kubectl`, `helm`,
/// `terraform`, `tofu`, `pulumi`, `cdk`, `gcloud`, `az` and their kin.
public struct InfrastructureInvocation: Sendable, Hashable {
    public var tool: String
    /// The arguments after the tool's name; nil where a value is computed at run time.
    public var arguments: [String?]
    /// The arguments as written, for reasons.
    public var displays: [String]

    public init(tool: String, arguments: [String?], displays: [String]) {
        self.tool = tool
        self.arguments = arguments
        self.displays = displays
    }

    /// The value of a `--name value` or `--name=value` option.
    public func option(_ names: String...) -> String? {
        for (index, argument) in arguments.enumerated() {
            guard let argument else { continue }
            for name in names {
                if argument == name, index + 1 < arguments.count { return arguments[index + 1] }
                if argument.hasPrefix(name + "=") { return String(argument.dropFirst(name.count + 1)) }
            }
        }
        return nil
    }
}

/// Classifies infrastructure CLIs for the shell classifier. The cloud and infrastructure
/// classifiers (AWS, kubectl/helm, Terraform/OpenTofu) plug in here.
public protocol InfrastructureCommandClassifier: Sendable {
    func classify(_ invocation: InfrastructureInvocation) -> [Finding]
    /// Facts that place the invocation in an environment (`--context`, `--namespace`, `--region`).
    func environmentFacts(_ invocation: InfrastructureInvocation) -> [(EnvironmentFactKey, String)]
}

/// Until the infrastructure classifiers land: help and version forms are reads; everything else
/// is `unknown`, so nothing an infrastructure CLI does can pass as harmless.
public struct PendingInfrastructureClassifier: InfrastructureCommandClassifier {
    public init() {}

    public func classify(_ invocation: InfrastructureInvocation) -> [Finding] {
        let words = invocation.arguments.compactMap { $0 }.filter { !$0.hasPrefix("-") }
        if invocation.arguments.contains(where: { $0 == "--help" || $0 == "-h" || $0 == "--version" }) || words == ["version"] || words.last == "help" || invocation.arguments.isEmpty {
            return [Finding(operation: "\(invocation.tool):help", effect: .read, reason: "`\(invocation.tool)` prints help or its version")]
        }
        let verb = words.prefix(2).joined(separator: " ")
        return [Finding(
            operation: "\(invocation.tool):unclassified", effect: .unknown, targetsComplete: false,
            reason: "`\(invocation.tool) \(verb)` needs the infrastructure classifier, which this build does not have; its effect is unknown")]
    }

    public func environmentFacts(_ invocation: InfrastructureInvocation) -> [(EnvironmentFactKey, String)] {
        var facts: [(EnvironmentFactKey, String)] = []
        switch invocation.tool {
        case "kubectl", "oc", "helm":
            if let context = invocation.option("--context", "--kube-context") { facts.append((.kubeContext, context)) }
            if let namespace = invocation.option("-n", "--namespace") { facts.append((.kubeNamespace, namespace)) }
        case "aws":
            if let region = invocation.option("--region") { facts.append((.awsRegion, region)) }
        case "terraform", "tofu":
            let words = invocation.arguments.compactMap { $0 }
            if let index = words.firstIndex(of: "workspace"), index + 2 < words.count, words[index + 1] == "select" || words[index + 1] == "new" {
                facts.append((.terraformWorkspace, words[index + 2]))
            }
        default:
            break
        }
        return facts
    }
}
