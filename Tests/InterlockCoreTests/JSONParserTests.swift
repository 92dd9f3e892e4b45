import FoundationEssentials
import InterlockCore
import PropertyBased
import Testing

@Suite struct JSONParserTests {
    @Test(arguments: [
        #"{"a": [1, 2.5, -3e2, true, false, null, "x\u00e9\ud83d\ude00\n"]}"#, #"[]"#, #"{}"#, #"  "s"  "#, #"0"#, #"-0.0"#, #"1E+2"#,
    ])
    func agreesWithJSONDecoder(_ text: String) throws {
        let ours = try JSONValue.parse(text)
        let theirs = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == theirs)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "\"a", "\"\\x\"", "tru", "{\"a\" 1}", "[1 2]", "\"\u{01}\"", "\"\\ud800\"", "1 2",
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
    func rejectsWhatIsNotJSON(_ text: String) {
        #expect(throws: (any Error).self) { try JSONValue.parse(text) }
    }

    @Test func roundTripsGeneratedValues() async {
        let leaf = Gen.oneOf(
            Gen.int(in: -100_000...100_000).map { JSONValue.int(Int64($0)) },
            Gen.letterOrNumber.string(of: 0...8).map { JSONValue.string($0) },
            Gen.bool.map { JSONValue.bool($0) },
            Gen.int(in: -1000...1000).map { JSONValue.number(Double($0) / 8) })
        let values = zip(Gen.letterOrNumber.string(of: 1...5).array(of: 0...6), leaf.array(of: 6)).map { keys, leaves in
            JSONValue.object(Dictionary(zip(keys, leaves).map { ($0, $1) }, uniquingKeysWith: { _, last in last }))
        }
        await propertyCheck(count: 200, input: values) { value in
            let parsed = try? JSONValue.parse(value.jsonText())
            #expect(parsed == value)
        }
    }

    /// The compact writer against Foundation's encoder (the oracle), including every control
    /// character, quotes, backslashes, slashes and non-ASCII text.
    @Test func compactTextMatchesJSONEncoder() async {
        let awkward = Gen.oneOf(Gen.letterOrNumber, Gen.element(of: Array("\"\\/\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f}\u{7f} é😀")).map { $0 ?? "x" })
        let leaf = Gen.oneOf(
            Gen.int(in: -100_000...100_000).map { JSONValue.int(Int64($0)) },
            awkward.string(of: 0...8).map { JSONValue.string($0) },
            Gen.bool.map { JSONValue.bool($0) })
        let values = zip(awkward.string(of: 1...5).array(of: 0...6), leaf.array(of: 6)).map { keys, leaves in
            JSONValue.array([.null, .object(Dictionary(zip(keys, leaves).map { ($0, $1) }, uniquingKeysWith: { _, last in last }))])
        }
        await propertyCheck(count: 300, input: values) { value in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let expected = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
            #expect(value.jsonText() == expected)
        }
    }
}
