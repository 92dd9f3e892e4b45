import ArgumentParser
import Foundation
import InterlockCore
import InterlockDoors
import InterlockGateway
import InterlockIntegrations
import InterlockPolicy
import InterlockStore
import Synchronization

struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Answer a host's tool hook: Claude Code PreToolUse, Kiro preToolUse, Cursor beforeShellExecution/beforeMCPExecution/beforeReadFile/preToolUse.",
        discussion: """
            Reads the host's JSON on stdin, decides by policy (standalone: the local policy and store; with \
            --server: a running gateway) and answers in the host's protocol. Fails closed: malformed input, \
            an unreachable gateway, an internal error or the deadline exits 2 with one line on stderr, which \
            every host treats as "blocked". It never exits 1, which Claude Code and Kiro treat as "go ahead".
            """,
        subcommands: [Claude.self, Kiro.self, Cursor.self])

    struct Claude: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claude Code PreToolUse hook (docs/integrations.md).",
            discussion: "Exit 0 with a decision JSON on stdout; exit 2 with a reason on stderr when Interlock cannot decide.")
        @OptionGroup var options: HookOptions

        func run() async throws {
            await HookRunner(arguments: options.arguments, host: .claude, transport: GatewayClient.transport).run()
        }
    }

    struct Kiro: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kiro CLI preToolUse hook (docs/integrations.md).",
            discussion: "Exit 0 allows the call; exit 2 blocks it with the reason on stderr, which Kiro shows the model.")
        @OptionGroup var options: HookOptions

        func run() async throws {
            await HookRunner(arguments: options.arguments, host: .kiro, transport: GatewayClient.transport).run()
        }
    }
}

extension HookCommand {
    struct Cursor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cursor beforeShellExecution, beforeMCPExecution, beforeReadFile and preToolUse hook (docs/integrations.md).",
            discussion: "Exit 0 with {\"permission\": \"allow\"} (or \"ask\" when the policy wants a person to confirm a supervised action); exit 2 with {\"permission\": \"deny\"} and the reason on stderr when refused, pending approval or undecidable.")
        @OptionGroup var options: HookOptions

        func run() async throws {
            await HookRunner(arguments: options.arguments, host: .cursor, transport: GatewayClient.transport).run()
        }
    }
}

/// Who a door acts for, as its command line says: the options every hook and proxy shares.
struct DoorIdentityOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The agent principal (default: claude-code, kiro, cursor or mcp-client, by door; with a gateway, the token decides).", valueName: "name"))
    var agent: String?

    @Option(name: .customLong("launched-by"), help: ArgumentHelp("The human who launched the agent (default: $USER).", valueName: "name"))
    var launchedBy: String?

    @Option(help: ArgumentHelp("The task id (or INTERLOCK_TASK).", valueName: "id"))
    var task: String?

    @Option(help: ArgumentHelp("The environment (or INTERLOCK_ENV); else the policy resolves it, and unresolved means production.", valueName: "name"))
    var env: String?

    func identity(defaultAgent: String) -> DoorIdentity {
        DoorIdentity.configured(agent: agent ?? defaultAgent, launchedBy: launchedBy, task: task, environment: env)
    }
}

struct HookOptions: ParsableArguments {
    @OptionGroup var identity: DoorIdentityOptions

    @Option(help: ArgumentHelp("Seconds before the hook gives up and blocks the call; keep it well under the host's hook timeout.", valueName: "seconds"))
    var deadline: Double = 5

    @OptionGroup var policySource: PolicySourceOptions
    @OptionGroup var home: HomeOptions
    @OptionGroup var client: ClientOptions

    var arguments: HookArguments {
        HookArguments(agent: identity.agent, launchedBy: identity.launchedBy, task: identity.task, env: identity.env, deadline: deadline,
                      policy: policySource.source, home: home.home, client: client.settings)
    }
}
