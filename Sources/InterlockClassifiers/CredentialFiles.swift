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
    /// Why `path` holds credentials, or nil.
    static func reason(_ path: String) -> String? {
        let components = path.pieces(between: "/")
        guard let name = components.last, !name.isEmpty else { return nil }
        let parent = components.count >= 2 ? components[components.count - 2] : ""
        let grandparent = components.count >= 3 ? components[components.count - 3] : ""
        switch name {
        case ".netrc", "_netrc", ".pgpass", ".my.cnf", ".git-credentials", ".vault-token", ".pypirc", ".npmrc", "credentials.tfrc.json":
            return "`\(name)` holds passwords or tokens"
        case "shadow", "gshadow" where parent == "etc":
            return "`/etc/\(name)` holds the machine's password hashes"
        default:
            break
        }
        switch parent {
        case ".aws":
            if name == "credentials" { return "`~/.aws/credentials` holds AWS access keys" }
        case ".ssh":
            if name.hasPrefix("id_"), !name.hasSuffix(".pub") { return "`~/.ssh/\(name)` is an SSH private key" }
        case ".kube":
            if name == "config" { return "a kubeconfig holds cluster tokens and client keys" }
        case ".docker":
            if name == "config.json" { return "`~/.docker/config.json` holds registry logins" }
        case "gh":
            if name == "hosts.yml" { return "`gh`'s `hosts.yml` holds GitHub tokens" }
        case "gcloud":
            if ["credentials.db", "access_tokens.db", "application_default_credentials.json"].contains(name) { return "gcloud's `\(name)` holds Google Cloud credentials" }
        case ".azure":
            if ["accessTokens.json", "msal_token_cache.json", "msal_token_cache.bin", "service_principal_entries.json"].contains(name) { return "the Azure CLI's `\(name)` holds Azure tokens" }
        case "cache":
            // The AWS CLI's cached SSO and assumed-role session credentials.
            if grandparent == "sso" || grandparent == "cli", components.count >= 4, components[components.count - 4] == ".aws" {
                return "`~/.aws/\(grandparent)/cache` holds AWS session credentials"
            }
        default:
            break
        }
        if name.hasSuffix(".key") || name.hasSuffix(".ppk") || name.hasSuffix(".p12") || name.hasSuffix(".pfx") {
            return "`\(name)` is a private key"
        }
        return nil
    }
}
