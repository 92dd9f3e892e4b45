import Foundation
@testable import InterlockClassifiers
import InterlockCore
import InterlockSyntax
import Testing

/// Database clients other than psql, mysql and sqlite3 hand their SQL to the SQL classifier and
/// their own commands to the shell classifier; SQL Server's statements need no `;` between them.
@Suite struct DatabaseClientTests {
    /// Single corpus statements, each with the effect PostgreSQL's reading gives it.
    static func corpusStatements() throws -> [(sql: String, effect: Effect)] {
        try Corpus.load("sql.jsonl", key: "sql").compactMap { item in
            let text = item.input
            guard let statements = try? SQLStatement.parse(text, dialect: .postgresql), statements.count == 1 else { return nil }
            return (text, SQLClassifier.findings(for: text, dialect: .postgresql).effect)
        }
    }

    /// In Transact-SQL a read followed by any changing statement, with no `;` between them, is
    /// two statements: the text is never milder than the change alone. And cutting a statement
    /// where a word could begin another never makes it milder than PostgreSQL's reading of it.
    @Test func transactSQLStatementsNeedNoSemicolon() throws {
        let statements = try Self.corpusStatements()
        let reads = statements.filter { $0.effect == .read && $0.sql.lowercased().hasPrefix("select") && !$0.sql.contains("--") }
        let changes = statements.filter {
            $0.effect > .read && SQLClassifier.transactSQLStatementWords.contains(String($0.sql.prefix { $0.isLetter }).lowercased())
        }
        #expect(reads.count > 20 && changes.count > 80, "\(reads.count) reads, \(changes.count) changes")
        for (sql, effect) in statements {
            let cut = SQLClassifier.transactSQL(sql).effect
            #expect(cut >= effect, "\(sql): \(cut) under Transact-SQL, \(effect) as PostgreSQL reads it")
        }
        for (index, change) in changes.enumerated() {
            let read = reads[index % reads.count].sql.trimmingCharacters(in: CharacterSet(charactersIn: "; \n"))
            let joined = read + "\n" + change.sql
            let effect = SQLClassifier.transactSQL(joined).effect
            #expect(effect >= change.effect, "\(joined.debugDescription): \(effect), the change alone \(change.effect)")
        }
    }

    /// A statement word inside a clause is not a statement: these stay what they are.
    @Test(arguments: [
        ("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer) REFERENCES customers(id) ON DELETE CASCADE", Effect.write),
        ("SELECT * FROM orders WITH (UPDLOCK) WHERE id = 7 FOR UPDATE", .write),
        ("SELECT * FROM #recent WHERE id = 7", .read),
        ("SELECT [name] FROM [dbo].[orders] WHERE [status] = N'open'", .read),
        ("INSERT INTO audit (a) VALUES (1)", .write),
        ("SELECT 1 DROP TABLE dbo.orders", .destructive),
        ("SELECT 1\nDELETE FROM dbo.orders WHERE 1 = 1", .destructive),
        ("GRANT DELETE ON dbo.orders TO app", .destructive),
    ])
    func transactSQLClausesStayWhole(sql: String, effect: Effect) {
        #expect(SQLClassifier.transactSQL(sql).effect == effect, "\(sql): \(SQLClassifier.transactSQL(sql).findings.map(\.operation))")
    }

    /// Files that a client's own command runs are read from the disk view: cqlsh `SOURCE`,
    /// snowsql `!source`, sqlcmd `:r`, `-i` and `duckdb -f`. One that cannot be read is unknown.
    @Test func scriptsTheClientsRunAreRead() {
        let fileSystem = FixedFileSystem(files: [
            "/srv/db/drop.cql": "DROP TABLE shop.orders;\n",
            "/srv/db/purge.sql": "REMOVE @raw_stage;\n",
            "/srv/db/cleanup.sql": "DELETE FROM dbo.sessions\nGO\n",
            "/srv/db/reads.sql": "SELECT 1;\n",
        ], directories: ["/srv", "/srv/db"])
        let classifier = ShellClassifier(fileSystem: fileSystem)
        for (line, operation) in [
            ("cqlsh -e \"SOURCE 'drop.cql'\"", "sql:drop_table"),
            ("snowsql -q '!source purge.sql'", "shell:snowsql:remove"),
            ("sqlcmd -Q ':r cleanup.sql'", "sql:delete"),
            ("sqlcmd -i reads.sql,cleanup.sql", "sql:delete"),
            ("cqlsh -f drop.cql", "sql:drop_table"),
        ] {
            let facts = classifier.classify(commandLine: line, workingDirectory: "/srv/db")
            #expect(facts.effect == .destructive && facts.operations.contains(operation), "\(line): \(facts.effect) \(facts.operations)")
        }
        #expect(classifier.classify(commandLine: "duckdb -f reads.sql", workingDirectory: "/srv/db").effect == .read)
        for line in ["cqlsh -f missing.cql", "sqlcmd -i missing.sql", "snowsql -f missing.sql", "trino --execute \"$QUERY\"", "clickhouse-client -q \"$Q\""] {
            let facts = classifier.classify(commandLine: line, workingDirectory: "/srv/db")
            #expect(facts.effect == .unknown && facts.categories.contains(.opaqueExecution), "\(line): \(facts.effect)")
        }
    }

    /// Client commands are read in one pass, and scripts that read themselves are bounded: a
    /// line made of many of them is classified, not a cause of a hang or a crash (for a hook, a
    /// crash is an answer the host may take as "go on").
    @Test func manyClientCommandsAndSelfReadingScriptsAreBounded() {
        let lines = String(repeating: "SHOW VERSION\n", count: 20_000) + "DROP TABLE shop.orders;\n"
        let many = ShellClassifier().classify(commandLine: "cqlsh <<'EOF'\n" + lines + "EOF")
        #expect(many.operations.contains("sql:drop_table"), "\(many.operations)")
        let fileSystem = FixedFileSystem(files: ["/srv/db/loop.sql": String(repeating: ":r loop.sql\n", count: 50), "/srv/db/loop.cql": String(repeating: "SOURCE 'loop.cql'\n", count: 50)],
                                         directories: ["/srv", "/srv/db"])
        for line in ["sqlcmd -i loop.sql", "cqlsh -f loop.cql"] {
            let facts = ShellClassifier(fileSystem: fileSystem).classify(commandLine: line, workingDirectory: "/srv/db")
            #expect(facts.effect == .unknown && facts.categories.contains(.opaqueExecution), "\(line): \(facts.effect)")
        }
    }

    /// Client commands that run a shell command are that command; those that write a file are
    /// writes of it; those that only display are reads.
    @Test(arguments: [
        ("sqlcmd -Q ':!! rm -rf /var/backups'", Effect.destructive, "shell:rm"),
        ("snowsql -q '!system kubectl delete ns shop'", .destructive, "kubectl:delete"),
        ("sqlcmd -Q ':out /etc/hosts'", .unknown, "shell:sqlcmd"),
        ("cqlsh -e \"CAPTURE '/tmp/results.txt'\"", .write, "shell:cqlsh"),
        ("cqlsh -e \"COPY shop.orders FROM 'orders.csv'\"", .write, "shell:cqlsh:copy_from"),
        ("cqlsh -e 'SHOW VERSION'", .read, "shell:cqlsh"),
        ("snowsql -q '!set output_format=csv'", .read, "shell:snowsql"),
        ("cockroach node decommission 4", .destructive, "shell:cockroach:node:decommission"),
    ])
    func clientCommandsAreWhatTheyDo(line: String, effect: Effect, operation: String) {
        let facts = ShellClassifier().classify(commandLine: line, workingDirectory: "/srv")
        #expect(facts.effect == effect, "\(line): \(facts.effect) \(facts.findings.map(\.reason))")
        #expect(facts.operations.contains(operation), "\(line): \(facts.operations)")
    }
}

/// SQL whose dialect is not known (MCP tools, `interlock check --sql`) is also read as SQL
/// Server reads it, and the worst reading stands; clauses that hold statement words stay whole.
@Suite struct SQLOfUnknownDialectTests {
    @Test(arguments: [
        ("SELECT 1 DROP TABLE orders", Effect.destructive),
        ("SELECT name FROM users WHERE id = 7", .read),
        ("INSERT INTO t (id, a) VALUES (1, 2) ON CONFLICT (id) DO UPDATE SET a = 2", .write),
        ("WITH recent AS (SELECT id FROM orders WHERE day = 1) INSERT INTO archive SELECT id FROM recent", .write),
        ("WITH old AS (SELECT id FROM orders) DELETE FROM orders WHERE id IN (SELECT id FROM old)", .destructive),
    ])
    func everyServersReadingCounts(sql: String, effect: Effect) {
        let facts = SQLClassifier.findings(for: sql, dialect: nil)
        #expect(facts.effect == effect, "\(sql): \(facts.findings.map(\.operation))")
    }
}
