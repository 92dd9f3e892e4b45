import Foundation
import InterlockClassifiers
import InterlockCore
import Testing

/// MCP tool calls, with the tool lists captured from the real `mcp-server-git` (annotates all its
/// tools) and `mcp-server-sqlite` (annotates none).
@Suite struct MCPToolClassifierTests {
    struct Tool {
        var name: String
        var annotations: ToolAnnotations?
    }

    static func tools(_ server: String) throws -> [Tool] {
        let data = try Data(contentsOf: Corpus.url("mcp/\(server).tools.json"))
        let list = try #require(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return list.map { tool in
            let hints = tool["annotations"] as? [String: Any]
            return Tool(name: tool["name"] as! String, annotations: hints.map {
                ToolAnnotations(readOnlyHint: $0["readOnlyHint"] as? Bool, destructiveHint: $0["destructiveHint"] as? Bool,
                                idempotentHint: $0["idempotentHint"] as? Bool, openWorldHint: $0["openWorldHint"] as? Bool)
            })
        }
    }

    static func classify(_ server: String, _ tool: Tool, _ arguments: [String: JSONValue] = [:], trust: MCPTrust = MCPTrust()) -> Classification {
        ClassifierSet.standard(fileSystem: OpaqueFileSystem(), mcpTrust: trust).classify(Action(
            principal: Principal(agent: "t"), channel: .mcp,
            input: .tool(ToolCall(server: server, tool: tool.name, arguments: .object(arguments), annotations: tool.annotations))))
    }

    @Test func untrustedAnnotationsNeverMakeAToolMilder() throws {
        let tools = try Self.tools("git")
        #expect(tools.count == 12)
        for tool in tools {
            let facts = Self.classify("git", tool, ["repo_path": .string("/srv/repo")])
            // A declared destructive tool is believed, and so is a name that says it destroys (`git_reset`).
            let expected: Effect = tool.annotations?.claimedEffect == .destructive || tool.name == "git_reset" ? .destructive : .unknown
            #expect(facts.effect == expected, "\(tool.name)")
            #expect(facts.operations.first == "mcp:git:\(tool.name)")
        }
    }

    /// Names, like annotations, are believed when they say worse, never when they say better.
    @Test func aNameThatSaysItDestroysIsBelieved() {
        for name in ["delete_repository", "dropTable", "kubectl-delete", "purge.cache", "RemoveUser", "reset_db"] {
            #expect(Self.classify("x", Tool(name: name)).effect == .destructive, "\(name)")
        }
        for name in ["undelete_item", "deleted_items_list", "list_drops", "get_issue", "resetting_notes"] {
            #expect(Self.classify("x", Tool(name: name)).effect == .unknown, "\(name)")
        }
        // A read-only claim from an untrusted server does not make a destroying name milder.
        #expect(Self.classify("x", Tool(name: "delete_file", annotations: ToolAnnotations(readOnlyHint: true))).effect == .destructive)
        // The policy's word and a trusted server's annotations still decide.
        #expect(Self.classify("x", Tool(name: "delete_draft"), trust: MCPTrust(servers: ["x": .init(tools: ["delete_draft": .write])])).effect == .write)
    }

    @Test func trustedAnnotationsAreBelieved() throws {
        let trust = MCPTrust(servers: ["git": .init(trustAnnotations: true)])
        var effects: [String: Effect] = [:]
        for tool in try Self.tools("git") { effects[tool.name] = Self.classify("git", tool, ["repo_path": .string("/srv/repo")], trust: trust).effect }
        #expect(effects["git_status"] == .read)
        #expect(effects["git_log"] == .read)
        #expect(effects["git_commit"] == .write)
        #expect(effects["git_checkout"] == .write)
        #expect(effects["git_reset"] == .destructive)
        #expect(Self.classify("git", Tool(name: "git_status"), trust: trust).effect == .destructive, "no annotations: the protocol's defaults assume the worst")
    }

    @Test func argumentsAreInspectedWhateverTheTrust() throws {
        let tools = Dictionary(uniqueKeysWithValues: try Self.tools("sqlite").map { ($0.name, $0) })
        let readQuery = try #require(tools["read_query"])
        let writeQuery = try #require(tools["write_query"])
        #expect(readQuery.annotations == nil)
        let trusting = MCPTrust(servers: ["sqlite": .init(tools: ["read_query": .read, "list_tables": .read])])
        #expect(Self.classify("sqlite", readQuery, ["query": .string("SELECT * FROM users")]).effect == .unknown)
        #expect(Self.classify("sqlite", readQuery, ["query": .string("SELECT * FROM users")], trust: trusting).effect == .read)
        let drop = Self.classify("sqlite", readQuery, ["query": .string("SELECT 1; DROP TABLE users")], trust: trusting)
        #expect(drop.effect == .destructive)
        #expect(drop.operations.contains("sql:drop_table"))
        #expect(Self.classify("sqlite", writeQuery, ["query": .string("DROP TABLE users")]).effect == .destructive)
        #expect(Self.classify("sqlite", try #require(tools["list_tables"]), trust: trusting).effect == .read)
        let shell = Self.classify("runner", Tool(name: "run", annotations: ToolAnnotations(readOnlyHint: true)), ["command": .string("rm -rf /srv")],
                                  trust: MCPTrust(servers: ["runner": .init(trustAnnotations: true)]))
        #expect(shell.effect == .destructive)
    }

    /// A list of statements or command lines is read item by item, and the AWS API server's
    /// `call_aws` hands its `cli_command` to the shell classifier, which reads `aws …` lines.
    @Test func listsOfStatementsAndAWSCommandLinesAreInspected() {
        let trusting = MCPTrust(servers: ["pg": .init(tools: ["run": .read]), "aws": .init(tools: ["call_aws": .read])])
        let statements = Self.classify("pg", Tool(name: "run"), ["statements": .array([.string("SELECT 1"), .string("DROP TABLE users")])], trust: trusting)
        #expect(statements.effect == .destructive)
        #expect(statements.operations.contains("sql:drop_table"))
        #expect(Self.classify("pg", Tool(name: "run"), ["statements": .array([.string("SELECT 1"), .string("SELECT 2")])], trust: trusting).effect == .read)
        let bucket = Self.classify("aws", Tool(name: "call_aws"), ["cli_command": .string("aws s3 rb s3://prod-data --force")], trust: trusting)
        #expect(bucket.effect == .destructive)
        #expect(bucket.operations.contains("aws:s3:rb"), "\(bucket.operations)")
        #expect(Self.classify("aws", Tool(name: "call_aws"), ["cli_command": .string("aws s3 ls s3://prod-data")], trust: trusting).effect == .read)
    }

    /// A deletion through an MCP tool carries what it takes, as the same deletion through a shell
    /// does: a namespace or project torn down is `teardown` (blocked in production by the built-in
    /// policy, as `kubectl delete ns prod` is), a database or volume `data_loss`.
    @Test func deletionsCarryWhatTheyTake() {
        let cases: [(String, String, [String: JSONValue], Set<InterlockCore.Category>)] = [
            ("kubernetes", "namespaces_delete", ["name": .string("prod")], [.teardown]),
            ("kubernetes", "resources_delete", ["kind": .string("Namespace"), "name": .string("prod")], [.teardown]),
            ("kubernetes", "resources_delete", ["kind": .string("PersistentVolumeClaim"), "name": .string("data")], [.dataLoss]),
            ("kubernetes", "kubectl_delete", ["resourceType": .string("namespace"), "name": .string("prod")], [.teardown]),
            ("gcp", "deleteProject", ["projectId": .string("shop-prod")], [.teardown]),
            ("terraform", "destroy", [:], [.teardown]),
            ("github", "delete_repository", ["owner": .string("o"), "repo": .string("r")], [.teardown, .dataLoss]),
            ("postgres", "drop_database", ["name": .string("prod")], [.teardown, .dataLoss]),
            ("db", "delete_table", ["table": .string("users")], [.dataLoss]),
            // The object is what is deleted: a variable of an environment, a member of a project.
            ("vercel", "delete_environment_variable", ["key": .string("X")], []),
            ("gcp", "delete_project_member", ["member": .string("x")], []),
            ("registry", "delete_repository", ["name": .string("images")], [.dataLoss]),
            ("fs", "delete_file", ["path": .string("/srv/x")], []),
        ]
        for (server, tool, arguments, categories) in cases {
            let facts = Self.classify(server, Tool(name: tool), arguments)
            #expect(facts.effect == .destructive, "\(server)/\(tool)")
            #expect(facts.categories == categories, "\(server)/\(tool): \(facts.categories)")
        }
    }

    /// A tool named for a CLI may take the command without the program's name; it is read both
    /// ways and the worse stands.
    @Test func aCommandForACLIToolIsReadAsThatCLIs() {
        let facts = Self.classify("kubernetes", Tool(name: "kubectl"), ["command": .string("delete ns/prod")])
        #expect(facts.effect == .destructive)
        #expect(facts.categories.contains(.teardown), "\(facts.categories)")
        #expect(facts.operations.contains("kubectl:delete"), "\(facts.operations)")
    }

    /// A host's Read tool, Kiro's `fs_read` (paths nested in its operations) or a file server's
    /// `read_file` given a credentials file hands the agent what it holds.
    @Test func credentialFilesNamedAreCredentialsIssued() {
        let cases: [(String, String, JSONValue)] = [
            ("claude", "Read", .object(["file_path": .string("/home/dev/.aws/credentials")])),
            ("kiro", "fs_read", .object(["operations": .array([.object(["mode": .string("Line"), "path": .string("/root/.ssh/id_ed25519")])])])),
            ("filesystem", "read_multiple_files", .object(["paths": .array([.string("/srv/a"), .string("/home/u/.docker/config.json")])])),
        ]
        for (server, tool, arguments) in cases {
            let facts = ClassifierSet.standard(fileSystem: OpaqueFileSystem()).classify(Action(
                principal: Principal(agent: "t"), channel: .mcp, input: .tool(ToolCall(server: server, tool: tool, arguments: arguments))))
            #expect(facts.categories.contains(.credentialIssue), "\(server)/\(tool): \(facts.categories)")
        }
        let plain = Self.classify("claude", Tool(name: "Read"), ["file_path": .string("/home/dev/src/main.py")])
        #expect(!plain.categories.contains(.credentialIssue))
        // A search through a credentials directory reads its files; a listing only names them,
        // and a web page's path is not a file.
        #expect(Self.classify("claude", Tool(name: "Grep"), ["pattern": .string("key"), "path": .string("/home/dev/.aws")]).categories.contains(.credentialIssue))
        #expect(!Self.classify("claude", Tool(name: "LS"), ["path": .string("/home/dev/.ssh")]).categories.contains(.credentialIssue))
        #expect(!Self.classify("claude", Tool(name: "Glob"), ["pattern": .string("*"), "path": .string("/home/dev/.ssh")]).categories.contains(.credentialIssue))
        #expect(!Self.classify("claude", Tool(name: "WebFetch"), ["url": .string("https://example.com/.aws/credentials")]).categories.contains(.credentialIssue))
    }

    /// A tool named for returning a secret, any getter of a secret manager's server, and a tool
    /// that mints a credential hand it to the agent, even from a server the policy trusts to say
    /// its tools only read; a listing, metadata and names that merely contain the word do not.
    @Test func toolsThatReturnSecretsIssueThem() {
        let trusted = MCPTrust(servers: ["aws-secrets": MCPTrust.Server(trustAnnotations: true)])
        let readOnly = ToolAnnotations(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)
        let issued: [(String, String)] = [
            ("vault", "read_secret"), ("hashicorp-vault", "kv_get"), ("onepassword", "get_item"), ("1password", "item_get"), ("doppler", "secrets_get"),
            ("aws-secrets", "get_secret_value"), ("bitwarden", "get_password"), ("keys", "getApiKey"), ("sentry", "create_api_key"),
            ("github", "create_personal_access_token"), ("cloud", "fetch_credentials"), ("k8s", "get_kubeconfig"),
        ]
        for (server, tool) in issued {
            let facts = Self.classify(server, Tool(name: tool, annotations: readOnly), trust: trusted)
            #expect(facts.categories.contains(.credentialIssue), "\(server)/\(tool): \(facts.categories)")
            #expect(facts.operations.contains("mcp:\(server):\(tool):secret"), "\(server)/\(tool): \(facts.operations)")
        }
        // Believed annotations still decide the effect: a read that hands over a secret.
        #expect(Self.classify("aws-secrets", Tool(name: "get_secret_value", annotations: readOnly), trust: trusted).effect == .read)
        let notIssued: [(String, String)] = [
            ("vault", "list_secrets"), ("vault", "describe_secret"), ("vault", "kv_list"), ("github", "get_secret_scanning_alert"),
            ("github", "list_secret_scanning_alerts"), ("github", "get_me"), ("jira", "get_issue"), ("redis", "get_key"), ("filesystem", "read_file"),
            ("stripe", "get_balance"), ("git", "git_show"),
        ]
        for (server, tool) in notIssued {
            let facts = Self.classify(server, Tool(name: tool))
            #expect(!facts.categories.contains(.credentialIssue), "\(server)/\(tool): \(facts.categories)")
        }
    }

    @Test func pathsBecomeTargets() throws {
        let facts = Self.classify("git", Tool(name: "git_add"), ["repo_path": .string("/srv/repo"), "files": .array([.string("a.txt"), .string("b.txt")])])
        #expect(Set(facts.targets) == ["/srv/repo", "a.txt", "b.txt"])
    }
}
