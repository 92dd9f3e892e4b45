import ArgumentParser
import Foundation
import InterlockApprovals
import InterlockAudit
import InterlockCore
import InterlockDoors
import InterlockGateway
import InterlockPolicy
import InterlockStore

struct GrantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Task-scoped, time-boxed permissions for an agent: create, list, revoke (on the gateway if one is configured, else the local store).",
        discussion: "A grant lowers a gated or supervised decision for exactly its scope. It never lifts a blocked rule and never covers an action whose effect is unknown or whose targets are not all known.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant an agent operations on targets in one environment, for a while.")

        @OptionGroup var home: HomeOptions
        @OptionGroup var client: ClientOptions

        @Option(help: ArgumentHelp("The agent.", valueName: "name"))
        var agent: String

        @Option(help: ArgumentHelp("The environment.", valueName: "name"))
        var env: String

        @Option(name: .customLong("operation"), help: ArgumentHelp("An operation pattern, e.g. shell:rm or aws:s3:Delete* (repeatable).", valueName: "pattern"))
        var operations: [String] = []

        @Option(name: .customLong("target"), help: ArgumentHelp("A target pattern, e.g. /srv/app/tmp/** (repeatable).", valueName: "pattern"))
        var targets: [String] = []

        @Option(name: .customLong("for"), help: ArgumentHelp("How long, e.g. 30m or 2h.", valueName: "duration"))
        var duration: String

        @Option(help: "At most this many uses.")
        var uses: Int?

        @Option(help: "The tier allowed: autonomous or supervised.")
        var tier: String = "supervised"

        @Option(help: "Why (recorded).")
        var reason: String?

        func run() async throws {
            guard let seconds = parseDuration(duration), seconds > 0 else { throw InvalidInput("--for `\(duration)` is not a duration like 30m or 2h") }
            guard let tier = Tier(rawValue: tier) else { throw InvalidInput("--tier must be autonomous or supervised") }
            if let server = try client.resolve() {
                var body: [String: JSONValue] = [
                    "agent": .string(agent), "environment": .string(env), "operations": .array(operations.map(JSONValue.string)),
                    "targets": .array(targets.map(JSONValue.string)), "for": .string(duration), "tier": .string(tier.rawValue),
                ]
                if let uses { body["uses"] = .int(Int64(uses)) }
                if let reason { body["reason"] = .string(reason) }
                let json = try await GatewayClient(server).call(.post, "/v1/grants", body: .object(body))
                print(json["id"]?.stringValue ?? "?")
                return
            }
            let now = AuditLog.nowMicros()
            let grant: Grant
            do {
                grant = try Grant(
                    id: randomIdentifier(prefix: "grt_"), agent: agent, environment: env,
                    operations: operations, targets: targets, tier: tier, grantedBy: invokingHuman, reason: reason,
                    createdAtMicros: now, expiresAtMicros: now + Int64(seconds) * 1_000_000, usesLeft: uses)
            } catch {
                throw InvalidInput(error.description)
            }
            try GrantStore(audit: try home.openLog()).create(grant)
            print(grant.id)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List active grants.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var client: ClientOptions
        func run() async throws {
            // Local grants go through the API's JSON shape too, so both print the same line.
            let grants: [JSONValue]
            if let server = try client.resolve() {
                grants = try await GatewayClient(server).call(.get, "/v1/grants")["grants"]?.arrayValue ?? []
            } else {
                grants = try GrantStore(audit: try home.openLog()).active(at: AuditLog.nowMicros()).map(GatewayJSON.grant)
            }
            for grant in grants {
                func s(_ k: String) -> String { grant[k]?.stringValue ?? "?" }
                func list(_ k: String) -> String { (grant[k]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",") }
                print("\(s("id")) agent=\(s("agent")) env=\(s("environment")) tier=\(s("tier")) operations=\(list("operations")) "
                      + "targets=\(list("targets")) until=\(s("expires_at"))" + (grant["uses_left"]?.intValue.map { " uses=\($0)" } ?? ""))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a grant at once.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var client: ClientOptions
        @Argument(help: "The grant id (grt_…).")
        var id: String
        func run() async throws {
            if let server = try client.resolve() {
                _ = try await GatewayClient(server).call(.delete, "/v1/grants/" + id)
                print("revoked \(id)")
                return
            }
            do { try GrantStore(audit: try home.openLog()).revoke(id: id, by: invokingHuman) } catch let error as StoreError { throw InvalidInput(error.description) }
            print("revoked \(id)")
        }
    }
}
