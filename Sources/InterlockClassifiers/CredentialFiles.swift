import InterlockCore

/// Files where tools keep the credentials they act with: the AWS CLI's keys and cached session
/// tokens, SSH private keys, a kubeconfig's tokens and client keys, Docker's registry logins,
/// gcloud's and Azure's token caches, `.netrc`, `.pgpass`, Vault's token.
///
/// An agent that reads one holds what the file grants and can act without asking Interlock, so
/// reading it — `cat ~/.aws/credentials`, a host's Read tool on it, an MCP file server's
/// `read_file` — is a `credential_issue`, as `GetSecretValue` is. Paths are matched by their last
/// components, wherever the home directory is (`~/.aws/credentials`, `/root/.aws/credentials`,
/// `$HOME/.aws/credentials`). `.env` files are not here: reading them is what agents do all day
/// in development, and edits to them are flagged as secret files (`FileChangeClassifier`).
enum CredentialFiles {
    /// Why `path` holds credentials, or nil. With `directories`, also the directories that hold
    /// them and globs inside those (`grep -r key ~/.aws`, `cat ~/.ssh/*`): for a reader that
    /// takes a directory's files, not one that lists their names.
    static func reason(_ path: String, directories: Bool = false) -> String? {
        // Every path here has a component that starts with a dot (`~/.aws/…`, `.netrc`,
        // `~/.config/gh/…`) or is `/etc/shadow`: most words a reader is given (`-r`, a pattern,
        // `src/main.c`) are passed over without being split.
        guard mayName(path) else { return nil }
        let components = path.pieces(between: "/").filter { !$0.isEmpty }.map(String.init)
        guard let name = components.last else { return nil }
        let parent = components.count >= 2 ? components[components.count - 2] : ""
        let grandparent = components.count >= 3 ? components[components.count - 3] : ""
        if directories {
            if credentialDirectories.contains(name) || parent == ".config" && (name == "gcloud" || name == "gh") {
                return "`\(name)` holds credentials files"
            }
            if name.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }),
               credentialDirectories.contains(parent) || grandparent == ".config" && (parent == "gcloud" || parent == "gh") {
                return "`\(parent)/\(name)` takes in credentials files"
            }
        }
        if let what = byName[name] { return "`\(name)` \(what)" }
        if let what = byParentAndName[parent + "/" + name] { return what }
        if parent == ".ssh", name.hasPrefix("id_"), !name.hasSuffix(".pub") { return "`~/.ssh/\(name)` is an SSH private key" }
        if parent == "etc", name == "shadow" || name == "gshadow" { return "`/etc/\(name)` holds the machine's password hashes" }
        if parent == "serviceaccount", name == "token" { return "a pod's service account token acts on the cluster as that account" }
        // `/proc/1/environ`: the environment a service was started with, where its database
        // password and API keys usually are.
        if name == "environ", grandparent == "proc", parent == "self" || parent.allSatisfy(\.isNumber) || parent.hasPrefix("$") {
            return "`/proc/\(parent)/environ` holds the environment a process was started with, where services keep their secrets"
        }
        // The AWS CLI's cached SSO and assumed-role session credentials.
        if parent == "cache", grandparent == "sso" || grandparent == "cli", components.count >= 4, components[components.count - 4] == ".aws" {
            return "`~/.aws/\(grandparent)/cache` holds AWS session credentials"
        }
        // Keys by extension alone (`server.key`, `*.p12`) are left out: a repository's test
        // fixtures are full of them, and refusing every read of one in development would teach
        // people to switch the guard off. Where one is a credential, a policy names its path.
        return nil
    }

    /// Files that hold credentials wherever they are.
    static let byName: [String: String] = [
        ".netrc": "holds passwords for the hosts it names", "_netrc": "holds passwords for the hosts it names",
        ".pgpass": "holds PostgreSQL passwords", ".my.cnf": "may hold a MySQL password", ".git-credentials": "holds Git passwords and tokens",
        ".vault-token": "holds a Vault token", ".pypirc": "holds package index passwords", ".npmrc": "may hold registry tokens",
        "credentials.tfrc.json": "holds Terraform Cloud tokens",
    ]

    /// Files that hold credentials in their directory (`parent/name`).
    static let byParentAndName: [String: String] = [
        ".aws/credentials": "`~/.aws/credentials` holds AWS access keys",
        ".kube/config": "a kubeconfig holds cluster tokens and client keys",
        ".docker/config.json": "`~/.docker/config.json` holds registry logins",
        "gh/hosts.yml": "`gh`'s `hosts.yml` holds GitHub tokens",
        "gcloud/credentials.db": "gcloud's `credentials.db` holds Google Cloud credentials",
        "gcloud/access_tokens.db": "gcloud's `access_tokens.db` holds Google Cloud access tokens",
        "gcloud/application_default_credentials.json": "gcloud's application default credentials",
        ".azure/accessTokens.json": "the Azure CLI's token cache", ".azure/msal_token_cache.json": "the Azure CLI's token cache",
        ".azure/msal_token_cache.bin": "the Azure CLI's token cache", ".azure/service_principal_entries.json": "the Azure CLI's service principal secrets",
        // A human who approves from this machine keeps a human's gateway token here: read by the
        // agent, it would approve the agent's own requests.
        "interlock/client.json": "Interlock's client settings hold a gateway token, a human approver's where one approves from this machine",
        "keys/audit-signing.key": "Interlock's audit signing key signs the log's checkpoints",
    ]


    /// One pass over the bytes: a component that starts with a dot and is not `.` or `..`
    /// (`.aws`, not `./x`), or a path ending in `shadow` or `serviceaccount/token`.
    static func mayName(_ path: String) -> Bool {
        // Over the contiguous bytes when the string has them (native strings do), else a copy.
        path.utf8.withContiguousStorageIfAvailable(mayName(bytes:)) ?? mayName(bytes: Array(path.utf8))
    }

    static func mayName(bytes: some Collection<UInt8>) -> Bool {
        var componentStart = true
        var dotStartsComponent = false
        var last: UInt8 = 0
        for byte in bytes {
            if dotStartsComponent {
                if byte != UInt8(ascii: "/"), byte != UInt8(ascii: ".") { return true }
                dotStartsComponent = false
            } else if componentStart, byte == UInt8(ascii: ".") {
                dotStartsComponent = true
            }
            componentStart = byte == UInt8(ascii: "/")
            last = byte
        }
        return last == UInt8(ascii: "w") && bytes.count >= 6 && bytes.reversed().starts(with: "wodahs".utf8)
            || last == UInt8(ascii: "n") && bytes.count >= 20 && bytes.reversed().starts(with: "nekot/tnuoccaecivres".utf8)
            || last == UInt8(ascii: "n") && bytes.count >= 8 && bytes.reversed().starts(with: "norivne/".utf8)
    }


    /// Directories whose files are credentials (most of them, or the ones that matter).
    static let credentialDirectories: Set<String> = [".aws", ".ssh", ".kube", ".docker", ".gnupg", ".azure", ".password-store"]
}
