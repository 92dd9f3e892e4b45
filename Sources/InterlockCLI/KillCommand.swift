import ArgumentParser
import Foundation
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
}

struct KillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "Engage the kill switch (on the local store): every decision in scope is refused until `interlock resume`.",
        discussion: "It survives restarts and applies to every process that records decisions in this home.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var scope: KillScopeOptions

    @Option(help: "Why (shown to agents and recorded).")
    var reason: String?

    func run() throws {
        try KillSwitchStore(audit: try home.openLog()).engage(scope.scope, by: invokingHuman, reason: reason)
        print("kill switch engaged for \(scope.scope)")
    }
}

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Release the kill switch for a scope.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var scope: KillScopeOptions

    func run() throws {
        do {
            try KillSwitchStore(audit: try home.openLog()).release(scope.scope, by: invokingHuman)
        } catch let error as StoreError {
            throw InvalidInput(error.description)
        }
        print("kill switch released for \(scope.scope)")
    }
}
