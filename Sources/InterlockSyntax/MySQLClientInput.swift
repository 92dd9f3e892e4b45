/// What the mysql (and mariadb) client reads — standard input, `-e TEXT` — split the way the client
/// splits it: SQL, and a client command wherever a backslash stands outside a string, quoted
/// identifier or comment, mid-statement included (`SELECT 1 \! rm -rf /srv` runs the shell).
///
/// Commands that take an argument (`\!` system, `\.` source, `\T` tee, `\P` pager, `\u` use,
/// `\r` connect, `\C` charset, `\d` delimiter) take the rest of the line; the others are one
/// character, and the line goes on as input after them.
public enum MySQLClientInputPiece: Sendable, Hashable {
    case sql(String)
    /// `\x argument`: the command character and, for the commands that take one, the rest of the line.
    case clientCommand(String, argument: String)
}

public enum MySQLClientInput {
    static let commandsTakingTheLine: Set<UInt8> = Set("!.TPurCd".utf8)

    /// The long names of the commands that take the line, which the client also accepts at the
    /// start of a line (`system rm -rf /srv`, `source x.sql`): read as their backslash forms.
    static let namedCommands: [String: String] = [
        "system": "!", "source": ".", "tee": "T", "pager": "P", "connect": "r", "delimiter": "d", "use": "u", "charset": "C",
    ]

    /// `text` with each line that starts with a named command written in its backslash form.
    /// (Taken wherever a line starts with one, even inside a statement spread over lines, where
    /// the client would not: that reading only adds a command.)
    static func backslashForms(_ text: String) -> String {
        var rewritten = false
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            let word = trimmed.prefix { $0.isLetter }
            guard let short = namedCommands[word.lowercased()] else { return line }
            let rest = trimmed.dropFirst(word.count)
            guard rest.isEmpty || rest.first == " " || rest.first == "\t" || rest.first == ";" else { return line }
            rewritten = true
            return Substring("\\" + short + " " + rest.drop { $0 == " " || $0 == "\t" })
        }
        // Most input names no command: it is read as given, not copied back together.
        return rewritten ? lines.joined(separator: "\n") : text
    }

    public static func pieces(_ text: String) throws(SQLSyntaxError) -> [MySQLClientInputPiece] {
        let bytes = Array(backslashForms(text).utf8)
        var pieces: [MySQLClientInputPiece] = []
        var start = 0
        while start < bytes.count {
            guard let commandStart = try SQLLexer.nextClientCommand(in: bytes, from: start, dialect: .mysql) else {
                if let sql = SQLLexer.clientSQL(bytes[start...]) { pieces.append(.sql(sql)) }
                break
            }
            if let sql = SQLLexer.clientSQL(bytes[start..<commandStart]) { pieces.append(.sql(sql)) }
            guard commandStart + 1 < bytes.count else {
                pieces.append(.clientCommand("", argument: ""))
                break
            }
            let command = bytes[commandStart + 1]
            var index = commandStart + 2
            var argument: [UInt8] = []
            // The client hands the command the rest of the line, then goes on reading input after
            // the next `;` on it: `\u prod; DROP TABLE x` drops the table (as `\! cmd; …` also
            // hands `…` to the shell).
            var resume: Int?
            if commandsTakingTheLine.contains(command) {
                while index < bytes.count, bytes[index] != 0x0A {
                    if resume == nil, bytes[index] == UInt8(ascii: ";") { resume = index + 1 }
                    argument.append(bytes[index])
                    index += 1
                }
            }
            // The shell gets the whole rest of the line; the other commands' argument ends at the `;`.
            if command != UInt8(ascii: "!"), let semicolon = argument.firstIndex(of: UInt8(ascii: ";")) { argument.removeSubrange(semicolon...) }
            while let first = argument.first, first == 0x20 || first == 0x09 { argument.removeFirst() }
            while let last = argument.last, last == 0x20 || last == 0x09 || last == 0x0D { argument.removeLast() }
            pieces.append(.clientCommand(String(decoding: [command], as: UTF8.self), argument: String(decoding: argument, as: UTF8.self)))
            start = resume ?? index
        }
        return pieces
    }
}
