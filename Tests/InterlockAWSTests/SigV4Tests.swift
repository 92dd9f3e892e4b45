import Crypto
import Foundation
import InterlockCore
import Testing

@testable import InterlockAWS

/// Requests in the text forms the fixtures use: the AWS test suite's `.req`/`.sreq` files and the
/// captured `.http` exchanges.
enum RequestText {
    static func fixtures(_ path: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(path)
    }

    /// `METHOD TARGET HTTP/1.1`, headers (continuation lines start with whitespace), blank line,
    /// body. The target may hold spaces (the suite's `get-space`).
    static func parse(_ text: String, bodyLength: Int? = nil) -> IncomingAWSRequest {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        let lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
        let first = lines[0]
        let method = String(first.prefix { $0 != " " })
        var target = String(first.dropFirst(method.count + 1))
        if let range = target.range(of: " HTTP/1.1", options: .backwards) { target = String(target[..<range.lowerBound]) }
        var headers: [SigV4.Header] = []
        var index = 1
        while index < lines.count, !lines[index].isEmpty {
            let line = lines[index]
            if line.first == " " || line.first == "\t", let last = headers.popLast() {
                headers.append((last.name, last.value + " " + line.trimmingCharacters(in: .whitespaces)))
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
            index += 1
        }
        var body = Array(lines.dropFirst(index + 1).joined(separator: "\n").utf8)
        if let bodyLength { body = Array(body.prefix(bodyLength)) }
        return IncomingAWSRequest(method: method, target: target, headers: headers, body: body)
    }

    /// The request half of a captured exchange.
    static func capture(_ text: String) -> IncomingAWSRequest {
        let requestPart = text.components(separatedBy: "\n# ---------------- response").first!
        let lines = requestPart.split(separator: "\n", omittingEmptySubsequences: false).drop { $0.hasPrefix("#") || $0.isEmpty }
        let draft = parse(lines.joined(separator: "\n"))
        let length = Int(draft.header("Content-Length") ?? "0") ?? 0
        return parse(lines.joined(separator: "\n"), bodyLength: length)
    }
}

@Suite("Signature Version 4: AWS's published test suite")
struct SigV4SuiteTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    /// Every case directory with a request and an expected canonical request.
    static var cases: [String] {
        let root = RequestText.fixtures("aws-sig-v4-test-suite")
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        var names: [String] = []
        for case let url as URL in walker where url.pathExtension == "creq" {
            names.append(url.deletingPathExtension().path.replacingOccurrences(of: root.path + "/", with: ""))
        }
        return names.sorted()
    }

    func read(_ base: String, _ ext: String) throws -> String {
        try String(contentsOf: RequestText.fixtures("aws-sig-v4-test-suite/\(base).\(ext)"), encoding: .utf8)
    }

    @Test("the suite has its cases", .tags(.corpus))
    func suiteIsPresent() {
        #expect(Self.cases.count >= 25)
    }

    /// The request the case signs. A session-token case leaves the token out of its `.req` (the
    /// signer adds it); its `.sreq` shows it.
    func request(_ base: String) throws -> IncomingAWSRequest {
        var request = RequestText.parse(try read(base, "req"))
        if let signed = try? read(base, "sreq"), request.header("X-Amz-Security-Token") == nil,
           let token = RequestText.parse(signed).header("X-Amz-Security-Token"), base.contains("with-session-token") {
            request.headers.append(("X-Amz-Security-Token", token))
        }
        return request
    }

    @Test("canonical request, string to sign and Authorization match the suite", .tags(.corpus), arguments: cases)
    func signsLikeTheSuite(_ base: String) throws {
        let request = try request(base)
        let amzDate = request.header("X-Amz-Date")!
        let scope = SigV4.Scope(date: String(amzDate.prefix(8)), region: "us-east-1", service: "service")
        // The suite signs every header of the request (the post-sts-header-after case adds its
        // token after signing, so it is not among them).
        let signed = Array(Set(request.headers.map { $0.name.lowercased() })).sorted()
        let canonical = SigV4.canonicalRequest(method: request.method, path: request.path, query: request.rawQuery, headers: request.headers,
                                               signedHeaders: signed, payloadHash: SigV4.hexSHA256(request.body), service: "service")
        #expect(canonical == (try read(base, "creq")))
        let stringToSign = SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical ?? "")
        #expect(stringToSign == (try read(base, "sts")))
        let signature = SigV4.signature(key: SigV4.signingKey(secret: Self.secret, scope: scope), stringToSign: stringToSign)
        let authorization = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\(scope.text), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)"
        #expect(authorization == (try read(base, "authz")))
    }

    /// The request with the suite's expected Authorization header: what a correct client sends.
    /// (Built from `.req` and `.authz` rather than read from `.sreq`, whose session-token case
    /// carries another case's signature.)
    @Test("the verifier accepts each request signed as the suite expects, and refuses it altered", .tags(.corpus), arguments: cases)
    func verifiesTheSuite(_ base: String) throws {
        var request = try request(base)
        request.headers.append(("Authorization", try read(base, "authz")))
        let now = AmzDate.seconds(request.header("X-Amz-Date")!)!
        let token = request.header("X-Amz-Security-Token")
        let credential = AgentAWSCredential(accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.secret, sessionToken: token, agent: "suite")
        let verifier = SigV4Verifier()
        let result = verifier.verify(request, now: now) { $0 == "AKIDEXAMPLE" ? credential : nil }
        if case .failure(let failure) = result { Issue.record("\(base): \(failure)") }

        var altered = request
        altered.method = request.method == "GET" ? "DELETE" : "GET"
        #expect(throws: AWSAuthFailure.signatureMismatch) { try verifier.verify(altered, now: now) { _ in credential }.get() }
        var wrongSecret = credential
        wrongSecret.secretAccessKey = String(Self.secret.dropLast()) + "X"
        #expect(throws: AWSAuthFailure.signatureMismatch) { try verifier.verify(request, now: now) { _ in wrongSecret }.get() }
    }
}

@Suite("Signature Version 4: verifying what real clients signed")
struct SigV4ClientTests {
    static let key = "AKIAIOSFODNN7EXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let credential = AgentAWSCredential(accessKeyID: key, secretAccessKey: secret, agent: "fixture")

    static var captures: [String] {
        ["boto3", "awscli"].flatMap { client in
            ((try? FileManager.default.contentsOfDirectory(atPath: RequestText.fixtures(client).path)) ?? []).map { "\(client)/\($0)" }
        }.sorted()
    }

    static func lookup(_ id: String) -> AgentAWSCredential? { id == key ? credential : nil }

    @Test("every captured boto3 and AWS CLI request verifies at its own time", .tags(.corpus), arguments: captures)
    func capturedRequestsVerify(_ file: String) throws {
        let request = RequestText.capture(try String(contentsOf: RequestText.fixtures(file), encoding: .utf8))
        let now = AmzDate.seconds(try #require(request.header("X-Amz-Date")))!
        let verified = try SigV4Verifier().verify(request, now: now, credential: Self.lookup).get()
        #expect(verified.payload == request.body)
        #expect(!verified.headers.contains { $0.name.lowercased() == "authorization" || $0.name.lowercased() == "x-amz-date" })
    }

    @Test("clock skew over five minutes is refused either way; inside it is accepted")
    func clockSkew() throws {
        let request = RequestText.capture(try String(contentsOf: RequestText.fixtures("boto3/ec2.TerminateInstances.http"), encoding: .utf8))
        let signedAt = AmzDate.seconds(request.header("X-Amz-Date")!)!
        let verifier = SigV4Verifier()
        for offset: Int64 in [-300, 0, 300] {
            #expect((try? verifier.verify(request, now: signedAt + offset, credential: Self.lookup).get()) != nil)
        }
        for offset: Int64 in [-301, 301, 600] {
            guard case .failure(.skewed) = verifier.verify(request, now: signedAt + offset, credential: Self.lookup) else {
                Issue.record("offset \(offset) was not refused as skewed")
                continue
            }
        }
    }

    @Test("a body altered after signing is refused: query services by signature, S3 by its content hash")
    func alteredBodies() throws {
        var terminate = RequestText.capture(try String(contentsOf: RequestText.fixtures("boto3/ec2.TerminateInstances.http"), encoding: .utf8))
        let now = AmzDate.seconds(terminate.header("X-Amz-Date")!)!
        terminate.body = Array(String(decoding: terminate.body, as: UTF8.self).replacingOccurrences(of: "InstanceId.1=i-", with: "InstanceId.1=i-9").utf8)
        #expect(SigV4Verifier().verify(terminate, now: now, credential: Self.lookup).failure == .signatureMismatch)

        var put = RequestText.capture(try String(contentsOf: RequestText.fixtures("boto3/s3.PutObject.http"), encoding: .utf8))
        put.body = Array("jello".utf8)
        #expect(SigV4Verifier().verify(put, now: now, credential: Self.lookup).failure == .contentHashMismatch)
    }

    @Test("unknown keys, wrong or missing session tokens, SigV2 and unsigned requests are refused")
    func credentialFailures() throws {
        let request = RequestText.capture(try String(contentsOf: RequestText.fixtures("boto3/sqs.ListQueues.http"), encoding: .utf8))
        let now = AmzDate.seconds(request.header("X-Amz-Date")!)!
        let verifier = SigV4Verifier()
        #expect(verifier.verify(request, now: now) { _ in nil }.failure == .unknownAccessKey(Self.key))
        var temporary = Self.credential
        temporary.sessionToken = "token-1"
        #expect(verifier.verify(request, now: now) { _ in temporary }.failure == .invalidSessionToken)
        var expired = Self.credential
        expired.expiresAtSeconds = now - 1
        #expect(verifier.verify(request, now: now) { _ in expired }.failure == .expiredCredential)
        var unsigned = request
        unsigned.headers.removeAll { $0.name == "Authorization" }
        #expect(verifier.verify(unsigned, now: now, credential: Self.lookup).failure == .missingAuthentication)
        var sigV2 = unsigned
        sigV2.headers.append(("Authorization", "AWS \(Self.key):c2lnbmF0dXJl"))
        #expect(verifier.verify(sigV2, now: now, credential: Self.lookup).failure == .unsupportedSignature("Signature Version 2"))
    }

    struct Presigned: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var url: String
        var time: String
        var expires: Int64
        var testDescription: String { name }
    }

    static var presigned: [Presigned] {
        (try? JSONDecoder().decode([Presigned].self, from: Data(contentsOf: RequestText.fixtures("botocore-presigned.json")))) ?? []
    }

    @Test("URLs presigned by botocore verify until they expire", .tags(.corpus), arguments: presigned)
    func presignedURLs(_ fixture: Presigned) throws {
        let url = URL(string: fixture.url)!
        let target = url.path(percentEncoded: true) + "?" + url.query(percentEncoded: true)!
        let request = IncomingAWSRequest(method: fixture.method, target: target, headers: [("Host", "127.0.0.1:5001")], body: [])
        let signedAt = AmzDate.seconds(fixture.time)!
        let verified = try SigV4Verifier().verify(request, now: signedAt + 10, credential: Self.lookup).get()
        #expect(!verified.rawQuery.contains("X-Amz-"))
        #expect(SigV4Verifier().verify(request, now: signedAt + fixture.expires + 1, credential: Self.lookup).failure == .presignedURLExpired)
        var tampered = request
        tampered.target = target.replacingOccurrences(of: "X-Amz-Expires=\(fixture.expires)", with: "X-Amz-Expires=604800")
        #expect(SigV4Verifier().verify(tampered, now: signedAt + 10, credential: Self.lookup).failure == .signatureMismatch)
    }

    @Test("X-Amz-Date text round-trips through seconds", arguments: ["19700101T000000Z", "20150830T123600Z", "20261121T211914Z", "20240229T235959Z"])
    func amzDates(_ text: String) {
        #expect(AmzDate.seconds(text).map(AmzDate.text(seconds:)) == text)
    }

    @Test("X-Amz-Date rejects what is not a time", arguments: ["2015-08-30T12:36:00Z", "20151330T123600Z", "20150830T123600", "20150830T2536000Z"])
    func badAmzDates(_ text: String) {
        #expect(AmzDate.seconds(text) == nil)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}

extension Tag {
    @Tag static var corpus: Self
}
