import InterlockCore
import InterlockSyntax

/// Classifies MCP tool calls: `mcp:<server>:<tool>`.
///
/// The tool's own effect comes from, in order: the policy author's word for that tool
/// (`MCPTrust`), the server's annotations if the policy trusts the server, and otherwise
/// `unknown` — annotations from an untrusted server can make a tool worse (a declared destructive
/// tool is believed) but never milder. Arguments are always inspected, whatever the trust: SQL goes
/// to the SQL classifier, command lines to the shell classifier, paths and URLs become targets.
public struct MCPToolClassifier: ActionClassifier {
    public var trust: MCPTrust
    public var shell: ShellClassifier

    public init(trust: MCPTrust = MCPTrust(), shell: ShellClassifier = ShellClassifier()) {
        self.trust = trust
        self.shell = shell
    }

    public func classify(_ action: Action) -> Classification? {
        guard case .tool(let call) = action.input else { return nil }
        let server = call.server ?? "host"
        let operation = "mcp:\(server):\(call.tool)"
        let targets = Self.targets(call.arguments)
        var findings: [Finding] = []
        let serverTrust = trust.servers[server]
        if let stated = serverTrust?.tools[call.tool] {
            findings.append(Finding(operation: operation, effect: stated, targets: targets, reason: "the policy says `\(server)/\(call.tool)` is \(stated)"))
        } else if serverTrust?.trustAnnotations == true {
            // A trusted server that declares nothing gets the protocol's defaults: destructive.
            let annotations = call.annotations ?? ToolAnnotations()
            let claimed = annotations.claimedEffect
            findings.append(Finding(operation: operation, effect: claimed, targets: targets,
                                    reason: "the trusted server `\(server)` declares `\(call.tool)` \(Self.describe(annotations))"))
        } else if let annotations = call.annotations, annotations.claimedEffect == .destructive {
            findings.append(Finding(operation: operation, effect: .destructive, targets: targets,
                                    reason: "`\(server)` declares `\(call.tool)` may destroy (believed: a server is trusted when it says worse)"))
        } else if let verb = Self.destructiveVerb(inName: call.tool) {
            // A name, like an annotation, is believed when it says worse: `delete_repository` is
            // at least what it says, whatever else it may do.
            findings.append(Finding(operation: operation, effect: .destructive, targets: targets, targetsComplete: false,
                                    reason: "`\(server)/\(call.tool)` is named for what it destroys (`\(verb)`); an untrusted server's tool is believed when its name says worse"))
        } else {
            let claim = call.annotations.map { "; it claims to be \(Self.describe($0)), but `\(server)` is not a server the policy trusts" } ?? "; it declares no annotations"
            findings.append(Finding(operation: operation, effect: .unknown, targets: targets, targetsComplete: false,
                                    reason: "`\(server)/\(call.tool)` is an MCP tool whose effect Interlock cannot see\(claim)"))
        }
        if findings[0].effect == .destructive {
            findings[0].categories = Self.categories(server: server, tool: call.tool, arguments: call.arguments)
        }
        // A credentials file named by a path argument: a host's Read tool, a file server's
        // `read_file`, any tool that takes the file reads it to the agent (writes to it are the
        // editors' `file:secret`).
        // A search through file contents takes a directory's files; a listing only their names.
        let readsDirectories = Self.nameWords(call.tool).contains { ["grep", "read", "cat", "search", "copy", "upload", "send"].contains($0) }
            && !Self.nameWords(call.tool).contains { ["list", "ls", "glob", "tree"].contains($0) }
        for target in Self.namedFiles(call.arguments) {
            guard let reason = CredentialFiles.reason(target, directories: readsDirectories) else { continue }
            findings.append(Finding(operation: "\(operation):credentials", effect: .read, targets: [target], categories: [.credentialIssue],
                                    reason: "`\(server)/\(call.tool)` is given `\(target)`: \(reason), which the agent then holds"))
        }
        // A URL of a metadata service among the arguments (a fetch tool's `url`): the
        // machine's role credentials come back to the agent.
        for url in Self.namedURLs(call.arguments) {
            guard let reason = CredentialEndpoints.reason(url) else { continue }
            findings.append(Finding(operation: "\(operation):credentials", effect: .read, targets: [url], categories: [.credentialIssue],
                                    reason: "`\(server)/\(call.tool)` is given `\(url)`: \(reason), which the agent then holds"))
        }
        if let what = Self.revealedSecret(server: server, tool: call.tool) {
            findings.append(Finding(operation: "\(operation):secret", effect: .read, targets: targets, targetsComplete: false, categories: [.credentialIssue],
                                    reason: "`\(server)/\(call.tool)` returns \(what), which the agent then holds"))
        }
        var facts = Classification(findings: findings)
        for inspected in inspectArguments(call.arguments, server: server, tool: call.tool) { facts = facts.merging(inspected) }
        return facts
    }

    /// Verbs of tools that hand over what they name, and of those that mint a new credential.
    static let revealingVerbs: Set<String> = ["get", "read", "reveal", "show", "fetch", "retrieve", "access", "export", "decrypt", "view", "print",
                                              "copy", "download", "lookup", "unseal", "inject", "dump", "load"]
    static let issuingVerbs: Set<String> = ["create", "generate", "issue", "mint", "new", "rotate"]
    static let secretNouns: Set<String> = ["secret", "secrets", "password", "passwords", "passphrase", "credential", "credentials", "apikey",
                                           "otp", "totp", "mnemonic", "seed", "kubeconfig", "dsn"]
    /// Nouns that are secrets with the right qualifier: an access `key`, a secret's `value`.
    static let qualifiedSecretNouns: Set<String> = ["key", "keys", "token", "tokens", "value", "values", "data", "string", "payload", "plaintext", "item", "items"]
    static let secretQualifiers: Set<String> = ["secret", "secrets", "password", "api", "access", "private", "signing", "auth", "session", "bearer",
                                                "credential", "credentials", "personal", "service", "vault"]
    /// Servers that are secret managers: what their tools get is a secret.
    static let secretManagerWords: Set<String> = ["vault", "1password", "onepassword", "op", "bitwarden", "lastpass", "doppler", "infisical", "keeper",
                                                  "passbolt", "secrets", "secretsmanager", "sops", "keychain", "keyring", "akeyless", "conjur", "berglas"]

    /// What a tool hands to the agent when its name says it returns or mints a secret:
    /// `get_secret`, `read_password`, `secrets_get`, `get_secret_value`, `get_api_key`,
    /// `create_access_token`, and any getter of a secret manager's server (`vault/kv_get`,
    /// `1password/get_item`). The object is the name's last word, or the one before a final
    /// verb, so `get_secret_scanning_alert` gets an alert; listings and metadata are not secrets.
    static func revealedSecret(server: String, tool: String) -> String? {
        let words = nameWords(tool)
        guard let verbIndex = words.lastIndex(where: { revealingVerbs.contains($0) || issuingVerbs.contains($0) }),
              !words.contains(where: { ["list", "search", "metadata", "describe", "info", "history", "versions", "scanning", "policy", "policies"].contains($0) })
        else { return nil }
        let verb = words[verbIndex]
        let object = verbIndex < words.count - 1 ? words.last : verbIndex > 0 ? words[verbIndex - 1] : nil
        let qualifiers = Set(words.enumerated().filter { $0.offset != verbIndex && $0.element != object }.map(\.element))
        let fromSecretManager = nameWords(server).contains(where: secretManagerWords.contains)
        guard let object else {
            return fromSecretManager && revealingVerbs.contains(verb) ? "what the secret manager `\(server)` stores" : nil
        }
        let namesSecret = secretNouns.contains(object)
            || qualifiedSecretNouns.contains(object) && (!qualifiers.isDisjoint(with: secretQualifiers) || fromSecretManager)
            || ["token", "tokens", "key", "keys"].contains(object) && issuingVerbs.contains(verb)
        if issuingVerbs.contains(verb) {
            return namesSecret && ["token", "tokens", "key", "keys", "credential", "credentials", "password", "apikey"].contains(object) ? "a new credential" : nil
        }
        if namesSecret { return "a stored secret (`\(object)`)" }
        return fromSecretManager ? "what the secret manager `\(server)` stores" : nil
    }

    static let destructiveVerbs: Set<String> = [
        "delete", "drop", "remove", "rm", "destroy", "purge", "truncate", "terminate", "wipe", "erase", "reset", "revoke", "kill",
        "uninstall", "deprovision", "teardown", "nuke", "unlink", "overwrite",
    ]

    /// The word of a tool's name (`delete_repository`, `dropTable`, `kubectl-delete`) that names a
    /// destructive act, if one does.
    static func destructiveVerb(inName name: String) -> String? {
        nameWords(name).first { destructiveVerbs.contains($0) }
    }

    /// A name's words, lowercased: `delete_repository`, `dropTable`, `kubectl-delete`,
    /// `PersistentVolumeClaim`.
    static func nameWords(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in name {
            if character == "_" || character == "-" || character == "." || character == " " || character == "/" {
                if !current.isEmpty { words.append(current.lowercased()) }
                current = ""
            } else if character.isUppercase, let last = current.last, last.isLowercase {
                words.append(current.lowercased())
                current = String(character)
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current.lowercased()) }
        return words
    }

    /// What a destructive tool call takes with it, from the nouns of its name and of the kind of
    /// object its arguments name: `delete_namespace`, `resources_delete` with `"kind": "Namespace"`,
    /// a Terraform server's `destroy`. The same vocabulary as the cloud CLIs' (`DeletedThings`), so
    /// an environment torn down through an MCP server is the same fact as through a shell.
    static func categories(server: String, tool: String, arguments: JSONValue) -> Set<Category> {
        let words = nameWords(tool)
        guard let verbIndex = words.firstIndex(where: DeletedThings.deletionVerbs.contains) else { return [] }
        // The object is the name's last word (`delete_environment_variable` deletes a variable),
        // or the one before the verb when the verb ends the name (`namespaces_delete`).
        let object = verbIndex < words.count - 1 ? words.last : verbIndex > 0 ? words[verbIndex - 1] : nil
        var qualifiers = words.enumerated().filter { $0.offset != verbIndex }.map(\.element)
        var categories = DeletedThings.categories(object: object, qualifiers: qualifiers)
        // A generic tool names the kind in its arguments: `"kind": "Namespace"`.
        if let members = arguments.objectValue {
            for key in members.keys.sorted() where kindKeys.contains(key.lowercased()) {
                guard let kind = members[key]?.stringValue else { continue }
                let name = kind.lowercased().split(separator: ".").first.map(String.init) ?? ""
                qualifiers = nameWords(kind)
                categories.formUnion(DeletedThings.categories(object: name, qualifiers: qualifiers))
            }
        }
        let serverWords = nameWords(server)
        if words.contains("destroy"), serverWords.contains(where: ["terraform", "tofu", "opentofu", "pulumi", "cdk", "cloudformation"].contains) {
            categories.insert(.teardown)
        }
        // A repository on a Git host goes with its issues, pull requests and wiki, as `gh repo
        // delete` says; elsewhere (a container registry's) it is data only.
        if let object, ["repository", "repositories", "repo", "repos"].contains(object),
           serverWords.contains(where: ["github", "gitlab", "bitbucket", "gitea", "forgejo"].contains) {
            categories.insert(.teardown)
        }
        return categories
    }

    /// Argument names that say what kind of object a generic tool acts on.
    static let kindKeys: Set<String> = ["kind", "type", "resource", "resourcetype", "resource_type", "resourcekind", "resource_kind", "objecttype", "object_type"]

    static func describe(_ annotations: ToolAnnotations) -> String {
        if annotations.readOnlyHint == true { return "read-only" }
        return annotations.destructiveHint == false ? "additive (not destructive)" : "destructive"
    }

    /// SQL and command lines in arguments, classified by their own classifiers.
    func inspectArguments(_ arguments: JSONValue, server: String, tool: String) -> [Classification] {
        var out: [Classification] = []
        guard let object = arguments.objectValue else { return out }
        for key in object.keys.sorted() {
            // One text, or a list of them (`"statements": ["…", "…"]`, `"commands": […]`): each is run.
            let texts: [String]
            switch object[key] {
            case .string(let text)?: texts = [text]
            case .array(let items)?: texts = items.compactMap(\.stringValue)
            default: continue
            }
            let name = key.lowercased()
            for text in texts where !text.isEmpty {
                if ["query", "queries", "sql", "statement", "statements"].contains(name) || (name.hasSuffix("_query") || name.hasSuffix("_sql")) {
                    out.append(SQLClassifier.findings(for: text, dialect: nil))
                } else if ["command", "commands", "cmd", "script", "shell", "commandline", "command_line", "cli_command"].contains(name) {
                    // `cli_command`: the AWS API MCP server's `call_aws` runs an `aws …` command line.
                    out.append(shell.classify(commandLine: text))
                    // A tool named for a CLI (`kubectl`, `helm_run`) may take the command without the
                    // program's name (`delete ns/prod`): read it both ways, and the worse stands.
                    if let program = Self.programNamed(server: server, tool: tool), text.split(whereSeparator: \.isWhitespace).first.map(String.init) != program {
                        out.append(shell.classify(commandLine: program + " " + text))
                    }
                }
            }
        }
        return out
    }

    /// Every file an argument names, at any depth (Kiro's `fs_read` takes `{"operations":
    /// [{"mode": "Line", "path": …}]}`): values of keys that name paths or files, and `file://` URIs
    /// (not other URLs: a web page's path is not a file here).
    static func namedFiles(_ arguments: JSONValue) -> [String] {
        var out: [String] = []
        forEachString(in: arguments) { key, text in
            if key.hasSuffix("path") || key.hasSuffix("paths") || key == "file" || key == "files" || key == "filename" {
                out.append(text)
            } else if (key == "uri" || key == "url"), text.hasPrefix("file://") {
                out.append(String(text.dropFirst(7)))
            }
        }
        return out
    }

    /// Every `http://` or `https://` URL among the arguments, at any depth, whatever its key.
    static func namedURLs(_ arguments: JSONValue) -> [String] {
        var out: [String] = []
        forEachString(in: arguments) { _, text in
            let head = text.utf8.prefix(8).map { $0 | 0x20 }
            if head.starts(with: Array("http://".utf8)) || head.starts(with: Array("https://".utf8)) { out.append(text) }
        }
        return out
    }

    /// Each string among the arguments, to a depth of 8, with the lower-cased key that holds it
    /// (a list's items take the list's key), members in key order.
    static func forEachString(in arguments: JSONValue, _ body: (_ key: String, _ text: String) -> Void) {
        func visit(_ value: JSONValue, key: String, depth: Int) {
            guard depth < 8 else { return }
            switch value {
            case .string(let text):
                body(key, text)
            case .array(let items):
                for item in items { visit(item, key: key, depth: depth + 1) }
            case .object(let members):
                for name in members.keys.sorted() { visit(members[name]!, key: name.lowercased(), depth: depth + 1) }
            default:
                break
            }
        }
        visit(arguments, key: "", depth: 0)
    }

    /// The command-line program a tool or its server is named for, if any.
    static func programNamed(server: String, tool: String) -> String? {
        (nameWords(tool) + nameWords(server)).first { programsTakingCommands.contains($0) }
    }

    static let programsTakingCommands: Set<String> = ["kubectl", "oc", "helm", "aws", "gcloud", "az", "terraform", "tofu", "git", "gh", "docker", "psql"]

    /// Paths, URLs and names of things acted on.
    static func targets(_ arguments: JSONValue) -> [String] {
        guard let object = arguments.objectValue else { return [] }
        var out: [String] = []
        for key in object.keys.sorted() {
            let name = key.lowercased()
            guard name.hasSuffix("path") || name.hasSuffix("paths") || name == "file" || name == "files" || name == "url" || name == "uri"
                || name == "directory" || name == "dir" || name.hasSuffix("_name") || name == "table" || name == "branch" || name == "target" || name == "repo"
            else { continue }
            switch object[key]! {
            case .string(let text): out.append(text)
            case .array(let items): out.append(contentsOf: items.compactMap(\.stringValue))
            default: break
            }
        }
        // A Kubernetes object named by kind and name is written as kubectl's targets are
        // (`namespace/prod`), so a policy's targets and the delete-then-recreate check see the
        // same object through either door.
        if let kind = object["kind"]?.stringValue, let name = object["name"]?.stringValue, !kind.isEmpty, !name.isEmpty {
            out.append(KubernetesCommand.kindName(kind) + "/" + name)
        }
        return out
    }
}
