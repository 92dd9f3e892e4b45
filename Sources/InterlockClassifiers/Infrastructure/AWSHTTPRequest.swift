import FoundationEssentials
import InterlockCore
import InterlockSyntax

/// An AWS API request as it arrives over HTTP, and what it asks for.
///
/// Decodes the four protocols the SDKs speak into service, operation and parameters: **query**
/// (`Action=…` form bodies: EC2, IAM, RDS, CloudFormation, STS …), **JSON** (`X-Amz-Target`:
/// DynamoDB, SQS, KMS, Logs …), **REST-XML** (S3: bucket and key operations, `?delete` batch
/// deletes, policy/ACL/versioning/lifecycle/public-access-block subresources) and **REST-JSON**
/// (Lambda, EKS: the routes listed here). The service and region come from the SigV4 credential
/// scope (header or presigned query); what cannot be identified has no operation and classifies
/// as `unknown`.
public struct AWSHTTPRequest: Sendable {
    public var method: String
    /// Path and query string, as sent.
    public var target: String
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, target: String, headers: [String: String], body: [UInt8] = []) {
        self.method = method.uppercased()
        self.target = target
        self.headers = headers
        self.body = body
    }

    public struct Decoded: Sendable, Hashable {
        public var service: String
        /// Nil when the request matches no operation Interlock knows for the service.
        public var operation: String?
        public var parameters: JSONValue
        public var region: String?
        public var protocolName: String
    }

    func header(_ name: String) -> String? {
        headers.first { $0.key.equalsIgnoringASCIICase(name) }?.value
    }

    var path: String { String(target.prefix { $0 != "?" }) }

    var query: [(String, String)] {
        guard let mark = target.firstIndex(of: "?") else { return [] }
        return Self.formDecode(String(target[target.index(after: mark)...]))
    }

    /// Service and region from the SigV4 credential scope: `Credential=AKID/date/region/service/aws4_request`.
    var credentialScope: (service: String, region: String)? {
        var credential: String?
        if let authorization = header("Authorization"), let range = authorization.firstRange(of: "Credential=") {
            credential = String(authorization[range.upperBound...].prefix { $0 != "," && $0 != " " })
        } else if let presigned = query.first(where: { $0.0 == "X-Amz-Credential" })?.1 {
            credential = presigned
        }
        guard let parts = credential?.pieces(between: "/"), parts.count >= 5 else { return nil }
        return (String(parts[parts.count - 2]), String(parts[parts.count - 3]))
    }

    /// Decodes the request. `serviceHint` names the service when the endpoint says it (a proxy
    /// serving one service); otherwise the credential scope does, and requests signed without one
    /// (SigV2 presigned URLs) are read as S3, the only service that still accepts them.
    public func decode(serviceHint: String? = nil) -> Decoded {
        let scope = credentialScope
        let region = scope?.region
        let bodyText = String(decoding: body, as: UTF8.self)
        // JSON protocol.
        if let target = header("X-Amz-Target"), let dot = target.lastIndex(of: ".") {
            let operation = String(target[target.index(after: dot)...])
            let parameters = (try? JSONValue.parse(bodyText)) ?? .object([:])
            let service = serviceHint ?? scope?.service ?? Self.serviceFromTargetPrefix(String(target[..<dot]))
            return Decoded(service: service, operation: operation, parameters: parameters, region: region, protocolName: "json")
        }
        // Query protocol: form body on POST, query string on GET.
        let form = (header("Content-Type")?.hasPrefix("application/x-www-form-urlencoded") == true) ? Self.formDecode(bodyText) : []
        let fields = form.isEmpty ? query : form
        if let action = fields.first(where: { $0.0 == "Action" })?.1 {
            let parameters = Self.queryParameters(fields.filter { $0.0 != "Action" && $0.0 != "Version" && !$0.0.hasPrefix("X-Amz-") })
            return Decoded(service: serviceHint ?? scope?.service ?? "unknown", operation: action, parameters: parameters, region: region, protocolName: "query")
        }
        let service = serviceHint ?? scope?.service ?? "s3"
        if service == "s3" {
            return decodeS3(region: region, bodyText: bodyText)
        }
        if service == "route53" {
            return decodeRoute53(region: region, bodyText: bodyText)
        }
        return decodeRESTJSON(service: service, region: region, bodyText: bodyText)
    }

    static func serviceFromTargetPrefix(_ prefix: String) -> String {
        let lower = prefix.lowercased()
        if lower.hasPrefix("dynamodb") { return "dynamodb" }
        if lower.hasPrefix("amazonsqs") { return "sqs" }
        if lower.hasPrefix("trentservice") { return "kms" }
        if lower.hasPrefix("logs") { return "logs" }
        if lower.hasPrefix("secretsmanager") { return "secretsmanager" }
        if lower.hasPrefix("amazonssm") { return "ssm" }
        if lower.hasPrefix("awsstepfunctions") { return "states" }
        if lower.hasPrefix("kinesis") { return "kinesis" }
        if lower.hasPrefix("amazonec2containerregistry") { return "ecr" }
        if lower.hasPrefix("amazonec2containerservice") { return "ecs" }
        return lower
    }

    // MARK: S3 (REST-XML)

    func decodeS3(region: String?, bodyText: String) -> Decoded {
        // Virtual-hosted style puts the bucket in the host name.
        var bucket: String?
        var key: String?
        let host = (header("Host") ?? "").prefix { $0 != ":" }
        if let range = host.firstRange(of: ".s3"), range.lowerBound > host.startIndex {
            bucket = String(host[..<range.lowerBound])
        }
        let segments = path.split(separator: "/", maxSplits: bucket == nil ? 1 : 0, omittingEmptySubsequences: true).map { Self.percentDecode(String($0)) }
        if bucket == nil {
            bucket = segments.first
            if segments.count > 1 { key = segments[1] }
        } else {
            let rest = Self.percentDecode(String(path.drop { $0 == "/" }))
            key = rest.isEmpty ? nil : rest
        }
        let subresources = Set(query.map(\.0))
        func has(_ name: String) -> Bool { subresources.contains(name) }
        var parameters: [String: JSONValue] = [:]
        if let bucket { parameters["Bucket"] = .string(bucket) }
        if let key { parameters["Key"] = .string(key) }
        let operation: String?
        switch (method, bucket, key) {
        case ("GET", nil, _): operation = "ListBuckets"
        case ("HEAD", _?, nil): operation = "HeadBucket"
        case ("HEAD", _?, _?): operation = "HeadObject"
        case ("GET", _?, nil):
            if has("policy") { operation = "GetBucketPolicy" } else if has("acl") { operation = "GetBucketAcl" } else if has("versioning") { operation = "GetBucketVersioning" } else if has("lifecycle") { operation = "GetBucketLifecycleConfiguration" } else if has("tagging") { operation = "GetBucketTagging" } else if has("location") { operation = "GetBucketLocation" } else if has("publicAccessBlock") { operation = "GetPublicAccessBlock" } else if has("encryption") { operation = "GetBucketEncryption" } else if has("uploads") { operation = "ListMultipartUploads" } else if has("versions") { operation = "ListObjectVersions" } else if query.contains(where: { $0 == ("list-type", "2") }) { operation = "ListObjectsV2" } else { operation = "ListObjects" }
            if let prefix = query.first(where: { $0.0 == "prefix" })?.1, !prefix.isEmpty { parameters["Prefix"] = .string(prefix) }
        case ("PUT", _?, nil):
            if let named = Self.bucketPutSubresources.first(where: { has($0.0) }) {
                operation = named.1
                // Bodies that can switch a protection off are read as S3 reads them; one that
                // cannot be read leaves its parameter out, and the classifier says so.
                if named.0 == "versioning", let body = Self.s3Body(bodyText, root: "VersioningConfiguration") {
                    var configuration: [String: JSONValue] = [:]
                    if let status = body.child("Status") { configuration["Status"] = .string(status.text.trimmingEnds(where: \.isWhitespace)) }
                    if let mfaDelete = body.child("MfaDelete") { configuration["MFADelete"] = .string(mfaDelete.text.trimmingEnds(where: \.isWhitespace)) }
                    parameters["VersioningConfiguration"] = .object(configuration)
                }
                if named.0 == "logging", let body = Self.s3Body(bodyText, root: "BucketLoggingStatus") {
                    // `<BucketLoggingStatus/>` without `LoggingEnabled` turns access logging off.
                    parameters["BucketLoggingStatus"] = .object(body.child("LoggingEnabled") != nil ? ["LoggingEnabled": .object([:])] : [:])
                }
            } else {
                // A subresource not listed is an operation this does not know, not a new bucket.
                operation = subresources.allSatisfy(Self.isSigningParameter) ? "CreateBucket" : nil
            }
        case ("DELETE", _?, nil):
            if has("policy") { operation = "DeleteBucketPolicy" } else if has("tagging") { operation = "DeleteBucketTagging" } else if has("lifecycle") { operation = "DeleteBucketLifecycle" } else if has("publicAccessBlock") { operation = "DeletePublicAccessBlock" } else if has("encryption") { operation = "DeleteBucketEncryption" } else if has("cors") { operation = "DeleteBucketCors" } else if has("website") { operation = "DeleteBucketWebsite" } else if has("replication") { operation = "DeleteBucketReplication" } else { operation = "DeleteBucket" }
        case ("POST", _?, nil):
            if has("delete") {
                operation = "DeleteObjects"
                // The keys as S3 reads them (`a&#47;b` is `a/b`); a body that cannot be read
                // leaves the targets unknown.
                if let body = Self.s3Body(bodyText, root: "Delete") {
                    let keys = body.children("Object").compactMap { $0.child("Key")?.text }
                    parameters["Delete"] = .object(["Objects": .array(keys.map { .object(["Key": .string($0)]) })])
                }
            } else {
                operation = nil
            }
        case ("GET", _?, _?):
            operation = has("acl") ? "GetObjectAcl" : has("tagging") ? "GetObjectTagging" : has("uploadId") ? "ListParts" : "GetObject"
        case ("PUT", _?, _?):
            if has("acl") { operation = "PutObjectAcl" } else if has("tagging") { operation = "PutObjectTagging" } else if has("partNumber") { operation = header("x-amz-copy-source") == nil ? "UploadPart" : "UploadPartCopy" } else if has("retention") {
                operation = "PutObjectRetention"
                if header("x-amz-bypass-governance-retention")?.lowercased() == "true" { parameters["BypassGovernanceRetention"] = .bool(true) }
            } else if has("legal-hold") {
                operation = "PutObjectLegalHold"
                if let status = Self.s3Body(bodyText, root: "LegalHold")?.child("Status") { parameters["LegalHold"] = .object(["Status": .string(status.text.trimmingEnds(where: \.isWhitespace))]) }
            } else if !subresources.allSatisfy(Self.isSigningParameter) {
                // `?renameObject` and whatever S3 adds next: not a plain upload.
                operation = nil
            } else if header("x-amz-copy-source") != nil { operation = "CopyObject" } else { operation = "PutObject" }
        case ("DELETE", _?, _?):
            operation = has("uploadId") ? "AbortMultipartUpload" : has("tagging") ? "DeleteObjectTagging" : "DeleteObject"
            if let version = query.first(where: { $0.0 == "versionId" })?.1 { parameters["VersionId"] = .string(version) }
        case ("POST", _?, _?):
            operation = has("uploads") ? "CreateMultipartUpload" : has("uploadId") ? "CompleteMultipartUpload" : has("restore") ? "RestoreObject" : has("select") ? "SelectObjectContent" : nil
        default:
            operation = nil
        }
        return Decoded(service: "s3", operation: operation, parameters: .object(parameters), region: region, protocolName: "rest-xml")
    }

    /// `PUT /bucket?sub` operations, by subresource, in the order they are tried.
    static let bucketPutSubresources: [(String, String)] = [
        ("policy", "PutBucketPolicy"), ("acl", "PutBucketAcl"), ("versioning", "PutBucketVersioning"),
        ("lifecycle", "PutBucketLifecycleConfiguration"), ("tagging", "PutBucketTagging"), ("publicAccessBlock", "PutPublicAccessBlock"),
        ("encryption", "PutBucketEncryption"), ("cors", "PutBucketCors"), ("website", "PutBucketWebsite"), ("replication", "PutBucketReplication"),
        ("object-lock", "PutObjectLockConfiguration"), ("notification", "PutBucketNotificationConfiguration"),
        ("ownershipControls", "PutBucketOwnershipControls"), ("logging", "PutBucketLogging"), ("accelerate", "PutBucketAccelerateConfiguration"),
        ("requestPayment", "PutBucketRequestPayment"), ("analytics", "PutBucketAnalyticsConfiguration"),
        ("inventory", "PutBucketInventoryConfiguration"), ("metrics", "PutBucketMetricsConfiguration"),
        ("intelligent-tiering", "PutBucketIntelligentTieringConfiguration"),
    ]

    /// Query names that sign a presigned URL (SigV4 `X-Amz-…`, SigV2 `AWSAccessKeyId`,
    /// `Signature`, `Expires`) or hint the operation (`x-id`), rather than name a subresource.
    static func isSigningParameter(_ name: String) -> Bool {
        name.hasPrefix("X-Amz-") || name.hasPrefix("x-amz-") || name == "AWSAccessKeyId" || name == "Signature" || name == "Expires" || name == "x-id"
    }

    // MARK: REST-JSON

    /// Routes for the REST-JSON services Interlock knows: method, path pattern (`{x}` one segment), operation.
    static let restRoutes: [String: [(String, String, String)]] = [
        "lambda": [
            ("GET", "/2015-03-31/functions", "ListFunctions"), ("POST", "/2015-03-31/functions", "CreateFunction"),
            ("GET", "/2015-03-31/functions/{FunctionName}", "GetFunction"), ("DELETE", "/2015-03-31/functions/{FunctionName}", "DeleteFunction"),
            ("POST", "/2015-03-31/functions/{FunctionName}/invocations", "Invoke"), ("PUT", "/2015-03-31/functions/{FunctionName}/code", "UpdateFunctionCode"),
            ("PUT", "/2015-03-31/functions/{FunctionName}/configuration", "UpdateFunctionConfiguration"),
            ("POST", "/2015-03-31/functions/{FunctionName}/policy", "AddPermission"), ("GET", "/2015-03-31/functions/{FunctionName}/policy", "GetPolicy"),
        ],
        // Aurora's Data API: the SQL is in the body (`sql`), and the classifier reads it.
        "rds-data": [
            ("POST", "/Execute", "ExecuteStatement"), ("POST", "/BatchExecute", "BatchExecuteStatement"),
            ("POST", "/BeginTransaction", "BeginTransaction"), ("POST", "/CommitTransaction", "CommitTransaction"),
            ("POST", "/RollbackTransaction", "RollbackTransaction"),
        ],
        // Route 53 (REST-XML; the SDKs strip `/hostedzone/` from zone ids, and a trailing `/` is not a segment).
        "route53": [
            ("GET", "/2013-04-01/hostedzone", "ListHostedZones"), ("POST", "/2013-04-01/hostedzone", "CreateHostedZone"),
            ("GET", "/2013-04-01/hostedzone/{Id}", "GetHostedZone"), ("DELETE", "/2013-04-01/hostedzone/{Id}", "DeleteHostedZone"),
            ("POST", "/2013-04-01/hostedzone/{Id}", "UpdateHostedZoneComment"),
            ("GET", "/2013-04-01/hostedzone/{HostedZoneId}/rrset", "ListResourceRecordSets"),
            ("POST", "/2013-04-01/hostedzone/{HostedZoneId}/rrset", "ChangeResourceRecordSets"),
            ("POST", "/2013-04-01/hostedzone/{HostedZoneId}/associatevpc", "AssociateVPCWithHostedZone"),
            ("POST", "/2013-04-01/hostedzone/{HostedZoneId}/disassociatevpc", "DisassociateVPCFromHostedZone"),
            ("POST", "/2013-04-01/hostedzone/{HostedZoneId}/enable-dnssec", "EnableHostedZoneDNSSEC"),
            ("POST", "/2013-04-01/hostedzone/{HostedZoneId}/disable-dnssec", "DisableHostedZoneDNSSEC"),
            ("GET", "/2013-04-01/hostedzonecount", "GetHostedZoneCount"), ("GET", "/2013-04-01/hostedzonesbyname", "ListHostedZonesByName"),
            ("GET", "/2013-04-01/change/{Id}", "GetChange"),
            ("GET", "/2013-04-01/healthcheck", "ListHealthChecks"), ("POST", "/2013-04-01/healthcheck", "CreateHealthCheck"),
            ("GET", "/2013-04-01/healthcheck/{HealthCheckId}", "GetHealthCheck"), ("POST", "/2013-04-01/healthcheck/{HealthCheckId}", "UpdateHealthCheck"),
            ("DELETE", "/2013-04-01/healthcheck/{HealthCheckId}", "DeleteHealthCheck"),
            ("GET", "/2013-04-01/tags/{ResourceType}/{ResourceId}", "ListTagsForResource"),
            ("POST", "/2013-04-01/tags/{ResourceType}/{ResourceId}", "ChangeTagsForResource"),
        ],
        "eks": [
            ("GET", "/clusters", "ListClusters"), ("POST", "/clusters", "CreateCluster"), ("GET", "/clusters/{name}", "DescribeCluster"),
            ("DELETE", "/clusters/{name}", "DeleteCluster"), ("GET", "/clusters/{clusterName}/node-groups", "ListNodegroups"),
            ("DELETE", "/clusters/{clusterName}/node-groups/{nodegroupName}", "DeleteNodegroup"),
        ],
    ]

    func decodeRESTJSON(service: String, region: String?, bodyText: String) -> Decoded {
        let segments = path.pieces(between: "/").map { Self.percentDecode(String($0)) }
        var parameters = (try? JSONValue.parse(bodyText))?.objectValue ?? [:]
        for (method, pattern, operation) in Self.restRoutes[service] ?? [] where method == self.method {
            let parts = pattern.pieces(between: "/").map(String.init)
            guard parts.count == segments.count else { continue }
            var captured: [String: JSONValue] = [:]
            var matches = true
            for (part, segment) in zip(parts, segments) {
                if part.hasPrefix(ascii: "{") { captured[String(part.dropFirst().dropLast())] = .string(segment) } else if part != segment { matches = false; break }
            }
            guard matches else { continue }
            parameters.merge(captured) { _, new in new }
            return Decoded(service: service, operation: operation, parameters: .object(parameters), region: region, protocolName: "rest-json")
        }
        return Decoded(service: service, operation: nil, parameters: .object(parameters), region: region, protocolName: "rest-json")
    }

    // MARK: Route 53 (REST-XML)

    /// Route 53 names the operation by path and method, and a change batch travels as XML. The
    /// batch is read with `StrictXML`; a body outside its subset leaves `ChangeBatch` out, and the
    /// classifier then says the batch cannot be read.
    func decodeRoute53(region: String?, bodyText: String) -> Decoded {
        var decoded = decodeRESTJSON(service: "route53", region: region, bodyText: "")
        decoded.protocolName = "rest-xml"
        guard decoded.operation == "ChangeResourceRecordSets", case .object(var parameters) = decoded.parameters,
              let document = StrictXML.parse(bodyText), document.root.name == "ChangeResourceRecordSetsRequest",
              let batch = document.root.child("ChangeBatch"), let changes = batch.child("Changes") else { return decoded }
        var list: [JSONValue] = []
        for change in changes.children {
            // Only `Change` elements belong in `Changes`; anything else is not a batch read here.
            guard change.name == "Change" else { return decoded }
            var set: [String: JSONValue] = [:]
            for field in ["Name", "Type", "SetIdentifier"] {
                if let value = change.child("ResourceRecordSet")?.child(field)?.text { set[field] = .string(value) }
            }
            list.append(.object(["Action": change.child("Action").map { .string($0.text) } ?? .null, "ResourceRecordSet": .object(set)]))
        }
        parameters["ChangeBatch"] = .object(["Changes": .array(list)])
        decoded.parameters = .object(parameters)
        return decoded
    }

    // MARK: Encodings

    static func percentDecode(_ text: String) -> String { PercentEncoding.decode(text, plusIsSpace: true) }

    static func formDecode(_ text: String) -> [(String, String)] { PercentEncoding.decodePairs(text, plusIsSpace: true) }

    /// The query protocol's flattened names, nested again the way the API models them:
    /// `InstanceId.1=i-1&InstanceId.2=i-2` → `InstanceId: [i-1, i-2]`, `Filter.1.Name=x` →
    /// `Filter: [{Name: x}]`, `DisableApiTermination.Value=false` → `DisableApiTermination:
    /// {Value: false}` (as boto3 and the CLI send EC2's attribute values), and the `member` step of
    /// the other query services' lists (`PolicyArns.member.1=arn`) is passed over. A value outside
    /// any list that reads as a Boolean or a number becomes one; values in lists stay text.
    static func queryParameters(_ fields: [(String, String)]) -> JSONValue {
        final class Node {
            var text: String?
            var children: [String: Node] = [:]
            func child(_ name: String) -> Node {
                if let existing = children[name] { return existing }
                let node = Node()
                children[name] = node
                return node
            }
        }
        let root = Node()
        for (name, value) in fields {
            var node = root
            for segment in name.split(separator: ".", omittingEmptySubsequences: false) where segment != "member" || node === root {
                node = node.child(String(segment))
            }
            node.text = value
        }
        func scalar(_ text: String, inList: Bool) -> JSONValue {
            if inList { return .string(text) }
            return text == "true" ? .bool(true) : text == "false" ? .bool(false) : (Double(text).map { JSONValue.number($0) } ?? .string(text))
        }
        func value(of node: Node, inList: Bool) -> JSONValue {
            if node.children.isEmpty { return scalar(node.text ?? "", inList: inList) }
            if node.children.keys.allSatisfy({ Int($0) != nil }) {
                let items = node.children.sorted { Int($0.key)! < Int($1.key)! }
                return .array(items.map { value(of: $0.value, inList: true) })
            }
            var members: [String: JSONValue] = [:]
            for (name, child) in node.children { members[name] = value(of: child, inList: inList) }
            // A name given both a value and members keeps the value too, under "".
            if let text = node.text { members[""] = scalar(text, inList: inList) }
            return .object(members)
        }
        var object: [String: JSONValue] = [:]
        for (name, child) in root.children { object[name] = value(of: child, inList: false) }
        return .object(object)
    }

    /// An S3 request document whose root element is `root`, read with `StrictXML` (character
    /// references decoded, anything a namespace-aware parser could read otherwise refused).
    static func s3Body(_ text: String, root: String) -> StrictXML.Element? {
        guard let document = StrictXML.parse(text), document.root.name == root else { return nil }
        return document.root
    }
}
