/// Who is acting: the agent principal and the human on whose behalf it runs.
public struct Principal: Sendable, Hashable {
    /// The agent's principal name, e.g. `claude-code` or `deploy-bot`.
    public var agent: String
    /// The human who launched the agent, when known. Never an approver of the agent's requests.
    public var launchedBy: String?
    /// The host's session id. Not part of the action digest: a retry may come from a new session.
    public var session: String?
    /// The task the agent works on (ticket, grant scope).
    public var task: String?

    public init(agent: String, launchedBy: String? = nil, session: String? = nil, task: String? = nil) {
        self.agent = agent
        self.launchedBy = launchedBy
        self.session = session
        self.task = task
    }
}

/// The door an action came through.
public enum Channel: String, Sendable, Hashable, CaseIterable {
    /// A host tool hook (Claude Code, Kiro).
    case hook
    /// The MCP proxy.
    case mcp
    /// The AWS API proxy.
    case awsAPI = "aws_api"
    /// The gateway's HTTP decision API, used by agent frameworks.
    case httpAPI = "http_api"
    /// A human or script asking `interlock check`.
    case cli
}

/// A shell command line as the agent wrote it.
public struct ShellInput: Sendable, Hashable {
    public var command: String
    /// `bash`, `sh`, `zsh` or `powershell`; nil when the host does not say.
    public var shell: String?

    public init(command: String, shell: String? = nil) {
        self.command = command
        self.shell = shell
    }
}

/// SQL text bound for a database.
public struct SQLInput: Sendable, Hashable {
    public var text: String
    /// `postgresql`, `mysql` or `sqlite`; nil when unknown.
    public var dialect: String?
    public var databaseHost: String?
    public var database: String?

    public init(text: String, dialect: String? = nil, databaseHost: String? = nil, database: String? = nil) {
        self.text = text
        self.dialect = dialect
        self.databaseHost = databaseHost
        self.database = database
    }
}

/// One AWS API call: what the AWS proxy hands over, or the Kiro AWS tool's input.
public struct AWSRequest: Sendable, Hashable {
    /// The service's signing name, e.g. `ec2`, `s3`, `cloudformation`.
    public var service: String
    /// The API action, e.g. `TerminateInstances`.
    public var operation: String
    public var parameters: JSONValue
    public var region: String?
    public var account: String?
    public var profile: String?

    public init(
        service: String, operation: String, parameters: JSONValue = .object([:]),
        region: String? = nil, account: String? = nil, profile: String? = nil
    ) {
        self.service = service
        self.operation = operation
        self.parameters = parameters
        self.region = region
        self.account = account
        self.profile = profile
    }
}

/// A tool call through MCP or a host's tool interface.
public struct ToolCall: Sendable, Hashable {
    /// The MCP server's name, when the tool belongs to one.
    public var server: String?
    public var tool: String
    public var arguments: JSONValue
    /// What the server declared about the tool (`tools/list`). Hints from a possibly untrusted
    /// server: not part of the action digest, and believed only for servers the policy trusts.
    public var annotations: ToolAnnotations?

    public init(server: String? = nil, tool: String, arguments: JSONValue = .object([:]), annotations: ToolAnnotations? = nil) {
        self.server = server
        self.tool = tool
        self.arguments = arguments
        self.annotations = annotations
    }
}

/// MCP tool annotations (`ToolAnnotations`). Absent fields take the protocol's defaults, which
/// assume the worst: not read-only, destructive, not idempotent, open world.
public struct ToolAnnotations: Sendable, Hashable {
    public var readOnlyHint: Bool?
    public var destructiveHint: Bool?
    public var idempotentHint: Bool?
    public var openWorldHint: Bool?

    public init(readOnlyHint: Bool? = nil, destructiveHint: Bool? = nil, idempotentHint: Bool? = nil, openWorldHint: Bool? = nil) {
        self.readOnlyHint = readOnlyHint
        self.destructiveHint = destructiveHint
        self.idempotentHint = idempotentHint
        self.openWorldHint = openWorldHint
    }

    /// The effect the annotations claim, with the protocol's defaults for absent fields.
    public var claimedEffect: Effect {
        if readOnlyHint == true { return .read }
        return destructiveHint == false ? .write : .destructive
    }
}

/// Which MCP servers' own claims about their tools a policy believes (`mcp:` in policy YAML).
public struct MCPTrust: Sendable, Hashable {
    public struct Server: Sendable, Hashable {
        /// Believe the server's tool annotations, so that they can make a tool milder than `unknown`.
        public var trustAnnotations: Bool
        /// The policy author's own word on a tool's effect; wins over annotations.
        public var tools: [String: Effect]

        public init(trustAnnotations: Bool = false, tools: [String: Effect] = [:]) {
            self.trustAnnotations = trustAnnotations
            self.tools = tools
        }
    }

    public var servers: [String: Server]
    /// The MCP proxy leaves tools the policy blocks outright out of `tools/list`, so that agents
    /// do not plan with them. Calls to them are refused whether or not they are listed.
    public var hideBlockedTools: Bool

    public init(servers: [String: Server] = [:], hideBlockedTools: Bool = false) {
        self.servers = servers
        self.hideBlockedTools = hideBlockedTools
    }
}

/// A change to one file made by an editor tool rather than a shell.
public struct FileChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case write, edit, delete
    }

    public var path: String
    public var kind: Kind
    /// The new full content (`write`) or the replacement text (`edit`).
    public var content: String?
    /// The text an `edit` replaces.
    public var replacedText: String?

    public init(path: String, kind: Kind, content: String? = nil, replacedText: String? = nil) {
        self.path = path
        self.kind = kind
        self.content = content
        self.replacedText = replacedText
    }
}

/// An infrastructure plan about to be applied, as `terraform show -json PLANFILE` prints it.
/// The plan itself is the input, so an approval binds to exactly these changes.
public struct InfrastructurePlan: Sendable, Hashable {
    /// `terraform` or `tofu`.
    public var tool: String
    public var plan: JSONValue

    public init(tool: String = "terraform", plan: JSONValue) {
        self.tool = tool
        self.plan = plan
    }
}

/// What the agent asks to run, in the form it will run.
public enum ActionInput: Sendable, Hashable {
    case shell(ShellInput)
    case sql(SQLInput)
    case aws(AWSRequest)
    case tool(ToolCall)
    case file(FileChange)
    case plan(InfrastructurePlan)

    /// The kind's stable name, as written in action documents.
    public var kind: String {
        switch self {
        case .shell: "shell"
        case .sql: "sql"
        case .aws: "aws"
        case .tool: "tool"
        case .file: "file"
        case .plan: "plan"
        }
    }
}

/// What the agent says about its own action. Shown to reviewers; never trusted for a decision
/// except where a policy requires it to be present.
public struct AgentContext: Sendable, Hashable {
    public var why: String?
    public var alternatives: [String]
    public var rollback: String?
    public var impact: String?

    public init(why: String? = nil, alternatives: [String] = [], rollback: String? = nil, impact: String? = nil) {
        self.why = why
        self.alternatives = alternatives
        self.rollback = rollback
        self.impact = impact
    }

    /// Whether the agent supplied a non-blank value for `field`.
    public func provides(_ field: ContextField) -> Bool {
        func present(_ s: String?) -> Bool { !(s ?? "").allSatisfy(\.isWhitespace) }
        switch field {
        case .why: return present(why)
        case .rollback: return present(rollback)
        case .impact: return present(impact)
        case .alternatives: return alternatives.contains { present($0) }
        }
    }
}

/// A field of ``AgentContext`` that a policy can require.
public enum ContextField: String, Sendable, Hashable, CaseIterable {
    case why, alternatives, rollback, impact
}

/// A normalized action: who, through which door, where, what, and the agent's stated context.
public struct Action: Sendable, Hashable {
    public var principal: Principal
    public var channel: Channel
    /// The environment named explicitly by whoever launched the agent (`--env`, `INTERLOCK_ENV`).
    /// Policy matchers on facts may add environments; the most restrictive one decides.
    public var environment: String?
    /// The working directory the action runs in, when known.
    public var workingDirectory: String?
    /// The host the action runs on, when known.
    public var host: String?
    public var input: ActionInput
    public var context: AgentContext

    public init(
        principal: Principal, channel: Channel, environment: String? = nil,
        workingDirectory: String? = nil, host: String? = nil,
        input: ActionInput, context: AgentContext = AgentContext()
    ) {
        self.principal = principal
        self.channel = channel
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.host = host
        self.input = input
        self.context = context
    }
}
