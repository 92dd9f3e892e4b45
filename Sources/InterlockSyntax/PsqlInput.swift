/// What psql reads from a script — standard input, `-f FILE`, `-c TEXT` — split the way psql's own
/// lexer splits it: SQL, and a meta-command wherever a backslash stands outside a string, quoted
/// identifier or comment, even in the middle of a statement (`SELECT 'DROP TABLE t' \gexec`).
///
/// A meta-command runs to the end of its line, or to `\\`, after which the rest of the line is
/// read as input again. In its arguments, text between backquotes is a shell command psql runs
/// (`\set x `rm -rf /``). `\!` and the other whole-line commands take the rest of the line as it is.
public enum PsqlInputPiece: Sendable, Hashable {
    case sql(String)
    /// `\name arguments`: the name without its backslash; `shellCommands` are the backquoted parts
    /// of the arguments, which psql hands to a shell.
    case metaCommand(name: String, arguments: String, shellCommands: [String])
}

public enum PsqlInput {
    /// Meta-commands whose argument is the rest of the line, unsplit and uninterpreted.
    static let wholeLineCommands: Set<String> = ["!", "copy", "ef", "ev", "sf", "sv", "h", "help"]

    public static func pieces(_ text: String) throws(SQLSyntaxError) -> [PsqlInputPiece] {
        let bytes = Array(text.utf8)
        var pieces: [PsqlInputPiece] = []
        var start = 0
        while start < bytes.count {
            guard let metaStart = try SQLLexer.nextClientCommand(in: bytes, from: start, dialect: .postgresql) else {
                if let sql = SQLLexer.clientSQL(bytes[start...]) { pieces.append(.sql(sql)) }
                break
            }
            if let sql = SQLLexer.clientSQL(bytes[start..<metaStart]) { pieces.append(.sql(sql)) }
            var index = metaStart + 1
            // `\\` alone separates what comes before on the line from what follows.
            if index < bytes.count, bytes[index] == UInt8(ascii: "\\") {
                start = index + 1
                continue
            }
            let nameStart = index
            while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: "\\") {
                index += 1
                // `\!` needs no space before its command.
                if bytes[nameStart] == UInt8(ascii: "!") { break }
            }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
            var arguments: [UInt8] = []
            var shellCommands: [String] = []
            if wholeLineCommands.contains(name) {
                while index < bytes.count, bytes[index] != 0x0A {
                    arguments.append(bytes[index])
                    index += 1
                }
            } else {
                index = readArguments(bytes, from: index, into: &arguments, shellCommands: &shellCommands)
            }
            pieces.append(.metaCommand(name: name, arguments: trimmed(arguments), shellCommands: shellCommands))
            if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "\\") {
                start = index + 2
            } else {
                start = index + 1  // past the newline, or the end
            }
        }
        return pieces
    }

    /// Reads a meta-command's arguments up to the end of the line or an unquoted `\\`, keeping
    /// quotes as written and collecting the text of each backquoted part. Returns the index of the
    /// newline or `\\` that ended them (or the end).
    static func readArguments(_ bytes: [UInt8], from start: Int, into arguments: inout [UInt8], shellCommands: inout [String]) -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A { return index }
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\") { return index }
            switch byte {
            case UInt8(ascii: "'"):
                // psql's single quotes: `''` and backslash escapes inside.
                arguments.append(byte)
                index += 1
                while index < bytes.count, bytes[index] != 0x0A {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                        arguments.append(contentsOf: bytes[index...index + 1])
                        index += 2
                        continue
                    }
                    arguments.append(bytes[index])
                    index += 1
                    if bytes[index - 1] == UInt8(ascii: "'") {
                        if index < bytes.count, bytes[index] == UInt8(ascii: "'") {
                            arguments.append(bytes[index])
                            index += 1
                            continue
                        }
                        break
                    }
                }
            case UInt8(ascii: "\""):
                arguments.append(byte)
                index += 1
                while index < bytes.count, bytes[index] != 0x0A {
                    arguments.append(bytes[index])
                    index += 1
                    if bytes[index - 1] == UInt8(ascii: "\"") { break }
                }
            case UInt8(ascii: "`"):
                var command: [UInt8] = []
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "`"), bytes[index] != 0x0A {
                    command.append(bytes[index])
                    index += 1
                }
                if index < bytes.count, bytes[index] == UInt8(ascii: "`") { index += 1 }
                shellCommands.append(String(decoding: command, as: UTF8.self))
                arguments.append(UInt8(ascii: "`"))
                arguments.append(contentsOf: command)
                arguments.append(UInt8(ascii: "`"))
            default:
                arguments.append(byte)
                index += 1
            }
        }
        return index
    }

    /// Whether SQL text interpolates psql variables (`:name`, `:'name'`, `:"name"`, `:{?name}`):
    /// then the statement that runs is set at run time (`\set`, `\gset`, `-v`), not written here.
    public static func interpolatesVariables(_ sql: String) -> Bool {
        var lexer = SQLLexer(sql, dialect: .postgresql)
        var previous: SQLToken?
        while let token = try? lexer.next() {
            if token.kind == .parameter, token.text.utf8.first == UInt8(ascii: ":") { return true }
            if let colon = previous, colon.kind == .symbol, colon.text == ":", token.offset == colon.offset + 1,
                token.kind == .string || token.kind == .quotedIdentifier || (token.kind == .symbol && token.text == "{")
            {
                return true
            }
            previous = token
        }
        return false
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    private static func trimmed(_ bytes: [UInt8]) -> String {
        var slice = bytes[...]
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }
}
