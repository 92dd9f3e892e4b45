import InterlockCore
import InterlockPolicy
import Yams

/// Which real AWS account each agent reaches through the proxy, and with which credentials.
///
/// ```yaml
/// upstreams:
///   production:
///     environment: production          # the policy environment its calls are decided in
///     account: "123456789012"
///     regions: [us-east-1]              # optional: calls to other regions are refused
///     endpoint: http://127.0.0.1:5000   # optional: one endpoint for every service (tests, VPC endpoints)
///     credentials:
///       access_key_id: AKIA...
///       secret_access_key_file: /etc/interlock/prod.secret   # or secret_access_key_env: NAME
///       # or: profile: prod                  (the proxy user's ~/.aws/credentials)
///       # or: assume_role: {role_arn: ..., source: {profile: base}, duration: 1h}
/// agents:
///   deploy-bot: production
///   ci-bot: staging
/// ```
///
/// An agent reaches exactly one upstream: a staging agent has no route to production, whatever it
/// signs. Secrets are never written in the file itself, only where to read them.
public struct AWSProxyConfiguration: Sendable, Hashable {
    public struct Upstream: Sendable, Hashable {
        public var name: String
        public var environment: String
        public var account: String?
        public var regions: [String]?
        public var endpoint: String?
        public var credentials: CredentialSource

        public init(name: String, environment: String, account: String? = nil, regions: [String]? = nil, endpoint: String? = nil,
                    credentials: CredentialSource) {
            self.name = name
            self.environment = environment
            self.account = account
            self.regions = regions
            self.endpoint = endpoint
            self.credentials = credentials
        }
    }

    public indirect enum CredentialSource: Sendable, Hashable {
        case keys(accessKeyID: String, secret: SecretLocation, sessionToken: SecretLocation?)
        case profile(String)
        case assumeRole(roleARN: String, sessionName: String, durationSeconds: Int, externalID: String?, source: CredentialSource)
    }

    public enum SecretLocation: Sendable, Hashable {
        case environment(String)
        case file(String)
    }

    public var upstreams: [String: Upstream]
    /// Agent name → upstream name.
    public var agents: [String: String]

    public func upstream(forAgent agent: String) -> Upstream? {
        agents[agent].flatMap { upstreams[$0] }
    }

    /// Reads the configuration; every problem is reported with its file:line:column.
    public static func parse(_ text: String, file: String) throws(PolicyLoadError) -> AWSProxyConfiguration {
        let reader = YAMLReader(file: file)
        var upstreams: [String: Upstream] = [:]
        var agents: [String: String] = [:]
        var agentNodes: [(String, Node)] = []
        if let root = reader.compose(text), let entries = reader.mapping(root, "the AWS proxy configuration", allowed: ["upstreams", "agents"]) {
            for entry in entries {
                switch entry.key {
                case "upstreams":
                    for upstream in reader.mapping(entry.value, "`upstreams`") ?? [] {
                        if let parsed = parseUpstream(upstream.key, upstream.value, reader) { upstreams[upstream.key] = parsed }
                    }
                case "agents":
                    for agent in reader.mapping(entry.value, "`agents`") ?? [] {
                        if let target = reader.nonEmptyString(agent.value, "the upstream of agent `\(agent.key)`") {
                            agents[agent.key] = target
                            agentNodes.append((target, agent.value))
                        }
                    }
                default:
                    break
                }
            }
            if upstreams.isEmpty && !reader.hasErrors { reader.error(root, "the configuration names no `upstreams`") }
            for (target, node) in agentNodes where upstreams[target] == nil && !reader.hasErrors {
                reader.error(node, "no upstream is named `\(target)`", hint: "upstreams: \(upstreams.keys.sorted().joined(separator: ", "))")
            }
        }
        if reader.hasErrors { throw PolicyLoadError(diagnostics: reader.diagnostics) }
        return AWSProxyConfiguration(upstreams: upstreams, agents: agents)
    }

    static func parseUpstream(_ name: String, _ node: Node, _ reader: YAMLReader) -> Upstream? {
        guard let entries = reader.mapping(node, "upstream `\(name)`", allowed: ["environment", "account", "regions", "endpoint", "credentials"]) else {
            return nil
        }
        var environment: String?
        var account: String?
        var regions: [String]?
        var endpoint: String?
        var credentials: CredentialSource?
        for entry in entries {
            switch entry.key {
            case "environment": environment = reader.nonEmptyString(entry.value, "`environment`")
            case "account":
                account = reader.nonEmptyString(entry.value, "`account`")
                if let a = account, a.count != 12 || !a.allSatisfy(\.isNumber) {
                    reader.error(entry.value, "`account` must be a 12-digit AWS account id, found `\(a)`", hint: "quote it so that YAML keeps leading zeros")
                }
            case "regions": regions = reader.list(entry.value, "`regions`")?.map(\.0)
            case "endpoint":
                endpoint = reader.nonEmptyString(entry.value, "`endpoint`")
                if let e = endpoint, !(e.hasPrefix("http://") || e.hasPrefix("https://")) {
                    reader.error(entry.value, "`endpoint` must be an http:// or https:// URL, found `\(e)`")
                }
            case "credentials": credentials = parseCredentials(entry.value, "`credentials` of upstream `\(name)`", reader)
            default: break
            }
        }
        guard let environment else { reader.error(node, "upstream `\(name)` needs an `environment`"); return nil }
        guard let credentials else {
            if !reader.hasErrors { reader.error(node, "upstream `\(name)` needs `credentials`") }
            return nil
        }
        return Upstream(name: name, environment: environment, account: account, regions: regions, endpoint: endpoint, credentials: credentials)
    }

    static func parseCredentials(_ node: Node, _ what: String, _ reader: YAMLReader) -> CredentialSource? {
        guard let entries = reader.mapping(node, what, allowed: [
            "access_key_id", "secret_access_key_env", "secret_access_key_file", "session_token_env", "session_token_file", "profile", "assume_role",
            "secret_access_key",
        ]) else { return nil }
        var values: [String: (String, Node)] = [:]
        var assumeRole: Node?
        for entry in entries {
            if entry.key == "assume_role" { assumeRole = entry.value; continue }
            if entry.key == "secret_access_key" {
                reader.error(entry.keyNode, "a secret is never written in the configuration itself",
                             hint: "use `secret_access_key_file` or `secret_access_key_env`")
                continue
            }
            if let value = reader.nonEmptyString(entry.value, "`\(entry.key)`") { values[entry.key] = (value, entry.value) }
        }
        let kinds = [values["access_key_id"] != nil, values["profile"] != nil, assumeRole != nil].filter { $0 }.count
        guard kinds == 1 else {
            reader.error(node, "\(what) needs exactly one of `access_key_id` (with a secret), `profile` or `assume_role`")
            return nil
        }
        if let profile = values["profile"] { return .profile(profile.0) }
        if let role = assumeRole {
            guard let fields = reader.mapping(role, "`assume_role`", allowed: ["role_arn", "session_name", "duration", "external_id", "source"]) else { return nil }
            var arn: String?, session = "interlock-aws-proxy", duration = 3600, external: String?, source: CredentialSource?
            for field in fields {
                switch field.key {
                case "role_arn": arn = reader.nonEmptyString(field.value, "`role_arn`")
                case "session_name": session = reader.nonEmptyString(field.value, "`session_name`") ?? session
                case "duration": duration = reader.duration(field.value, "`duration`") ?? duration
                case "external_id": external = reader.nonEmptyString(field.value, "`external_id`")
                case "source": source = parseCredentials(field.value, "`assume_role.source`", reader)
                default: break
                }
            }
            guard let arn, arn.hasPrefix("arn:") else { reader.error(role, "`assume_role` needs a `role_arn` (arn:aws:iam::ACCOUNT:role/NAME)"); return nil }
            guard let source else { reader.error(role, "`assume_role` needs a `source`: the credentials that assume the role"); return nil }
            return .assumeRole(roleARN: arn, sessionName: session, durationSeconds: duration, externalID: external, source: source)
        }
        let secret: SecretLocation
        if let env = values["secret_access_key_env"] { secret = .environment(env.0) } else if let file = values["secret_access_key_file"] { secret = .file(file.0) } else {
            reader.error(node, "\(what) has an `access_key_id` but no `secret_access_key_file` or `secret_access_key_env`")
            return nil
        }
        let token: SecretLocation? = values["session_token_env"].map { .environment($0.0) } ?? values["session_token_file"].map { .file($0.0) }
        return .keys(accessKeyID: values["access_key_id"]!.0, secret: secret, sessionToken: token)
    }
}
