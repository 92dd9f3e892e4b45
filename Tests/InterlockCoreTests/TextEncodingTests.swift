import Foundation
import InterlockCore
import PropertyBased
import Testing

@Suite("Percent-encoding and hex")
struct TextEncodingTests {
    /// The reference: a `%` and two hex digits (as Character sees them) is one byte; anything
    /// else, malformed escapes included, is kept as written.
    static func referenceDecode(_ text: String, plusIsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            let digits = index + 2 < utf8.count ? String(decoding: utf8[(index + 1)...(index + 2)], as: UTF8.self) : ""
            if utf8[index] == UInt8(ascii: "+"), plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else if utf8[index] == UInt8(ascii: "%"), digits.count == 2, digits.allSatisfy(\.isHexDigit) {
                bytes.append(UInt8(digits, radix: 16)!)
                index += 2
            } else {
                bytes.append(utf8[index])
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func referencePairs(_ text: String, plusIsSpace: Bool) -> [String] {
        text.split(separator: "&").map { field in
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            return referenceDecode(parts[0], plusIsSpace: plusIsSpace) + "\u{0}" + (parts.count > 1 ? referenceDecode(parts[1], plusIsSpace: plusIsSpace) : "")
        }
    }

    @Test("escapes, plus signs and malformed escapes", arguments: [
        ("a%20b", false, "a b"), ("a+b", false, "a+b"), ("a+b", true, "a b"), ("%2", true, "%2"), ("%zz", true, "%zz"),
        ("%41%42", false, "AB"), ("100%", false, "100%"), ("%e2%82%ac", false, "€"), ("%C3%A9t%C3%A9", true, "été"), ("", true, ""),
    ])
    func decodes(text: String, plusIsSpace: Bool, expected: String) {
        #expect(PercentEncoding.decode(text, plusIsSpace: plusIsSpace) == expected)
        #expect(PercentEncoding.decode(text[...], plusIsSpace: plusIsSpace) == expected)
    }

    @Test("form fields keep order and repeats, skip empty fields, and split at the first `=`")
    func pairs() {
        let pairs = PercentEncoding.decodePairs("Action=Run&&Tag.1=a%3Db=c&Tag.1=&flag&=v&", plusIsSpace: true)
        #expect(pairs.map { "\($0.0)|\($0.1)" } == ["Action|Run", "Tag.1|a=b=c", "Tag.1|", "flag|", "|v"])
        #expect(PercentEncoding.decodePairs("", plusIsSpace: true).isEmpty)
        // Split on bytes, as AWS splits them: a combining mark after `&` or `=` does not glue the
        // separator to its neighbour (splitting by Character would see one field here).
        #expect(PercentEncoding.decodePairs("Action=Describe&\u{301}Action=Terminate", plusIsSpace: true).map(\.0) == ["Action", "\u{301}Action"])
        #expect(PercentEncoding.decodePairs("a=\u{301}b", plusIsSpace: true).map(\.1) == ["\u{301}b"])
    }

    @Test("property: decoding agrees with the reference on text of escapes, separators and plain bytes")
    func decodeProperty() async {
        let pieces = Gen.element(of: ["%", "2", "0", "4", "1", "e", "E", "z", "+", "&", "=", "a", "é", "%20", "%2B", "%26", "%3D", "%C3%A9", "%e2%82"])
            .map { $0! }
        await propertyCheck(count: 1000, input: pieces.array(of: 0...12), Gen.bool) { parts, plusIsSpace in
            let text = parts.joined()
            #expect(PercentEncoding.decode(text, plusIsSpace: plusIsSpace) == Self.referenceDecode(text, plusIsSpace: plusIsSpace))
            #expect(PercentEncoding.decodePairs(text, plusIsSpace: plusIsSpace).map { $0.0 + "\u{0}" + $0.1 }
                == Self.referencePairs(text, plusIsSpace: plusIsSpace))
        }
    }

    @Test("property: hex encodes every byte as two lower-case digits and decodes back")
    func hexProperty() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...255).array(of: 0...40)) { values in
            let bytes = values.map(UInt8.init)
            let text = Hex.encode(bytes)
            #expect(text == bytes.map { String(format: "%02x", $0) }.joined())
            #expect(Hex.encode(bytes.lazy.map { $0 }) == text)
            #expect(Hex.decode(text) == bytes)
            #expect(Hex.decode(text.uppercased()) == bytes)
        }
    }
}
