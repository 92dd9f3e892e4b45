import ArgumentParser
import Foundation
import InterlockAudit
import InterlockCore
import InterlockDoors
import InterlockGateway
import InterlockPolicy
import InterlockServer
import InterlockStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: the decision API, the approval queue, kill switch, grants, limits and anomaly rules.",
        discussion: """
            Uses the Interlock home's store (SQLite) and audit log. Prints `listening on URL` once it \
            accepts connections. Stops on SIGINT or SIGTERM: no new connections, requests in flight (long polls \
            included) get 10 seconds, then are cancelled. Exit codes: 0 stopped, 3 invalid policy \
            or options, 1 failure (the store cannot be opened, the port is taken).
            """)

    @OptionGroup var policySource: PolicySourceOptions
    @OptionGroup var home: HomeOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port = 8421

    @Option(help: ArgumentHelp("The URL humans reach this gateway at, for links in notifications.", valueName: "url"))
    var publicURL: String?

    @Option(help: ArgumentHelp("POST a Slack-compatible JSON notification here on new requests and outcomes.", valueName: "url"))
    var webhookURL: String?

    @Option(help: ArgumentHelp("File holding the webhook signing secret (or INTERLOCK_WEBHOOK_SECRET).", valueName: "file"))
    var webhookSecretFile: String?

    @Option(help: ArgumentHelp("Seconds between housekeeping rounds (recording expiries, queue depth, due checkpoints).", valueName: "seconds"))
    var sweepInterval = 5

    func run() async throws {
        let (policy, text, source) = try policySource.loadWithSource()
        let log = try home.openLog()
        let metrics = GatewayMetrics()
        var webhooks: WebhookNotifier?
        if let webhookURL {
            var secret = ProcessInfo.processInfo.environment["INTERLOCK_WEBHOOK_SECRET"] ?? ""
            if let webhookSecretFile {
                guard let data = FileManager.default.contents(atPath: webhookSecretFile) else {
                    throw OperationalFailure("cannot read the webhook secret file `\(webhookSecretFile)`")
                }
                secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard !secret.isEmpty else {
                throw InvalidInput("--webhook-url needs a signing secret: --webhook-secret-file FILE or INTERLOCK_WEBHOOK_SECRET")
            }
            webhooks = WebhookNotifier(configuration: .init(url: webhookURL, secret: Array(secret.utf8)), publicURL: publicURL, metrics: metrics)
        }
        let gateway: Gateway
        do {
            var configuration = Gateway.Configuration(policy: policy, policyText: text, policySource: source)
            configuration.guardedPaths = guardedPaths(home: home.home, policy: policySource.source)
            gateway = try Gateway(log: log, configuration: configuration) { [webhooks] event in
                webhooks?.notify(event)
            }
        } catch {
            throw OperationalFailure("cannot start the gateway: \(error)")
        }
        var options = GatewayServer.Options()
        options.host = host
        options.port = port
        options.publicURL = publicURL
        options.sweepIntervalSeconds = max(1, sweepInterval)
        let reloader: (@Sendable () throws -> (Policy, String, String))?
        if let path = policySource.source.file {
            reloader = { let text = try readText(path); return (try parsePolicy(text: text, file: path), text, path) }
        } else {
            reloader = nil
        }
        let server = GatewayServer(gateway: gateway, options: options, metrics: metrics, webhooks: webhooks, policyReloader: reloader)
        let host = self.host
        do {
            try await server.run { port in
                FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
            }
        } catch {
            throw OperationalFailure("the gateway stopped: \(error)")
        }
    }
}
