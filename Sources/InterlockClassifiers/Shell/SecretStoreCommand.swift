import InterlockCore

/// The commands of secret managers and password stores (`op read`, `sops -d`, `doppler secrets
/// download`, `aws-vault export`, `pass show`, `security find-generic-password -w`): printing a
/// stored secret hands it to the agent, and credentials for production must never reach an
/// agent (`credential_issue`, blocked in production by the built-in policy). Listing names is a
/// read, storing one a write, deleting one loses it. What is not in these tables stays unknown.
enum SecretStoreCommand {
    enum Fact: Equatable {
        /// Prints, copies, decrypts or serves stored secrets: what, for the reason.
        case reveals(String)
        case read
        case write
        case deletes
        /// Runs a command line given as an operand (`sops exec-env FILE CMD`).
        case runs(commandLine: String?)
    }

    static let tools: Set<String> = [
        "aws-vault", "op", "doppler", "chamber", "infisical", "berglas", "dotenvx", "envchain", "sops", "pass", "gopass", "bw", "lpass",
        "security", "secret-tool", "ansible-vault", "age", "rage", "kubeseal", "gpg", "gpg2",
    ]

    /// What `tool` does with `arguments`, and the words that name it for the operation; nil
    /// when the command is not in the tables.
    static func classify(tool: String, _ arguments: [String?]) -> (words: [String], fact: Fact)? {
        let words = arguments.compactMap { $0 }.filter { !$0.hasPrefix(ascii: "-") }
        let flags = Set(arguments.compactMap { $0 }.filter { $0.hasPrefix(ascii: "-") }.map { $0.pieces(between: "=").first.map(String.init) ?? $0 })
        func has(_ names: String...) -> Bool { names.contains { flags.contains($0) } }
        let first = words.first ?? ""
        // The verb that starts a program is `CommandRunner`'s (`op run`, `aws-vault exec`).
        if CommandRunner.table[tool]?.verbs.contains(first) == true { return nil }
        let second = words.count > 1 ? words[1] : ""
        func one(_ fact: Fact) -> (words: [String], fact: Fact) { ([first], fact) }
        func two(_ fact: Fact) -> (words: [String], fact: Fact) { ([first, second], fact) }
        switch tool {
        case "aws-vault":
            switch first {
            case "export": return one(.reveals("the profile's AWS credentials"))
            case "login": return one(.reveals("a console sign-in URL carrying the profile's session"))
            case "list", "ls": return one(.read)
            case "add", "rotate", "clear", "remove", "rm": return one(.write)
            default: return nil
            }
        case "op":
            switch (first, second) {
            case ("read", _), ("inject", _): return one(.reveals("secrets from 1Password"))
            case ("item", "get"), ("document", "get"): return two(.reveals("a 1Password item with its secrets"))
            case ("item", "share"): return two(.reveals("a link that opens a 1Password item"))
            case ("signin", _): return one(.reveals("a 1Password session token"))
            case ("connect", "token"), ("service-account", "create"): return two(.reveals("a new 1Password access token"))
            case (_, "list"), ("whoami", _), ("vault", "get"), ("account", "get"), ("user", "get"), ("group", "get"): return two(.read)
            case (_, "delete"): return two(.deletes)
            case (_, "create"), (_, "edit"), (_, "move"), ("account", "add"), ("account", "forget"), ("signout", _): return two(.write)
            default: return nil
            }
        case "doppler":
            switch (first, second) {
            case ("secrets", ""), ("secrets", "get"), ("secrets", "download"), ("secrets", "substitute"):
                return two(.reveals("the config's Doppler secrets"))
            case ("configs", "tokens"), ("service-tokens", "create"): return two(.reveals("a new Doppler access token"))
            case ("configure", "get") where words.contains("token"): return two(.reveals("the CLI's Doppler token"))
            case (_, "delete"): return two(.deletes)
            case ("secrets", _), ("login", _), ("setup", _), (_, "create"), (_, "update"), (_, "set"): return two(.write)
            case ("me", _), ("projects", ""), ("projects", "get"), ("configs", ""), ("configs", "get"), ("environments", ""), ("activity", _), ("configure", _):
                return two(.read)
            default: return nil
            }
        case "chamber":
            switch first {
            case "read", "export", "env": return one(.reveals("secrets from Parameter Store"))
            case "list" where has("-e", "--expand"): return one(.reveals("secrets from Parameter Store"))
            case "list", "list-services", "history", "find", "version": return one(.read)
            case "write", "import": return one(.write)
            case "delete": return one(.deletes)
            default: return nil
            }
        case "infisical":
            switch (first, second) {
            case ("secrets", ""), ("secrets", "get"), ("export", _): return two(.reveals("the project's Infisical secrets"))
            case ("secrets", "delete"): return two(.deletes)
            case ("secrets", "set"), ("login", _), ("init", _): return two(.write)
            default: return nil
            }
        case "berglas":
            switch first {
            case "access": return one(.reveals("a secret stored with Berglas"))
            case "list": return one(.read)
            case "create", "update", "grant", "revoke", "bootstrap", "edit": return one(.write)
            case "delete": return one(.deletes)
            default: return nil
            }
        case "dotenvx":
            switch first {
            case "get", "decrypt": return one(.reveals("the decrypted values of the `.env` file"))
            case "ls": return one(.read)
            case "set", "encrypt": return one(.write)
            default: return nil
            }
        case "envchain":
            if has("--set") { return (["set"], .write) }
            if has("--unset") { return (["unset"], .write) }
            if has("--list") { return has("-v", "--show-value") ? (["list"], .reveals("secrets from the keychain")) : (["list"], .read) }
            return nil
        case "sops":
            if first == "exec-env" || first == "exec-file" {
                // `sops exec-env FILE 'CMD'`: the second operand is a command line for a shell.
                let operands = arguments.drop { $0 != first }.dropFirst().filter { !($0?.hasPrefix(ascii: "-") ?? false) }
                return operands.count >= 2 ? one(.runs(commandLine: operands[operands.startIndex + 1])) : one(.runs(commandLine: nil))
            }
            if first == "decrypt" || has("-d", "--decrypt", "--extract") { return (["decrypt"], .reveals("the decrypted secrets")) }
            if ["encrypt", "rotate", "updatekeys", "set", "unset"].contains(first) || has("-e", "--encrypt", "-r", "--rotate", "-i", "--in-place", "--set") {
                return ([first.isEmpty ? "encrypt" : first], .write)
            }
            if ["filestatus", "keyservice"].contains(first) { return one(.read) }
            return nil
        case "pass", "gopass":
            switch first {
            case "show", "cat", "otp", "grep": return one(.reveals("a stored password"))
            case "ls", "list", "find", "search", "version", "": return has("-c", "--clip") ? one(.reveals("a stored password")) : one(.read)
            case "insert", "add", "generate", "edit", "mv", "move", "cp", "copy", "init", "git", "sync", "setup": return one(.write)
            case "rm", "remove", "delete": return one(.deletes)
            default:
                // `pass NAME` shows the entry.
                return (["show"], .reveals("a stored password"))
            }
        case "bw":
            switch first {
            case "get", "export", "list", "serve", "unlock", "send", "receive": return one(.reveals("Bitwarden vault items or the session key that opens them"))
            case "login" where has("--raw"), "login" where has("--apikey"): return one(.reveals("the Bitwarden session key"))
            case "status", "config", "generate", "encode": return one(.read)
            case "sync", "login", "logout", "lock", "create", "edit", "move", "restore", "import", "confirm": return one(.write)
            case "delete": return one(.deletes)
            default: return nil
            }
        case "lpass":
            switch first {
            case "show", "export": return one(.reveals("stored LastPass secrets"))
            case "ls", "status": return one(.read)
            case "add", "edit", "mv", "duplicate", "generate", "sync", "login", "logout", "passwd", "share", "import": return one(.write)
            case "rm": return one(.deletes)
            default: return nil
            }
        case "security":
            switch first {
            case "find-generic-password", "find-internet-password":
                return has("-w", "-g") ? one(.reveals("a password from the keychain")) : one(.read)
            case "dump-keychain": return has("-d") ? one(.reveals("the keychain's decrypted contents")) : one(.read)
            case "export": return one(.reveals("keys or identities from the keychain"))
            case "list-keychains", "show-keychain-info", "find-certificate", "find-identity", "verify-cert", "default-keychain", "login-keychain":
                return one(.read)
            default:
                if first.hasPrefix("delete-") { return one(.deletes) }
                if first.hasPrefix("add-") || first.hasPrefix("set-") || ["import", "create-keychain", "unlock-keychain", "lock-keychain"].contains(first) { return one(.write) }
                return nil
            }
        case "secret-tool":
            switch first {
            case "lookup", "search": return one(.reveals("a secret from the desktop keyring"))
            case "store": return one(.write)
            case "clear": return one(.deletes)
            default: return nil
            }
        case "ansible-vault":
            switch first {
            case "view", "decrypt": return one(.reveals("the vault's decrypted contents"))
            case "encrypt", "encrypt_string", "create", "rekey": return one(.write)
            default: return nil
            }
        case "age", "rage":
            return has("-d", "--decrypt") ? (["decrypt"], .reveals("the decrypted file")) : nil
        case "gpg", "gpg2":
            if has("-d", "--decrypt", "--decrypt-files") { return (["decrypt"], .reveals("the decrypted file")) }
            if has("--export-secret-keys", "--export-secret-subkeys") { return (["export-secret-keys"], .reveals("private keys")) }
            if has("--delete-keys", "--delete-key", "--delete-secret-keys", "--delete-secret-key", "--delete-secret-and-public-key") { return (["delete-keys"], .deletes) }
            if has("-k", "-K", "--list-keys", "--list-public-keys", "--list-secret-keys", "--list-sigs", "--check-sigs", "--fingerprint", "--verify", "--list-packets", "--version", "--export") {
                return (["list"], .read)
            }
            if has("-e", "--encrypt", "-c", "--symmetric", "-s", "--sign", "--clearsign", "--clear-sign", "-b", "--detach-sign", "--import", "--recv-keys",
                   "--gen-key", "--generate-key", "--full-generate-key", "--full-gen-key", "--quick-gen-key", "--quick-generate-key", "--edit-key", "--sign-key",
                   "--lsign-key", "--gen-revoke", "--generate-revocation", "--refresh-keys", "--import-ownertrust", "--update-trustdb") {
                return (["sign-or-encrypt"], .write)
            }
            return nil
        case "kubeseal":
            return has("--recovery-unseal") ? (["recovery-unseal"], .reveals("sealed secrets decrypted with the controller's private key")) : nil
        default:
            return nil
        }
    }
}

extension ShellAnalysis {
    /// A runner's or secret manager's commands other than the one that starts a program.
    /// `classified` is `SecretStoreCommand.classify`'s answer for a secret manager, already looked up.
    mutating func classifyRunnerOwnCommand(_ name: String, _ args: [Argument], classified: (words: [String], fact: SecretStoreCommand.Fact)?,
                                           stdin: StandardInput, catalogued: CataloguedCommand?) {
        let op = "shell:\(name)"
        guard SecretStoreCommand.tools.contains(name) else {
            classifyCatalogued(name, args, stdin: stdin, catalogued)
            return
        }
        if args.count == 1, let only = args[0].value, ["--version", "-v", "version", "--help", "-h", "help"].contains(only) {
            add(op, .read, "`\(name) \(only)` only prints")
            return
        }
        guard let (words, fact) = classified else {
            unknown(op, "`\(name)` \(args.first.map { "`\($0.display)` " } ?? "")is not catalogued; its effect is unknown")
            return
        }
        let operation = ([op] + words.filter { !$0.isEmpty }).joined(separator: ":")
        let command = ([name] + words.filter { !$0.isEmpty }).joined(separator: " ")
        switch fact {
        case .reveals(let what):
            add(operation, .read, categories: [.credentialIssue], "`\(command)` prints or hands over \(what), which the agent then holds")
        case .read:
            add(operation, .read, "`\(command)` lists or describes stored secrets without their values")
        case .write:
            add(operation, .write, "`\(command)` stores, changes or encrypts secrets")
        case .deletes:
            add(operation, .destructive, categories: [.dataLoss], "`\(command)` deletes stored secrets")
        case .runs(let commandLine):
            guard let commandLine else {
                unknown(operation, "`\(command)` runs a command that is computed at run time or not given", opaque: true)
                return
            }
            if SecretStoreCommand.printsEnvironment(commandLine.pieces(between: " ").map { String($0) }) {
                add(operation, .read, categories: [.credentialIssue], "`\(command)` puts the decrypted secrets in the environment of `\(commandLine)`, which prints them to the agent")
            }
            analyzeText(commandLine, origin: "the command `\(command)` runs with the decrypted secrets")
        }
    }
}

extension SecretStoreCommand {
    /// Whether a program and its arguments (nil: computed at run time) print the environment they
    /// are given, or named variables of it, rather than running something with it: `printenv`, and
    /// `env` with only options and assignments (`env CMD` runs CMD).
    static func printsEnvironment(_ words: [String?]) -> Bool {
        guard let first = words.first, let program = first else { return false }
        return program == "printenv" || program == "env" && words.dropFirst().allSatisfy { word in
            guard let word else { return false }
            return word.hasPrefix(ascii: "-") || word.containsASCII("=")
        }
    }
}
