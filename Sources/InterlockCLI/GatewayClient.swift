import ArgumentParser
import AsyncHTTPClient
import Foundation
import InterlockCore
import InterlockDoors
import NIOCore
import NIOHTTP1

/// Where the gateway is and who we are to it: `--server`/`--token` (or `--token-file`), else
/// `INTERLOCK_SERVER`/`INTERLOCK_TOKEN`, else the client config file (`--config`, else
/// `INTERLOCK_CONFIG`, else `$XDG_CONFIG_HOME/interlock/client.json`, else
/// `~/.config/interlock/client.json`): `{"server": "http://…", "token": "il_…"}`. A config file
/// holding a token must not be readable by others.
struct ClientOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The gateway's URL (or INTERLOCK_SERVER, or the client config file).", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("A bearer token (or INTERLOCK_TOKEN); prefer --token-file.", valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp("A file holding the bearer token.", valueName: "file"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("The client config file.", valueName: "file"))
    var config: String?

    typealias Resolved = ClientSettings.Resolved

    var settings: ClientSettings { ClientSettings(server: server, token: token, tokenFile: tokenFile, config: config) }

    /// The gateway to use, or nil when none is configured anywhere (then local commands use the
    /// local store).
    func resolve() throws -> Resolved? { try settings.resolve() }

    func require() throws -> Resolved { try settings.require() }
}

/// A small client for the gateway's decision API.
struct GatewayClient {
    /// The doors' way to the gateway (`GatewayTransport`): a POST of a JSON document.
    static let transport: GatewayTransport = { gateway, path, body in
        try await GatewayClient(gateway).call(.post, path, body: body)
    }

    let server: String
    let token: String

    init(_ resolved: ClientOptions.Resolved) {
        server = resolved.server
        token = resolved.token
    }

    /// Sends a request and returns the JSON answer; API errors become one-line CLI errors
    /// (403 and 4xx are invalid input, 5xx and transport errors failures).
    enum Method: String {
        case get = "GET", post = "POST", delete = "DELETE"
    }

    func call(_ method: Method, _ path: String, body: JSONValue? = nil, timeout: Int64 = 30) async throws -> JSONValue {
        let client = HTTPClient.shared
        var request = HTTPClientRequest(url: server + path)
        request.method = HTTPMethod(rawValue: method.rawValue)
        request.headers.add(name: "Authorization", value: "Bearer " + token)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.jsonText()))
        }
        let status: Int
        let bytes: ByteBuffer
        do {
            let response = try await client.execute(request, timeout: .seconds(timeout))
            status = Int(response.status.code)
            bytes = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw OperationalFailure("cannot reach the gateway at \(server): \(error)")
        }
        let json = try? JSONValue.parse(Data(bytes.readableBytesView))
        guard (200..<300).contains(status) else {
            let message = json?["error"]?["message"]?.stringValue ?? "HTTP \(status)"
            let code = json?["error"]?["code"]?.stringValue.map { " (\($0))" } ?? ""
            if status >= 500 { throw OperationalFailure("the gateway failed: \(message)\(code)") }
            throw InvalidInput("the gateway refused: \(message)\(code)")
        }
        guard let json else { throw OperationalFailure("the gateway answered something that is not JSON") }
        return json
    }
}
