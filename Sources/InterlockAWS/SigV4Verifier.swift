import Crypto
import InterlockCore

/// An AWS request as it reached the proxy, before anything about it is believed.
public struct IncomingAWSRequest: Sendable {
    public var method: String
    /// Path and query string, as sent.
    public var target: String
    public var headers: [SigV4.Header]
    public var body: [UInt8]

    public init(method: String, target: String, headers: [SigV4.Header], body: [UInt8]) {
        self.method = method.uppercased()
        self.target = target
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }

    public var path: String { String(target.prefix { $0 != "?" }) }
    public var rawQuery: String {
        guard let mark = target.firstIndex(of: "?") else { return "" }
        return String(target[target.index(after: mark)...])
    }

    /// Query parameters, decoded.
    public var queryItems: [(String, String)] {
        PercentEncoding.decodePairs(rawQuery, plusIsSpace: false)
    }
}

/// AWS credentials Interlock issued to an agent. They open nothing at AWS: they only let the agent
/// sign requests to the proxy, which knows whose they are.
public struct AgentAWSCredential: Sendable, Hashable {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// Temporary credentials carry a session token, which every request must present.
    public var sessionToken: String?
    public var agent: String
    public var launchedBy: String?
    public var expiresAtSeconds: Int64?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, agent: String,
                launchedBy: String? = nil, expiresAtSeconds: Int64? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.agent = agent
        self.launchedBy = launchedBy
        self.expiresAtSeconds = expiresAtSeconds
    }
}

/// Why a request's authentication failed. Each maps to the error AWS itself would answer.
public enum AWSAuthFailure: Error, Sendable, Equatable {
    case missingAuthentication
    case malformed(String)
    case unsupportedSignature(String)
    case unknownAccessKey(String)
    case invalidSessionToken
    case expiredCredential
    case skewed(requestTime: String, serverTime: String)
    case presignedURLExpired
    case signatureMismatch
    case contentHashMismatch
    case badStreamingBody(String)
}

/// A request whose signature checked out, with everything the upstream needs and nothing of the
/// agent's credentials.
public struct VerifiedAWSRequest: Sendable {
    public var credential: AgentAWSCredential
    public var scope: SigV4.Scope
    public var method: String
    public var path: String
    /// The query without the presigned-URL signature parameters.
    public var rawQuery: String
    /// The request's headers without authentication, hop-by-hop or aws-chunked framing headers;
    /// trailers of a streaming body (checksums) are added as headers.
    public var headers: [SigV4.Header]
    /// The body, de-chunked if it was sent aws-chunked.
    public var payload: [UInt8]
}

/// Verifies Signature Version 4 the way AWS does: header and presigned-query forms, session
/// tokens, payload hashes (`UNSIGNED-PAYLOAD` and the aws-chunked streaming forms included) and
/// the five-minute clock window.
public struct SigV4Verifier: Sendable {
    public var maximumSkewSeconds: Int64 = 300
    /// The longest a presigned URL may live (seven days, as at AWS).
    public var maximumPresignedSeconds: Int64 = 604_800

    public init() {}

    static let presignParameters: Set<String> = [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token",
    ]
    /// Headers that are the proxy's business on each side, or belong to the agent's signature.
    static let droppedHeaders: Set<String> = [
        "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "host", "content-length", "transfer-encoding",
        "expect", "connection", "keep-alive", "te", "trailer", "upgrade", "proxy-authorization", "proxy-connection",
    ]

    struct Claim {
        var accessKeyID: String
        var scope: SigV4.Scope
        var signedHeaders: [String]
        var signature: String
        var amzDate: String
        var sessionToken: String?
        var presignedExpires: Int64?
    }

    public func verify(_ request: IncomingAWSRequest, now: Int64,
                       credential lookup: (String) -> AgentAWSCredential?) -> Result<VerifiedAWSRequest, AWSAuthFailure> {
        do {
            return .success(try verifyOrThrow(request, now: now, lookup: lookup))
        } catch let failure as AWSAuthFailure {
            return .failure(failure)
        } catch {
            return .failure(.malformed("\(error)"))
        }
    }

    func claim(_ request: IncomingAWSRequest) throws -> Claim {
        if let authorization = request.header("Authorization") {
            if authorization.hasPrefix("AWS ") { throw AWSAuthFailure.unsupportedSignature("Signature Version 2") }
            guard authorization.hasPrefix(SigV4.algorithm + " ") else {
                throw AWSAuthFailure.malformed("the Authorization header is not \(SigV4.algorithm)")
            }
            // Split on the bytes: the header is ASCII, and splitting by Character costs a
            // grapheme-boundary check per byte on every call.
            var fields: [String: String] = [:]
            for part in authorization.utf8.dropFirst(SigV4.algorithm.utf8.count + 1).split(separator: UInt8(ascii: ",")) {
                let pair = Substring(part).trimmingSpaces.utf8.split(separator: UInt8(ascii: "="), maxSplits: 1)
                if pair.count == 2 { fields[String(Substring(pair[0]))] = String(Substring(pair[1])) }
            }
            guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"] else {
                throw AWSAuthFailure.malformed("the Authorization header needs Credential, SignedHeaders and Signature")
            }
            guard let amzDate = request.header("X-Amz-Date") else { throw AWSAuthFailure.malformed("the request has no X-Amz-Date header") }
            let (key, scope) = try Self.parseCredential(credential)
            return Claim(accessKeyID: key, scope: scope, signedHeaders: Self.signedHeaderNames(signed), signature: signature,
                         amzDate: amzDate, sessionToken: request.header("X-Amz-Security-Token"), presignedExpires: nil)
        }
        let query = Dictionary(request.queryItems, uniquingKeysWith: { first, _ in first })
        if query["AWSAccessKeyId"] != nil, query["Signature"] != nil { throw AWSAuthFailure.unsupportedSignature("Signature Version 2") }
        guard let algorithm = query["X-Amz-Algorithm"] else { throw AWSAuthFailure.missingAuthentication }
        guard algorithm == SigV4.algorithm else { throw AWSAuthFailure.malformed("X-Amz-Algorithm is not \(SigV4.algorithm)") }
        guard let credential = query["X-Amz-Credential"], let amzDate = query["X-Amz-Date"], let signed = query["X-Amz-SignedHeaders"],
              let signature = query["X-Amz-Signature"], let expiresText = query["X-Amz-Expires"], let expires = Int64(expiresText) else {
            throw AWSAuthFailure.malformed("a presigned URL needs X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature")
        }
        guard expires > 0, expires <= maximumPresignedSeconds else {
            throw AWSAuthFailure.malformed("X-Amz-Expires must be between 1 and \(maximumPresignedSeconds) seconds")
        }
        let (key, scope) = try Self.parseCredential(credential)
        return Claim(accessKeyID: key, scope: scope, signedHeaders: Self.signedHeaderNames(signed), signature: signature,
                     amzDate: amzDate, sessionToken: query["X-Amz-Security-Token"], presignedExpires: expires)
    }

    /// The scope a request claims (header or presigned query), before anything is verified; for
    /// answering a failed request in its service's error shape. Nil when there is none.
    public static func claimedScope(_ request: IncomingAWSRequest) -> SigV4.Scope? {
        let credential = request.header("Authorization").flatMap { header in
            header.firstRange(of: "Credential=").map { String(header[$0.upperBound...].prefix { $0 != "," && $0 != " " }) }
        } ?? request.queryItems.first { $0.0 == "X-Amz-Credential" }?.1
        return credential.flatMap { try? parseCredential($0).1 }
    }

    static func signedHeaderNames(_ text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: ";")).map { String(Substring($0)) }
    }

    static func parseCredential(_ text: String) throws -> (String, SigV4.Scope) {
        let parts = text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { String(Substring($0)) }
        guard parts.count == 5, parts[4] == "aws4_request", parts[1].count == 8, !parts[0].isEmpty else {
            throw AWSAuthFailure.malformed("the credential `\(text)` is not KEY/YYYYMMDD/REGION/SERVICE/aws4_request")
        }
        return (parts[0], SigV4.Scope(date: parts[1], region: parts[2], service: parts[3]))
    }

    func verifyOrThrow(_ request: IncomingAWSRequest, now: Int64, lookup: (String) -> AgentAWSCredential?) throws -> VerifiedAWSRequest {
        let claim = try claim(request)
        guard let credential = lookup(claim.accessKeyID) else { throw AWSAuthFailure.unknownAccessKey(claim.accessKeyID) }
        switch (credential.sessionToken, claim.sessionToken) {
        case (nil, nil): break
        case (let expected?, let presented?) where SigV4.constantTimeEqual(expected, presented): break
        default: throw AWSAuthFailure.invalidSessionToken
        }
        if let expiry = credential.expiresAtSeconds, now >= expiry { throw AWSAuthFailure.expiredCredential }
        guard let requestTime = AmzDate.seconds(claim.amzDate), claim.amzDate.hasPrefix(claim.scope.date) else {
            throw AWSAuthFailure.malformed("X-Amz-Date `\(claim.amzDate)` is not a YYYYMMDD'T'HHMMSS'Z' time on the credential's date")
        }
        if let expires = claim.presignedExpires {
            if requestTime - now > maximumSkewSeconds {
                throw AWSAuthFailure.skewed(requestTime: claim.amzDate, serverTime: AmzDate.text(seconds: now))
            }
            if now > requestTime + expires { throw AWSAuthFailure.presignedURLExpired }
        } else if abs(requestTime - now) > maximumSkewSeconds {
            throw AWSAuthFailure.skewed(requestTime: claim.amzDate, serverTime: AmzDate.text(seconds: now))
        }
        guard claim.signedHeaders.contains("host") else { throw AWSAuthFailure.malformed("the signature must cover the Host header") }

        let declaredHash = request.header("X-Amz-Content-SHA256")
        var payloadHashes: [String]
        if let declaredHash {
            payloadHashes = [declaredHash]
        } else if claim.presignedExpires != nil {
            payloadHashes = [SigV4.unsignedPayload, SigV4.hexSHA256(request.body)]
        } else {
            payloadHashes = [SigV4.hexSHA256(request.body)]
        }
        let key = SigV4.signingKey(secret: credential.secretAccessKey, scope: claim.scope)
        let excluded = claim.presignedExpires == nil ? nil : "X-Amz-Signature"
        var matched = false
        for payloadHash in payloadHashes {
            guard let canonical = SigV4.canonicalRequest(
                method: request.method, path: request.path, query: request.rawQuery, headers: request.headers,
                signedHeaders: claim.signedHeaders, payloadHash: payloadHash, service: claim.scope.service, excludingQuery: excluded) else {
                throw AWSAuthFailure.malformed("a header the signature names is missing")
            }
            let expected = SigV4.signature(key: key, stringToSign: SigV4.stringToSign(amzDate: claim.amzDate, scope: claim.scope, canonicalRequest: canonical))
            if SigV4.constantTimeEqual(expected, claim.signature.lowercased()) { matched = true; break }
        }
        guard matched else { throw AWSAuthFailure.signatureMismatch }

        var payload = request.body
        var trailers: [SigV4.Header] = []
        var streaming = false
        switch declaredHash {
        case nil, SigV4.unsignedPayload?:
            break
        case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"?, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"?, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"?:
            let signing = declaredHash == "STREAMING-UNSIGNED-PAYLOAD-TRAILER" ? nil
                : AWSChunkedBody.Signing(key: key, amzDate: claim.amzDate, scope: claim.scope, seedSignature: claim.signature.lowercased())
            let decoded = try AWSChunkedBody.decode(request.body, signing: signing)
            if let declared = request.header("X-Amz-Decoded-Content-Length"), Int(declared) != decoded.payload.count {
                throw AWSAuthFailure.badStreamingBody("X-Amz-Decoded-Content-Length says \(declared) bytes; the chunks hold \(decoded.payload.count)")
            }
            payload = decoded.payload
            trailers = decoded.trailers
            streaming = true
        case let hash?:
            guard hash.count == 64, Hex.decode(hash) != nil else { throw AWSAuthFailure.malformed("X-Amz-Content-SHA256 `\(hash)` is not a SHA-256") }
            guard SigV4.constantTimeEqual(hash.lowercased(), SigV4.hexSHA256(request.body)) else { throw AWSAuthFailure.contentHashMismatch }
        }

        var headers: [SigV4.Header] = []
        for header in request.headers {
            let name = header.name.lowercased()
            if Self.droppedHeaders.contains(name) || name.hasPrefix("x-interlock-") { continue }
            if streaming {
                if name == "x-amz-decoded-content-length" || name == "x-amz-trailer" { continue }
                if name == "content-encoding" {
                    let rest = header.value.split(separator: ",").map { $0.trimmingSpaces }.filter { $0 != "aws-chunked" && !$0.isEmpty }
                    if !rest.isEmpty { headers.append((header.name, rest.joined(separator: ","))) }
                    continue
                }
            }
            headers.append(header)
        }
        headers += trailers
        // Fields split on the bytes `&` and `=`, as AWS and `queryItems` split them.
        let query = request.rawQuery.utf8.split(separator: UInt8(ascii: "&")).filter { field in
            !Self.presignParameters.contains(PercentEncoding.decode(Substring(field.prefix { $0 != UInt8(ascii: "=") }), plusIsSpace: false))
        }.map { String(Substring($0)) }.joined(separator: "&")
        return VerifiedAWSRequest(credential: credential, scope: claim.scope, method: request.method, path: request.path,
                                  rawQuery: query, headers: headers, payload: payload)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs. Works on UTF-8 code units: header values are
    /// on every request's path, and grapheme-by-grapheme trimming showed up in profiles.
    var trimmingSpaces: String {
        let bytes = utf8
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start = bytes.index(after: start) }
        while end > start {
            let before = bytes.index(before: end)
            guard bytes[before] == 0x20 || bytes[before] == 0x09 else { break }
            end = before
        }
        return String(self[start..<end])
    }
}
