import InterlockCore

/// `interlock` itself, run from an agent's shell.
///
/// The gateway refuses an agent's token on every human endpoint, but the CLI beside it opens the
/// store directly when no gateway is configured, and an agent's shell inherits whatever token its
/// operator exported. `interlock approvals approve`, `token create --human`, `resume` or
/// `grant create` run by an agent is the agent approving itself, whoever launched it: these are
/// `interlock_control`, which no policy lets an agent do. Changing the hosts' hook settings
/// (`install`, `uninstall`) is `hook_config`. What only reads (check, explain, policy, audit
/// verification, listings) is a read.
enum InterlockCommandLine {
    static let tools: Set<String> = ["interlock", "interlock-hook"]

    /// Subcommand paths and what they do; the longest path given on the line decides.
    private enum Kind {
        case read, appends, writesFiles, control, hooks, removesHooks, runsDoor
    }

    private static let subcommands: [[String]: Kind] = [
        ["check"]: .read, ["explain"]: .read, ["plan", "check"]: .read,
        ["policy", "lint"]: .read, ["policy", "test"]: .read, ["policy", "show"]: .read,
        ["audit", "verify"]: .read, ["audit", "prove"]: .read, ["audit", "consistency"]: .read, ["audit", "show"]: .read,
        ["audit", "tail"]: .read, ["audit", "key", "show"]: .read, ["audit", "export"]: .writesFiles, ["audit", "checkpoint"]: .appends,
        ["audit", "key", "rotate"]: .control,
        ["token", "list"]: .read, ["token", "create"]: .control, ["token", "revoke"]: .control,
        ["grant", "list"]: .read, ["grant", "create"]: .control, ["grant", "revoke"]: .control,
        ["approvals", "list"]: .read, ["approvals", "show"]: .read, ["approvals", "approve"]: .control, ["approvals", "reject"]: .control,
        ["kill"]: .control, ["resume"]: .control,
        ["install", "claude"]: .hooks, ["install", "kiro"]: .hooks, ["install", "cursor"]: .hooks,
        ["uninstall", "claude"]: .removesHooks, ["uninstall", "kiro"]: .removesHooks, ["uninstall", "cursor"]: .removesHooks,
        ["serve"]: .runsDoor, ["hook", "claude"]: .runsDoor, ["hook", "kiro"]: .runsDoor, ["hook", "cursor"]: .runsDoor,
        ["mcp-proxy"]: .runsDoor, ["aws-proxy"]: .runsDoor,
    ]

    /// `arguments` are the words after the command name; nil where a word is computed at run time.
    static func classify(tool: String, _ arguments: [String?]) -> [Finding] {
        let words = tool == "interlock-hook" ? ["hook"] + arguments : arguments
        // Help is asked before `--`; after it the words are another program's (`mcp-proxy -- SERVER --help`).
        let own = words.prefix { $0 != "--" }
        if own.contains(where: { $0 == "--help" || $0 == "-h" || $0 == "--version" }) || words.first == "help" || words.isEmpty {
            return [Finding(operation: "interlock:help", effect: .read, reason: "`\(tool)` prints its usage or version")]
        }
        // The subcommand path is the words before the first option; a computed word there could
        // be any subcommand.
        var path: [String] = []
        for word in words {
            guard let word else {
                return [Finding(operation: "interlock:dynamic", effect: .unknown, targetsComplete: false, categories: [.interlockControl],
                                reason: "`\(tool)` with a subcommand computed at run time could approve, grant or lift a kill switch")]
            }
            if word.hasPrefix(ascii: "-") { break }
            path.append(word)
        }
        var matched: (path: [String], kind: Kind)?
        for length in stride(from: min(path.count, 3), through: 1, by: -1) {
            if let kind = subcommands[Array(path.prefix(length))] {
                matched = (Array(path.prefix(length)), kind)
                break
            }
        }
        guard let (subcommand, kind) = matched else {
            return [Finding(operation: "interlock:" + (path.first ?? "options"), effect: .unknown, targetsComplete: false,
                            reason: "`\(tool) \(path.joined(separator: " "))` is not a subcommand this classifier knows")]
        }
        // `interlock:tokens:create`, not `token:create`: the audit log's redactor rightly takes
        // `token:VALUE` for a secret, and the operation must stay readable there.
        let operation = "interlock:" + subcommand.map { $0 == "token" ? "tokens" : $0 }.joined(separator: ":")
        let shown = "`interlock \(subcommand.joined(separator: " "))`"
        // What the subcommand acts on: a request id, a token or grant id, a scope.
        let operands = Array(path.dropFirst(subcommand.count))
        switch kind {
        case .read:
            if subcommand == ["check"], words.contains("--record") {
                return [Finding(operation: operation, effect: .write, reason: "\(shown) with `--record` appends the decision to the audit log")]
            }
            return [Finding(operation: operation, effect: .read, reason: "\(shown) only reads")]
        case .appends:
            return [Finding(operation: operation, effect: .write, reason: "\(shown) appends a signed checkpoint to the audit log")]
        case .writesFiles:
            let out = value(after: "--out", in: words)
            return [Finding(operation: operation, effect: .write, targets: out.map { [$0] } ?? [], targetsComplete: out != nil,
                            reason: "\(shown) writes the log and its checkpoints into a directory")]
        case .control:
            return [Finding(operation: operation, effect: .destructive, targets: operands, targetsComplete: !operands.isEmpty,
                            categories: [.interlockControl],
                            reason: "\(shown) acts on Interlock's own controls (approvals, tokens, grants, the kill switch, the signing key): a human's decision, never an agent's")]
        case .hooks:
            return [Finding(operation: operation, effect: .write, categories: [.hookConfig],
                            reason: "\(shown) changes the host's hook settings, through which it asks Interlock")]
        case .removesHooks:
            return [Finding(operation: operation, effect: .destructive, categories: [.hookConfig],
                            reason: "\(shown) removes Interlock's hook from the host's settings: its tool calls would no longer be asked about")]
        case .runsDoor:
            return [Finding(operation: operation, effect: .unknown, targetsComplete: false,
                            reason: "\(shown) runs a gateway, hook or proxy with the options the line gives (its own policy and home)")]
        }
    }

    /// The gateway's and the console's human endpoints, as path segments (`*` one segment): an
    /// HTTP client sending to one of them is doing what `interlock approvals approve` does.
    private static let humanEndpoints: [[String]] = [
        ["v1", "approvals", "*", "approve"], ["v1", "approvals", "*", "reject"], ["v1", "kill"], ["v1", "resume"],
        ["v1", "grants"], ["v1", "grants", "*"], ["v1", "tokens"], ["v1", "tokens", "*"], ["v1", "policy"], ["v1", "policy", "reload"],
        ["console", "requests", "*", "approve"], ["console", "requests", "*", "reject"],
    ]

    /// The finding for an HTTP request (not a GET) to `url` when its path is one of the human
    /// endpoints, whatever host serves it: the agent cannot be told apart from a human by the
    /// token it sends, only by what it asks.
    static func humanEndpointFinding(url: String, client: String) -> Finding? {
        var rest = Substring(url)
        if let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") { rest = rest[rest.index(colon, offsetBy: 3)...] }
        // The path starts at the first `/` after the authority; `?` and `#` end it.
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let path = rest[slash...].prefix { $0 != "?" && $0 != "#" }
        // Empty and `.` segments are what a lenient router would skip.
        let segments = path.pieces(between: "/").filter { $0 != "." }.map { $0.lowercased() }
        let matches = humanEndpoints.contains { pattern in
            pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0 == "*" || $0 == $1 }
        }
        guard matches else { return nil }
        return Finding(operation: "interlock:api", effect: .destructive, targets: [url], categories: [.interlockControl],
                       reason: "`\(client)` sends to `\(path)`, an endpoint where humans approve, grant, mint tokens or lift a kill switch: never an agent")
    }

    private static func value(after option: String, in words: [String?]) -> String? {
        for (index, word) in words.enumerated() {
            if word == option, index + 1 < words.count { return words[index + 1] }
            if let word, word.hasPrefix(option + "=") { return String(word.dropFirst(option.count + 1)) }
        }
        return nil
    }
}
