import ArgumentParser
import Foundation
import InterlockCore
import InterlockDoors
import InterlockGateway
import InterlockPolicy

struct ApprovalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "The approval queue of a running gateway: list, show, approve, reject.",
        discussion: "Needs a gateway and a human token (--server/--token-file, INTERLOCK_SERVER/INTERLOCK_TOKEN, or the client config file). Exit codes: 0 success, 3 refused or invalid, 1 failure.",
        subcommands: [List.self, Show.self, Approve.self, Reject.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List requests, newest first.")
        @OptionGroup var client: ClientOptions
        @Option(help: "pending, approved, rejected, expired or consumed.") var state: String?
        @Option(help: ArgumentHelp("Only this environment.", valueName: "name")) var env: String?
        @Option(help: ArgumentHelp("Only this agent.", valueName: "name")) var agent: String?
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text

        func run() async throws {
            var query: [String] = []
            if let state { query.append("state=" + Self.escape(state)) }
            if let env { query.append("environment=" + Self.escape(env)) }
            if let agent { query.append("agent=" + Self.escape(agent)) }
            let json = try await GatewayClient(try client.require()).call(.get, "/v1/approvals" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
            if format == .json { print(json.jsonText(pretty: true)); return }
            for request in json["approvals"]?.arrayValue ?? [] {
                let what = request["context"]?["action"]?["input"].map(GatewayJSON.describeInput) ?? ""
                print("\(request["id"]?.stringValue ?? "?") \(request["state"]?.stringValue ?? "?") agent=\(request["agent"]?.stringValue ?? "?") "
                      + "env=\(request["environment"]?.stringValue ?? "?") approvals=\(request["approvals"]?.intValue ?? 0)/\(request["approvers_required"]?.intValue ?? 0) \(what)")
            }
        }

        static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one request with its full context.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The request id (apr_…).") var id: String
        @Option(help: ArgumentHelp("Wait up to this long for the request to leave pending, e.g. 30s.", valueName: "duration")) var wait: String?

        func run() async throws {
            let seconds = try wait.map { w -> Int in
                guard let s = parseDuration(w) else { throw InvalidInput("--wait `\(w)` is not a duration like 30s") }
                return s
            }
            let path = "/v1/approvals/\(List.escape(id))" + (seconds.map { "?wait=\($0)s" } ?? "")
            let json = try await GatewayClient(try client.require()).call(.get, path, timeout: Int64(seconds ?? 0) + 30)
            print(json.jsonText(pretty: true))
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a request (humans only; never your own agent's).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The request id (apr_…).") var id: String
        @Option(help: "A comment, recorded with the vote.") var comment: String?

        func run() async throws {
            let json = try await GatewayClient(try client.require()).call(
                .post, "/v1/approvals/\(List.escape(id))/approve", body: .object(comment.map { ["comment": .string($0)] } ?? [:]))
            print("\(id) \(json["state"]?.stringValue ?? "?") (\(json["approvals"]?.intValue ?? 0)/\(json["approvers_required"]?.intValue ?? 0) approvals)")
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a request; one rejection is enough.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The request id (apr_…).") var id: String
        @Option(help: "Why, for the agent and the record.") var comment: String?

        func run() async throws {
            let json = try await GatewayClient(try client.require()).call(
                .post, "/v1/approvals/\(List.escape(id))/reject", body: .object(comment.map { ["comment": .string($0)] } ?? [:]))
            print("\(id) \(json["state"]?.stringValue ?? "?")")
        }
    }
}
