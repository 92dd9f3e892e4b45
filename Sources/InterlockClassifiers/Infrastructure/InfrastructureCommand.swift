import InterlockCore

/// One invocation of an infrastructure CLI found in a command line: `aws`, `kubectl`, `helm`,
/// `terraform`, `tofu`, `pulumi`, `cdk`, `gcloud`, `az` and their kin.
public struct InfrastructureInvocation: Sendable, Hashable {
    public var tool: String
    /// The arguments after the tool's name; nil where a value is computed at run time.
    public var arguments: [String?]
    /// The arguments as written, for reasons.
    public var displays: [String]
    /// Environment variables the tool reads arguments from (`TF_CLI_ARGS*`), set on the command
    /// line or earlier in it; nil values are computed at run time.
    public var environment: [String: String?]

    public init(tool: String, arguments: [String?], displays: [String], environment: [String: String?] = [:]) {
        self.tool = tool
        self.arguments = arguments
        self.displays = displays
        self.environment = environment
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

/// Classifies infrastructure CLIs for the shell classifier (`InfrastructureClassifier` is the
/// standard one); an edge can hand the shell classifier another.
public protocol InfrastructureCommandClassifier: Sendable {
    func classify(_ invocation: InfrastructureInvocation) -> [Finding]
    /// Facts that place the invocation in an environment (`--context`, `--namespace`, `--region`).
    func environmentFacts(_ invocation: InfrastructureInvocation) -> [(EnvironmentFactKey, String)]
    /// What the invocation will cost, if it starts something billed (`AWSCost`).
    func estimatedCostUSD(_ invocation: InfrastructureInvocation) -> Double?
}

extension InfrastructureCommandClassifier {
    public func estimatedCostUSD(_ invocation: InfrastructureInvocation) -> Double? { nil }
}
