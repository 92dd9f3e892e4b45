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

    public static func pieces(_ text: String) throws(SQLSyntaxError) -> [MySQLClientInputPiece] {
        let bytes = Array(text.utf8)
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
            if commandsTakingTheLine.contains(command) {
                while index < bytes.count, bytes[index] != 0x0A {
                    argument.append(bytes[index])
                    index += 1
                }
            }
            while let first = argument.first, first == 0x20 || first == 0x09 { argument.removeFirst() }
            while let last = argument.last, last == 0x20 || last == 0x09 || last == 0x0D { argument.removeLast() }
            pieces.append(.clientCommand(String(decoding: [command], as: UTF8.self), argument: String(decoding: argument, as: UTF8.self)))
            start = index
        }
        return pieces
    }
}
