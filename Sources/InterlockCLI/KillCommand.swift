import ArgumentParser
import Foundation
import InterlockCore
import InterlockDoors
import InterlockStore

/// `--agent NAME` or `--env NAME` or neither (everything).
struct KillScopeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only this agent.", valueName: "name"))
    var agent: String?

    @Option(help: ArgumentHelp("Only this environment.", valueName: "name"))
    var env: String?

    func validate() throws {
        if agent != nil, env != nil { throw ValidationError("give --agent or --env, not both") }
    }

    var scope: KillSwitchStore.Scope {
        if let agent { return .agent(agent) }
        if let env { return .environment(env) }
        return .everything
    }

    var body: JSONValue {
        var o: [String: JSONValue] = [:]
        if let agent { o["agent"] = .string(agent) }
        if let env { o["environment"] = .string(env) }
        return .object(o)
    }
}

struct KillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "Engage the kill switch: every decision in scope is refused until `interlock resume`.",
        discussion: """
            With a gateway configured (--server, INTERLOCK_SERVER or the client config) it goes to the \
            gateway with your human token; otherwise to the local store. It survives restarts and applies \
            to every process that records decisions in that store.
            """)

    @OptionGroup var home: HomeOptions
    @OptionGroup var scope: KillScopeOptions
    @OptionGroup var client: ClientOptions

    @Option(help: "Why (shown to agents and recorded).")
    var reason: String?

    func run() async throws {
        if let server = try client.resolve() {
            var body = scope.body
            if let reason, case .object(var o) = body { o["reason"] = .string(reason); body = .object(o) }
            _ = try await GatewayClient(server).call(.post, "/v1/kill", body: body)
        } else {
            try KillSwitchStore(audit: try home.openLog()).engage(scope.scope, by: invokingHuman, reason: reason)
        }
        print("kill switch engaged for \(scope.scope)")
    }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Release the kill switch for a scope (on the gateway if one is configured).")

    @OptionGroup var home: HomeOptions
    @OptionGroup var scope: KillScopeOptions
    @OptionGroup var client: ClientOptions

    func run() async throws {
        if let server = try client.resolve() {
            _ = try await GatewayClient(server).call(.post, "/v1/resume", body: scope.body)
            print("kill switch released for \(scope.scope)")
            return
        }
        do {
            try KillSwitchStore(audit: try home.openLog()).release(scope.scope, by: invokingHuman)
        } catch let error as StoreError {
            throw InvalidInput(error.description)
        }
        print("kill switch released for \(scope.scope)")
    }
}
