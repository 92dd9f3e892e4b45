import Foundation
@testable import InterlockClassifiers
import InterlockCore
import Testing

/// A value the `aws` command line leaves to run time (a variable, a `file://` not read) makes a
/// write `unknown` exactly when a rule reads that parameter to decide the effect.
@Suite struct AWSDecidingParametersTests {
    /// The parameter names the rules of `AWSOperation` read, taken from its sources: a rule added
    /// without its parameter in `decidingParameters` fails here.
    @Test func everyParameterARuleReadsIsListed() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/InterlockClassifiers/Infrastructure")
        let text = try ["AWSOperation.swift", "AWSDeferredCalls.swift", "AWSUserData.swift"].map {
            try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)
        }.joined(separator: "\n")
        let reader = try Regex(#"(?:parameter|isFalse|isZero|integerParameter|textParameter)\((?:parameters, )?"([A-Za-z]+)""#)
        let read = Set(text.matches(of: reader).map { AWSOperation.lookupKey(String($0.output[1].substring!)) })
        #expect(read.count >= 40)
        let listed = Set(AWSOperation.decidingParameters.map(AWSOperation.lookupKey))
        #expect(read.subtracting(listed).isEmpty, "read by a rule but not listed: \(read.subtracting(listed).sorted())")
    }

    @Test func aRunTimeValueOfADecidingParameterLeavesAWriteUnknown() {
        func effect(_ line: String) -> Effect { ShellClassifier().classify(commandLine: line).effect }
        for name in AWSOperation.decidingParameters {
            let option = "--" + name.reduce(into: "") { out, character in
                if character.isUppercase, !out.isEmpty { out.append("-") }
                out.append(character.lowercased())
            }
            #expect(effect("aws ecs update-service --cluster c --service s \(option) \"$VALUE\"") == .unknown, "\(option)")
            #expect(effect("aws ecs update-service --cluster c --service s \(option) file://not-here.json") == .unknown, "\(option)")
        }
        // What names the resource, or a value the line spells out, leaves it a write.
        #expect(effect("aws ecs update-service --cluster \"$CLUSTER\" --service s --desired-count 2") == .write)
        #expect(effect("aws ecs update-service --cluster c --service s --desired-count 2 --client-token \"$T\"") == .write)
        #expect(effect("aws ecs update-service --cluster c --service s --desired-count \"$N\"") == .unknown)
        #expect(effect("aws s3api put-bucket-versioning --bucket prod --versioning-configuration file://not-here.json") == .unknown)
        // A read stays a read, and what is destructive already stays destructive.
        #expect(effect("aws ec2 describe-instances --instance-ids \"$ID\" --max-results \"$N\"") == .read)
        #expect(effect("aws ec2 terminate-instances --instance-ids i-1 --dry-run \"$X\"") == .destructive)
    }
}
