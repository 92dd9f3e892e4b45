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
    /// False when the caller's allowance for reading documents (manifests, patches, request files,
    /// inline or in `files`) on one line is spent: a classifier then says `unknown` where a
    /// document would decide, rather than read it. Reading YAML costs tens of microseconds, and a
    /// line of a hundred patches would otherwise cost milliseconds.
    public var documentsReadable: Bool
    /// What kubectl's `-f DIRECTORY` and `-k KUSTOMIZATION` send, keyed by the name as written
    /// (`-` when standard input is `kustomize build DIRECTORY`), for those the caller could read.
    public var manifestSets: [String: ManifestSet]

    public init(tool: String, arguments: [String?], displays: [String], environment: [String: String?] = [:], files: [String: String] = [:],
                documentsReadable: Bool = true, manifestSets: [String: ManifestSet] = [:]) {
        self.tool = tool
        self.arguments = arguments
        self.displays = displays
        self.environment = environment
        self.files = files
        self.documentsReadable = documentsReadable
        self.manifestSets = manifestSets
    }

    /// Bytes of the documents written on the line itself: kubectl's `-p` patches and
    /// `--cli-input-*` values given inline.
    public var inlineDocumentBytes: Int {
        var total = 0
        var index = 0
        let valued = tool == "aws" ? ["--cli-input-json", "--cli-input-yaml"] : ["-p", "--patch"]
        while index < arguments.count {
            defer { index += 1 }
            guard let argument = arguments[index] else { continue }
            if valued.contains(argument), index + 1 < arguments.count {
                if let value = arguments[index + 1], !value.hasPrefix("file://") { total += value.utf8.count }
                index += 1
            } else if let (name, value) = Self.nameAndValue(argument), valued.contains(where: { $0 == name }) {
                total += value.utf8.count
            }
        }
        return total
    }

    /// Whether the invocation hands the tool a document to read: a named file, a kubectl patch, an
    /// AWS CLI parameter in JSON or YAML.
    public var carriesDocuments: Bool {
        if !namedFiles.isEmpty || !kustomizations.isEmpty { return true }
        switch tool {
        case "kubectl", "oc":
            return arguments.contains { $0 == "-p" || $0 == "--patch" || $0?.hasPrefix("--patch=") == true || $0?.hasPrefix("-p=") == true }
        case "aws":
            // Inline JSON values (`--change-batch '{…}'`) are read by the fast JSON parser and
            // are not counted; a `--cli-input-*` document may be YAML.
            return arguments.contains { $0?.hasPrefix("--cli-input-") == true }
        default:
            return false
        }
    }

    /// Names of files the arguments hand the tool: the values of `-f`/`--filename`/`--patch-file`
    /// (`-` is standard input) for kubectl and oc, `file://` parameter values for the AWS CLI.
    /// What the caller should try to read into `files`.
    public var namedFiles: [String] {
        var names: [String] = []
        switch tool {
        case "kubectl", "oc":
            names = values(of: ["-f", "--filename", "--patch-file"])
        case "aws":
            for argument in arguments {
                if let argument, argument.hasPrefix("file://") { names.append(String(argument.dropFirst("file://".count))) }
            }
        default:
            break
        }
        return names
    }

    /// Kustomization directories kubectl is handed with `-k`/`--kustomize`.
    public var kustomizations: [String] {
        guard tool == "kubectl" || tool == "oc" else { return [] }
        return values(of: ["-k", "--kustomize"])
    }

    /// Every fixed value of the named options, `--name value` or `--name=value`, in order.
    func values(of names: [String]) -> [String] {
        var found: [String] = []
        var index = 0
        while index < arguments.count {
            defer { index += 1 }
            guard let argument = arguments[index] else { continue }
            if names.contains(argument) {
                if index + 1 < arguments.count, let value = arguments[index + 1] { found.append(value) }
                index += 1
            } else if let (name, value) = Self.nameAndValue(argument), names.contains(where: { $0 == name }) {
                found.append(String(value))
            }
        }
        return found
    }

    /// An option written `-name=value` or `--name=value`, split at its first `=`; nil for any
    /// other argument. Scans bytes: these run for every argument of every infrastructure command.
    static func nameAndValue(_ argument: String) -> (name: Substring, value: Substring)? {
        let bytes = argument.utf8
        guard bytes.first == UInt8(ascii: "-"), let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        return (argument[..<equals], argument[bytes.index(after: equals)...])
    }

    /// The value of a `--name value` or `--name=value` option.
    public func option(_ names: String...) -> String? {
        for (index, argument) in arguments.enumerated() {
            guard let argument else { continue }
            for name in names {
                if argument == name, index + 1 < arguments.count { return arguments[index + 1] }
                // `--name=value`, compared in place: no `name + "="` built for every argument.
                if argument.utf8.count > name.utf8.count, argument.hasPrefix(name),
                   argument.utf8.dropFirst(name.utf8.count).first == UInt8(ascii: "=") {
                    return String(Substring(argument.utf8.dropFirst(name.utf8.count + 1)))
                }
            }
        }
        return nil
    }

    /// A one-letter option glued to its value, as kubectl's and helm's flag parser reads it
    /// (`-nprod`, `-n=prod`).
    public func gluedShortOption(_ name: String) -> String? {
        for argument in arguments {
            guard let argument, argument.hasPrefix(name), !argument.hasPrefix("--"), argument.utf8.count > name.utf8.count else { continue }
            let glued = argument.dropFirst(name.count)
            return String(glued.hasPrefix(ascii: "=") ? glued.dropFirst() : glued)
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
