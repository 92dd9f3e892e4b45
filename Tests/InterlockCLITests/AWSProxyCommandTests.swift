import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `interlock aws-proxy` and `token create --aws` refuse bad input before anything listens: one
/// line that says what and where, exit 3.
@Suite("aws-proxy and token create --aws: bad input")
struct AWSProxyCommandTests {
    static let upstream = """
        upstreams:
          production:
            environment: production
            credentials: {access_key_id: AKIAUPSTREAM00000001, secret_access_key_env: INTERLOCK_TEST_UNSET_SECRET}
        agents:
          deploy-bot: production
        """

    @Test("invalid configurations are refused with their file:line:column", arguments: [
        ("upstreams:\n  production:\n    environment: production\n    credentials: {profile: p}\nagents:\n  bot: staging\n", ":6:8: error: no upstream is named `staging`"),
        ("upstreams:\n  production:\n    environment: prod\n    credentials: {profile: p}\n", "names environment `prod`, which the policy (builtin) does not define"),
        (upstream, "environment variable INTERLOCK_TEST_UNSET_SECRET is not set"),
        ("upstreams: [", "invalid YAML"),
    ])
    func badConfiguration(_ text: String, _ expected: String) throws {
        let dir = try TemporaryDirectory()
        let config = try dir.write("aws.yaml", text)
        let r = try InterlockBinary.run(["aws-proxy", "--home", dir.url.appendingPathComponent("home").path, "--config", config,
                                         "--listen", "127.0.0.1:0"])
        #expect(r.status == 3, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains(expected), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        #expect(r.stdout.isEmpty, "nothing listened: \(r.stdout)")
    }

    @Test("token create --aws: credentials for agents only; --expires needs a duration")
    func tokenOptions() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        for (arguments, expected) in [(["--human", "alice", "--aws"], "--aws credentials belong to agents"),
                                      (["--agent", "bot", "--aws", "--expires", "soon"], "is not a duration"),
                                      (["--agent", "bot", "--expires", "1h"], "--expires applies to --aws")] {
            let r = try InterlockBinary.run(["token", "create", "--home", home] + arguments)
            #expect(r.status != 0 && r.stderr.contains(expected), "\(arguments): \(r.stderr)")
        }
        let r = try InterlockBinary.run(["token", "create", "--home", home, "--agent", "bot", "--aws", "--expires", "2h"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("AWS_ACCESS_KEY_ID=ASIL") })
        #expect(lines.contains { $0.hasPrefix("AWS_SESSION_TOKEN=") })
        let listed = try InterlockBinary.run(["token", "list", "--home", home])
        #expect(listed.stdout.contains("agent:bot aws=ASIL"), "\(listed.stdout)")
    }

    @Test("a flood of forged requests: each refused with InvalidClientTokenId; the log records the first 20 one by one and the rest as one count")
    func refusalFlood() async throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let config = try dir.write("aws.yaml", Self.upstream)
        // A window far longer than the test: on a loaded machine 25 refusals once took 71 s, and a
        // 60 s window closed in the middle of them.
        let proxy = try ListeningProxy(["aws-proxy", "--home", home, "--config", config, "--listen", "127.0.0.1:0", "--refusal-window", "3600"],
                                       environment: ["INTERLOCK_TEST_UNSET_SECRET": "upstream-secret"])
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let amzDate = formatter.string(from: Date())
        for _ in 0..<25 {
            var request = URLRequest(url: URL(string: proxy.url + "/")!)
            request.httpMethod = "POST"
            request.httpBody = Data("Action=DescribeInstances&Version=2016-11-15".utf8)
            request.setValue("application/x-www-form-urlencoded; charset=utf-8", forHTTPHeaderField: "Content-Type")
            request.setValue(amzDate, forHTTPHeaderField: "X-Amz-Date")
            request.setValue("AWS4-HMAC-SHA256 Credential=AKILNOSUCHKEY0000000/\(amzDate.prefix(8))/us-east-1/ec2/aws4_request, "
                             + "SignedHeaders=host;x-amz-date, Signature=" + String(repeating: "0", count: 64), forHTTPHeaderField: "Authorization")
            let (data, response) = try await GatewayProcess.session.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 401 || (response as? HTTPURLResponse)?.statusCode == 403)
            #expect(String(decoding: data, as: UTF8.self).contains("InvalidClientTokenId"))
        }
        // Stopped the way a service manager stops it: the open window's count is recorded on the way out.
        kill(proxy.process.processIdentifier, SIGTERM)
        proxy.process.waitUntilExit()
        let tail = try InterlockBinary.run(["audit", "tail", "--home", home, "-n", "100"])
        let refused = tail.stdout.split(separator: "\n").filter { $0.contains("request.refused") }
        #expect(refused.count == 21, "\(tail.stdout)")
        #expect(refused.last?.contains("5 more refused requests") == true, "\(refused.last ?? "")")
        #expect(try InterlockBinary.run(["audit", "verify", "--home", home]).status == 0)
    }
}
