import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import InterlockAWS
import InterlockCore
import Testing

/// A restart must not wait on the slowest request: SIGTERM stops accepting at once, requests in
/// flight get ten seconds, then they are cancelled and the process exits 0.
@Suite("servers stop on SIGTERM within their grace period")
struct ShutdownTests {
    /// Waits for the process to exit, at most `seconds`; returns how long it took, or nil.
    static func exitTime(_ process: Process, within seconds: Double) async throws -> Double? {
        let started = Date()
        while process.isRunning {
            if Date().timeIntervalSince(started) > seconds { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
        return Date().timeIntervalSince(started)
    }

    @Test("aws-proxy: a call stuck on an upstream that never answers does not hold the process")
    func awsProxyWithHungUpstream() async throws {
        // The upstream: a socket that listens and never accepts. The kernel completes the
        // handshake and buffers the request, so the proxy waits for an answer that never comes.
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(upstream) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(upstream, raw, length) == 0, listen(upstream, 8) == 0, getsockname(upstream, raw, &length) == 0 else {
                    throw HarnessError("cannot listen on loopback")
                }
            }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))

        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let created = try InterlockBinary.run(["token", "create", "--home", home, "--agent", "deploy-bot", "--aws"])
        let keys = Dictionary(created.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }, uniquingKeysWith: { first, _ in first })
        let config = try dir.write("aws.yaml", """
            upstreams:
              production:
                environment: production
                account: "123456789012"
                endpoint: http://127.0.0.1:\(port)
                credentials: {access_key_id: AKIAUPSTREAM00000001, secret_access_key_env: UPSTREAM_SECRET}
            agents:
              deploy-bot: production
            """)
        let proxy = try ListeningProxy(["aws-proxy", "--home", home, "--config", config, "--listen", "127.0.0.1:0"],
                                       environment: ["UPSTREAM_SECRET": "upstream-secret"])
        defer { if proxy.process.isRunning { kill(proxy.process.processIdentifier, SIGKILL) } }

        // A describe call (allowed in production), signed with the agent's key as an SDK would.
        let body = Array("Action=DescribeInstances&Version=2016-11-15".utf8)
        let agentKeys = UpstreamCredentials(accessKeyID: try #require(keys["AWS_ACCESS_KEY_ID"]),
                                            secretAccessKey: try #require(keys["AWS_SECRET_ACCESS_KEY"]))
        let signed = AWSProxyCore.signed(method: "POST", path: "/", rawQuery: "",
                                         headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], payload: body,
                                         service: "ec2", region: "us-east-1", endpoint: proxy.url, credentials: agentKeys,
                                         now: Int64(Date().timeIntervalSince1970))
        var request = URLRequest(url: URL(string: signed.url)!)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.timeoutInterval = 120
        for header in signed.headers where header.name != "Host" { request.setValue(header.value, forHTTPHeaderField: header.name) }
        let call = Task { try? await GatewayProcess.session.data(for: request) }
        defer { call.cancel() }

        // The call has been decided and recorded once the log holds its decision.
        var recorded = false
        for _ in 0..<100 where !recorded {
            try await Task.sleep(for: .milliseconds(100))
            recorded = try InterlockBinary.run(["audit", "tail", "--home", home, "-n", "5"]).stdout.contains("DescribeInstances")
        }
        #expect(recorded, "the call never reached its decision")
        kill(proxy.process.processIdentifier, SIGTERM)
        let took = try await Self.exitTime(proxy.process, within: 20)
        #expect(took != nil, "still running 20 s after SIGTERM")
        #expect(took.map { $0 >= 9 } == true, "in-flight calls get their grace period first: \(took ?? 0) s")
        #expect(proxy.process.terminationStatus == 0)
    }

    @Test("serve: an agent long-polling an approval does not hold the process")
    func serveWithLongPoll() async throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let agent = try GatewayProcess.token(home: home, ["--agent", "deploy-bot", "--launched-by", "lena"])
        let gateway = try GatewayProcess(home: home)
        let filed = try await gateway.submit(shellAction("rm -rf /srv/app/old"), token: agent)
        let id = try #require(filed.json["approval"]?["id"]?.stringValue, "not filed: \(filed.text)")
        let poll = Task { try? await gateway.call("GET", "/v1/approvals/\(id)?wait=60s", token: agent) }
        defer { poll.cancel() }
        try await Task.sleep(for: .milliseconds(500))
        kill(gateway.process.processIdentifier, SIGTERM)
        let took = try await Self.exitTime(gateway.process, within: 20)
        #expect(took != nil, "still running 20 s after SIGTERM")
        #expect(gateway.process.terminationStatus == 0)
    }
}
