import ArgumentParser
import Foundation
import InterlockClassifiers
import InterlockCore
import InterlockDoors
import InterlockIntegrations
import InterlockPolicy
import Synchronization

struct MCPProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-proxy",
        abstract: "Stand between an MCP client and an MCP server: tool calls are decided, everything else passes through.",
        discussion: """
            stdio: `interlock mcp-proxy [options] -- mcp-server-sqlite --db-path x.db` spawns the server and speaks \
            MCP on its own stdin/stdout. Refused tool calls get a tool result with isError: true naming the reason \
            (for a gated call, the approval request; the identical call passes once approved) and never reach the \
            server. Streamable HTTP: `--listen 127.0.0.1:PORT --upstream URL` forwards requests to the server's \
            endpoint; headers that disagree with the body are refused (400, -32020). Exit codes: the server's \
            exit status when it ends (stdio), 0 on SIGINT/SIGTERM (HTTP); 3 invalid options or policy; 1 failure.
            """)

    @Option(help: ArgumentHelp("The server's name in operations and policy (`mcp:NAME:tool`); default: the command's name without `mcp-server-`.", valueName: "name"))
    var name: String?

    @OptionGroup var door: DoorIdentityOptions
    @OptionGroup var policySource: PolicySourceOptions
    @OptionGroup var home: HomeOptions
    @OptionGroup var client: ClientOptions

    @Option(help: ArgumentHelp("Streamable HTTP: listen here (loopback only), e.g. 127.0.0.1:8765; port 0 picks a free one.", valueName: "address"))
    var listen: String?

    @Option(help: ArgumentHelp("Streamable HTTP: the MCP server's endpoint URL, e.g. http://127.0.0.1:8000/mcp.", valueName: "url"))
    var upstream: String?

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The MCP server command and its arguments, after `--`.", valueName: "command"))
    var command: [String] = []

    func run() async throws {
        if listen != nil || upstream != nil {
            guard let listen, let upstream else { throw InvalidInput("Streamable HTTP needs both --listen ADDRESS and --upstream URL") }
            guard command.isEmpty else { throw InvalidInput("give either a server command after `--` (stdio) or --listen/--upstream (HTTP), not both") }
            return try await runHTTP(listen: listen, upstream: upstream)
        }
        guard !command.isEmpty else { throw InvalidInput("give the MCP server's command after `--`, e.g. `interlock mcp-proxy -- mcp-server-sqlite --db-path x.db`") }
        let serverName = name ?? Self.defaultName(command[0])
        let decider = try DoorDecider(policy: policySource.source, home: home.home, client: client.settings, transport: GatewayClient.transport)
        let proxy = StdioMCPProxy(core: MCPProxyCore(server: serverName), identity: identity(), decider: decider)
        let status = try await proxy.run(command: command)
        throw ExitCode(status)
    }

    func identity() -> DoorIdentity { door.identity(defaultAgent: "mcp-client") }

    func runHTTP(listen: String, upstream: String) async throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw InvalidInput("--listen `\(listen)`: expected HOST:PORT, e.g. 127.0.0.1:8765")
        }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        // The proxy speaks for the agent's machine only; anything else would offer its decisions to the network.
        guard ["127.0.0.1", "localhost", "::1"].contains(host) else {
            throw InvalidInput("--listen `\(listen)`: the MCP proxy listens on loopback only (127.0.0.1, localhost or [::1])")
        }
        guard let url = URL(string: upstream), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw InvalidInput("--upstream `\(upstream)`: expected an http:// or https:// URL")
        }
        let serverName = name ?? (url.host ?? "mcp")
        let proxy = HTTPMCPProxy(core: MCPProxyCore(server: serverName), identity: identity(),
                                 decider: try DoorDecider(policy: policySource.source, home: home.home, client: client.settings, transport: GatewayClient.transport), upstream: url)
        do {
            try await proxy.run(host: host, port: port) { bound in
                FileHandle.standardOutput.write(Data("listening on http://\(host.contains(":") ? "[\(host)]" : host):\(bound)\(url.path.isEmpty ? "/" : url.path)\n".utf8))
            }
        } catch {
            throw OperationalFailure("the MCP proxy stopped: \(error)")
        }
    }

    static func defaultName(_ program: String) -> String {
        let base = program.split(separator: "/").last.map(String.init) ?? program
        for prefix in ["mcp-server-", "mcp_server_", "server-"] where base.hasPrefix(prefix) && base.count > prefix.count {
            return String(base.dropFirst(prefix.count))
        }
        return base
    }
}

/// Newline-delimited JSON-RPC between the client (our stdin/stdout) and a spawned server.
final class StdioMCPProxy: Sendable {
    let core: Mutex<MCPProxyCore>
    let identity: DoorIdentity
    let decider: DoorDecider
    private let toClient = LockedWriter(fd: 1)

    init(core: MCPProxyCore, identity: DoorIdentity, decider: DoorDecider) {
        self.core = Mutex(core)
        self.identity = identity
        self.decider = decider
    }

    func run(command: [String]) async throws -> Int32 {
        // A side that goes away must not kill the proxy with SIGPIPE; its writes fail instead.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let upstreamIn = Pipe(), upstreamOut = Pipe()
        process.standardInput = upstreamIn
        process.standardOutput = upstreamOut
        process.standardError = FileHandle.standardError
        do { try process.run() } catch {
            throw OperationalFailure("cannot start the MCP server `\(command.joined(separator: " "))`: \(error)")
        }
        let toServer = LockedWriter(fd: upstreamIn.fileHandleForWriting.fileDescriptor)
        let hide = decider.hidePredicate(server: core.withLock { $0.server })

        // Server → client: forwarded as received, tool lists remembered.
        let serverDone = Thread { [self] in
            LineReader(fd: upstreamOut.fileHandleForReading.fileDescriptor).forEach { line in
                if let replaced = self.core.withLock({ $0.outbound(line, hide: hide) }) {
                    toClient.write(Array(replaced.jsonText().utf8))
                } else {
                    toClient.write(line)
                }
            }
        }
        serverDone.start()

        // Client → server: everything but tool calls forwarded as received; tool calls decided first.
        let lines = AsyncStream<[UInt8]> { continuation in
            let reader = Thread {
                LineReader(fd: 0).forEach { continuation.yield($0) }
                continuation.finish()
            }
            reader.start()
        }
        for await line in lines {
            switch core.withLock({ $0.inbound(line) }) {
            case .forward, .forwardToolsList:
                toServer.write(line)
            case .reply(let message):
                toClient.write(Array(message.jsonText().utf8))
            case .toolCall(let call):
                let action = core.withLock { $0.action(call, identity: identity) }
                let verdict: Verdict
                do { verdict = try await decider.decide(action) } catch {
                    // Fail closed: the server never sees a call Interlock could not decide.
                    toClient.write(Array(MCPProxyCore.refusal(call, message: "Interlock could not decide this call, so it was not made: \(error)").jsonText().utf8))
                    continue
                }
                if verdict.outcome == .allow {
                    toServer.write(line)
                } else {
                    toClient.write(Array(MCPProxyCore.answer(refusing: call, verdict: verdict).jsonText().utf8))
                }
            }
        }
        // The client is gone: close the server's stdin and let it finish.
        try? upstreamIn.fileHandleForWriting.close()
        process.waitUntilExit()
        while !serverDone.isFinished { try await Task.sleep(for: .milliseconds(5)) }
        return process.terminationStatus
    }
}

/// Writes whole messages, one per line, from several threads without interleaving them.
final class LockedWriter: Sendable {
    let fd: Int32
    private let lock = Mutex(())

    init(fd: Int32) { self.fd = fd }

    func write(_ message: [UInt8]) {
        lock.withLock { _ in
            var bytes = message
            bytes.append(UInt8(ascii: "\n"))
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }
}

/// Reads newline-delimited messages from a file descriptor until end of file. Blank lines are skipped.
struct LineReader {
    let fd: Int32

    func forEach(_ body: ([UInt8]) -> Void) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, 65536) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[start..<newline])
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                if !line.isEmpty { body(line) }
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { body(pending) }
    }
}
