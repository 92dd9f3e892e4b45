import Foundation
import InterlockClassifiers
import InterlockCore
import Testing

/// Requests captured from the AWS CLI and boto3 (`../shared/fixtures/aws`), decoded and classified.
@Suite struct AWSHTTPRequestTests {
    struct Captured {
        var service: String
        var operation: String
        var client: String
        var request: AWSHTTPRequest
    }

    static func captured() throws -> [Captured] {
        var out: [Captured] = []
        for name in ["aws-traffic-awscli.jsonl", "aws-traffic-boto3.jsonl", "aws-traffic-extra.jsonl", "route53-botocore.jsonl"] {
            let text = try String(contentsOf: Corpus.url("aws-traffic/\(name)"), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let record = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                guard let operation = record["operation"] as? String, let service = record["service"] as? String,
                    let request = record["request"] as? [String: Any]
                else { continue }
                let headers = request["headers"] as? [String: String] ?? [:]
                let body = Array(((request["body"] as? String) ?? "").utf8)
                out.append(Captured(
                    service: service.trimmingCharacters(in: CharacterSet(charactersIn: "?")), operation: operation, client: record["client"] as? String ?? "?",
                    request: AWSHTTPRequest(method: request["method"] as! String, target: request["path"] as! String, headers: headers, body: body)))
            }
        }
        return out
    }

    @Test func everyCapturedRequestDecodesToItsOperation() throws {
        let requests = try Self.captured()
        #expect(requests.count >= 60)
        for item in requests {
            let decoded = item.request.decode()
            #expect(decoded.service == item.service, "\(item.client) \(item.service):\(item.operation)")
            // The capture labels `GET /bucket?list-type=2` as ListObjects; the SDKs call it ListObjectsV2.
            let same = decoded.operation == item.operation || (item.operation == "ListObjects" && decoded.operation == "ListObjectsV2")
            #expect(same, "\(item.client) \(item.service):\(item.operation) decoded as \(decoded.operation ?? "nothing")")
        }
    }

    @Test func everyCapturedRequestClassifiesAsRecorded() throws {
        let expected = try InfrastructureCorpusTests.cases("aws-captured-operations.jsonl")
        var effects = Dictionary(uniqueKeysWithValues: expected.map { ("\($0.object["service"]!):\($0.object["operation"]!)", $0.effect) })
        effects["s3:ListObjectsV2"] = effects["s3:ListObjects"]
        // Route 53's change batches differ by content, not name; `route53ChangeBatchesAreReadFromTheirXML` has them.
        for item in try Self.captured() where item.client != "botocore-route53" {
            let decoded = item.request.decode()
            let facts = AWSOperation.classify(service: decoded.service, operation: decoded.operation ?? "?", parameters: decoded.parameters)
            #expect(Effect.worst(facts.map(\.effect)) == effects["\(item.service):\(item.operation)"], "\(item.client) \(item.service):\(item.operation)")
        }
    }

    /// Route 53 is REST-XML: the operation from the path, the change batch from the body, read as
    /// XML the way the service reads it (botocore's own requests, Corpus/aws-traffic/route53-botocore.jsonl).
    @Test func route53ChangeBatchesAreReadFromTheirXML() throws {
        let requests = try Self.captured().filter { $0.client == "botocore-route53" }
        #expect(requests.count == 9)
        func effect(_ request: AWSHTTPRequest) -> Effect {
            let decoded = request.decode()
            return Effect.worst(AWSOperation.classify(service: decoded.service, operation: decoded.operation ?? "?", parameters: decoded.parameters).map(\.effect))
        }
        var seen: [String: [Effect]] = [:]
        for item in requests { seen[item.operation, default: []].append(effect(item.request)) }
        #expect(seen["ListHostedZones"] == [.read] && seen["GetHostedZone"] == [.read] && seen["ListResourceRecordSets"] == [.read] && seen["GetChange"] == [.read])
        #expect(seen["CreateHostedZone"] == [.write])
        #expect(seen["DeleteHostedZone"] == [.destructive] && seen["DeleteHealthCheck"] == [.destructive])
        // An UPSERT is a write; a batch with a DELETE among its changes is destructive.
        #expect(seen["ChangeResourceRecordSets"] == [.write, .destructive])

        // The same UPSERT request with its body respelled: a DELETE hidden behind a character
        // reference is still a DELETE, and XML outside the strict subset is unreadable: unknown.
        let upsert = try #require(requests.first { $0.operation == "ChangeResourceRecordSets" && String(decoding: $0.request.body, as: UTF8.self).contains("UPSERT") })
        func respelled(_ from: String, _ to: String) -> AWSHTTPRequest {
            var request = upsert.request
            request.body = Array(String(decoding: request.body, as: UTF8.self).replacing(from, with: to).utf8)
            return request
        }
        #expect(effect(respelled("<Action>UPSERT</Action>", "<Action>DEL&#69;TE</Action>")) == .destructive)
        #expect(effect(respelled("<Action>UPSERT</Action>", "<Action> delete </Action>")) == .destructive)
        #expect(effect(respelled("<Action>UPSERT</Action>", "<Action><![CDATA[DELETE]]></Action>")) == .unknown)
        #expect(effect(respelled("<Action>UPSERT</Action>", "<x:Action xmlns:x=\"https://route53.amazonaws.com/doc/2013-04-01/\">DELETE</x:Action>")) == .unknown)
        #expect(effect(respelled("<Action>UPSERT</Action>", "<Action>RENAME</Action>")) == .unknown)
        #expect(effect(respelled("<Action>UPSERT</Action>", "")) == .unknown)
        #expect(effect(respelled("<Changes>", "<!DOCTYPE x><Changes>")) == .unknown)
    }

    @Test func queryParametersAndBatchDeletesBecomeTargets() throws {
        let requests = try Self.captured()
        let terminate = try #require(requests.first { $0.operation == "TerminateInstances" })
        let facts = AWSOperation.classify(service: "ec2", operation: "TerminateInstances", parameters: terminate.request.decode().parameters)
        #expect(facts.first?.targets.first?.hasPrefix("i-") == true)
        let batch = try #require(requests.first { $0.operation == "DeleteObjects" })
        let batchFacts = AWSOperation.classify(service: "s3", operation: "DeleteObjects", parameters: batch.request.decode().parameters)
        #expect(batchFacts.first?.targets == ["harness-bucket/dir/obj2.txt"])
    }

    /// The query protocol flattens structures into dotted names; they are nested again, so a
    /// protection switched off through the AWS proxy (`DisableApiTermination.Value=false`, as
    /// boto3 sends `DisableApiTermination={'Value': False}`) reads as it does from the CLI.
    @Test func queryNamesNestAsTheAPIModelsThem() throws {
        func decoded(_ service: String, _ body: String) -> AWSHTTPRequest.Decoded {
            AWSHTTPRequest(method: "POST", target: "/", headers: [
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Host": "\(service).us-east-1.amazonaws.com",
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/\(service)/aws4_request, SignedHeaders=host, Signature=0",
            ], body: Array(body.utf8)).decode()
        }
        func facts(_ request: AWSHTTPRequest.Decoded) -> Classification {
            Classification(findings: AWSOperation.classify(service: request.service, operation: request.operation ?? "", parameters: request.parameters))
        }
        let protectionOff = decoded("ec2", "Action=ModifyInstanceAttribute&Version=2016-11-15&InstanceId=i-1&DisableApiTermination.Value=false")
        #expect(protectionOff.parameters == .object(["InstanceId": .string("i-1"), "DisableApiTermination": .object(["Value": .bool(false)])]))
        #expect(facts(protectionOff).effect == .destructive && facts(protectionOff).categories == [.protectionOff])
        let userData = decoded("ec2", "Action=ModifyInstanceAttribute&Version=2016-11-15&InstanceId=i-1&UserData.Value=IyEvYmluL3No")
        #expect(facts(userData).effect == .unknown && facts(userData).categories == [.opaqueExecution])
        let filtered = decoded("ec2", "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AEnv&Filter.1.Value.1=prod&Filter.1.Value.2=staging&InstanceId.1=i-1")
        #expect(filtered.parameters == .object([
            "Filter": .array([.object(["Name": .string("tag:Env"), "Value": .array([.string("prod"), .string("staging")])])]),
            "InstanceId": .array([.string("i-1")]),
        ]))
        let attached = decoded("iam", "Action=CreateRole&Version=2010-05-08&RoleName=r&Tags.member.1.Key=team&Tags.member.1.Value=a")
        #expect(attached.parameters == .object(["RoleName": .string("r"), "Tags": .array([.object(["Key": .string("team"), "Value": .string("a")])])]))
    }

    @Test func subresourcesNameTheirOperations() {
        func op(_ method: String, _ target: String, _ body: String = "") -> String? {
            AWSHTTPRequest(method: method, target: target, headers: ["Host": "s3.amazonaws.com"], body: Array(body.utf8)).decode(serviceHint: "s3").operation
        }
        #expect(op("PUT", "/b?policy") == "PutBucketPolicy")
        #expect(op("DELETE", "/b?publicAccessBlock") == "DeletePublicAccessBlock")
        #expect(op("PUT", "/b?acl") == "PutBucketAcl")
        let suspend = AWSHTTPRequest(method: "PUT", target: "/b?versioning", headers: [:], body: Array("<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>".utf8)).decode(serviceHint: "s3")
        #expect(AWSOperation.classify(service: "s3", operation: suspend.operation!, parameters: suspend.parameters).first?.categories.contains(.protectionOff) == true)
        let virtualHost = AWSHTTPRequest(method: "DELETE", target: "/dir/k.txt", headers: ["Host": "bucket.s3.eu-west-1.amazonaws.com"]).decode(serviceHint: "s3")
        #expect(virtualHost.operation == "DeleteObject")
        #expect(virtualHost.parameters["Bucket"]?.stringValue == "bucket")
        #expect(virtualHost.parameters["Key"]?.stringValue == "dir/k.txt")
        let lambda = AWSHTTPRequest(method: "DELETE", target: "/2015-03-31/functions/billing", headers: [:]).decode(serviceHint: "lambda")
        #expect(lambda.operation == "DeleteFunction")
        #expect(AWSHTTPRequest(method: "PATCH", target: "/x", headers: [:]).decode(serviceHint: "lambda").operation == nil)
        // A subresource not listed is not a bucket creation or a plain upload: nothing known, unknown.
        #expect(op("PUT", "/b") == "CreateBucket")
        #expect(op("PUT", "/b?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0") == "CreateBucket")
        #expect(op("PUT", "/b?logging") == "PutBucketLogging")
        #expect(op("PUT", "/b?metadataTable") == nil)
        #expect(op("PUT", "/b/k?renameObject") == nil)
        #expect(op("PUT", "/b/k?x-id=PutObject") == "PutObject")
    }

    /// What switches off an S3 protection reads the same through the proxy as from the CLI: a
    /// legal hold taken off, a retention changed with the governance bypass, access logging off.
    @Test func s3ProtectionsSwitchedOffThroughTheProxy() {
        func facts(_ method: String, _ target: String, _ headers: [String: String] = [:], _ body: String = "") -> [Finding] {
            let decoded = AWSHTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8)).decode(serviceHint: "s3")
            return AWSOperation.classify(service: decoded.service, operation: decoded.operation ?? "?", parameters: decoded.parameters)
        }
        func protectionOff(_ found: [Finding]) -> Bool { found.first?.effect == .destructive && found.first?.categories.contains(.protectionOff) == true }
        #expect(protectionOff(facts("PUT", "/b/k?legal-hold", [:], "<LegalHold><Status>OFF</Status></LegalHold>")))
        #expect(facts("PUT", "/b/k?legal-hold", [:], "<LegalHold><Status>ON</Status></LegalHold>").first?.effect == .write)
        let retention = "<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2020-01-01T00:00:00Z</RetainUntilDate></Retention>"
        #expect(protectionOff(facts("PUT", "/b/k?retention", ["x-amz-bypass-governance-retention": "true"], retention)))
        #expect(facts("PUT", "/b/k?retention", [:], retention).first?.effect == .write)
        #expect(protectionOff(facts("PUT", "/b?logging", [:], "<BucketLoggingStatus xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>")))
        let enabled = "<BucketLoggingStatus><LoggingEnabled><TargetBucket>logs</TargetBucket><TargetPrefix>b/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>"
        #expect(facts("PUT", "/b?logging", [:], enabled).first?.effect == .write)
        // Read as S3 reads XML: a character reference is the letter it stands for, and what a
        // namespace-aware parser could read another way is not read at all.
        let suspended = "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Su&#115;pended</Status></VersioningConfiguration>"
        #expect(protectionOff(facts("PUT", "/b?versioning", [:], suspended)))
        #expect(protectionOff(facts("PUT", "/b?versioning", [:], "<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>")))
        #expect(facts("PUT", "/b?versioning", [:], "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>").first?.effect == .write)
        #expect(facts("PUT", "/b?versioning", [:], "<VersioningConfiguration><s:Status xmlns:s=\"x\">Suspended</s:Status></VersioningConfiguration>").first?.effect == .unknown)
        #expect(facts("PUT", "/b?versioning", [:], "<!DOCTYPE v><VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>").first?.effect == .unknown)
        #expect(facts("PUT", "/b/k?legal-hold", [:], "<LegalHold><Status><![CDATA[OFF]]></Status></LegalHold>").first?.effect == .unknown)
        #expect(protectionOff(facts("PUT", "/b/k?legal-hold", [:], "<LegalHold><Status>O&#x46;F</Status></LegalHold>")))
        // Batch deletes name their keys as S3 reads them; an unreadable batch names none.
        let batch = facts("POST", "/b?delete", [:], "<Delete><Object><Key>prod&#47;ledger.csv</Key></Object><Quiet>true</Quiet></Delete>")
        #expect(batch.first?.effect == .destructive && batch.first?.targets == ["b/prod/ledger.csv"])
        let unreadable = facts("POST", "/b?delete", [:], "<Delete><Object><Key><![CDATA[prod/ledger.csv]]></Key></Object></Delete>")
        #expect(unreadable.first?.effect == .destructive && unreadable.first?.targetsComplete == false)
    }

    /// SQL that reaches a database through an AWS data API is classified as SQL, whichever protocol
    /// carries it: REST-JSON for Aurora's Data API, the JSON protocol for DynamoDB's PartiQL.
    @Test func statementsInDataAPIRequestsAreClassifiedAsSQL() {
        func effect(_ request: AWSHTTPRequest, _ service: String) -> Effect {
            let decoded = request.decode(serviceHint: service)
            return Effect.worst(AWSOperation.classify(service: decoded.service, operation: decoded.operation ?? "", parameters: decoded.parameters).map(\.effect))
        }
        let body = #"{"resourceArn":"arn:aws:rds:us-east-1:123456789012:cluster:prod","secretArn":"s","sql":"DROP TABLE orders"}"#
        #expect(effect(AWSHTTPRequest(method: "POST", target: "/Execute", headers: [:], body: Array(body.utf8)), "rds-data") == .destructive)
        let read = #"{"resourceArn":"a","secretArn":"s","sql":"SELECT id FROM orders WHERE id = 1"}"#
        #expect(effect(AWSHTTPRequest(method: "POST", target: "/Execute", headers: [:], body: Array(read.utf8)), "rds-data") == .read)
        let partiQL = #"{"Statement":"DELETE FROM \"orders\" WHERE pk = 'o#7'"}"#
        let dynamo = AWSHTTPRequest(method: "POST", target: "/", headers: ["X-Amz-Target": "DynamoDB_20120810.ExecuteStatement"], body: Array(partiQL.utf8))
        #expect(effect(dynamo, "dynamodb") == .destructive)
    }
}

@Suite struct AWSEnvironmentFactTests {
    @Test func arnsNameTheAccount() {
        let request = AWSRequest(service: "sts", operation: "AssumeRole", parameters: .object(["RoleArn": .string("arn:aws:iam::111122223333:role/admin")]))
        let facts = ClassifierSet.standard.classify(Action(principal: Principal(agent: "t"), channel: .awsAPI, input: .aws(request)))
        #expect(facts.environmentFacts[.awsAccount] == ["111122223333"])
        let cli = ClassifierSet.standard.classify(Action(principal: Principal(agent: "t"), channel: .cli, input: .shell(ShellInput(
            command: "aws iam attach-role-policy --role-name x --policy-arn arn:aws:iam::444455556666:policy/p"))))
        #expect(cli.environmentFacts[.awsAccount] == ["444455556666"])
        // AWS-managed policies carry no account.
        #expect(AWSOperation.accounts(in: .string("arn:aws:iam::aws:policy/AdministratorAccess")).isEmpty)
    }
}
