@testable import InterlockClassifiers
import InterlockCore
import PropertyBased
import Testing

/// The byte-level spellings of AWS operation and parameter names against the Unicode-aware
/// originals they replace on ASCII input, and the verb table against the ordered scan it indexes.
@Suite struct AWSOperationNameTests {
    /// Pieces names are made of: words, acronyms in any case, separators, digits.
    static let pieces = Gen.element(of: [
        "terminate", "Instances", "describe", "DB", "db", "Ids", "id", "ID", "vpc", "Vpc", "-", "_", "--", "s3", "2", "x", "KMS", "Api", "startdelete", "reset", "oidc", "Saml", "samlx",
    ]).map { $0! }

    @Test("property: ASCII pascal case equals the Unicode-aware spelling")
    func asciiPascalCaseMatchesUnicode() async {
        await propertyCheck(count: 1000, input: Self.pieces.array(of: 1...6)) { pieces in
            let name = pieces.joined()
            #expect(AWSOperation.asciiPascalCase(name) == AWSOperation.unicodePascalCase(name))
        }
    }

    @Test("property: ASCII lookup keys equal the Unicode-aware ones")
    func asciiLookupKeyMatchesUnicode() async {
        await propertyCheck(count: 1000, input: Self.pieces.array(of: 1...6)) { pieces in
            let name = pieces.joined(separator: pieces.count % 2 == 0 ? "" : ".")
            #expect(AWSOperation.lookupKey(name) == AWSOperation.unicodeLookupKey(name))
        }
    }

    @Test("property: parameter names compared in place match when their lookup keys are equal")
    func sameLookupKeyMatchesKeys() async {
        // U+212A KELVIN SIGN and U+0130 (dotted capital I) lower-case to ASCII letters; é does not.
        let parts = Gen.element(of: ["Skip", "skip", "SKIP", "s", "\u{212A}", "k", "K", "ip", "\u{130}", "i", "-", "_", ".", "é", "Final", "1", ""]).map { $0! }
        await propertyCheck(count: 2000, input: parts.array(of: 0...4), parts.array(of: 0...4)) { left, right in
            let a = left.joined(), b = right.joined()
            #expect(AWSOperation.haveSameLookupKey(a, b) == (AWSOperation.lookupKey(a) == AWSOperation.lookupKey(b)), "\(a.debugDescription) vs \(b.debugDescription)")
        }
        #expect(AWSOperation.haveSameLookupKey("S\u{212A}ipFinalSnapshot", "SkipFinalSnapshot"))
        #expect(AWSOperation.haveSameLookupKey("skip_final_snapshot", "SkipFinalSnapshot"))
        #expect(!AWSOperation.haveSameLookupKey("SkipFinalSnapshots", "SkipFinalSnapshot"))
        // A non-ASCII name is found by its key: the protection switch is read whatever its spelling.
        let facts = AWSOperation.classify(service: "rds", operation: "DeleteDBInstance", parameters: .object(["DBInstanceIdentifier": .string("prod"), "S\u{212A}ipFinalSnapshot": .bool(true)]))
        #expect(facts.first?.reason.hasSuffix("without a final snapshot") == true)
    }

    @Test("non-ASCII names keep Unicode case mapping")
    func nonASCIINamesUseUnicode() {
        // U+212A KELVIN SIGN lower-cases to an ASCII k.
        #expect(AWSOperation.lookupKey("S\u{212A}ipFinalSnapshot") == "skipfinalsnapshot")
        #expect(AWSOperation.pascalCase("delete-db-instance") == "DeleteDBInstance")
        #expect(AWSOperation.pascalCase("list_object_versions") == "ListObjectVersions")
    }

    /// The ordered scan the first-byte table replaces, kept as the oracle.
    static func referenceVerbEffect(_ key: String) -> Effect? {
        if AWSOperation.destructivePrefixes.contains(where: { key.hasPrefix($0) }) && !key.hasPrefix("startdelete") { return .destructive }
        if key.hasPrefix("reset") { return .destructive }
        if AWSOperation.readPrefixes.contains(where: { key.hasPrefix($0) }) { return .read }
        if AWSOperation.writePrefixes.contains(where: { key.hasPrefix($0) }) { return .write }
        return nil
    }

    @Test("property: the verb table gives what the ordered scan gives")
    func verbTableMatchesOrderedScan() async {
        let verbs = AWSOperation.destructivePrefixes + AWSOperation.readPrefixes + AWSOperation.writePrefixes + ["startdelete", "reset", "", "zz"]
        let heads = Gen.element(of: verbs).map { $0! }
        let tails = Gen.element(of: ["", "instances", "db", "delete", "s", "stack", "x1"]).map { $0! }
        await propertyCheck(count: 2000, input: heads, tails) { head, tail in
            let key = head + tail
            #expect(AWSOperation.verbEffect(key) == Self.referenceVerbEffect(key))
        }
        for verb in verbs { #expect(AWSOperation.verbEffect(verb) == Self.referenceVerbEffect(verb)) }
    }
}
