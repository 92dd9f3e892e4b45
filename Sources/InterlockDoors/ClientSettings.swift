import Foundation
import InterlockCore

/// Where the gateway is and who we are to it, as plain values (`ClientOptions` in the CLI reads
/// them from flags; hooks read them without the argument parser).
package struct ClientSettings: Sendable {
    package var server: String?
    package var token: String?
    package var tokenFile: String?
    package var config: String?

    package init(server: String? = nil, token: String? = nil, tokenFile: String? = nil, config: String? = nil) {
        self.server = server
        self.token = token
        self.tokenFile = tokenFile
        self.config = config
    }

    package struct Resolved: Sendable {
        package var server: String
        package var token: String
    }

    /// The gateway to use, or nil when none is configured anywhere.
    package func resolve() throws -> Resolved? {
        let file = try configFile()
        guard let server = server ?? environmentVariable("INTERLOCK_SERVER").flatMap({ $0.isEmpty ? nil : $0 }) ?? file?["server"]?.stringValue else {
            if token != nil || tokenFile != nil { throw InvalidInput("a token was given but no gateway: add --server URL or set INTERLOCK_SERVER") }
            return nil
        }
        var secret = token
        if secret == nil, let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else { throw OperationalFailure("cannot read token file `\(tokenFile)`") }
            secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        secret = secret ?? environmentVariable("INTERLOCK_TOKEN").flatMap { $0.isEmpty ? nil : $0 } ?? file?["token"]?.stringValue
        guard let secret, !secret.isEmpty else {
            throw InvalidInput("no token for the gateway at \(server): give --token-file FILE, or set INTERLOCK_TOKEN")
        }
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw InvalidInput("--server `\(server)` must be an http:// or https:// URL")
        }
        return Resolved(server: server.hasSuffix("/") ? String(server.dropLast()) : server, token: secret)
    }

    package func require() throws -> Resolved {
        guard let resolved = try resolve() else {
            throw InvalidInput("no gateway configured: give --server URL and --token-file FILE (or set INTERLOCK_SERVER and INTERLOCK_TOKEN)")
        }
        return resolved
    }

    /// The client settings file: `--config`, else `INTERLOCK_CONFIG`, else
    /// `$XDG_CONFIG_HOME/interlock/client.json`, else `~/.config/interlock/client.json`; and
    /// whether it was named explicitly (then it must exist).
    package func configPath() -> (path: String, explicit: Bool) {
        if let explicit = config ?? environmentVariable("INTERLOCK_CONFIG").flatMap({ $0.isEmpty ? nil : $0 }) {
            return (explicit, true)
        }
        if let xdg = environmentVariable("XDG_CONFIG_HOME"), !xdg.isEmpty {
            return (xdg + "/interlock/client.json", false)
        }
        return ((environmentVariable("HOME").flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()) + "/.config/interlock/client.json", false)
    }

    private func configFile() throws -> JSONValue? {
        let (path, explicit) = configPath()
        // Most machines have no config file: ask the file system once, cheaply, before reading.
        guard explicit || access(path, F_OK) == 0, let data = FileManager.default.contents(atPath: path) else {
            if explicit { throw OperationalFailure("cannot read the client config `\(path)`") }
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
