import ArgumentParser
import Foundation
import InterlockApprovals
import InterlockDoors
import InterlockPolicy
import InterlockStore

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Bearer tokens for the gateway: create, list, revoke (on the local store).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token for an agent or a human and print its secret (shown once).",
            discussion: "Agent tokens may submit actions and read their own requests; they can never approve, reject, grant, resume, change policy or mint tokens.")

        @OptionGroup var home: HomeOptions

        @Option(help: ArgumentHelp("An agent principal.", valueName: "name"))
        var agent: String?

        @Option(help: ArgumentHelp("A human principal.", valueName: "name"))
        var human: String?

        @Option(help: ArgumentHelp("For an agent: the human who launches it, who can never approve its requests (default: you).", valueName: "name"))
        var launchedBy: String?

        @Option(name: .customLong("role"), help: ArgumentHelp("A role of the human (repeatable), e.g. approver, senior, admin.", valueName: "role"))
        var roles: [String] = []

        @Flag(help: "For an agent: AWS-style credentials for `interlock aws-proxy` (an access key id and secret) instead of a bearer token.")
        var aws = false

        @Option(help: ArgumentHelp("With --aws: temporary credentials with a session token, valid this long (e.g. 1h, 8h).", valueName: "duration"))
        var expires: String?

        func validate() throws {
            guard (agent == nil) != (human == nil) else { throw ValidationError("give exactly one of --agent NAME or --human NAME") }
            if agent != nil, !roles.isEmpty { throw ValidationError("roles belong to humans; an agent token has none") }
            if human != nil, launchedBy != nil { throw ValidationError("--launched-by belongs to agent tokens") }
            if aws, agent == nil { throw ValidationError("--aws credentials belong to agents: give --agent NAME") }
            if expires != nil, !aws { throw ValidationError("--expires applies to --aws credentials") }
            if let expires, parseDuration(expires) == nil { throw ValidationError("--expires `\(expires)` is not a duration such as 30m, 1h or 8h") }
        }

        func run() throws {
            let principal: Approver = agent.map { .agent($0) } ?? .human(human!, roles: Set(roles))
            let tokens = TokenStore(audit: try home.openLog())
            if aws, let agent {
                let created: TokenStore.AWSCredentials
                do {
                    created = try tokens.createAWSCredentials(agent: agent, by: invokingHuman, launchedBy: launchedBy,
                                                              lifetimeSeconds: expires.flatMap(parseDuration).map(Int64.init))
                } catch let error as StoreError { throw InvalidInput(error.description) }
                // Shell assignments, so that `eval "$(interlock token create --agent x --aws)"` works.
                print("# \(created.token.id) \(principal): point the agent's SDK at `interlock aws-proxy` with AWS_ENDPOINT_URL")
                print("AWS_ACCESS_KEY_ID=\(created.accessKeyID)")
                print("AWS_SECRET_ACCESS_KEY=\(created.secretAccessKey)")
                if let session = created.sessionToken { print("AWS_SESSION_TOKEN=\(session)") }
                return
            }
            let created: (token: TokenStore.Token, secret: String)
            do { created = try tokens.create(for: principal, by: invokingHuman, launchedBy: launchedBy) } catch let error as StoreError { throw InvalidInput(error.description) }
            print("\(created.token.id) \(principal)")
            print(created.secret)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (ids and principals; never secrets).")
        @OptionGroup var home: HomeOptions
        func run() throws {
            for token in try TokenStore(audit: try home.openLog()).list() {
                var line = "\(token.id) \(token.principal)"
                if case .human(_, let roles) = token.principal, !roles.isEmpty { line += " roles=" + roles.sorted().joined(separator: ",") }
                if let key = token.awsAccessKeyID { line += " aws=\(key)" }
                if token.revokedAtMicros != nil { line += " revoked" }
                print(line)
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id; it stops working at once.")
        @OptionGroup var home: HomeOptions
        @Argument(help: "The token id (tok_…).")
        var id: String
        func run() throws {
            do { try TokenStore(audit: try home.openLog()).revoke(id: id, by: invokingHuman) } catch let error as StoreError { throw InvalidInput(error.description) }
            print("revoked \(id)")
        }
    }
}
