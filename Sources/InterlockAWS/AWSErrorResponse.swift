import InterlockCore

/// The error document an AWS SDK expects for a request's wire protocol. SDKs read the error code
/// from a different place in each protocol; an error in the wrong shape surfaces as an opaque
/// parse failure instead of `AccessDenied`.
public struct AWSErrorResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: String

    /// The protocol families, as far as errors go.
    public enum Shape: String, Sendable {
        /// EC2's query protocol: `<Response><Errors><Error>…`.
        case ec2
        /// Every other query service, and Route 53 and CloudFront: `<ErrorResponse><Error><Type>…`.
        case query
        /// `X-Amz-Target` JSON services: `{"__type": …}` with `X-Amzn-ErrorType`.
        case json
        /// S3: `<Error><Code>…`.
        case restXML = "rest-xml"
        /// REST-JSON services: `{"message": …}` with `X-Amzn-ErrorType`.
        case restJSON = "rest-json"
    }

    /// The shape for a request: read from its `X-Amz-Target`, form body or service.
    public static func shape(of request: IncomingAWSRequest, service: String?) -> Shape {
        if request.header("X-Amz-Target") != nil { return .json }
        // S3 is REST-XML whatever content type a client sends its object with.
        if service == "s3" { return .restXML }
        let form = request.header("Content-Type")?.hasPrefix("application/x-www-form-urlencoded") == true
        let isQuery = form || request.queryItems.contains { $0.0 == "Action" }
        if isQuery { return service == "ec2" ? .ec2 : .query }
        // Route 53 and CloudFront speak REST-XML and answer errors in the query services' document.
        if service == "route53" || service == "cloudfront" { return .query }
        if service == nil || service == "s3" { return .restXML }
        return .restJSON
    }

    public static func make(code: String, message: String, status: Int, shape: Shape, requestID: String) -> AWSErrorResponse {
        let xmlMessage = MarkupEscaping.escape(message)
        switch shape {
        case .ec2:
            return AWSErrorResponse(status: status, headers: ["Content-Type": "text/xml;charset=UTF-8"], body:
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>\(code)</Code><Message>\(xmlMessage)</Message></Error></Errors><RequestID>\(requestID)</RequestID></Response>")
        case .query:
            let type = status >= 500 ? "Receiver" : "Sender"
            return AWSErrorResponse(status: status, headers: ["Content-Type": "text/xml"], body:
                "<ErrorResponse><Error><Type>\(type)</Type><Code>\(code)</Code><Message>\(xmlMessage)</Message></Error><RequestId>\(requestID)</RequestId></ErrorResponse>")
        case .restXML:
            return AWSErrorResponse(status: status, headers: ["Content-Type": "application/xml"], body:
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(xmlMessage)</Message><RequestId>\(requestID)</RequestId></Error>")
        case .json:
            let body = JSONValue.object(["__type": .string("com.amazon.coral.service#\(code)"), "message": .string(message)]).jsonText()
            return AWSErrorResponse(status: status, headers: ["Content-Type": "application/x-amz-json-1.1", "X-Amzn-ErrorType": code,
                                                              "X-Amzn-RequestId": requestID], body: body)
        case .restJSON:
            let body = JSONValue.object(["message": .string(message), "Message": .string(message)]).jsonText()
            return AWSErrorResponse(status: status, headers: ["Content-Type": "application/json", "X-Amzn-ErrorType": code,
                                                              "X-Amzn-RequestId": requestID], body: body)
        }
    }

    /// The error AWS answers for a failed authentication, in the request's shape.
    public static func authentication(_ failure: AWSAuthFailure, shape: Shape, requestID: String) -> AWSErrorResponse {
        let s3 = shape == .restXML
        let json = shape == .json || shape == .restJSON
        let (code, status, message): (String, Int, String)
        switch failure {
        case .missingAuthentication:
            (code, status, message) = (s3 ? "AccessDenied" : "MissingAuthenticationToken", 403,
                                       "Request is missing Authentication Token: sign it with the credentials Interlock issued (interlock token create --aws)")
        case .malformed(let why):
            (code, status, message) = (s3 ? "AuthorizationHeaderMalformed" : "IncompleteSignature", 400, "Interlock: \(why)")
        case .unsupportedSignature(let what):
            (code, status, message) = ("InvalidRequest", 400,
                                       "Interlock accepts only Signature Version 4, not \(what); for boto3 presigned S3 URLs use Config(signature_version='s3v4')")
        case .unknownAccessKey(let key):
            (code, status, message) = (s3 ? "InvalidAccessKeyId" : json ? "UnrecognizedClientException" : "InvalidClientTokenId", 403,
                                       "The AWS Access Key Id \(key) does not exist in Interlock's records")
        case .invalidSessionToken:
            (code, status, message) = (s3 ? "InvalidToken" : json ? "UnrecognizedClientException" : "InvalidClientTokenId", 403,
                                       "The security token included in the request is invalid")
        case .expiredCredential:
            (code, status, message) = ("ExpiredToken", 400, "The security token included in the request is expired")
        case .skewed(let requestTime, let serverTime):
            (code, status, message) = ("RequestTimeTooSkewed", 403,
                                       "The difference between the request time (\(requestTime)) and the current time (\(serverTime)) is too large")
        case .presignedURLExpired:
            (code, status, message) = ("AccessDenied", 403, "Request has expired")
        case .signatureMismatch:
            (code, status, message) = (json ? "InvalidSignatureException" : "SignatureDoesNotMatch", 403,
                                       "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
        case .contentHashMismatch:
            (code, status, message) = (s3 ? "XAmzContentSHA256Mismatch" : "SignatureDoesNotMatch", 400,
                                       "The provided 'x-amz-content-sha256' header does not match what was computed.")
        case .badStreamingBody(let why):
            (code, status, message) = ("IncompleteBody", 400, "Interlock: \(why)")
        }
        return make(code: code, message: message, status: status, shape: shape, requestID: requestID)
    }

    /// A refusal by Interlock: AWS's access-denied error, which every SDK surfaces with its message.
    public static func accessDenied(_ message: String, shape: Shape, requestID: String) -> AWSErrorResponse {
        let code = shape == .json || shape == .restJSON ? "AccessDeniedException" : "AccessDenied"
        return make(code: code, message: message, status: 403, shape: shape, requestID: requestID)
    }
}
