/// The block structure of an HCL file (Terraform's native syntax): which blocks it declares, with
/// their labels, nested blocks, and the attributes whose value is a plain string. Expressions are
/// read only far enough to find where they end; their values are not evaluated.
///
/// Enough to answer "does this configuration declare a `data "external"` source, and which local
/// modules does it call?" without being fooled by comments, strings, templates or heredocs that
/// merely mention those words.
public struct HCLBlock: Sendable, Equatable {
    public var type: String
    public var labels: [String]
    /// Attributes written as one string literal without templates (`source = "./modules/db"`).
    public var strings: [String: String]
    public var blocks: [HCLBlock]

    public init(type: String, labels: [String] = [], strings: [String: String] = [:], blocks: [HCLBlock] = []) {
        self.type = type
        self.labels = labels
        self.strings = strings
        self.blocks = blocks
    }
}

public struct HCLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// 1-based line of the input where reading stopped.
    public var line: Int
    public var description: String { "line \(line): \(message)" }
}

public enum HCLBlocks {
    /// Nesting deeper than this is refused rather than followed: real configurations nest a few
    /// levels, and an input that nests thousands must not exhaust the stack.
    static let maximumDepth = 64

    /// The top-level blocks of `text`.
    public static func parse(_ text: String) throws(HCLSyntaxError) -> [HCLBlock] {
        var reader = Reader(bytes: Array(text.utf8))
        let body = try reader.body(depth: 0)
        guard try reader.atEnd() else { throw reader.error("unexpected `}`") }
        return body.blocks
    }

    struct Body {
        var strings: [String: String] = [:]
        var blocks: [HCLBlock] = []
    }

    enum Token: Equatable {
        case identifier(String)
        /// A quoted string; nil when it holds a template (`${…}`, `%{…}`).
        case string(String?)
        case heredoc
        case symbol(UInt8)
        case newline
        case other
        case end
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var peeked: Token?
        /// Templates open inside strings inside templates: `"${"${…}"}"` recurses once per level.
        var templateNesting = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func atEnd() throws(HCLSyntaxError) -> Bool { try peek() == .end }

        func error(_ message: String) -> HCLSyntaxError { HCLSyntaxError(message: message, line: line) }

        mutating func peek() throws(HCLSyntaxError) -> Token {
            if let peeked { return peeked }
            let token = try scan()
            peeked = token
            return token
        }

        mutating func next() throws(HCLSyntaxError) -> Token {
            if let token = peeked {
                peeked = nil
                return token
            }
            return try scan()
        }

        /// Attributes and blocks until the closing `}` (left unread) or the end.
        mutating func body(depth: Int) throws(HCLSyntaxError) -> Body {
            guard depth < HCLBlocks.maximumDepth else { throw error("blocks nest more than \(HCLBlocks.maximumDepth) deep") }
            var body = Body()
            while true {
                let token = try next()
                switch token {
                case .newline: continue
                case .end: return body
                case .symbol(UInt8(ascii: "}")):
                    peeked = token
                    return body
                case .identifier(let name):
                    if case .symbol(UInt8(ascii: "=")) = try peek() {
                        _ = try next()
                        if let value = try expression() { body.strings[name] = value }
                    } else {
                        body.blocks.append(try block(type: name, depth: depth))
                    }
                default:
                    throw error("expected an attribute or a block")
                }
            }
        }

        /// The labels and body of a block whose type has been read.
        mutating func block(type: String, depth: Int) throws(HCLSyntaxError) -> HCLBlock {
            var labels: [String] = []
            while true {
                switch try next() {
                case .identifier(let label): labels.append(label)
                case .string(let label?): labels.append(label)
                case .symbol(UInt8(ascii: "{")):
                    let inner = try body(depth: depth + 1)
                    guard try next() == .symbol(UInt8(ascii: "}")) else { throw error("block `\(type)` is not closed") }
                    return HCLBlock(type: type, labels: labels, strings: inner.strings, blocks: inner.blocks)
                default:
                    throw error("expected a label or `{` after `\(type)`")
                }
            }
        }

        /// Reads an expression to the end of its line (newlines inside brackets do not end it);
        /// its value when it is one plain string.
        mutating func expression() throws(HCLSyntaxError) -> String? {
            var nesting: [UInt8] = []
            var tokens = 0
            var only: String?
            while true {
                let token = try peek()
                switch token {
                case .end:
                    guard nesting.isEmpty else { throw error("an expression is not closed") }
                    return tokens == 1 ? only : nil
                case .newline where nesting.isEmpty:
                    return tokens == 1 ? only : nil
                case .symbol(UInt8(ascii: "}")) where nesting.isEmpty:
                    // A one-line block (`x { a = 1 }`): the brace closes the block.
                    return tokens == 1 ? only : nil
                default: break
                }
                _ = try next()
                tokens += 1
                switch token {
                case .string(let value): only = value
                case .symbol(let byte):
                    switch byte {
                    case UInt8(ascii: "("): nesting.append(UInt8(ascii: ")"))
                    case UInt8(ascii: "["): nesting.append(UInt8(ascii: "]"))
                    case UInt8(ascii: "{"): nesting.append(UInt8(ascii: "}"))
                    case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                        guard nesting.popLast() == byte else { throw error("unbalanced `\(Character(Unicode.Scalar(byte)))`") }
                    default: break
                    }
                default: break
                }
                guard nesting.count < HCLBlocks.maximumDepth else { throw error("an expression nests more than \(HCLBlocks.maximumDepth) deep") }
            }
        }

        // MARK: Tokens

        mutating func scan() throws(HCLSyntaxError) -> Token {
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    index += 1
                case UInt8(ascii: "\n"):
                    index += 1
                    line += 1
                    return .newline
                case UInt8(ascii: "#"):
                    skipToLineEnd()
                case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/"):
                    skipToLineEnd()
                case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                    index += 2
                    while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) {
                        if bytes[index] == UInt8(ascii: "\n") { line += 1 }
                        index += 1
                    }
                    guard index + 1 < bytes.count else { throw error("a `/*` comment is not closed") }
                    index += 2
                case UInt8(ascii: "\""):
                    index += 1
                    return .string(try quoted())
                case UInt8(ascii: "<") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "<") && heredocFollows():
                    try heredoc()
                    return .heredoc
                default:
                    if Self.isIdentifierStart(byte) {
                        let start = index
                        while index < bytes.count, Self.isIdentifierPart(bytes[index]) { index += 1 }
                        return .identifier(String(decoding: bytes[start..<index], as: UTF8.self))
                    }
                    if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                        while index < bytes.count, Self.isIdentifierPart(bytes[index]) || bytes[index] == UInt8(ascii: ".") { index += 1 }
                        return .other
                    }
                    index += 1
                    // Two-byte operators are one token, so `==` is never read as an assignment.
                    if index < bytes.count, [UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "<"), UInt8(ascii: ">")].contains(byte), bytes[index] == UInt8(ascii: "=") {
                        index += 1
                        return .other
                    }
                    if byte == UInt8(ascii: "="), index < bytes.count, bytes[index] == UInt8(ascii: ">") {
                        index += 1
                        return .other
                    }
                    return .symbol(byte)
                }
            }
            return .end
        }

        mutating func skipToLineEnd() {
            while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
        }

        /// The body of a quoted string whose opening quote has been read; nil when it holds a
        /// template sequence.
        mutating func quoted() throws(HCLSyntaxError) -> String? {
            var value: [UInt8] = []
            var templated = false
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return templated ? nil : String(decoding: value, as: UTF8.self)
                case UInt8(ascii: "\n"):
                    throw error("a string is not closed on its line")
                case UInt8(ascii: "\\"):
                    guard index + 1 < bytes.count else { throw error("a string ends in `\\`") }
                    let escaped = bytes[index + 1]
                    switch escaped {
                    case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
                    case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t"))
                    case UInt8(ascii: "r"): value.append(UInt8(ascii: "\r"))
                    default:
                        // `\"`, `\\`, and the `\u`/`\U` escapes (kept as written: no name the
                        // classifier looks for is spelled with them).
                        if escaped == UInt8(ascii: "u") || escaped == UInt8(ascii: "U") { templated = true }
                        value.append(escaped)
                    }
                    index += 2
                case UInt8(ascii: "$"), UInt8(ascii: "%"):
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") {
                        // `$${` and `%%{` are literal.
                        if index > 0, bytes[index - 1] == byte, value.last == byte {
                            value.append(UInt8(ascii: "{"))
                            index += 2
                            continue
                        }
                        templated = true
                        index += 2
                        try template()
                    } else {
                        value.append(byte)
                        index += 1
                    }
                default:
                    value.append(byte)
                    index += 1
                }
            }
            throw error("a string is not closed")
        }

        /// Skips a template's interpolation up to its closing `}`, strings inside it included.
        mutating func template() throws(HCLSyntaxError) {
            templateNesting += 1
            defer { templateNesting -= 1 }
            guard templateNesting < HCLBlocks.maximumDepth else { throw error("templates nest more than \(HCLBlocks.maximumDepth) deep") }
            var depth = 1
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "{"): depth += 1
                case UInt8(ascii: "}"):
                    depth -= 1
                    if depth == 0 { return }
                case UInt8(ascii: "\""): _ = try quoted()
                case UInt8(ascii: "\n"): line += 1
                default: break
                }
                guard depth < HCLBlocks.maximumDepth else { throw error("a template nests more than \(HCLBlocks.maximumDepth) deep") }
            }
            throw error("a template is not closed")
        }

        /// Whether `<<` at the cursor starts a heredoc (`<<EOT`, `<<-EOT`) rather than a shift.
        func heredocFollows() -> Bool {
            var i = index + 2
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            return i < bytes.count && Self.isIdentifierStart(bytes[i])
        }

        /// Skips a heredoc: its marker line, then lines up to one that holds only the marker.
        mutating func heredoc() throws(HCLSyntaxError) {
            index += 2
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            let start = index
            while index < bytes.count, Self.isIdentifierPart(bytes[index]) { index += 1 }
            let marker = Array(bytes[start..<index])
            skipToLineEnd()
            while index < bytes.count {
                // At a newline: the next line.
                index += 1
                line += 1
                let lineStart = index
                skipToLineEnd()
                var content = bytes[lineStart..<index]
                while let first = content.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { content = content.dropFirst() }
                while let last = content.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") || last == UInt8(ascii: "\r") { content = content.dropLast() }
                if content.elementsEqual(marker) { return }
            }
            throw error("a heredoc is not closed by its marker")
        }

        static func isIdentifierStart(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") || byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") || byte == UInt8(ascii: "_") || byte >= 0x80
        }

        static func isIdentifierPart(_ byte: UInt8) -> Bool {
            isIdentifierStart(byte) || byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") || byte == UInt8(ascii: "-")
        }
    }
}
