/// The SQL dialects whose lexical rules differ in ways that move statement boundaries.
public enum SQLDialect: String, Sendable, Hashable, CaseIterable {
    case postgresql, mysql, sqlite

    /// Reads a dialect name as action documents and CLIs spell it.
    public init?(name: String) {
        switch name.lowercased() {
        case "postgresql", "postgres", "pg", "psql", "redshift", "cockroachdb": self = .postgresql
        case "mysql", "mariadb": self = .mysql
        case "sqlite", "sqlite3": self = .sqlite
        default: return nil
        }
    }
}

public struct SQLToken: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A keyword or unquoted identifier; `text` is lowercased.
        case word
        /// `"name"`, `` `name` `` or `[name]`; `text` is the name.
        case quotedIdentifier
        /// A string literal of any form; `text` is its value.
        case string
        case number
        /// `$1`, `?`, `:name`, `@var`.
        case parameter
        /// Any other character or operator: `(`, `)`, `,`, `.`, `=`, `;`, `::` ...
        case symbol
    }

    public var kind: Kind
    public var text: String
    /// Byte offset of the token's first byte.
    public var offset: Int
}

/// Why SQL text could not be read.
public struct SQLSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "\(message) at byte \(offset)" }
}

/// Splits SQL text into tokens and statements by one dialect's lexical rules: comments (`--`, MySQL
/// `#`, nested `/* */` in PostgreSQL), strings with doubled quotes, `E'..'` and MySQL backslash
/// escapes, dollar quoting, quoted identifiers. Statement boundaries are the semicolons outside all
/// of these, and outside `BEGIN ... END` bodies of SQLite triggers and MySQL routines.
public struct SQLLexer {
    public static let maximumLength = 1024 * 1024

    public let dialect: SQLDialect
    private let bytes: [UInt8]
    private var position = 0
    /// Inside MySQL's `/*! … */` (or MariaDB's `/*M! … */`): text the server runs, not a comment.
    private var inExecutableComment = false

    public init(_ text: String, dialect: SQLDialect) {
        self.bytes = Array(text.utf8)
        self.dialect = dialect
    }

    /// Where psql and the mysql client find their own commands: the offset of the next backslash
    /// at or after `start` that stands outside strings, quoted identifiers and comments.
    static func nextClientCommand(in bytes: [UInt8], from start: Int, dialect: SQLDialect) throws(SQLSyntaxError) -> Int? {
        var lexer = SQLLexer(bytes: bytes, from: start, dialect: dialect)
        while let token = try lexer.next() {
            if token.kind == .symbol, token.text == "\\" { return token.offset }
        }
        return nil
    }

    /// The SQL between a client's commands, or nil when it is only blank.
    static func clientSQL(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Lexes `bytes` from `position` on; token offsets count from the start of `bytes`. The client
    /// input splitters resume here after a command: re-decoding the rest as a String would
    /// repair a split UTF-8 sequence and move every offset after it.
    init(bytes: [UInt8], from position: Int, dialect: SQLDialect) {
        self.bytes = bytes
        self.position = position
        self.dialect = dialect
    }

    /// The statements of the text, each as its tokens; empty statements (`;;`) are dropped.
    public static func statements(_ text: String, dialect: SQLDialect) throws(SQLSyntaxError) -> [[SQLToken]] {
        guard text.utf8.count <= maximumLength else {
            throw SQLSyntaxError(message: "SQL text longer than \(maximumLength) bytes", offset: maximumLength)
        }
        var lexer = SQLLexer(text, dialect: dialect)
        var statements: [[SQLToken]] = []
        var current: [SQLToken] = []
        current.reserveCapacity(32)
        // `CREATE TRIGGER ... BEGIN ...; ...; END` (SQLite, MySQL) holds semicolons inside its body.
        var blockDepth = 0
        while let token = try lexer.next() {
            if token.kind == .symbol && token.text == ";" && blockDepth == 0 {
                if !current.isEmpty { statements.append(current) }
                current = []
                current.reserveCapacity(32)
                continue
            }
            if token.kind == .word && dialect != .postgresql && Self.opensBlock(token, in: current) {
                blockDepth += 1
            } else if token.kind == .word && token.text == "end" && blockDepth > 0 {
                // `END IF`, `END LOOP`, `END WHILE` close inner blocks of MySQL routines.
                blockDepth -= 1
            }
            current.append(token)
        }
        if !current.isEmpty { statements.append(current) }
        return statements
    }

    /// Whether `token` opens a compound body in a trigger or routine definition.
    private static func opensBlock(_ token: SQLToken, in statement: [SQLToken]) -> Bool {
        guard token.text == "begin" || token.text == "case" || token.text == "if" || token.text == "loop" || token.text == "while",
            statement.first?.text == "create"
        else { return false }
        guard statement.contains(where: { $0.kind == .word && ($0.text == "trigger" || $0.text == "procedure" || $0.text == "function") }) else {
            return false
        }
        if token.text == "begin" { return true }
        // Inside a body, `IF`/`CASE`/`LOOP`/`WHILE` open blocks closed by `END`, but `END IF` closes only
        // one, so they count only when a body is open; `IF EXISTS`/`IF NOT EXISTS` are not blocks.
        guard statement.contains(where: { $0.kind == .word && $0.text == "begin" }) else { return false }
        if let previous = statement.last, previous.kind == .word, previous.text == "end" { return false }
        return true
    }

    private func fail(_ message: String, at offset: Int) -> SQLSyntaxError { SQLSyntaxError(message: message, offset: offset) }

    private func peek(_ offset: Int = 0) -> UInt8? {
        let index = position + offset
        return index < bytes.count ? bytes[index] : nil
    }

    private static func isWordStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80
    }
    private static func isWordByte(_ b: UInt8) -> Bool { isWordStart(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "$") }
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// A word folded to lower case in one pass (ASCII letters only, as SQL keywords are).
    private func lowercasedText(_ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { buffer in
            for (offset, index) in range.enumerated() {
                let byte = bytes[index]
                buffer[offset] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            }
            return range.count
        }
    }

    public mutating func next() throws(SQLSyntaxError) -> SQLToken? {
        try skipSpaceAndComments()
        guard let byte = peek() else { return nil }
        let start = position
        switch byte {
        case UInt8(ascii: "'"):
            return SQLToken(kind: .string, text: try readQuoted(quote: byte, backslashEscapes: dialect == .mysql), offset: start)
        case UInt8(ascii: "\""):
            // A string in MySQL (without ANSI_QUOTES), an identifier elsewhere.
            let value = try readQuoted(quote: byte, backslashEscapes: dialect == .mysql)
            return SQLToken(kind: dialect == .mysql ? .string : .quotedIdentifier, text: value, offset: start)
        case UInt8(ascii: "`") where dialect != .postgresql:
            return SQLToken(kind: .quotedIdentifier, text: try readQuoted(quote: byte, backslashEscapes: false), offset: start)
        case UInt8(ascii: "[") where dialect == .sqlite:
            position += 1
            while let b = peek(), b != UInt8(ascii: "]") { position += 1 }
            guard peek() != nil else { throw fail("unterminated `[` identifier", at: start) }
            position += 1
            return SQLToken(kind: .quotedIdentifier, text: text(start + 1..<position - 1), offset: start)
        case UInt8(ascii: "$") where dialect == .postgresql:
            if let next = peek(1), Self.isDigit(next) {
                position += 1
                while let b = peek(), Self.isDigit(b) { position += 1 }
                return SQLToken(kind: .parameter, text: text(start..<position), offset: start)
            }
            if let body = try readDollarQuoted() { return SQLToken(kind: .string, text: body, offset: start) }
            position += 1
            return SQLToken(kind: .symbol, text: "$", offset: start)
        case UInt8(ascii: "?"):
            position += 1
            return SQLToken(kind: .parameter, text: "?", offset: start)
        case UInt8(ascii: "@") where dialect != .postgresql:
            position += 1
            while let b = peek(), Self.isWordByte(b) || b == UInt8(ascii: "@") { position += 1 }
            return SQLToken(kind: .parameter, text: text(start..<position), offset: start)
        default:
            break
        }
        if Self.isWordStart(byte) {
            // `E'..'` (PostgreSQL escapes), `B'..'`, `X'..'`, `N'..'`, `U&'..'`: prefixed strings.
            if let next = peek(1), next == UInt8(ascii: "'") {
                switch byte | 0x20 {
                case UInt8(ascii: "e") where dialect == .postgresql:
                    position += 1
                    return SQLToken(kind: .string, text: try readQuoted(quote: next, backslashEscapes: true), offset: start)
                case UInt8(ascii: "b"), UInt8(ascii: "x"), UInt8(ascii: "n"):
                    position += 1
                    return SQLToken(kind: .string, text: try readQuoted(quote: next, backslashEscapes: dialect == .mysql), offset: start)
                default: break
                }
            }
            if byte | 0x20 == UInt8(ascii: "u"), peek(1) == UInt8(ascii: "&"), let quote = peek(2), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") {
                position += 2
                let value = try readQuoted(quote: quote, backslashEscapes: false)
                return SQLToken(kind: quote == UInt8(ascii: "'") ? .string : .quotedIdentifier, text: value, offset: start)
            }
            position += 1
            while let b = peek(), Self.isWordByte(b) || (b == UInt8(ascii: "$") && dialect != .sqlite) {
                // PostgreSQL identifiers may contain `$` but not start a dollar quote inside a word.
                position += 1
            }
            return SQLToken(kind: .word, text: lowercasedText(start..<position), offset: start)
        }
        if Self.isDigit(byte) || (byte == UInt8(ascii: ".") && peek(1).map(Self.isDigit) == true) {
            position += 1
            while let b = peek(), Self.isDigit(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || (b | 0x20) == UInt8(ascii: "e")
                || (b | 0x20) == UInt8(ascii: "x") || ((b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "f"))
            {
                if (b | 0x20) == UInt8(ascii: "e"), let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
                position += 1
            }
            return SQLToken(kind: .number, text: text(start..<position), offset: start)
        }
        if byte == UInt8(ascii: ":"), dialect != .postgresql || peek(1) != UInt8(ascii: ":"), let next = peek(1), Self.isWordStart(next) {
            position += 1
            while let b = peek(), Self.isWordByte(b) { position += 1 }
            return SQLToken(kind: .parameter, text: text(start..<position), offset: start)
        }
        // Multi-byte operators matter only where they could hide a boundary; one byte each is enough
        // except `::`, `<>`, `!=`, `<=`, `>=`, `||`, which the where-clause analysis reads.
        position += 1
        if let next = peek() {
            switch (byte, next) {
            case (UInt8(ascii: ":"), UInt8(ascii: ":")), (UInt8(ascii: "<"), UInt8(ascii: ">")), (UInt8(ascii: "!"), UInt8(ascii: "=")),
                (UInt8(ascii: "<"), UInt8(ascii: "=")), (UInt8(ascii: ">"), UInt8(ascii: "=")), (UInt8(ascii: "|"), UInt8(ascii: "|")):
                position += 1
            default:
                break
            }
        }
        return SQLToken(kind: .symbol, text: text(start..<position), offset: start)
    }

    private mutating func skipSpaceAndComments() throws(SQLSyntaxError) {
        while let byte = peek() {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C, 0x0B:
                position += 1
            case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                // MySQL wants a space after `--`; `--x` is then minus minus x, harmless to read as a comment
                // only if it cannot hide a boundary, so MySQL gets its own rule.
                if dialect == .mysql, let after = peek(2), after != 0x20, after != 0x09, after != 0x0A, after != 0x0D {
                    return
                }
                while let b = peek(), b != 0x0A { position += 1 }
            case UInt8(ascii: "#") where dialect == .mysql:
                while let b = peek(), b != 0x0A { position += 1 }
            case UInt8(ascii: "*") where inExecutableComment && peek(1) == UInt8(ascii: "/"):
                position += 2
                inExecutableComment = false
            case UInt8(ascii: "/") where dialect == .mysql && peek(1) == UInt8(ascii: "*")
                && (peek(2) == UInt8(ascii: "!") || peek(2) == UInt8(ascii: "M") && peek(3) == UInt8(ascii: "!")):
                // `/*!50000 DROP TABLE t */` runs `DROP TABLE t` on any server of that version or
                // later (the version cannot be known here): its text is read as SQL.
                position += peek(2) == UInt8(ascii: "!") ? 3 : 4
                var digits = 0
                while digits < 6, let b = peek(), b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
                    position += 1
                    digits += 1
                }
                inExecutableComment = true
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                let start = position
                position += 2
                var level = 1
                while level > 0 {
                    guard let b = peek() else { throw fail("unterminated comment", at: start) }
                    if b == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                        level -= 1
                        position += 2
                    } else if dialect == .postgresql, b == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                        level += 1
                        position += 2
                    } else {
                        position += 1
                    }
                }
            default:
                return
            }
        }
    }

    /// A quoted run where the quote doubles to escape itself; `position` is at the opening quote.
    private mutating func readQuoted(quote: UInt8, backslashEscapes: Bool) throws(SQLSyntaxError) -> String {
        let start = position
        position += 1
        // Most quoted runs hold no escapes: their value is the bytes between the quotes.
        var end = position
        while end < bytes.count, bytes[end] != quote, !(backslashEscapes && bytes[end] == UInt8(ascii: "\\")) { end += 1 }
        if end < bytes.count, bytes[end] == quote, end + 1 >= bytes.count || bytes[end + 1] != quote {
            let value = text(position..<end)
            position = end + 1
            return value
        }
        var value: [UInt8] = Array(bytes[position..<min(end, bytes.count)])
        position = end
        while let b = peek() {
            if b == quote {
                if peek(1) == quote {
                    value.append(quote)
                    position += 2
                    continue
                }
                position += 1
                return String(decoding: value, as: UTF8.self)
            }
            if backslashEscapes, b == UInt8(ascii: "\\"), let next = peek(1) {
                value.append(next)
                position += 2
                continue
            }
            value.append(b)
            position += 1
        }
        throw fail("unterminated quoted text", at: start)
    }

    /// `$tag$ ... $tag$`, or nil (position unchanged) when the dollar sign starts no dollar quote.
    private mutating func readDollarQuoted() throws(SQLSyntaxError) -> String? {
        let start = position
        var end = position + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "$") {
            guard Self.isWordByte(bytes[end]), bytes[end] != UInt8(ascii: "$") else { return nil }
            if end == position + 1 && Self.isDigit(bytes[end]) { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        let tag = Array(bytes[position...end])
        position = end + 1
        let bodyStart = position
        while position + tag.count <= bytes.count {
            if bytes[position] == UInt8(ascii: "$"), Array(bytes[position..<position + tag.count]) == tag {
                let body = text(bodyStart..<position)
                position += tag.count
                return body
            }
            position += 1
        }
        throw fail("unterminated dollar-quoted string", at: start)
    }
}
