import InterlockCore

/// Classifies a GitHub CLI (`gh`) invocation from its arguments (after the word `gh`).
///
/// `gh` is how agents reach the shared side of a repository: pull requests, releases, secrets,
/// workflows, the repository itself, and any REST or GraphQL call through `gh api`. Viewing and
/// listing read; creating, commenting and editing write; deleting, exposing a private repository,
/// changing who holds keys or access, and merging past branch protection are destructive;
/// running a workflow runs code defined elsewhere and is unknown, like `aws lambda invoke`.
public enum GitHubCommand {
    /// Options that take a value, wherever they appear; enough to find the words that name the
    /// command. Flags not listed here take no value or are rare enough to leave the words as found.
    static let valuedOptions: Set<String> = [
        "-R", "--repo", "--hostname", "-b", "--body", "-F", "--body-file", "-t", "--title", "-B", "--base", "-H", "--head", "-l", "--label",
        "-a", "--assignee", "-m", "--milestone", "-p", "--project", "-r", "--reviewer", "-q", "--jq", "--template", "--json", "-L", "--limit",
        "-s", "--state", "-S", "--search", "-X", "--method", "-f", "--raw-field", "--field", "--input", "--cache", "--preview", "-e", "--env",
        "--org", "-u", "--user", "-w", "--workflow", "-c", "--commit", "-n", "--notes", "--notes-file", "--target", "-o", "--output",
        "-O", "--owner", "-D", "--dir", "--visibility", "--description", "--homepage", "--default-branch", "-A", "--app", "--author",
        "--branch", "--body-text", "--subject", "--match-head-commit", "--secrets-file", "--env-file", "--key", "--type", "--color",
    ]

    /// Commands that only read (or, `download`, save files locally), in every group that has them.
    static let readingCommands: Set<String> = [
        "list", "ls", "view", "status", "diff", "checks", "watch", "download", "get", "check", "verify", "field-list", "item-list", "logs",
    ]

    /// REST path segments under which `gh api` changes who holds access or keys.
    static let accessSegments: Set<String> = [
        "collaborators", "members", "memberships", "teams", "keys", "hooks", "invitations", "permissions", "secrets", "outside_collaborators",
        "installations",
    ]

    /// `arguments` are the values after `gh` (nil when computed at run time); `displays` as written.
    public static func classify(_ arguments: [String?], displays: [String]) -> [Finding] {
        var words: [String] = []
        var flags: [String: String?] = [:]
        /// `gh api` fields (`-f query=…`), every one: a query may come before or after its variables.
        var fields: [String] = []
        var index = 0
        var dynamicWord: String?
        while index < arguments.count {
            defer { index += 1 }
            guard let argument = arguments[index] else {
                if words.count < 2 { dynamicWord = index < displays.count ? displays[index] : "?" }
                words.append("")
                continue
            }
            if argument == "--" {
                words += arguments[(index + 1)...].map { $0 ?? "" }
                break
            }
            if argument.hasPrefix(ascii: "-"), argument.count > 1 {
                if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                    flags[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
                } else if valuedOptions.contains(argument), index + 1 < arguments.count {
                    // Repeated options keep the last; only presence matters below, but for fields.
                    flags[argument] = arguments[index + 1]
                    if ["-f", "--raw-field", "-F", "--field"].contains(argument) { fields.append(arguments[index + 1] ?? "") }
                    index += 1
                } else {
                    flags[argument] = .some(nil)
                }
                continue
            }
            words.append(argument)
        }
        func has(_ names: String...) -> Bool { names.contains { flags[$0] != nil } }
        func value(_ names: String...) -> String? {
            for name in names { if let found = flags[name] { return found ?? "" } }
            return nil
        }
        if let dynamicWord {
            return [finding("gh:dynamic", .unknown, [], "the `gh` command `\(dynamicWord)` is computed at run time")]
        }
        guard let group = words.first else {
            return [finding("gh", .read, [], has("--version", "--help", "-h") ? "`gh --version` or `--help` only prints" : "`gh` without a command prints usage")]
        }
        let command = words.count > 1 ? words[1] : ""
        let operands = Array(words.dropFirst(2))
        let repository = value("-R", "--repo")
        let op = "gh:\(group)" + (command.isEmpty ? "" : ":\(command)")
        let targets = (repository.map { [$0] } ?? []) + operands.prefix(1)
        if has("--help", "-h") || group == "help" || command == "help" {
            return [finding(op, .read, [], "`gh \(group) --help` only prints")]
        }

        switch group {
        case "api":
            return api(endpoint: command, flags: flags, fields: fields)
        case "version", "status", "browse", "completion", "search":
            return [finding("gh:\(group)", .read, [], "`gh \(group)` only reads")]
        default:
            break
        }

        // Reading commands, in every group that has them.
        if readingCommands.contains(command) {
            // `release download`/`run download` write the files they fetch, nothing shared.
            let effect: Effect = command == "download" ? .write : .read
            return [finding(op, effect, targets, effect == .read ? "`gh \(group) \(command)` only reads" : "`gh \(group) download` saves files locally")]
        }

        switch (group, command) {
        // Deleting shared things.
        case ("repo", "delete"):
            return [finding(op, .destructive, targets, categories: [.teardown, .dataLoss], "`gh repo delete` deletes the repository with its issues, pull requests, releases and wiki")]
        case ("release", "delete"), ("release", "delete-asset"), ("issue", "delete"), ("gist", "delete"), ("label", "delete"), ("run", "delete"),
             ("project", "delete"), ("project", "item-delete"), ("project", "field-delete"), ("codespace", "delete"), ("cache", "delete"),
             ("variable", "delete"), ("ruleset", "delete"):
            return [finding(op, .destructive, targets, categories: [.dataLoss], "`gh \(group) \(command)` deletes what it names on GitHub")]
        case ("secret", "delete"):
            return [finding(op, .destructive, targets, "`gh secret delete` removes a secret that workflows and deployments use")]

        // Who may do what.
        case ("ssh-key", "add"), ("ssh-key", "delete"), ("gpg-key", "add"), ("gpg-key", "delete"), ("repo", "deploy-key"):
            return [finding(op, .destructive, targets, categories: [.permissionChange], "`gh \(group) \(command)` changes which keys may act on GitHub")]
        case ("auth", "login"), ("auth", "logout"), ("auth", "refresh"), ("auth", "switch"):
            return [finding(op, .destructive, targets, categories: [.permissionChange], "`gh auth \(command)` changes the credentials and scopes `gh` acts with")]
        case ("auth", "token"):
            return [finding(op, .read, targets, categories: [.credentialIssue], "`gh auth token` prints the stored GitHub token to the agent")]
        case ("auth", "setup-git"):
            return [finding(op, .write, targets, "`gh auth setup-git` makes git use `gh` as its credential helper")]

        // Repositories.
        case ("repo", "edit"):
            if let visibility = value("--visibility"), visibility.lowercased() == "public" {
                return [finding(op, .destructive, targets, categories: [.permissionChange], "`gh repo edit --visibility public` exposes the repository, its history and its issues to everyone")]
            }
            if has("--enable-auto-merge", "--allow-forking", "--delete-branch-on-merge") || value("--default-branch") != nil {
                return [finding(op, .write, targets, "`gh repo edit` changes repository settings")]
            }
            return [finding(op, .write, targets, "`gh repo edit` changes repository settings")]
        case ("repo", "sync"):
            if has("--force") {
                return [finding(op, .destructive, targets, categories: [.historyRewrite], "`gh repo sync --force` resets the destination branch to the source, discarding its own commits")]
            }
            return [finding(op, .write, targets, "`gh repo sync` updates a branch from its source")]
        case ("repo", "archive"), ("repo", "unarchive"), ("repo", "rename"), ("repo", "create"), ("repo", "fork"), ("repo", "set-default"), ("repo", "clone"), ("repo", "gitignore"), ("repo", "license"):
            return [finding(op, .write, targets, "`gh repo \(command)` creates or changes a repository")]

        // Pull requests and issues.
        case ("pr", "merge"):
            if has("--admin") {
                return [finding(op, .destructive, targets, categories: [.protectionOff], "`gh pr merge --admin` merges past the branch protection rules and required reviews")]
            }
            return [finding(op, .write, targets, "`gh pr merge` merges the pull request into its base branch")]
        case ("pr", _) where ["create", "edit", "comment", "review", "ready", "close", "reopen", "checkout", "lock", "unlock", "update-branch", "revert"].contains(command),
             ("issue", _) where ["create", "edit", "comment", "close", "reopen", "lock", "unlock", "pin", "unpin", "transfer", "develop"].contains(command):
            return [finding(op, .write, targets, "`gh \(group) \(command)` changes a pull request or issue")]

        // Releases, labels, gists, projects, variables, secrets.
        case ("release", "create"), ("release", "edit"), ("release", "upload"), ("label", "create"), ("label", "edit"), ("label", "clone"),
             ("gist", "create"), ("gist", "edit"), ("gist", "clone"), ("gist", "rename"), ("project", _), ("variable", "set"), ("codespace", "create"),
             ("codespace", "edit"), ("codespace", "stop"), ("org", _), ("ruleset", _):
            return [finding(op, .write, targets, "`gh \(group) \(command)` creates or changes it on GitHub")]
        case ("secret", "set"):
            return [finding(op, .write, targets, "`gh secret set` replaces a secret that workflows and deployments use")]

        // Workflows: what they run is defined in the repository, not on this line.
        case ("workflow", "run"), ("run", "rerun"):
            return [finding(op, .unknown, targets, categories: [.opaqueExecution], "`gh \(group) \(command)` starts a workflow, which runs whatever its definition says (a deployment, a migration)")]
        case ("workflow", "enable"), ("workflow", "disable"), ("run", "cancel"):
            return [finding(op, .write, targets, "`gh \(group) \(command)` changes what workflows run")]

        // Code that runs here or later.
        case ("codespace", "ssh"), ("codespace", "cp"), ("codespace", "code"), ("codespace", "jupyter"), ("codespace", "ports"):
            return [finding(op, .unknown, targets, categories: [.opaqueExecution], "`gh codespace \(command)` runs commands or moves files in a remote machine")]
        case ("extension", "install"), ("extension", "upgrade"), ("extension", "exec"), ("alias", "set"), ("alias", "import"):
            return [finding(op, .unknown, targets, categories: [.opaqueExecution], "`gh \(group) \(command)` installs or defines commands that run code of someone's choosing")]
        case ("extension", "remove"), ("alias", "delete"):
            return [finding(op, .write, targets, "`gh \(group) \(command)` removes a local command")]
        case ("config", "set"):
            // `editor`, `pager` and `browser` name programs gh runs.
            if let key = operands.first, ["editor", "pager", "browser"].contains(key) {
                return [finding(op, .unknown, targets, categories: [.opaqueExecution], "`gh config set \(key)` names a program gh will run")]
            }
            return [finding(op, .write, targets, "`gh config set` changes gh's settings")]
        default:
            return [finding(op, .unknown, targets, "`gh \(group) \(command)` is not classified; its effect is unknown")]
        }
    }

    /// `gh api ENDPOINT`: GET unless `--method` says otherwise or fields are sent (then POST), as
    /// gh decides. GraphQL reads unless its query holds a mutation.
    static func api(endpoint: String, flags: [String: String?], fields: [String]) -> [Finding] {
        let op = "gh:api"
        let sendsFields = ["-f", "--raw-field", "-F", "--field", "--input"].contains { flags[$0] != nil }
        let target = endpoint.isEmpty ? [] : [endpoint]
        let given = flags["-X"] ?? flags["--method"]
        if case .some(.none) = given {
            return [finding(op, .unknown, target, "`gh api` with a method computed at run time")]
        }
        let method = (given ?? nil)?.uppercased() ?? (sendsFields ? "POST" : "GET")
        if endpoint.isEmpty {
            return [finding(op, .unknown, [], "`gh api` without an endpoint")]
        }
        if endpoint == "graphql" {
            // `-F query=@FILE` reads the query from a file.
            guard let query = fields.first(where: { $0.hasPrefix("query=") }), !query.hasPrefix("query=@") else {
                return [finding(op, .unknown, target, "`gh api graphql` with a query that cannot be read here")]
            }
            let text = query.dropFirst("query=".count).lowercased()
            guard text.contains("mutation") else { return [finding(op, .read, target, "a GraphQL query only reads")] }
            if ["delete", "remove", "archive", "transfer", "revoke"].contains(where: { text.contains($0) }) {
                return [finding(op, .destructive, target, categories: [.dataLoss], "a GraphQL mutation that deletes, removes or transfers")]
            }
            return [finding(op, .write, target, "a GraphQL mutation changes data on GitHub")]
        }
        let path = endpoint.pieces(between: "?").first.map { $0.lowercased() } ?? ""
        let segments = path.pieces(between: "/").map(String.init)
        switch method {
        case "GET", "HEAD":
            return [finding(op, .read, target, "`gh api` GET only reads")]
        case "DELETE":
            if segments.last == "protection" || segments.contains("rulesets") {
                return [finding(op, .destructive, target, categories: [.protectionOff], "`gh api` DELETE of branch protection or a ruleset switches a protection off")]
            }
            if segments.count == 3, segments[0] == "repos" {
                return [finding(op, .destructive, target, categories: [.teardown, .dataLoss], "`gh api` DELETE of a repository")]
            }
            if segments.contains(where: accessSegments.contains) {
                return [finding(op, .destructive, target, categories: [.permissionChange], "`gh api` DELETE changes who has access")]
            }
            return [finding(op, .destructive, target, "`gh api` DELETE removes \(endpoint)")]
        case "POST", "PUT", "PATCH":
            if segments.contains(where: accessSegments.contains) {
                return [finding(op, .destructive, target, categories: [.permissionChange], "`gh api` \(method) of \(endpoint) changes who has access, keys, hooks or secrets")]
            }
            if segments.count == 3, segments[0] == "repos", method == "PATCH" {
                // Repository settings include visibility and archiving; the fields decide, and
                // `private=false` exposes it.
                return [finding(op, .unknown, target, "`gh api` PATCH of a repository can change its visibility")]
            }
            if segments.contains("dispatches") || segments.last == "rerun" || segments.last == "rerun-failed-jobs" {
                return [finding(op, .unknown, target, categories: [.opaqueExecution], "`gh api` starts a workflow, which runs whatever its definition says")]
            }
            return [finding(op, .write, target, "`gh api` \(method) changes \(endpoint)")]
        default:
            return [finding(op, .unknown, target, "`gh api` with method \(method)")]
        }
    }

    static func finding(_ operation: String, _ effect: Effect, _ targets: [String], categories: Set<Category> = [], _ reason: String) -> Finding {
        Finding(operation: operation, effect: effect, targets: targets, categories: categories, reason: reason)
    }
}
