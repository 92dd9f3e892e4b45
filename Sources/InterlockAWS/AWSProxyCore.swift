import InterlockClassifiers
import InterlockCore

/// Credentials for the real AWS account, which only the proxy holds.
public struct UpstreamCredentials: Sendable, Hashable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working (seconds since 1970).
    public var expiresAtSeconds: Int64?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiresAtSeconds: Int64? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiresAtSeconds = expiresAtSeconds
    }
}

/// A request ready for the upstream: re-signed with the upstream credentials.
public struct OutgoingAWSRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [SigV4.Header]
    public var body: [UInt8]
}

/// The proxy's steps between a verified request and the wire, free of I/O: what the action is, where
/// it goes, and how it is signed.
public enum AWSProxyCore {
    /// Headers an agent may use to state its context and task; they are read here and never
    /// forwarded. Values may be percent-encoded (HTTP headers are ASCII).
    public static let contextHeaders = (why: "X-Interlock-Why", rollback: "X-Interlock-Rollback", impact: "X-Interlock-Impact",
                                        alternatives: "X-Interlock-Alternatives", task: "X-Interlock-Task")

    /// Headers that choose the operation or its target; each may appear once.
    static let decidingHeaders: Set<String> = ["host", "content-type", "x-amz-target", "x-amz-copy-source", "content-encoding", "x-http-method-override",
                                               "x-http-method", "x-method-override"]

    /// Why a request could be read two ways, or nil. The proxy decides on one reading; an upstream
    /// that took the other would run something else, so such requests are refused: a parameter
    /// named twice, a deciding header sent twice, an action named both in the query and the body,
    /// a method override.
    public static func ambiguity(_ request: IncomingAWSRequest) -> String? {
        var seen: Set<String> = []
        for header in request.headers {
            let name = header.name.lowercased()
            if name.hasPrefix("x-http-method") || name == "x-method-override" { return "the request overrides its method with \(header.name)" }
            if decidingHeaders.contains(name), !seen.insert(name).inserted { return "the header \(header.name) appears more than once" }
        }
        let query = request.queryItems.map(\.0)
        if let repeated = firstRepeat(query) { return "the query names `\(repeated)` more than once" }
        let bodyText = String(decoding: request.body.prefix(1 << 20), as: UTF8.self)
        let isForm = request.header("Content-Type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
        let bodyFields = isForm ? PercentEncoding.decodePairs(bodyText, plusIsSpace: true).map(\.0) : []
        if let repeated = firstRepeat(bodyFields) { return "the form body names `\(repeated)` more than once" }
        let bodyNamesAction = bodyFields.contains("Action")
            || (!isForm && request.header("X-Amz-Target") == nil && bodyText.hasPrefix("Action="))
        if query.contains("Action"), bodyNamesAction { return "the request names its Action both in the query and in the body" }
        if !isForm, request.header("X-Amz-Target") == nil, bodyText.hasPrefix("Action=") {
            return "the body is a query-protocol form but its Content-Type is not application/x-www-form-urlencoded"
        }
        return nil
    }

    static func firstRepeat(_ names: [String]) -> String? {
        var seen: Set<String> = []
        return names.first { !seen.insert($0).inserted }
    }

    /// The action the gateway decides: the call as decoded, in the upstream's account and
    /// environment, by the agent the credentials belong to.
    public static func action(_ request: VerifiedAWSRequest, original: IncomingAWSRequest, upstream: AWSProxyConfiguration.Upstream) -> Action {
        let http = AWSHTTPRequest(method: request.method, target: request.path + (request.rawQuery.isEmpty ? "" : "?" + request.rawQuery),
                                  headers: Dictionary(request.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }),
                                  body: request.payload)
        // The verified scope names the service (and the region, used below).
        let decoded = http.decode(serviceHint: request.scope.service)
        var parameters = decoded.parameters
        // Bodies that the decoder does not read into parameters (object contents, function code)
        // still belong to what is approved: their digest is a parameter.
        if decoded.protocolName == "rest-xml" || decoded.protocolName == "rest-json", !request.payload.isEmpty,
           case .object(var fields) = parameters {
            fields["BodySHA256"] = .string(SigV4.hexSHA256(request.payload))
            parameters = .object(fields)
        }
        let operation = decoded.operation ?? "\(request.method) \(request.path)"
        func header(_ name: String) -> String? {
            original.header(name).map { PercentEncoding.decode($0, plusIsSpace: false) }.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        }
        let context = AgentContext(
            why: header(contextHeaders.why),
            alternatives: header(contextHeaders.alternatives)?.split(separator: ";").map { String($0).trimmingSpaces } ?? [],
            rollback: header(contextHeaders.rollback), impact: header(contextHeaders.impact))
        return Action(
            principal: Principal(agent: request.credential.agent, launchedBy: request.credential.launchedBy, task: header(contextHeaders.task)),
            channel: .awsAPI, environment: upstream.environment,
            input: .aws(AWSRequest(service: decoded.service, operation: operation, parameters: parameters,
                                   region: request.scope.region, account: upstream.account)),
            context: context)
    }

    /// Where a service's calls go: the upstream's endpoint when it names one, else AWS's public
    /// endpoint for the service and region.
    public static func endpoint(service: String, region: String, upstream: AWSProxyConfiguration.Upstream) -> String {
        if let endpoint = upstream.endpoint { return endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint }
        switch service {
        case "iam": return "https://iam.amazonaws.com"
        case "route53": return "https://route53.amazonaws.com"
        case "cloudfront": return "https://cloudfront.amazonaws.com"
        case "organizations": return "https://organizations.us-east-1.amazonaws.com"
        case "ses": return "https://email.\(region).amazonaws.com"
        case "ecr": return "https://api.ecr.\(region).amazonaws.com"
        default: return "https://\(service).\(region).amazonaws.com"
        }
    }

    /// Headers that are not signed upstream: they vary between hops or carry no meaning for AWS.
    static let unsignedHeaders: Set<String> = [
        "user-agent", "expect", "accept-encoding", "amz-sdk-invocation-id", "amz-sdk-request", "x-amzn-trace-id", "content-length", "connection",
    ]

    /// The verified request, signed with the upstream credentials for `endpoint`. Nothing of the
    /// agent's signature or credentials is carried over.
    public static func outgoing(_ request: VerifiedAWSRequest, endpoint: String, credentials: UpstreamCredentials, now: Int64) -> OutgoingAWSRequest {
        signed(method: request.method, path: request.path, rawQuery: request.rawQuery, headers: request.headers, payload: request.payload,
               service: request.scope.service, region: request.scope.region, endpoint: endpoint, credentials: credentials, now: now)
    }

    /// A request signed with `credentials` for `endpoint`: the proxy's own calls (STS) and
    /// forwarded ones alike.
    public static func signed(method: String, path requestPath: String, rawQuery: String, headers requestHeaders: [SigV4.Header], payload: [UInt8],
                              service: String, region: String, endpoint: String, credentials: UpstreamCredentials, now: Int64) -> OutgoingAWSRequest {
        let scheme = endpoint.hasPrefix("https://") ? "https" : "http"
        let authority = String(endpoint.dropFirst(scheme.count + 3).prefix { $0 != "/" })
        let basePath = String(endpoint.dropFirst(scheme.count + 3 + authority.count))
        let host = (scheme == "https" && authority.hasSuffix(":443")) || (scheme == "http" && authority.hasSuffix(":80"))
            ? String(authority.prefix { $0 != ":" }) : authority
        // S3 signs the path as sent, so send exactly the canonical form; other services sign the
        // normalized form of whatever is sent.
        let path = basePath + (service == "s3" ? SigV4.canonicalURI(path: requestPath, service: "s3") : requestPath)
        let query = SigV4.canonicalQuery(rawQuery)
        let amzDate = AmzDate.text(seconds: now)
        let payloadHash = SigV4.hexSHA256(payload)

        var headers = requestHeaders.filter { $0.name.lowercased() != "authorization" }
        headers.append(("Host", host))
        headers.append(("X-Amz-Date", amzDate))
        if service == "s3" { headers.append(("X-Amz-Content-SHA256", payloadHash)) }
        if let token = credentials.sessionToken { headers.append(("X-Amz-Security-Token", token)) }
        let signed = Array(Set(headers.map { $0.name.lowercased() }).subtracting(unsignedHeaders)).sorted()
        let scope = SigV4.Scope(date: String(amzDate.prefix(8)), region: region, service: service)
        let canonical = SigV4.canonicalRequest(method: method, path: path, query: query, headers: headers, signedHeaders: signed,
                                               payloadHash: payloadHash, service: service)!
        let signature = SigV4.signature(key: SigV4.signingKey(secret: credentials.secretAccessKey, scope: scope),
                                        stringToSign: SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical))
        headers.append(("Authorization", "\(SigV4.algorithm) Credential=\(credentials.accessKeyID)/\(scope.text), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)"))
        return OutgoingAWSRequest(method: method, url: "\(scheme)://\(authority)\(path)\(query.isEmpty ? "" : "?" + query)",
                                  headers: headers, body: payload)
    }

    /// The refusal message for a decision that does not allow the call.
    public static func refusalMessage(code: String, message: String, approvalID: String?, approversRequired: Int?,
                                      missingContext: [String] = []) -> String {
        if code == "missing_context" {
            let fields = missingContext.isEmpty ? ["why", "rollback"] : missingContext
            let headers = fields.map { "X-Interlock-\($0.prefix(1).uppercased() + $0.dropFirst())" }
            return "Interlock: this call needs human approval, and the policy requires it to state: \(fields.joined(separator: ", ")). "
                + "Send the identical call with the header\(headers.count == 1 ? "" : "s") \(headers.joined(separator: ", ")) "
                + "(percent-encoded text; alternatives separated by `;`); nothing was filed."
        }
        if code == "pending_approval", let approvalID {
            let count = approversRequired.map { " (\($0) approver\($0 == 1 ? "" : "s"))" } ?? ""
            let detail = message.hasPrefix("Interlock: ") ? String(message.dropFirst("Interlock: ".count)) : message
            return "Interlock: approval \(approvalID) required\(count) — retry the identical call after approval. \(detail)"
        }
        return message.hasPrefix("Interlock") ? message : "Interlock: \(message)"
    }
}
