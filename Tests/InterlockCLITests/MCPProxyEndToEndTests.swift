import Foundation
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
            sqlite:   # declares no annotations: the policy author says what each tool does
              tools: {read_query: read, list_tables: read, describe_table: read, write_query: write, create_table: write}
            git:      # annotates every tool, and is trusted to
              trust_annotations: true
        anomalies: {first_time: false}
        """

    @Test("stdio: read passes, DROP TABLE is gated and the table survives, two approvals let the identical call through once; git_reset gated by its annotation",
          arguments: [("sqlite", "auto"), ("sqlite", "v1"), ("git", "auto"), ("git", "legacy"), ("git", "v1")])
    func stdio(scenario: String, client: String) async throws {
        let venvs = try MCPVenvs.require()
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let policy = try dir.write("policy.yaml", Self.policy)
        let agent = try GatewayProcess.token(home: home, ["--agent", "mcp-client", "--launched-by", "lena"])
        let alice = try GatewayProcess.token(home: home, ["--human", "alice", "--role", "senior"])
        let bob = try GatewayProcess.token(home: home, ["--human", "bob", "--role", "senior"])
        let tokenFile = try dir.write("agent.token", agent)
        let gateway = try GatewayProcess(home: home, arguments: ["--policy", policy])
        defer { gateway.stop() }

        let db = dir.url.appendingPathComponent("app.db").path
        let repo = dir.url.appendingPathComponent("repo").path
        let server: [String] = scenario == "sqlite"
            ? [venvs.v1 + "/bin/mcp-server-sqlite", "--db-path", db]
            : [venvs.v2 + "/bin/mcp-server-git"]
        let python = (client == "v1" ? venvs.v1 : venvs.v2) + "/bin/python"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EndToEnd/mcp_proxy_client.py").path
        let proxy = [InterlockBinary.url.path, "mcp-proxy", "--name", scenario, "--server", gateway.url, "--token-file", tokenFile, "--"] + server

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, scenario, client, "--"] + proxy
        var env = ProcessInfo.processInfo.environment
        env["INTERLOCK_GATEWAY_URL"] = gateway.url
        env["INTERLOCK_APPROVER_TOKENS"] = [alice, bob].joined(separator: ",")
        env["INTERLOCK_TEST_DB"] = db
        env["INTERLOCK_TEST_REPO"] = repo
        env["INTERLOCK_HOME"] = dir.url.appendingPathComponent("proxy-home").path
        env["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(scenario)/\(client):\n\(stdout)\n\(stderr.suffix(3000))")
        let steps = stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(steps.last?["step"] == "done", "\(stdout)")
        // The negotiated generation: the 2.x client's probe reaches mcp-server-git, which speaks 2026-07-28;
        // mcp-server-sqlite (SDK 1.x) refuses the probe and the client falls back to initialize through the proxy.
        let protocolVersion = steps.first { $0["step"] == "tools/list" }?["protocol"]?.stringValue ?? ""
        if scenario == "git" && client == "auto" {
            #expect(protocolVersion == "2026-07-28", "\(stdout)")
        }
        // The gateway recorded the refusals and the approved call.
        let audit = try InterlockBinary.run(["audit", "tail", "--home", home, "-n", "100"])
        #expect(audit.stdout.contains("mcp:\(scenario):"), "\(audit.stdout)")
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
