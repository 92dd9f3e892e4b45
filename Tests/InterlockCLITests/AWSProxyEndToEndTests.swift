import Foundation
import InterlockCore
import Testing

/// `interlock aws-proxy` with real AWS clients: boto3 and the AWS CLI go through the proxy to two
/// moto servers, "production" (static upstream keys) and "staging" (a role assumed through STS).
/// moto checks no signatures, so each moto sits behind `aws_upstream_tap.py`, which recomputes
/// every forwarded signature with botocore and records the raw requests. The scenario itself is
/// `Tests/EndToEnd/aws_proxy_scenario.py`. `.ci/run` builds the virtual environment and names it
/// in INTERLOCK_AWS_VENV.
@Suite("AWS proxy end to end: boto3 and the AWS CLI against moto", .serialized)
struct AWSProxyEndToEndTests {
    static var venv: String? { ProcessInfo.processInfo.environment["INTERLOCK_AWS_VENV"] }

    /// A Python server of the venv, stopped with SIGKILL when the test is done (moto and the taps
    /// hold keep-alive connections open on SIGTERM).
    final class Server {
        let process = Process()
        init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }
        deinit {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test("reads pass; terminate, RDS, IAM and Route 53 delete calls are gated, stack deletion and calls that would hand the agent credentials blocked; two approvals pass one identical call; forged, stale and altered requests refused; what reaches AWS is signed with the upstream's keys only",
          .enabled(if: venv != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
    func scenario() async throws {
        guard let venv = Self.venv else { throw HarnessError("INTERLOCK_AWS_VENV must name the AWS virtual environment (.ci/run makes it)") }
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let alice = try GatewayProcess.token(home: home, ["--human", "alice", "--role", "senior"])
        let bob = try GatewayProcess.token(home: home, ["--human", "bob", "--role", "senior"])
        func awsCredentials(_ arguments: [String]) throws -> String {
            let r = try InterlockBinary.run(["token", "create", "--home", home, "--aws"] + arguments, environment: ["USER": "test-operator"])
            guard r.status == 0, r.stdout.contains("AWS_SECRET_ACCESS_KEY=") else { throw HarnessError("token create --aws failed: \(r.stderr)") }
            return r.stdout
        }
        let prodAgent = try dir.write("prod-agent.env", try awsCredentials(["--agent", "deploy-bot"]))
        let stagingAgent = try dir.write("staging-agent.env", try awsCredentials(["--agent", "ci-bot", "--expires", "1h"]))

        let (prodMotoPort, stagingMotoPort, prodTapPort, stagingTapPort) = (try freePort(), try freePort(), try freePort(), try freePort())
        let moto = venv + "/bin/moto_server"
        let prodMoto = try Server(moto, ["-H", "127.0.0.1", "-p", String(prodMotoPort)])
        let stagingMoto = try Server(moto, ["-H", "127.0.0.1", "-p", String(stagingMotoPort)])
        let prodRecord = dir.url.appendingPathComponent("prod-upstream.jsonl").path
        let stagingRecord = dir.url.appendingPathComponent("staging-upstream.jsonl").path
        let tap = EndToEndScript.path("aws_upstream_tap.py")
        let prodTap = try Server(venv + "/bin/python", [tap, String(prodTapPort), "http://127.0.0.1:\(prodMotoPort)", prodRecord,
                                                        "AKIAPRODUPSTREAM0001:prod-upstream-secret"])
        let stagingTap = try Server(venv + "/bin/python", [tap, String(stagingTapPort), "http://127.0.0.1:\(stagingMotoPort)", stagingRecord,
                                                           "AKIASTAGINGSOURCE001:staging-source-secret"])
        for port in [prodMotoPort, stagingMotoPort, prodTapPort, stagingTapPort] { try waitForPort(port) }
        _ = (prodMoto, stagingMoto, prodTap, stagingTap)

        let stagingSecret = try dir.write("staging-source.secret", "staging-source-secret\n")
        let configuration = try dir.write("aws-proxy.yaml", """
            upstreams:
              production:
                environment: production
                account: "123456789012"
                endpoint: http://127.0.0.1:\(prodTapPort)
                credentials:
                  access_key_id: AKIAPRODUPSTREAM0001
                  secret_access_key_env: PROD_UPSTREAM_SECRET
              staging:
                environment: staging
                account: "123456789012"
                regions: [us-east-1]
                endpoint: http://127.0.0.1:\(stagingTapPort)
                credentials:
                  assume_role:
                    role_arn: arn:aws:iam::123456789012:role/interlock-staging
                    duration: 1h
                    source:
                      access_key_id: AKIASTAGINGSOURCE001
                      secret_access_key_file: \(stagingSecret)
            agents:
              deploy-bot: production
              ci-bot: staging
            """)

        let gateway = try GatewayProcess(home: home)
        defer { gateway.stop() }
        let proxy = try ListeningProxy(["aws-proxy", "--home", home, "--config", configuration, "--listen", "127.0.0.1:0"],
                                       environment: ["PROD_UPSTREAM_SECRET": "prod-upstream-secret"])
        let url = proxy.url

        try EndToEndScript.run(python: venv + "/bin/python", "aws_proxy_scenario.py", environment: [
            "INTERLOCK_AWS_PROXY": url, "INTERLOCK_GATEWAY_URL": gateway.url, "INTERLOCK_APPROVERS": "\(alice),\(bob)",
            "PROD_AGENT": prodAgent, "STAGING_AGENT": stagingAgent,
            "PROD_MOTO": "http://127.0.0.1:\(prodMotoPort)", "STAGING_MOTO": "http://127.0.0.1:\(stagingMotoPort)",
            "PROD_TAP_RECORD": prodRecord, "STAGING_TAP_RECORD": stagingRecord, "AWS_CLI": venv + "/bin/aws",
        ])

        // Every decision and every refused signature is in the audit log, and the log verifies.
        proxy.stop()
        gateway.stop()
        let verify = try InterlockBinary.run(["audit", "verify", "--home", home])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let exported = try InterlockBinary.run(["audit", "tail", "--home", home, "-n", "1000"])
        #expect(exported.stdout.contains("request.refused"), "refused signatures are audit events")
        #expect(exported.stdout.contains("aws:ec2:TerminateInstances"))
    }
}
