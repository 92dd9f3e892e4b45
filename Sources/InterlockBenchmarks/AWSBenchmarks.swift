import Foundation
import InterlockAWS
import InterlockCore

/// The AWS proxy's own CPU per call, without sockets: verify an agent's SigV4 request, turn it into
/// an action, and sign it again for the upstream. A boto3 TerminateInstances request (the shape of
/// the captured fixture), signed here with a fixed key and time.
func awsProxyBenchmark(count: Int) throws {
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    let amzDate = "20261121T211914Z"
    let body = Array("Action=TerminateInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0".utf8)
    var headers: [SigV4.Header] = [
        ("Host", "127.0.0.1:8790"), ("Accept-Encoding", "identity"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ("User-Agent", "Boto3/1.44.5 md/Botocore#1.44.5 ua/2.1 os/linux lang/python#3.11.7"), ("X-Amz-Date", amzDate),
        ("amz-sdk-invocation-id", "d7559a58-a0d7-4ce3-aa09-a8497c98ed68"), ("amz-sdk-request", "attempt=1"), ("Content-Length", String(body.count)),
    ]
    let scope = SigV4.Scope(date: "20261121", region: "us-east-1", service: "ec2")
    let signed = ["content-type", "host", "x-amz-date"]
    let canonical = SigV4.canonicalRequest(method: "POST", path: "/", query: "", headers: headers, signedHeaders: signed,
                                           payloadHash: SigV4.hexSHA256(body), service: "ec2")!
    let signature = SigV4.signature(key: SigV4.signingKey(secret: secret, scope: scope),
                                    stringToSign: SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical))
    headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/\(scope.text), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)"))
    let request = IncomingAWSRequest(method: "POST", target: "/", headers: headers, body: body)
    let credential = AgentAWSCredential(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secret, agent: "bench")
    let upstream = AWSProxyConfiguration.Upstream(name: "production", environment: "production", account: "123456789012", regions: nil,
                                                  endpoint: "http://127.0.0.1:5000", credentials: .profile("p"))
    let upstreamKeys = UpstreamCredentials(accessKeyID: "AKIAUPSTREAM00000001", secretAccessKey: "upstream-secret")
    let now = AmzDate.seconds(amzDate)!
    let verifier = SigV4Verifier()
    let clock = ContinuousClock()
    var verifyTime = Duration.zero, actionTime = Duration.zero, signTime = Duration.zero
    var sink = 0
    for _ in 0..<count {
        let t0 = clock.now
        guard case .success(let verified) = verifier.verify(request, now: now, credential: { _ in credential }) else {
            throw BenchmarkFailure(description: "the benchmark request does not verify")
        }
        let t1 = clock.now
        let action = AWSProxyCore.action(verified, original: request, upstream: upstream)
        let t2 = clock.now
        let outgoing = AWSProxyCore.outgoing(verified, endpoint: "http://127.0.0.1:5000", credentials: upstreamKeys, now: now)
        let t3 = clock.now
        verifyTime += t1 - t0
        actionTime += t2 - t1
        signTime += t3 - t2
        sink &+= outgoing.headers.count &+ (action.principal.agent.count)
    }
    func micros(_ d: Duration) -> String { String(format: "%.1f µs", (Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12) / Double(count)) }
    print("aws proxy, per call (\(count) calls): verify \(micros(verifyTime)), action \(micros(actionTime)), re-sign \(micros(signTime))")
    if sink == 42 { print("") }
}
