import Foundation
import InterlockCore
import InterlockGateway
import InterlockIntegrations
import InterlockPolicy
import InterlockStore
import Synchronization

/// How a door reaches a running gateway: POST `body` to `path` on it and return the JSON answer.
/// The CLI passes its HTTP client; the slim hook program has none and leaves gateways to `interlock`.
package typealias GatewayTransport = @Sendable (_ gateway: ClientSettings.Resolved, _ path: String, _ body: JSONValue) async throws -> JSONValue

/// A hook's options as plain values. `interlock hook` runs on every tool call, so its command line
/// is read without the argument parser when it can be (`fastParse`): the parser's reflection over
/// option types costs tens of milliseconds of process start.
package struct HookArguments: Sendable {
    package var agent: String?
    package var launchedBy: String?
    package var task: String?
    package var env: String?
    package var deadline: Double = 5
    package var policy = PolicyOrigin()
    package var home: String?
    package var client = ClientSettings()

    package init(agent: String? = nil, launchedBy: String? = nil, task: String? = nil, env: String? = nil, deadline: Double = 5,
                 policy: PolicyOrigin = PolicyOrigin(), home: String? = nil, client: ClientSettings = ClientSettings()) {
        self.agent = agent
        self.launchedBy = launchedBy
        self.task = task
        self.env = env
        self.deadline = deadline
        self.policy = policy
        self.home = home
        self.client = client
    }

    /// `hook claude|kiro|cursor` followed only by `--name value` options this knows; anything else (help,
    /// a typo, a missing value) is nil, and the argument parser then reads it, errors included.
    package static func fastParse(_ arguments: [String]) -> (HookInstaller.Host, HookArguments)? {
        guard arguments.count >= 2, arguments[0] == "hook", let host = HookInstaller.Host(rawValue: arguments[1]) else { return nil }
        var result = HookArguments()
        var i = 2
        while i < arguments.count {
            let flag = arguments[i]
            guard i + 1 < arguments.count else { return nil }
            let value = arguments[i + 1]
            guard !value.hasPrefix("--") else { return nil }
            switch flag {
            case "--agent": result.agent = value
            case "--launched-by": result.launchedBy = value
            case "--task": result.task = value
            case "--env": result.env = value
            case "--deadline":
                guard let seconds = Double(value) else { return nil }
                result.deadline = seconds
            case "--policy": result.policy.path = value
            case "--home": result.home = value
            case "--server": result.client.server = value
            case "--token": result.client.token = value
            case "--token-file": result.client.tokenFile = value
            case "--config": result.client.config = value
            default: return nil
            }
            i += 2
        }
        return (host, result)
    }
}

/// One hook invocation: read stdin, decide, answer — or exit 2, whatever goes wrong, including
/// running out of time and crashing.
package struct HookRunner {
    package var arguments: HookArguments
    package var host: HookInstaller.Host
    /// How to reach a gateway when one is configured; nil in programs that carry no HTTP client.
    package var transport: GatewayTransport?

    package init(arguments: HookArguments, host: HookInstaller.Host, transport: GatewayTransport?) {
        self.arguments = arguments
        self.host = host
        self.transport = transport
    }

    package func run() async -> Never {
        FailClosed.installCrashHandlers()
        let options = arguments
        let deadline = FailClosed.Deadline(seconds: options.deadline)
        let defaultAgent = switch host {
        case .claude: "claude-code"
        case .kiro: "kiro"
        case .cursor: "cursor"
        }
        func toAction(_ payload: JSONValue, _ identity: DoorIdentity) throws -> Action {
            switch host {
            case .claude: try ClaudeCodeHook.action(payload: payload, identity: identity)
            case .kiro: try KiroHook.action(payload: payload, identity: identity)
            case .cursor: try CursorHook.action(payload: payload, identity: identity)
            }
        }
        func answer(_ verdict: Verdict) -> HookAnswer {
            switch host {
            case .claude: ClaudeCodeHook.answer(verdict)
            case .kiro: KiroHook.answer(verdict)
            case .cursor: CursorHook.answer(verdict)
            }
        }
        let result: HookAnswer
        do {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            let payload: JSONValue
            do { payload = try JSONValue.parse(data) } catch {
                throw HookInputError("the hook input on stdin is not JSON (\(error))")
            }
            let identity = DoorIdentity.configured(agent: options.agent ?? defaultAgent, launchedBy: options.launchedBy,
                                                   task: options.task, environment: options.env)
            let action = try toAction(payload, identity)
            // Lets the tests prove that a crash blocks the call; it can only make the hook refuse.
            if environmentVariable("INTERLOCK_TEST_CRASH") == "hook" { fatalError("crash requested by INTERLOCK_TEST_CRASH") }
            let opened = try DoorDecider(policy: options.policy, home: options.home, client: options.client, transport: transport)
            // Never released: the process exits right after answering, and releasing the decider
            // would close the store, which checkpoints the write-ahead log into the database and
            // deletes it, work the answer need not wait for (the next process recovers the log).
            // `withExtendedLifetime` did not hold it past this async function's last use.
            _ = Unmanaged.passRetained(opened)
            result = answer(try await opened.decide(action))
        } catch {
            result = HookAnswer.failClosed("\(error)")
        }
        deadline.finish(with: result)
    }
}

extension DoorIdentity {
    /// Who a door acts for, from its options, else the environment (`USER`, `INTERLOCK_TASK`,
    /// `INTERLOCK_ENV`); the host is this machine.
    package static func configured(agent: String, launchedBy: String?, task: String?, environment: String?) -> DoorIdentity {
        func variable(_ name: String) -> String? { environmentVariable(name).flatMap { $0.isEmpty ? nil : $0 } }
        return DoorIdentity(agent: agent, launchedBy: launchedBy ?? variable("USER"), task: task ?? variable("INTERLOCK_TASK"),
                            environment: environment ?? variable("INTERLOCK_ENV"), host: ProcessInfo.processInfo.hostName)
    }
}

/// How every door reaches a decision: through a running gateway when one is configured, else
/// in-process on the local store with the local policy. Both give the API's decision JSON.
package final class DoorDecider: Sendable {
    private let remote: ClientSettings.Resolved?
    private let transport: GatewayTransport?
    private let local: (policy: Policy, text: String, source: String)?
    private let home: String?
    private let policyOrigin: PolicyOrigin
    private let client: ClientSettings
    private let gateway = Mutex<Gateway?>(nil)

    package init(policy: PolicyOrigin, home: String?, client: ClientSettings, transport: GatewayTransport?) throws {
        self.remote = try client.resolve()
        self.client = client
        self.transport = transport
        if remote != nil, transport == nil {
            throw OperationalFailure("a gateway is configured, and this program cannot reach one: run `interlock hook` instead")
        }
        self.home = home
        self.policyOrigin = policy
        // With a gateway, its policy decides; the local one is not even read.
        self.local = remote == nil ? try policy.loadWithSource() : nil
    }

    package func decide(_ action: Action) async throws -> Verdict {
        if let remote, let transport {
            var document = ActionDocument.encode(action)
            // The gateway takes the agent's name from its token; a document naming another is refused.
            if case .object(var o) = document, case .object(var principal) = o["principal"] ?? .null {
                principal["agent"] = nil
                o["principal"] = .object(principal)
                document = .object(o)
            }
            let json = try await transport(remote, "/v1/actions", document)
            return try Verdict(json: json)
        }
        let decision = try await localGateway().decide(action)
        return try Verdict(json: .object(GatewayJSON.verdictFields(decision, now: AuditLog.nowMicros())))
    }

    /// One in-process gateway per process, opened on first use.
    private func localGateway() throws -> Gateway {
        try gateway.withLock { cached in
            if let cached { return cached }
            guard let local else { throw OperationalFailure("no local policy") }
            let log = try openAuditLog(home: home)
            var configuration = Gateway.Configuration(policy: local.policy, policyText: local.text, policySource: local.source)
            // Beside the agent, the door sees the scripts a command would run.
            configuration.fileSystem = DiskFileSystem()
            configuration.guardedPaths = guardedPaths(home: home, policy: policyOrigin, client: client)
            let opened = try Gateway(log: log, configuration: configuration)
            cached = opened
            return opened
        }
    }

    /// Which tools the MCP proxy leaves out of `tools/list`: with `mcp.hide_blocked_tools` in the
    /// local policy, those the policy blocks outright whatever their arguments.
    package func hidePredicate(server: String) -> @Sendable (String, ToolAnnotations?) -> Bool {
        guard let local, local.policy.mcpTrust.hideBlockedTools else { return { _, _ in false } }
        let policy = local.policy
        return { tool, annotations in
            let action = Action(principal: Principal(agent: "mcp-client"), channel: .mcp,
                                input: .tool(ToolCall(server: server, tool: tool, annotations: annotations)))
            return classifyAndDecide(action, statedFacts: nil, policy: policy).1.decision.tier == .blocked
        }
    }
}

/// The last line of defence for doors whose hosts run the call when the hook fails any other
/// way than exit 2.
package enum FailClosed {
    /// A crash (a trap, a bad access, an abort) would end the process with a signal, which the
    /// hosts treat as a non-blocking error: the call would run. These handlers turn it into exit 2.
    package static func installCrashHandlers() {
        // A host that closed our stdout makes the write fail (then the crash handler answers exit 2)
        // instead of killing the hook with SIGPIPE, which the host would read as "go ahead".
        signal(SIGPIPE, SIG_IGN)
        for sig in [SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGSEGV, SIGFPE] {
            signal(sig) { _ in
                let message: StaticString = "Interlock refused this call: interlock crashed while deciding it\n"
                message.withUTF8Buffer { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
                _exit(2)
            }
        }
    }

    /// Answers exactly once: with the decision, or with exit 2 when the deadline passes first.
    package final class Deadline: Sendable {
        private let answered = Mutex(false)

        package init(seconds: Double) {
            let seconds = seconds > 0 ? seconds : 5
            let thread = Thread { [self] in
                Thread.sleep(forTimeInterval: seconds)
                guard claim() else { return }
                Deadline.emit(HookAnswer.failClosed("no decision within the hook's \(Self.format(seconds)) s deadline"))
            }
            thread.start()
        }

        /// True for the first caller only.
        private func claim() -> Bool {
            answered.withLock { done in
                defer { done = true }
                return !done
            }
        }

        package func finish(with answer: HookAnswer) -> Never {
            // When the deadline thread answered first it is exiting the process; wait for it.
            guard claim() else { while true { Thread.sleep(forTimeInterval: 1) } }
            Self.emit(answer)
        }

        package static func emit(_ answer: HookAnswer) -> Never {
            if let out = answer.stdout { FileHandle.standardOutput.write(Data(out.utf8)) }
            if let err = answer.stderr { FileHandle.standardError.write(Data(err.utf8)) }
            _exit(answer.exitCode)
        }

        static func format(_ seconds: Double) -> String {
            seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
        }
    }
}
