import InterlockSyntax
import Testing

/// psql's input split as psql splits it. The behaviours the cases pin were checked against psql 15
/// with a PostgreSQL 15 server: `SELECT 'DROP TABLE x' \gexec` dropped the table, `\g |sh` ran
/// the query's output, and `\set v `cmd`` ran `cmd`.
@Suite struct PsqlInputTests {
    @Test("a meta-command after SQL on the same line is found", arguments: [
        ("select 'drop table x' \\gexec", ["sql(select 'drop table x' )", "gexec()"]),
        ("select 'rm -rf /srv' \\g |sh", ["sql(select 'rm -rf /srv' )", "g(|sh)"]),
        ("select 1;\n\\! rm -rf /srv\nselect 2;", ["sql(select 1;\n)", "!(rm -rf /srv)", "sql(select 2;)"]),
        ("\\x \\\\ select 1;", ["x()", "sql( select 1;)"]),
        ("select 1 \\\\ \\! rm -rf /srv", ["sql(select 1 )", "!(rm -rf /srv)"]),
        ("\\!rm -rf /srv", ["!(rm -rf /srv)"]),
    ])
    func metaCommandsAreSplitOut(text: String, expected: [String]) throws {
        #expect(try PsqlInput.pieces(text).map(Self.describe) == expected)
    }

    @Test("backslashes inside strings, quoted identifiers and comments are SQL", arguments: [
        "select '\\gexec'", "select E'\\\\gexec'", "select \"a\\gexec\"", "select 1 -- \\gexec", "select 1 /* \\gexec */", "select $$ \\gexec $$",
    ])
    func backslashesInsideLiteralsAreSQL(text: String) throws {
        #expect(try PsqlInput.pieces(text).map(Self.describe) == ["sql(\(text))"])
    }

    @Test func backquotedShellCommandsAreCollected() throws {
        let pieces = try PsqlInput.pieces("\\set x `rm -rf /srv` \\\\ \\echo 'a `b`' `id`")
        #expect(pieces == [
            .metaCommand(name: "set", arguments: "x `rm -rf /srv`", shellCommands: ["rm -rf /srv"]),
            .metaCommand(name: "echo", arguments: "'a `b`' `id`", shellCommands: ["id"]),
        ])
    }

    @Test("psql variables interpolated into SQL are seen; casts and strings are not", arguments: [
        (":q", true), ("select :'name'", true), ("select :\"col\" from t", true), ("select :{?v}", true),
        ("select a::int from t", false), ("select ':q'", false), ("select 1", false),
    ])
    func variableInterpolation(sql: String, interpolates: Bool) {
        #expect(PsqlInput.interpolatesVariables(sql) == interpolates)
    }

    static func describe(_ piece: PsqlInputPiece) -> String {
        switch piece {
        case .sql(let text): "sql(\(text))"
        case .metaCommand(let name, let arguments, _): "\(name)(\(arguments))"
        }
    }
}

/// The mysql client reads `\x` commands mid-line as psql does; the strings here keep MySQL's
/// backslash escapes, so a backslash inside a string is not a command.
@Suite struct MySQLClientInputTests {
    @Test("client commands are split out of SQL; backslashes in strings are not", arguments: [
        ("select 1 \\! rm -rf /srv", ["sql(select 1 )", "!(rm -rf /srv)"]),
        ("select 1\\G select 2;", ["sql(select 1)", "G()", "sql( select 2;)"]),
        ("select 'it\\'s \\! no'", ["sql(select 'it\\'s \\! no')"]),
        ("select 1; \\. /tmp/x.sql\nselect 2;", ["sql(select 1; )", ".(/tmp/x.sql)", "sql(\nselect 2;)"]),
        // After a command's argument the client reads on from the next `;` of the line.
        ("\\u prod; drop table x", ["u(prod)", "sql( drop table x)"]),
        ("\\! echo hi; drop table x", ["!(echo hi; drop table x)", "sql( drop table x)"]),
        // Long names at the start of a line.
        ("system rm -rf /srv", ["!(rm -rf /srv)"]),
        ("select 1;\n  SOURCE /tmp/x.sql", ["sql(select 1;\n)", ".(/tmp/x.sql)"]),
        ("select a,\nsource_id from t", ["sql(select a,\nsource_id from t)"]),
    ])
    func pieces(text: String, expected: [String]) throws {
        let described = try MySQLClientInput.pieces(text).map { piece in
            switch piece {
            case .sql(let sql): "sql(\(sql))"
            case .clientCommand(let command, let argument): "\(command)(\(argument))"
            }
        }
        #expect(described == expected)
    }
}

/// Found by the fuzzer: a client command whose character is the first byte of a multi-byte
/// character left the splitter resuming mid-character, and re-decoding the rest moved every offset
/// after it (an index out of range).
@Suite struct ClientInputSplitAtAnyByteTests {
    @Test func mysqlCommandOnAMultiByteCharacter() throws {
        let pieces = try MySQLClientInput.pieces("select 1 \\é \\! rm -rf /srv")
        #expect(pieces.last == .clientCommand("!", argument: "rm -rf /srv"))
    }

    @Test func psqlAfterMultiByteText() throws {
        let pieces = try PsqlInput.pieces("select 'é' \\\\ é \\gexec")
        #expect(pieces.contains(.metaCommand(name: "gexec", arguments: "", shellCommands: [])))
    }
}
