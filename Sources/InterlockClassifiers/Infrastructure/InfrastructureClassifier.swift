import FoundationEssentials
import InterlockCore

/// Classifies the infrastructure CLIs: `aws`, `kubectl`/`oc`, `helm`, `terraform`/`tofu`,
/// `pulumi`, `cdk`. Others (`gcloud`, `az`, `ansible` ...) are `unknown` except for help forms.
public struct InfrastructureClassifier: InfrastructureCommandClassifier {
    public init() {}

    /// Whether the tool only prints help or its version: `--help` or `-h` among its own options
    /// (not after `--`, where they belong to a command run elsewhere: `kubectl exec POD -- sh -c
    /// '…' -h` runs the command; and not for `gsutil`, whose `-h` sets a request header),
    /// `version` alone, `help` as the first word (`kubectl help delete`; `kubectl delete ns help`
    /// deletes the namespace `help`), or, for `aws`, after a service and operation and nothing else
    /// (`aws ec2 terminate-instances help`).
    static func asksForHelp(_ invocation: InfrastructureInvocation) -> Bool {
        let own = invocation.arguments.prefix { $0 != "--" }
        guard !own.contains(where: { $0 == nil }) else { return false }
        let words = own.compactMap { $0 }
        let hTakesValue = CloudCLICommand.optionsWithValues[invocation.tool]?.contains("-h") ?? false
        if words.contains("--help") || words.contains("-h") && !hTakesValue { return true }
        if words == ["--version"] || words == ["version"] || words.first == "help" { return true }
        return invocation.tool == "aws" && words.last == "help" && words.count <= 3 && !words.contains { $0.hasPrefix(ascii: "-") }
    }

    public func classify(_ invocation: InfrastructureInvocation) -> [Finding] {
        // A bare `vercel` deploys the project, and a bare `serverless` starts creating one.
        let actsAlone = ["vercel", "serverless", "sls"].contains(invocation.tool)
        if invocation.arguments.isEmpty && !actsAlone || Self.asksForHelp(invocation) {
            return [Finding(operation: "\(invocation.tool):help", effect: .read, reason: "`\(invocation.tool)` prints help or its version")]
        }
        switch invocation.tool {
        case "aws": return AWSCommandLine.classify(invocation)
        case "kubectl", "oc": return KubernetesCommand.kubectl(invocation)
        case "helm": return KubernetesCommand.helm(invocation)
        case "terraform", "tofu", "terragrunt": return TerraformCommand.classify(invocation)
        case "pulumi", "cdk": return TerraformCommand.pulumiOrCDK(invocation)
        case "kustomize": return KustomizeCommand.classify(invocation)
        default:
            if let found = CloudCLICommand.classify(invocation) ?? CloudCLICommand.ansibleAdHoc(invocation) ?? KafkaAdminCommand.classify(invocation) ?? AccountNukeCommand.classify(invocation) { return found }
            let verb = invocation.arguments.compactMap { $0 }.filter { !$0.hasPrefix(ascii: "-") }.prefix(2).joined(separator: " ")
            return [Finding(operation: "\(invocation.tool):unclassified", effect: .unknown, targetsComplete: false,
                            reason: "`\(invocation.tool) \(verb)` is not classified by this build; its effect is unknown")]
        }
    }

    public func estimatedCostUSD(_ invocation: InfrastructureInvocation) -> Double? {
        invocation.tool == "aws" ? AWSCommandLine.estimatedCostUSD(invocation) : nil
    }

    public func environmentFacts(_ invocation: InfrastructureInvocation) -> [(EnvironmentFactKey, String)] {
        var facts: [(EnvironmentFactKey, String)] = []
        switch invocation.tool {
        case "kubectl", "oc", "helm":
            if let context = invocation.option("--context", "--kube-context") { facts.append((.kubeContext, context)) }
            if let namespace = invocation.option("-n", "--namespace") ?? invocation.gluedShortOption("-n") { facts.append((.kubeNamespace, namespace)) }
        case "aws":
            if let region = invocation.option("--region") { facts.append((.awsRegion, region)) }
            let arns = invocation.arguments.compactMap { $0 }.filter { $0.hasPrefix("arn:") }.map(JSONValue.string)
            for account in AWSOperation.accounts(in: .array(arns)) { facts.append((.awsAccount, account)) }
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

/// `aws [global options] <service> <command> [--param value ...]`.
enum AWSCommandLine {
    static let globalValued: Set<String> = ["--region", "--profile", "--output", "--endpoint-url", "--query", "--cli-read-timeout", "--cli-connect-timeout", "--ca-bundle", "--color", "--cli-binary-format"]

    /// What an `aws` command line amounts to: the service, the command, and the rest of its words.
    enum Parsed {
        case call(service: String, command: String, arguments: [(String?, String)])
        case incomplete(first: String?)
    }

    static func parse(_ invocation: InfrastructureInvocation) -> Parsed {
        var rest = ArraySlice(zip(invocation.arguments, invocation.displays).map { ($0, $1) })
        var positional: [(String?, String)] = []
        // Global options may come anywhere before the command's own options; take the first two words.
        while let (value, display) = rest.first, positional.count < 2 {
            rest = rest.dropFirst()
            if let value, value.hasPrefix("--") {
                if globalValued.contains(value) { rest = rest.dropFirst() }
                continue
            }
            positional.append((value, display))
        }
        guard positional.count == 2, let service = positional[0].0, let command = positional[1].0 else {
            return .incomplete(first: positional.first?.0 ?? nil)
        }
        return .call(service: service, command: command, arguments: Array(rest))
    }

    static func classify(_ invocation: InfrastructureInvocation) -> [Finding] {
        guard case .call(let service, let command, let arguments) = parse(invocation) else {
            if case .incomplete(let first) = parse(invocation), first == "configure" {
                return [Finding(operation: "aws:configure", effect: .write, reason: "`aws configure` changes stored credentials and settings")]
            }
            return [Finding(operation: "aws:unclassified", effect: .unknown, targetsComplete: false, reason: "the `aws` command is incomplete or computed at run time")]
        }
        if service == "s3" { return s3(command, arguments) }
        if service == "configure" {
            // `configure get aws_secret_access_key` and `export-credentials` print the stored keys;
            // `get region` and `list` print settings.
            let names = arguments.compactMap { $0.0 }.map { $0.lowercased() }
            if command == "export-credentials" || command == "get" && names.contains(where: { $0.contains("secret") || $0.contains("session_token") || $0.contains("access_key") }) {
                return [Finding(operation: "aws:configure:\(command)", effect: .read, categories: [.credentialIssue], reason: "`aws configure \(command)` prints the stored AWS credentials to the agent")]
            }
            if ["get", "list", "list-profiles"].contains(command) { return [Finding(operation: "aws:configure:\(command)", effect: .read, reason: "`aws configure \(command)` prints settings")] }
            return [Finding(operation: "aws:configure", effect: .write, reason: "`aws configure` changes stored credentials and settings")]
        }
        if command == "wait" || command == "help" || (service == "logs" && command == "tail") || arguments.contains(where: { $0.0 == "--generate-cli-skeleton" }) {
            return [Finding(operation: "aws:\(service):\(command)", effect: .read, reason: "`aws \(service) \(command)` only waits or prints")]
        }
        if !invocation.documentsReadable, invocation.carriesDocuments {
            // The name still says what the call is; its parameters are not read.
            return AWSOperation.classify(service: service, operation: command, parameters: .object([:])) + [
                Finding(operation: "aws:\(AWSOperation.normalizedService(service)):\(AWSOperation.pascalCase(command))", effect: .unknown, targetsComplete: false,
                        reason: "this line holds more request documents than are read; what this call's parameters change is not examined"),
            ]
        }
        let (parameters, unread) = parameters(arguments, files: invocation.files)
        var findings = AWSOperation.classify(service: service, operation: command, parameters: parameters)
        if let unread {
            // The name still says what the call is; what its parameters would change, it cannot.
            findings.append(Finding(operation: "aws:\(AWSOperation.normalizedService(service)):\(AWSOperation.pascalCase(command))", effect: .unknown, targetsComplete: false,
                                    reason: "`\(unread)` gives the request's parameters in a file that cannot be read here, so what they change is unknown"))
        }
        // A change whose arguments are known only when it runs (a `file://` not read here, a
        // variable): `--versioning-configuration file://v.json` may suspend versioning,
        // `--desired-count "$N"` may be 0. Only a value the line spells out makes it a plain write.
        if Effect.worst(findings.map(\.effect)) == .write,
           let computed = parameters.objectValue?.keys.sorted().first(where: { parameters[$0] == .string("*") && AWSOperation.decidesEffect($0) }) {
            findings.append(Finding(operation: "aws:\(AWSOperation.normalizedService(service)):\(AWSOperation.pascalCase(command))", effect: .unknown, targetsComplete: false,
                                    reason: "`\(computed)` is known only when the command runs (a file not read here, or a variable), and it may decide what the call changes"))
        }
        return findings
    }

    /// The first day's cost of what the command launches (`AWSCost`), if it launches anything.
    static func estimatedCostUSD(_ invocation: InfrastructureInvocation) -> Double? {
        guard case .call(let service, let command, let arguments) = parse(invocation), service != "s3" else { return nil }
        return AWSCost.firstDayUSD(service: service, operation: command, parameters: parameters(arguments, files: invocation.files).parameters)
    }

    /// `--param value ...` as the API's parameters. A `file://NAME` value is the text of the file
    /// (as the CLI reads it), taken from `files`; a file not there leaves its parameter computed
    /// at run time (`*`). `--cli-input-json`/`--cli-input-yaml` give every parameter from a
    /// document; `unread` names that option when its file cannot be read.
    static func parameters(_ arguments: [(String?, String)], files: [String: String] = [:]) -> (parameters: JSONValue, unread: String?) {
        var parameters: [String: JSONValue] = [:]
        var unread: String?
        var index = 0
        while index < arguments.count {
            guard let option = arguments[index].0, option.hasPrefix("--") else {
                index += 1
                continue
            }
            var name = String(option.dropFirst(2))
            var negated = false
            if name.hasPrefix("no-") {
                negated = true
                name = String(name.dropFirst(3))
            }
            let key = AWSOperation.pascalCase(name)
            var values: [JSONValue] = []
            var dynamic = false
            index += 1
            while index < arguments.count, !(arguments[index].0?.hasPrefix("--") ?? false) {
                if var value = arguments[index].0 {
                    if value.hasPrefix("file://") {
                        if let text = files[String(value.dropFirst("file://".count))] {
                            value = text
                        } else {
                            dynamic = true
                        }
                    }
                    values.append(.string(value))
                } else {
                    dynamic = true
                    values.append(.string("$?"))
                }
                index += 1
            }
            if globalValued.contains(option) { continue }
            if option == "--cli-input-json" || option == "--cli-input-yaml" {
                // Parameters on the line win over the document's, as in the CLI.
                guard !dynamic, values.count == 1, let text = values[0].stringValue, case .object(let given)? = YAMLDocuments.parse(text)?.first else {
                    unread = option
                    continue
                }
                parameters.merge(given) { onLine, _ in onLine }
                continue
            }
            if values.isEmpty {
                parameters[key] = .bool(!negated)
            } else if values.count == 1, let text = values[0].stringValue, let structured = shorthand(text) {
                parameters[key] = structured
            } else if values.count == 1, !key.hasSuffix("s") {
                parameters[key] = values[0].stringValue.flatMap { Double($0) }.map { JSONValue.number($0) } ?? values[0]
            } else {
                // A list of structures in shorthand (`--attributes Key=a,Value=1 Key=b,Value=2`),
                // each read as the CLI reads it; plain values stay text.
                parameters[key] = .array(values.map { value in value.stringValue.flatMap(shorthand) ?? value })
            }
            if dynamic { parameters[key] = .string("*") }
        }
        return (.object(parameters), unread)
    }

    /// A parameter value in the CLI's shorthand syntax (`Status=Suspended`, `Key=a,Value=b`) or
    /// JSON (`{"Status": "Suspended"}`), or nil when it is a plain value.
    static func shorthand(_ text: String) -> JSONValue? {
        if text.hasPrefix(ascii: "{") || text.hasPrefix(ascii: "[") {
            return try? JSONValue.parse(text)
        }
        guard text.contains("="), !text.contains("://"), let first = text.first, first.isLetter else { return nil }
        var object: [String: JSONValue] = [:]
        for pair in topLevelPairs(text) {
            guard let equals = pair.firstIndex(of: "=") else { return nil }
            let name = String(pair[..<equals])
            let value = pair[pair.index(after: equals)...]
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber }) else { return nil }
            if value.hasPrefix(ascii: "["), value.hasSuffix("]") {
                // `commands=[ls,uptime]`: a list, its items split at commas outside quotes.
                object[name] = .array(AWSOperation.shorthandList(value.dropFirst().dropLast()).map(JSONValue.string))
                continue
            }
            let plain = String(value)
            switch plain.lowercased() {
            case "true": object[name] = .bool(true)
            case "false": object[name] = .bool(false)
            default: object[name] = Double(plain).map { JSONValue.number($0) } ?? .string(plain)
            }
        }
        return .object(object)
    }

    /// `Key=a,Values=[b,c]` split into its pairs: at commas outside brackets, braces and quotes.
    static func topLevelPairs(_ text: String) -> [Substring] {
        var pairs: [Substring] = []
        var depth = 0
        var quote: Character?
        var start = text.startIndex
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "[" || character == "{" {
                depth += 1
            } else if character == "]" || character == "}" {
                depth = max(0, depth - 1)
            } else if character == ",", depth == 0 {
                pairs.append(text[start..<index])
                start = text.index(after: index)
            }
        }
        pairs.append(text[start...])
        return pairs
    }

    /// The high-level `aws s3` commands.
    static func s3(_ command: String, _ arguments: [(String?, String)]) -> [Finding] {
        let flags = Set(arguments.compactMap { $0.0 }.filter { $0.hasPrefix("--") })
        let paths = arguments.filter { !($0.0?.hasPrefix("--") ?? false) }.map { $0.0 ?? $0.1 }
        let recursive = flags.contains("--recursive")
        // `--dryrun` prints what rm, sync, cp and mv would do and does nothing.
        if flags.contains("--dryrun"), ["rm", "sync", "cp", "mv"].contains(command) {
            return [Finding(operation: "aws:s3:\(command)", effect: .read, targets: paths, reason: "`aws s3 \(command) --dryrun` only prints what it would do")]
        }
        switch command {
        case "ls", "presign":
            return [Finding(operation: "aws:s3:\(command)", effect: .read, targets: paths, reason: "`aws s3 \(command)` only reads")]
        case "rm":
            return [Finding(operation: "aws:s3:rm", effect: .destructive, targets: paths, targetsComplete: !recursive, blastRadius: recursive ? .unknown : nil,
                            categories: [.dataLoss], reason: "`aws s3 rm\(recursive ? " --recursive" : "")` deletes \(paths.joined(separator: ", "))\(recursive ? " and everything under it" : "")")]
        case "rb":
            let force = flags.contains("--force")
            return [Finding(operation: "aws:s3:rb", effect: .destructive, targets: paths, targetsComplete: !force, blastRadius: force ? .unknown : nil,
                            categories: [.dataLoss], reason: "`aws s3 rb` deletes the bucket\(force ? " and every object in it" : "")")]
        case "sync":
            if flags.contains("--delete") {
                return [Finding(operation: "aws:s3:sync", effect: .destructive, targets: Array(paths.suffix(1)), targetsComplete: false, blastRadius: .unknown,
                                categories: [.dataLoss], reason: "`aws s3 sync --delete` deletes files at the destination that the source lacks")]
            }
            return [Finding(operation: "aws:s3:sync", effect: .write, targets: Array(paths.suffix(1)), targetsComplete: false, reason: "`aws s3 sync` copies changed files, replacing them at the destination")]
        case "cp", "mv", "mb", "website":
            return [Finding(operation: "aws:s3:\(command)", effect: .write, targets: Array(paths.suffix(1)), targetsComplete: !recursive,
                            reason: "`aws s3 \(command)` writes to \(paths.last ?? "?")")]
        default:
            return [Finding(operation: "aws:s3:\(command)", effect: .unknown, targetsComplete: false, reason: "`aws s3 \(command)` is not classified")]
        }
    }
}
