import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import InterlockCore
import Testing

/// The MCP proxy between the official MCP Python SDK (2.x and 1.x clients) and real MCP servers
/// from PyPI (`mcp-server-sqlite`, `mcp-server-git`), deciding through a running gateway where two
/// seniors approve. `.ci/run` builds the virtual environments and names them in
/// INTERLOCK_MCP_VENV (SDK 2.x, mcp-server-git) and INTERLOCK_MCP_V1_VENV (SDK 1.x,
/// mcp-server-sqlite); in CI a missing environment fails the run instead of skipping.
@Suite("interlock mcp-proxy with real MCP clients and servers", .enabled(if: MCPVenvs.available || MCPVenvs.required))
struct MCPProxyEndToEndTests {
    static let policy = """
        version: 1
        default_environment: production
        approval: {approvers: 2, roles: [senior], timeout: 30m}
        environments:
          production:
            tiers: {read: autonomous, write: supervised, destructive: gated, unknown: gated}
        mcp:
          servers:
            sqlite:   # declares no annotations: the policy author says what each tool does (and that its resources are read)
              tools: {read_query: read, list_tables: read, describe_table: read, write_query: write, create_table: write, "resources/read": read}
            git:      # annotates every tool, and is trusted to
              trust_annotations: true
        rules:
          - id: credentials
            match: {categories: [credential_issue]}
            decision: blocked
            message: "Interlock: credentials never reach an agent."
        anomalies: {first_time: false}
        """

    @Test("stdio: read passes, a resource is read and a credentials file is not, DROP TABLE is gated and the table survives, two approvals let the identical call through once; git_reset gated by its annotation",
          arguments: [("sqlite", "auto"), ("sqlite", "v1"), ("git", "auto"), ("git", "legacy"), ("git", "v1")])
    func stdio(scenario: String, client: String) async throws {
        let venvs = try MCPVenvs.require()
        let world = try GatewayWorld()
        defer { world.gateway.stop() }
        let (dir, gateway, tokenFile, alice, bob) = (world.dir, world.gateway, world.agentTokenFile, world.alice, world.bob)

        let db = dir.url.appendingPathComponent("app.db").path
        let repo = dir.url.appendingPathComponent("repo").path
        let server: [String] = scenario == "sqlite"
            ? [venvs.v1 + "/bin/mcp-server-sqlite", "--db-path", db]
            : [venvs.v2 + "/bin/mcp-server-git"]
        let python = (client == "v1" ? venvs.v1 : venvs.v2) + "/bin/python"
        let proxy = [InterlockBinary.url.path, "mcp-proxy", "--name", scenario, "--server", gateway.url, "--token-file", tokenFile, "--"] + server

        let stdout = try Self.runClient(python: python, scenario: scenario, client: client, proxy: proxy, gateway: gateway.url,
                                        approvers: [alice, bob], db: db, repo: repo, proxyHome: dir.url.appendingPathComponent("proxy-home").path)
        let steps = stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        // The negotiated generation: the 2.x client's probe reaches mcp-server-git, which speaks 2026-07-28;
        // mcp-server-sqlite (SDK 1.x) refuses the probe and the client falls back to initialize through the proxy.
        let protocolVersion = steps.first { $0["step"] == "tools/list" }?["protocol"]?.stringValue ?? ""
        if scenario == "git" && client == "auto" {
            #expect(protocolVersion == "2026-07-28", "\(stdout)")
        }
        // The gateway recorded the refusals and the approved call.
        let audit = try InterlockBinary.run(["audit", "tail", "--home", gateway.home, "-n", "100"])
        #expect(audit.stdout.contains("mcp:\(scenario):"), "\(audit.stdout)")
    }

    @Test("Streamable HTTP: the same scenario through `--listen/--upstream`, in both generations; headers that disagree with the body are refused",
          .serialized, arguments: ["auto", "legacy", "v1"])
    func http(client: String) async throws {
        let venvs = try MCPVenvs.require()
        let world = try GatewayWorld()
        defer { world.gateway.stop() }
        let (dir, gateway, tokenFile, alice, bob) = (world.dir, world.gateway, world.agentTokenFile, world.alice, world.bob)
        let db = dir.url.appendingPathComponent("app.db").path

        let upstreamPort = try freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: venvs.v2 + "/bin/python")
        server.arguments = [Self.endToEnd("mcp_http_server.py"), String(upstreamPort), db]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        // uvicorn waits for open connections on SIGTERM; the test is done with it.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        try waitForPort(upstreamPort)

        let proxy = try ListeningProxy(["mcp-proxy", "--name", "sqlite", "--server", gateway.url, "--token-file", tokenFile,
                                        "--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:\(upstreamPort)/mcp"])
        defer { proxy.stop() }
        let url = proxy.url

        let python = (client == "v1" ? venvs.v1 : venvs.v2) + "/bin/python"
        _ = try Self.runClient(python: python, scenario: "sqlite", client: client, proxy: [url], gateway: gateway.url,
                               approvers: [alice, bob], db: db, repo: "", proxyHome: dir.url.appendingPathComponent("proxy-home").path)

        // A request whose Mcp-Name says one tool while the body calls another never reaches the server.
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json, text/event-stream", forHTTPHeaderField: "Accept")
        request.setValue("2026-07-28", forHTTPHeaderField: "Mcp-Protocol-Version")
        request.setValue("tools/call", forHTTPHeaderField: "Mcp-Method")
        request.setValue("read_query", forHTTPHeaderField: "Mcp-Name")
        request.httpBody = Data(#"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"write_query","arguments":{"query":"DROP TABLE users"}}}"#.utf8)
        let (data, response) = try await GatewayProcess.session.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 400)
        #expect(try JSONValue.parse(data)["error"]?["code"] == .int(-32020))
    }

    static func endToEnd(_ name: String) -> String { EndToEndScript.path(name) }

    /// Runs the SDK client script and returns its step lines; fails the test on a non-zero exit.
    static func runClient(python: String, scenario: String, client: String, proxy: [String], gateway: String,
                          approvers: [String], db: String, repo: String, proxyHome: String) throws -> String {
        try EndToEndScript.run(python: python, "mcp_proxy_client.py", arguments: [scenario, client, "--"] + proxy, environment: [
            "INTERLOCK_GATEWAY_URL": gateway, "INTERLOCK_APPROVER_TOKENS": approvers.joined(separator: ","), "INTERLOCK_TEST_DB": db,
            "INTERLOCK_TEST_REPO": repo, "INTERLOCK_HOME": proxyHome,
        ], label: "\(scenario)/\(client)")
    }
}

/// What each MCP end-to-end case starts from: a gateway on its own home with the test policy, an
/// agent token in a file for the proxy, and two seniors to approve.
struct GatewayWorld {
    let dir: TemporaryDirectory
    let gateway: GatewayProcess
    let agentTokenFile: String
    let alice: String
    let bob: String

    init() throws {
        dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let policy = try dir.write("policy.yaml", MCPProxyEndToEndTests.policy)
        let agent = try GatewayProcess.token(home: home, ["--agent", "mcp-client", "--launched-by", "lena"])
        alice = try GatewayProcess.token(home: home, ["--human", "alice", "--role", "senior"])
        bob = try GatewayProcess.token(home: home, ["--human", "bob", "--role", "senior"])
        agentTokenFile = try dir.write("agent.token", agent)
        gateway = try GatewayProcess(home: home, arguments: ["--policy", policy])
    }
}

enum MCPVenvs {
    static var available: Bool {
        let env = ProcessInfo.processInfo.environment
        return env["INTERLOCK_MCP_VENV"] != nil && env["INTERLOCK_MCP_V1_VENV"] != nil
    }

    /// CI must run these tests, never skip them.
    static var required: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static func require() throws -> (v2: String, v1: String) {
        let env = ProcessInfo.processInfo.environment
        guard let v2 = env["INTERLOCK_MCP_VENV"], let v1 = env["INTERLOCK_MCP_V1_VENV"] else {
            throw HarnessError("INTERLOCK_MCP_VENV and INTERLOCK_MCP_V1_VENV must name the MCP virtual environments (.ci/run makes them)")
        }
        return (v2, v1)
    }
}

/// A loopback port nobody listens on right now.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw HarnessError("cannot find a free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Waits until something accepts connections on the loopback port (a Python server takes a second
/// or two). Blocks its thread rather than suspending, like the other process waits in these tests.
func waitForPort(_ port: Int, seconds: Double = 30) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        close(fd)
        if connected { return }
        Thread.sleep(forTimeInterval: 0.1)
    }
    throw HarnessError("nothing listens on port \(port) after \(seconds) s")
}
