import ArgumentParser

/// The root command. The `interlock` executable calls ``InterlockCommand/run(arguments:)``.
public struct InterlockCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "interlock",
        abstract: "A policy-enforcing safety gateway between AI agents and production.",
        discussion: """
            Exit codes: 0 allowed (or success), 1 failure, 2 blocked, 3 invalid input or policy, \
            4 approval required, 5 audit log verification failed.
            """,
        version: InterlockVersion.current,
        subcommands: [CheckCommand.self, ExplainCommand.self, PlanCommand.self, PolicyCommand.self, AuditCommand.self, TokenCommand.self, KillCommand.self, ResumeCommand.self, GrantCommand.self, ServeCommand.self, ApprovalsCommand.self, HookCommand.self, InstallCommand.self, UninstallCommand.self, MCPProxyCommand.self, AWSProxyCommand.self]
    )

    public init() {}
}

public enum InterlockVersion {
    public static let current = "0.1.0"
}
