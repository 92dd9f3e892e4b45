import Foundation
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
}
