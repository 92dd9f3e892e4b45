@testable import InterlockClassifiers
import InterlockCore
import Testing

/// A call that hands a role to a resource (`iam:PassRole`) is a permission change: the code the
/// resource runs acts with that role, whoever asked for it.
@Suite struct AWSPassRoleTests {
    func facts(_ service: String, _ operation: String, _ parameters: [String: JSONValue]) -> Classification {
        Classification(findings: AWSOperation.classify(service: service, operation: operation, parameters: .object(parameters)))
    }

    @Test func rolesHandedToResourcesArePermissionChanges() {
        let admin = JSONValue.string("arn:aws:iam::111122223333:role/admin")
        let created = facts("lambda", "CreateFunction", ["FunctionName": .string("f"), "Role": admin, "Runtime": .string("python3.12")])
        #expect(created.effect == .write && created.categories == [.permissionChange])
        #expect(created.findings.last?.targets == ["arn:aws:iam::111122223333:role/admin"])
        #expect(facts("ecs", "RegisterTaskDefinition", ["family": .string("f"), "taskRoleArn": admin]).categories == [.permissionChange])
        #expect(facts("ec2", "RunInstances", ["ImageId": .string("ami-1"), "IamInstanceProfile": .object(["Name": .string("admin")])])
            .findings.last?.targets == ["admin"])
        #expect(facts("cloudformation", "CreateStack", ["StackName": .string("s"), "RoleARN": admin]).categories == [.permissionChange])
        #expect(facts("emr", "RunJobFlow", ["Name": .string("j"), "ServiceRole": .string("EMR_DefaultRole")]).categories == [.permissionChange])
        // What already says worse keeps it, with the role handed over besides.
        let deleted = facts("lambda", "DeleteFunction", ["FunctionName": .string("f"), "Role": admin])
        #expect(deleted.effect == .destructive && deleted.categories.contains(.permissionChange))
    }

    @Test func readsAndCallsWithoutARoleAreNot() {
        #expect(facts("lambda", "GetFunction", ["FunctionName": .string("f")]).categories.isEmpty)
        #expect(facts("lambda", "ListFunctions", ["Role": .string("arn:aws:iam::1:role/r")]).categories.isEmpty)
        #expect(facts("lambda", "UpdateFunctionConfiguration", ["FunctionName": .string("f"), "Timeout": .number(30)]).categories.isEmpty)
        // IAM and STS say what they do themselves, once.
        let assumed = facts("sts", "AssumeRole", ["RoleArn": .string("arn:aws:iam::1:role/r"), "RoleSessionName": .string("x")])
        #expect(assumed.findings.count == 1)
    }
}
