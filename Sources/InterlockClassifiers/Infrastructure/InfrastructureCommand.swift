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
    /// The text of files the arguments name, keyed by the name as written (`deploy.yaml` for
    /// `-f deploy.yaml`, `batch.json` for `file://batch.json`, `-` for standard input), for those
    /// the caller could read. A name missing here is a file whose contents are not known.
    public var files: [String: String]

    public init(tool: String, arguments: [String?], displays: [String], environment: [String: String?] = [:], files: [String: String] = [:]) {
        self.tool = tool
        self.arguments = arguments
        self.displays = displays
        self.environment = environment
        self.files = files
    }

    /// Names of files the arguments hand the tool: the values of `-f`/`--filename`/`--patch-file`
    /// (`-` is standard input) for kubectl and oc, `file://` parameter values for the AWS CLI.
    /// What the caller should try to read into `files`.
    public var namedFiles: [String] {
        var names: [String] = []
        switch tool {
        case "kubectl", "oc":
            var index = 0
            while index < arguments.count {
                defer { index += 1 }
                guard let argument = arguments[index] else { continue }
                if argument == "-f" || argument == "--filename" || argument == "--patch-file" {
                    if index + 1 < arguments.count, let name = arguments[index + 1] { names.append(name) }
                    index += 1
                } else if let equals = argument.firstIndex(of: "="),
                          ["-f", "--filename", "--patch-file"].contains(argument[..<equals]) {
                    names.append(String(argument[argument.index(after: equals)...]))
                }
            }
        case "aws":
            for argument in arguments {
                if let argument, argument.hasPrefix("file://") { names.append(String(argument.dropFirst("file://".count))) }
            }
        default:
            break
        }
        return names
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
