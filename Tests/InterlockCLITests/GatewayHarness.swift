import Foundation
import InterlockCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `interlock serve` as a real process on a random loopback port, with its own home (a real
/// SQLite file). Stopped with SIGTERM when the test is done.
final class GatewayProcess: @unchecked Sendable {
    let process = Process()
    let url: String
    let home: String
    let stderrPipe = Pipe()

    init(home: String, arguments: [String] = []) throws {
        self.home = home
        process.executableURL = InterlockBinary.url
        process.arguments = ["serve", "--port", "0", "--home", home, "--sweep-interval", "1"] + arguments
        var env = ProcessInfo.processInfo.environment
        env["INTERLOCK_POLICY"] = nil
        env["SWIFT_BACKTRACE"] = "enable=no"
        env["USER"] = "test-operator"
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = stderrPipe
        try process.run()
        // The first line is `listening on URL`; EOF first means the server did not start.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty {
                let err = String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw HarnessError("interlock serve exited before listening: \(err)")
            }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).split(separator: "\n")[0]
        guard text.hasPrefix("listening on ") else { throw HarnessError("unexpected first line: \(text)") }
        url = String(text.dropFirst("listening on ".count))
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    struct Answer {
        var status: Int
        var json: JSONValue
        var text: String
    }

    func call(_ method: String, _ path: String, token: String?, body: String? = nil) async throws -> Answer {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let token { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await GatewayProcess.session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let text = String(decoding: data, as: UTF8.self)
        return Answer(status: status, json: (try? JSONValue.parse(data)) ?? .null, text: text)
    }

    func submit(_ action: String, token: String) async throws -> Answer {
        try await call("POST", "/v1/actions", token: token, body: action)
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 128
        return URLSession(configuration: configuration)
    }()

    /// Creates a token with the CLI on the same home and returns its secret.
    static func token(home: String, _ arguments: [String]) throws -> String {
        let r = try InterlockBinary.run(["token", "create", "--home", home] + arguments, environment: ["USER": "test-operator"])
        guard r.status == 0, let secret = r.stdout.split(separator: "\n").last else { throw HarnessError("token create failed: \(r.stderr)") }
        return String(secret)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Builds an action document for the decision API.
func shellAction(_ command: String, environment: String = "production", rollback: String? = "restore /srv from last night's snapshot") -> String {
    var context: [String: JSONValue] = ["why": .string("the test asks for it")]
    if let rollback { context["rollback"] = .string(rollback) }
    return JSONValue.object([
        "environment": .string(environment),
        "input": .object(["kind": .string("shell"), "command": .string(command)]),
        "context": .object(context),
    ]).jsonText()
}
