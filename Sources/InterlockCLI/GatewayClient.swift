import ArgumentParser
import AsyncHTTPClient
import Foundation
import InterlockCore
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

/// The values behind `ClientOptions`, usable without the argument parser (the hooks' fast path).
struct ClientSettings: Sendable {
    var server: String?
    var token: String?
    var tokenFile: String?
    var config: String?

    struct Resolved: Sendable {
        var server: String
        var token: String
    }

    /// The gateway to use, or nil when none is configured anywhere.
    func resolve() throws -> Resolved? {
        let env = ProcessInfo.processInfo.environment
        let file = try configFile()
        guard let server = server ?? env["INTERLOCK_SERVER"].flatMap({ $0.isEmpty ? nil : $0 }) ?? file?["server"]?.stringValue else {
            if token != nil || tokenFile != nil { throw InvalidInput("a token was given but no gateway: add --server URL or set INTERLOCK_SERVER") }
            return nil
        }
        var secret = token
        if secret == nil, let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else { throw OperationalFailure("cannot read token file `\(tokenFile)`") }
            secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        secret = secret ?? env["INTERLOCK_TOKEN"].flatMap { $0.isEmpty ? nil : $0 } ?? file?["token"]?.stringValue
        guard let secret, !secret.isEmpty else {
            throw InvalidInput("no token for the gateway at \(server): give --token-file FILE, or set INTERLOCK_TOKEN")
        }
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw InvalidInput("--server `\(server)` must be an http:// or https:// URL")
        }
        return Resolved(server: server.hasSuffix("/") ? String(server.dropLast()) : server, token: secret)
    }

    func require() throws -> Resolved {
        guard let resolved = try resolve() else {
            throw InvalidInput("no gateway configured: give --server URL and --token-file FILE (or set INTERLOCK_SERVER and INTERLOCK_TOKEN)")
        }
        return resolved
    }

    private func configFile() throws -> JSONValue? {
        let env = ProcessInfo.processInfo.environment
        let explicit = config ?? env["INTERLOCK_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let path: String
        if let explicit {
            path = explicit
        } else if let xdg = env["XDG_CONFIG_HOME"], !xdg.isEmpty {
            path = xdg + "/interlock/client.json"
        } else {
            path = NSHomeDirectory() + "/.config/interlock/client.json"
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            if explicit != nil { throw OperationalFailure("cannot read the client config `\(path)`") }
            return nil
        }
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch { throw InvalidInput("\(path): not JSON: \(error)") }
        guard case .object(let o) = json else { throw InvalidInput("\(path): expected an object like {\"server\": \"http://127.0.0.1:8421\"}") }
        for key in o.keys where !["server", "token"].contains(key) { throw InvalidInput("\(path): unknown key `\(key)`; expected server, token") }
        if o["token"] != nil, let attributes = try? FileManager.default.attributesOfItem(atPath: path),
           let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw InvalidInput("\(path) holds a token and others can read it: chmod 600 \(path)")
        }
        return json
    }
}

/// A small client for the gateway's decision API.
struct GatewayClient {
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
