import Crypto
import Foundation
import InterlockCore
import InterlockPolicy
import Testing

@testable import InterlockAWS

@Suite("aws-chunked bodies")
struct AWSChunkedBodyTests {
    static let scope = SigV4.Scope(date: "20261121", region: "us-east-1", service: "s3")
    static let key = SigV4.signingKey(secret: "secret", scope: scope)
    static let amzDate = "20261121T120000Z"

    /// Builds a signed stream as the S3 documentation lays it out, chunk by chunk.
    static func signedStream(_ chunks: [[UInt8]], seed: String, trailers: [(String, String)] = []) -> [UInt8] {
        var previous = seed
        var out: [UInt8] = []
        for chunk in chunks + [[]] {
            let stringToSign = "AWS4-HMAC-SHA256-PAYLOAD\n\(amzDate)\n\(scope.text)\n\(previous)\n\(SigV4.emptyPayloadHash)\n\(SigV4.hexSHA256(chunk))"
            let signature = Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
            out += Array("\(String(chunk.count, radix: 16));chunk-signature=\(signature)\r\n".utf8) + chunk
            if !chunk.isEmpty { out += Array("\r\n".utf8) }
            previous = signature
        }
        if !trailers.isEmpty {
            let text = trailers.map { "\($0.0):\($0.1)\n" }.joined()
            let stringToSign = "AWS4-HMAC-SHA256-TRAILER\n\(amzDate)\n\(scope.text)\n\(previous)\n\(SigV4.hexSHA256(Array(text.utf8)))"
            let signature = Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
            for (name, value) in trailers { out += Array("\(name):\(value)\r\n".utf8) }
            out += Array("x-amz-trailer-signature:\(signature)\r\n".utf8)
        }
        return out + Array("\r\n".utf8)
    }

    var signing: AWSChunkedBody.Signing { AWSChunkedBody.Signing(key: Self.key, amzDate: Self.amzDate, scope: Self.scope, seedSignature: "seed") }

    @Test("signed chunks decode to the payload; any change to a chunk or its order is refused")
    func signedChunks() throws {
        let chunks = [Array(repeating: UInt8(ascii: "a"), count: 65536), Array("tail".utf8)]
        let stream = Self.signedStream(chunks, seed: "seed")
        #expect(try AWSChunkedBody.decode(stream, signing: signing).payload == chunks.joined().map { $0 })
        let swapped = Self.signedStream([chunks[1], chunks[0]], seed: "seed")
        #expect(try AWSChunkedBody.decode(swapped, signing: signing).payload != chunks.joined().map { $0 })
        var altered = stream
        altered[200] = UInt8(ascii: "b")
        #expect(throws: AWSAuthFailure.signatureMismatch) { try AWSChunkedBody.decode(altered, signing: signing) }
        let otherSeed = Self.signedStream(chunks, seed: "another-seed")
        #expect(throws: AWSAuthFailure.signatureMismatch) { try AWSChunkedBody.decode(otherSeed, signing: signing) }
    }

    @Test("a signed trailer is checked; the trailers become headers")
    func signedTrailer() throws {
        let stream = Self.signedStream([Array("hello".utf8)], seed: "seed", trailers: [("x-amz-checksum-crc32", "NhCmhg==")])
        let decoded = try AWSChunkedBody.decode(stream, signing: signing)
        #expect(decoded.payload == Array("hello".utf8))
        #expect(decoded.trailers.map(\.value) == ["NhCmhg=="])
        let forged = Array(String(decoding: stream, as: UTF8.self).replacingOccurrences(of: "NhCmhg==", with: "AAAAAA==").utf8)
        #expect(throws: AWSAuthFailure.signatureMismatch) { try AWSChunkedBody.decode(forged, signing: signing) }
    }

    @Test("unsigned chunks with a checksum trailer, as boto3 sends over HTTPS")
    func unsignedTrailer() throws {
        let body = Array("10\r\n0123456789abcdef\r\n0\r\nx-amz-checksum-crc32:fhGxNA==\r\n\r\n".utf8)
        let decoded = try AWSChunkedBody.decode(body, signing: nil)
        #expect(decoded.payload == Array("0123456789abcdef".utf8))
        #expect(decoded.trailers.first?.name == "x-amz-checksum-crc32")
    }

    @Test("broken framing is refused", arguments: ["zz\r\nabc\r\n0\r\n\r\n", "10\r\nshort\r\n0\r\n\r\n", "3\r\nabcX0\r\n\r\n", "3\r\nabc"])
    func brokenFraming(_ text: String) {
        #expect(throws: AWSAuthFailure.self) { try AWSChunkedBody.decode(Array(text.utf8), signing: nil) }
    }
}

@Suite("The AWS proxy's steps")
struct AWSProxyStepsTests {
    static let agent = AgentAWSCredential(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                          agent: "deploy-bot", launchedBy: "lena")
    static let upstreamKeys = UpstreamCredentials(accessKeyID: "AKIAUPSTREAM000000001", secretAccessKey: "upstream-secret", sessionToken: "upstream-token")
    static let upstream = AWSProxyConfiguration.Upstream(name: "production", environment: "production", account: "123456789012", regions: nil,
                                                         endpoint: "http://127.0.0.1:5000", credentials: .profile("prod"))

    func verified(_ file: String) throws -> (VerifiedAWSRequest, IncomingAWSRequest, Int64) {
        let request = RequestText.capture(try String(contentsOf: RequestText.fixtures(file), encoding: .utf8))
        let now = AmzDate.seconds(request.header("X-Amz-Date")!)!
        return (try SigV4Verifier().verify(request, now: now) { _ in Self.agent }.get(), request, now)
    }

    @Test("the action is the decoded call, by the credential's agent, in the upstream's account and environment")
    func action() throws {
        let (request, original, _) = try verified("boto3/ec2.TerminateInstances.http")
        let action = AWSProxyCore.action(request, original: original, upstream: Self.upstream)
        #expect(action.principal.agent == "deploy-bot")
        #expect(action.principal.launchedBy == "lena")
        #expect(action.channel == .awsAPI)
        #expect(action.environment == "production")
        guard case .aws(let call) = action.input else { Issue.record("not an AWS action"); return }
        #expect(call.service == "ec2")
        #expect(call.operation == "TerminateInstances")
        #expect(call.account == "123456789012")
        #expect(call.region == "us-east-1")
        #expect(call.parameters["InstanceId"]?.arrayValue?.isEmpty == false)
    }

    @Test("an object's content is part of the action, so an approval cannot be reused for other bytes")
    func bodyDigestInAction() throws {
        let (request, original, _) = try verified("boto3/s3.PutObject.http")
        var other = request
        other.payload = Array("other".utf8)
        let first = AWSProxyCore.action(request, original: original, upstream: Self.upstream)
        let second = AWSProxyCore.action(other, original: original, upstream: Self.upstream)
        #expect(ActionDigest(first) != ActionDigest(second))
    }

    @Test("context stated in X-Interlock headers reaches the action", .tags(.corpus))
    func statedContext() throws {
        var (request, original, _) = try verified("boto3/rds.DeleteDBInstance.http")
        original.headers += [("X-Interlock-Why", "decommission%20the%20old%20replica"), ("X-Interlock-Rollback", "restore from snapshot snap-1"),
                             ("X-Interlock-Alternatives", "stop it; keep it")]
        request.headers.removeAll { $0.name.lowercased().hasPrefix("x-interlock") }
        let action = AWSProxyCore.action(request, original: original, upstream: Self.upstream)
        #expect(action.context.why == "decommission the old replica")
        #expect(action.context.rollback == "restore from snapshot snap-1")
        #expect(action.context.alternatives == ["stop it", "keep it"])
    }

    @Test("what goes upstream is signed with the upstream keys, verifies with them, and carries nothing of the agent's",
          arguments: ["boto3/ec2.TerminateInstances.http", "boto3/s3.PutObject.http", "boto3/s3.DeleteObjects.http", "boto3/dynamodb.PutItem.http",
                      "awscli/s3.ListObjects.http", "boto3/iam.AttachRolePolicy.http"])
    func reSigned(_ file: String) throws {
        let (request, _, now) = try verified(file)
        let outgoing = AWSProxyCore.outgoing(request, endpoint: "http://127.0.0.1:5000", credentials: Self.upstreamKeys, now: now + 1)
        let wire = outgoing.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + outgoing.url + String(decoding: outgoing.body, as: UTF8.self)
        #expect(!wire.contains(Self.agent.accessKeyID))
        #expect(!wire.contains(Self.agent.secretAccessKey))
        let target = String(outgoing.url.dropFirst("http://127.0.0.1:5000".count))
        let arriving = IncomingAWSRequest(method: outgoing.method, target: target, headers: outgoing.headers, body: outgoing.body)
        let upstreamCredential = AgentAWSCredential(accessKeyID: Self.upstreamKeys.accessKeyID, secretAccessKey: Self.upstreamKeys.secretAccessKey,
                                                    sessionToken: Self.upstreamKeys.sessionToken, agent: "aws")
        let checked = try SigV4Verifier().verify(arriving, now: now + 1) { $0 == Self.upstreamKeys.accessKeyID ? upstreamCredential : nil }.get()
        #expect(checked.payload == request.payload)
        #expect(arriving.header("Host") == "127.0.0.1:5000")
    }

    @Test("every captured client request reads one way only", arguments: SigV4ClientTests.captures)
    func capturedRequestsAreUnambiguous(_ file: String) throws {
        let request = RequestText.capture(try String(contentsOf: RequestText.fixtures(file), encoding: .utf8))
        #expect(AWSProxyCore.ambiguity(request) == nil)
    }

    @Test("requests that two readers could read two ways are refused", arguments: [
        ("POST", "/?Action=DescribeInstances", [("Content-Type", "application/x-www-form-urlencoded")], "Action=TerminateInstances&InstanceId.1=i-1", "both in the query and in the body"),
        ("POST", "/?Action=DescribeInstances", [("Content-Type", "text/plain")], "Action=TerminateInstances&InstanceId.1=i-1", "both in the query and in the body"),
        ("POST", "/", [("Content-Type", "text/plain")], "Action=TerminateInstances&InstanceId.1=i-1", "Content-Type is not"),
        ("POST", "/", [("Content-Type", "application/x-www-form-urlencoded")], "Action=DescribeInstances&Action=TerminateInstances", "names `Action` more than once"),
        ("GET", "/?Action=DescribeInstances&Action=TerminateInstances", [], "", "query names `Action` more than once"),
        ("POST", "/", [("X-Amz-Target", "DynamoDB_20120810.GetItem"), ("X-Amz-Target", "DynamoDB_20120810.DeleteTable")], "{}", "X-Amz-Target appears more than once"),
        ("POST", "/bucket/key", [("X-HTTP-Method-Override", "DELETE")], "", "overrides its method"),
    ])
    func ambiguousRequests(_ method: String, _ target: String, _ headers: [(String, String)], _ body: String, _ expected: String) {
        let request = IncomingAWSRequest(method: method, target: target, headers: [("Host", "127.0.0.1")] + headers.map { ($0.0, $0.1) }, body: Array(body.utf8))
        #expect(AWSProxyCore.ambiguity(request)?.contains(expected) == true, "\(String(describing: AWSProxyCore.ambiguity(request)))")
    }

    @Test("public endpoints by service and region; a configured endpoint wins")
    func endpoints() {
        var upstream = Self.upstream
        upstream.endpoint = nil
        #expect(AWSProxyCore.endpoint(service: "ec2", region: "eu-west-1", upstream: upstream) == "https://ec2.eu-west-1.amazonaws.com")
        #expect(AWSProxyCore.endpoint(service: "iam", region: "eu-west-1", upstream: upstream) == "https://iam.amazonaws.com")
        #expect(AWSProxyCore.endpoint(service: "s3", region: "us-east-2", upstream: upstream) == "https://s3.us-east-2.amazonaws.com")
        #expect(AWSProxyCore.endpoint(service: "ec2", region: "eu-west-1", upstream: Self.upstream) == "http://127.0.0.1:5000")
    }

    @Test("errors come in each protocol's shape", arguments: [
        ("boto3/ec2.TerminateInstances.http", AWSErrorResponse.Shape.ec2), ("boto3/iam.AttachRolePolicy.http", .query),
        ("boto3/dynamodb.DeleteTable.http", .json), ("boto3/s3.DeleteBucket.http", .restXML),
    ])
    func errorShapes(_ file: String, _ shape: AWSErrorResponse.Shape) throws {
        let request = RequestText.capture(try String(contentsOf: RequestText.fixtures(file), encoding: .utf8))
        let service = file.split(separator: "/")[1].split(separator: ".")[0]
        #expect(AWSErrorResponse.shape(of: request, service: String(service)) == shape)
        let denied = AWSErrorResponse.accessDenied("Interlock: approval apr_1 required <now> & later", shape: shape, requestID: "r1")
        #expect(denied.status == 403)
        switch shape {
        case .json, .restJSON:
            let body = try JSONValue.parse(denied.body)
            #expect(body["__type"]?.stringValue?.hasSuffix("#AccessDeniedException") == true || body["message"] != nil)
            #expect(denied.headers["X-Amzn-ErrorType"] == "AccessDeniedException")
        case .ec2:
            #expect(denied.body.contains("<Response><Errors><Error><Code>AccessDenied</Code>"))
            #expect(denied.body.contains("&lt;now&gt; &amp; later"))
        case .query:
            #expect(denied.body.hasPrefix("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"))
        case .restXML:
            #expect(denied.body.contains("<Error><Code>AccessDenied</Code>"))
        }
    }
}

@Suite("AWS proxy configuration")
struct AWSProxyConfigurationTests {
    @Test("a full configuration reads")
    func reads() throws {
        let text = """
            upstreams:
              production:
                environment: production
                account: "123456789012"
                regions: [us-east-1]
                endpoint: http://127.0.0.1:5000
                credentials:
                  access_key_id: AKIAPROD
                  secret_access_key_env: PROD_SECRET
              staging:
                environment: staging
                credentials:
                  assume_role:
                    role_arn: arn:aws:iam::210987654321:role/agents
                    duration: 15m
                    source: {profile: base}
            agents:
              deploy-bot: production
              ci-bot: staging
            """
        let configuration = try AWSProxyConfiguration.parse(text, file: "aws.yaml")
        #expect(configuration.upstream(forAgent: "deploy-bot")?.account == "123456789012")
        #expect(configuration.upstream(forAgent: "ci-bot")?.environment == "staging")
        #expect(configuration.upstream(forAgent: "stranger") == nil)
        guard case .assumeRole(_, _, let duration, _, .profile("base"))? = configuration.upstreams["staging"]?.credentials else {
            Issue.record("assume_role not read"); return
        }
        #expect(duration == 900)
    }

    @Test("mistakes are reported at their line and column", arguments: [
        ("upstreams:\n  prod:\n    environment: production\n    credentials:\n      access_key_id: A\n      secret_access_key: hunter2\n", "aws.yaml:6:7", "never written"),
        ("upstreams:\n  prod:\n    environment: production\n    account: 1234\n    credentials: {profile: p}\n", "aws.yaml:4:14", "12-digit"),
        ("upstreams:\n  prod:\n    environment: production\n    credentials: {profile: p}\nagents:\n  bot: staging\n", "aws.yaml:6:8", "no upstream is named `staging`"),
        ("upstreams:\n  prod:\n    enviroment: production\n", "aws.yaml:3:5", "did you mean `environment`"),
    ])
    func mistakes(_ text: String, _ location: String, _ words: String) {
        do {
            _ = try AWSProxyConfiguration.parse(text, file: "aws.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix(location), "\(error.description)")
            #expect(error.description.contains(words), "\(error.description)")
        }
    }
}
