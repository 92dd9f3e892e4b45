/// A parser for the plain XML that AWS SDKs send as REST-XML request bodies (Route 53 change
/// batches), which refuses everything else.
///
/// The service reads the body with a full, namespace-aware XML parser; a classifier that read it
/// by matching text could be told `DEL&#69;TE` or `<a:Action>` is not `DELETE`. So the subset read
/// here is read exactly — elements, attributes, text, the five named entities and numeric
/// character references, an optional XML declaration — and anything beyond it (a DOCTYPE, entity
/// declarations, CDATA, comments, processing instructions, prefixed names, mismatched tags) makes
/// the document unreadable, which the classifier treats as `unknown`.
public struct StrictXML: Sendable, Hashable {
    public struct Element: Sendable, Hashable {
        public var name: String
        public var attributes: [String: String]
        public var children: [Element]
        /// The element's own text, entity references decoded (text between child elements included).
        public var text: String

        /// The first child with this name.
        public func child(_ name: String) -> Element? { children.first { $0.name == name } }
        /// Every child with this name.
        public func children(_ name: String) -> [Element] { children.filter { $0.name == name } }
    }

    public var root: Element

    public static let maximumDepth = 32
    public static let maximumBytes = 256 * 1024

    /// The document, or nil when it is not in the subset this parser reads.
    public static func parse(_ text: String) -> StrictXML? {
        let bytes = Array(text.utf8)
        guard bytes.count <= maximumBytes else { return nil }
        var parser = Parser(bytes: bytes)
        guard let root = parser.document() else { return nil }
        return StrictXML(root: root)
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func document() -> Element? {
            skipSpace()
            if starts(with: "<?xml") {
                // The declaration: `<?xml version="1.0" encoding="UTF-8"?>`, nothing else.
                guard let end = find("?>") else { return nil }
                let declaration = String(decoding: bytes[index..<end], as: UTF8.self)
                guard !declaration.contains("<!") else { return nil }
                index = end + 2
                skipSpace()
            }
            guard let root = element(depth: 0) else { return nil }
            skipSpace()
            return index == bytes.count ? root : nil
        }

        mutating func element(depth: Int) -> Element? {
            guard depth < StrictXML.maximumDepth, peek == UInt8(ascii: "<") else { return nil }
            index += 1
            guard let elementName = name() else { return nil }
            var attributes: [String: String] = [:]
            while true {
                let hadSpace = skipSpace()
                if peek == UInt8(ascii: "/") {
                    guard next(1) == UInt8(ascii: ">") else { return nil }
                    index += 2
                    return Element(name: elementName, attributes: attributes, children: [], text: "")
                }
                if peek == UInt8(ascii: ">") {
                    index += 1
                    break
                }
                // Attributes: `xmlns` and `xmlns:p` may be declared (SDKs name the namespace);
                // other prefixed attributes are refused with prefixed elements.
                guard hadSpace, let attribute = name(allowingNamespaceDeclaration: true) else { return nil }
                skipSpace()
                guard peek == UInt8(ascii: "=") else { return nil }
                index += 1
                skipSpace()
                guard let quote = peek, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
                index += 1
                guard let value = characters(until: quote), attributes[attribute] == nil else { return nil }
                index += 1
                attributes[attribute] = value
            }
            var children: [Element] = []
            var text = ""
            while index < bytes.count {
                if peek == UInt8(ascii: "<") {
                    if next(1) == UInt8(ascii: "/") {
                        index += 2
                        guard let closing = name(), closing == elementName else { return nil }
                        skipSpace()
                        guard peek == UInt8(ascii: ">") else { return nil }
                        index += 1
                        return Element(name: elementName, attributes: attributes, children: children, text: text)
                    }
                    // `<!` (comments, CDATA, declarations) and `<?` inside are outside the subset.
                    guard let following = next(1), following != UInt8(ascii: "!"), following != UInt8(ascii: "?") else { return nil }
                    guard let child = element(depth: depth + 1) else { return nil }
                    children.append(child)
                } else {
                    guard let run = characters(until: UInt8(ascii: "<")) else { return nil }
                    text += run
                }
            }
            return nil
        }

        /// An XML name without a prefix (`Action`, not `r:Action`); with
        /// `allowingNamespaceDeclaration`, also `xmlns:p`.
        mutating func name(allowingNamespaceDeclaration: Bool = false) -> String? {
            let start = index
            while let byte = peek, Self.isNameByte(byte) || byte == UInt8(ascii: ":") { index += 1 }
            guard index > start, let first = bytes[start...].first, !Self.isDigit(first), first != UInt8(ascii: "-"), first != UInt8(ascii: ".") else { return nil }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if text.contains(":") {
                guard allowingNamespaceDeclaration, text.hasPrefix("xmlns:"), text.split(separator: ":").count == 2 else { return nil }
            }
            return text
        }

        /// Character data up to `terminator` (not consumed), references decoded; nil on a bare `&`,
        /// an unknown entity, a `<` inside an attribute value, or the end of the text.
        mutating func characters(until terminator: UInt8) -> String? {
            var out: [UInt8] = []
            while let byte = peek {
                if byte == terminator { return String(decoding: out, as: UTF8.self) }
                if byte == UInt8(ascii: "<") { return nil }
                if byte == UInt8(ascii: "&") {
                    guard let semicolon = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { return nil }
                    let reference = String(decoding: bytes[(index + 1)..<semicolon], as: UTF8.self)
                    guard let decoded = Self.decode(reference) else { return nil }
                    out += Array(decoded.utf8)
                    index = semicolon + 1
                    continue
                }
                out.append(byte)
                index += 1
            }
            return terminator == UInt8(ascii: "<") ? String(decoding: out, as: UTF8.self) : nil
        }

        static func decode(_ reference: String) -> String? {
            switch reference {
            case "amp": return "&"
            case "lt": return "<"
            case "gt": return ">"
            case "quot": return "\""
            case "apos": return "'"
            default:
                guard reference.hasPrefix("#") else { return nil }
                let digits = reference.dropFirst()
                let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
                return String(Character(scalar))
            }
        }

        static func isNameByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }

        static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
        func next(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

        @discardableResult
        mutating func skipSpace() -> Bool {
            let start = index
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
            return index > start
        }

        func starts(with text: String) -> Bool { bytes[index...].starts(with: text.utf8) }

        func find(_ text: String) -> Int? {
            let needle = Array(text.utf8)
            var position = index
            while position + needle.count <= bytes.count {
                if bytes[position..<(position + needle.count)].elementsEqual(needle) { return position }
                position += 1
            }
            return nil
        }
    }
}
