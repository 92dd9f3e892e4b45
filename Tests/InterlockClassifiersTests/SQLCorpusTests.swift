import Foundation
import InterlockClassifiers
import InterlockCore
import InterlockSyntax
import Testing

@Suite struct SQLCorpusTests {
    struct SQLCase {
        var corpusCase: CorpusCase
        var dialect: SQLDialect?
    }

    static func cases() throws -> [SQLCase] {
        let text = try String(contentsOf: Corpus.url("sql.jsonl"), encoding: .utf8)
        let dialects = text.split(separator: "\n").map { line -> SQLDialect? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (object?["dialect"] as? String).flatMap(SQLDialect.init(name:))
        }
        return try Corpus.load("sql.jsonl", key: "sql").enumerated().map { SQLCase(corpusCase: $1, dialect: dialects[$0]) }
    }

    @Test func everyCaseMatches() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 250)
        for sqlCase in cases {
            let facts = SQLClassifier.findings(for: sqlCase.corpusCase.input, dialect: sqlCase.dialect)
            if facts.effect != sqlCase.corpusCase.effect {
                Issue.record("\(sqlCase.corpusCase) (\(sqlCase.dialect?.rawValue ?? "any dialect")): expected \(sqlCase.corpusCase.effect), got \(facts.effect): \(facts.findings.map { "\($0.operation): \($0.reason)" })")
            }
        }
    }

    @Test func noDestructiveStatementPassesAsReadOrWrite() throws {
        for sqlCase in try Self.cases() where sqlCase.corpusCase.effect == .destructive {
            let effect = SQLClassifier.findings(for: sqlCase.corpusCase.input, dialect: sqlCase.dialect).effect
            #expect(effect == .destructive || effect == .unknown, "\(sqlCase.corpusCase)")
        }
    }

    /// Statements that change what later statements do: a rule `DO INSTEAD` on writes discards
    /// them (and names the table it rewrites), row-level security decides who sees which rows.
    @Test func rulesAndRowSecurityCarryTheirCategories() throws {
        let cases: [(String, Effect, Set<InterlockCore.Category>, [String])] = [
            ("CREATE RULE r AS ON INSERT TO app.orders DO INSTEAD NOTHING", .destructive, [.dataLoss], ["r", "app.orders"]),
            ("CREATE RULE r AS ON INSERT TO orders DO ALSO NOTIFY orders", .write, [], ["r", "orders"]),
            ("CREATE RULE r AS ON SELECT TO v DO INSTEAD SELECT 1", .write, [], ["r", "v"]),
            ("ALTER TABLE accounts ENABLE ROW LEVEL SECURITY", .destructive, [.permissionChange], ["accounts"]),
            ("ALTER TABLE accounts DISABLE ROW LEVEL SECURITY", .destructive, [.permissionChange], ["accounts"]),
            ("ALTER TABLE accounts NO FORCE ROW LEVEL SECURITY", .destructive, [.permissionChange], ["accounts"]),
        ]
        for (sql, effect, categories, targets) in cases {
            let facts = SQLClassifier.findings(for: sql, dialect: .postgresql)
            #expect(facts.effect == effect, "\(sql)")
            #expect(facts.categories == categories, "\(sql)")
            #expect(facts.targets == targets, "\(sql)")
        }
    }

    /// Reading a catalog table that holds credentials hands them to the caller, wherever in the
    /// statement the table is named; the name in a string, a comment or a plain `EXPLAIN` is not
    /// a read of it.
    @Test func catalogCredentialsReadAreCredentialsIssued() {
        let issued: [(String, SQLDialect)] = [
            ("SELECT usename, passwd FROM pg_shadow", .postgresql),
            ("SELECT * FROM (SELECT rolpassword FROM pg_authid) x", .postgresql),
            ("WITH a AS (SELECT * FROM pg_catalog.pg_authid) SELECT * FROM a", .postgresql),
            ("COPY pg_authid TO STDOUT", .postgresql),
            ("SELECT srvname, umoptions FROM pg_user_mappings", .postgresql),
            ("SELECT user, authentication_string FROM mysql.user", .mysql),
            ("SELECT * FROM `mysql`.`global_priv`", .mysql),
        ]
        for (sql, dialect) in issued {
            #expect(SQLClassifier.findings(for: sql, dialect: dialect).categories.contains(.credentialIssue), "\(sql)")
        }
        let notIssued: [(String, SQLDialect)] = [
            ("SELECT 'pg_authid' AS name", .postgresql), ("SELECT * FROM users -- pg_authid", .postgresql),
            ("EXPLAIN SELECT * FROM pg_authid", .postgresql), ("SELECT * FROM user", .mysql), ("SELECT * FROM app.user", .mysql),
        ]
        for (sql, dialect) in notIssued {
            #expect(!SQLClassifier.findings(for: sql, dialect: dialect).categories.contains(.credentialIssue), "\(sql)")
        }
    }

    /// An upsert whose rows come from a query can overwrite as many existing rows as the query
    /// returns; one whose rows are written out touches those rows only. The source is the first
    /// of `VALUES`/`SET`/`SELECT`/`WITH` in the statement, so `VALUES(col)` in the update clause
    /// of an `INSERT … SELECT` does not make it a list of rows.
    @Test func upsertsFromAQueryOverwriteUnboundedRows() throws {
        let cases: [(String, SQLDialect, Effect)] = [
            ("INSERT INTO t SELECT * FROM s ON DUPLICATE KEY UPDATE a = VALUES(a)", .mysql, .destructive),
            ("INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = (SELECT max(a) FROM s)", .mysql, .write),
            ("INSERT INTO t SET a = 1 ON DUPLICATE KEY UPDATE a = 2", .mysql, .write),
            ("REPLACE INTO t SELECT * FROM s", .mysql, .destructive),
            ("REPLACE INTO t VALUES (1)", .mysql, .write),
            ("INSERT INTO t (SELECT * FROM s) ON CONFLICT (id) DO UPDATE SET a = 0", .postgresql, .destructive),
            ("WITH x AS (SELECT * FROM s) INSERT INTO t SELECT * FROM x ON CONFLICT (id) DO UPDATE SET a = 0", .postgresql, .destructive),
            ("INSERT INTO t SELECT * FROM s ON CONFLICT (id) DO NOTHING", .postgresql, .write),
            ("INSERT INTO t DEFAULT VALUES ON CONFLICT (id) DO UPDATE SET a = 0", .postgresql, .write),
            ("INSERT OR REPLACE INTO t SELECT * FROM s", .sqlite, .destructive),
            ("INSERT INTO t SELECT * FROM s", .sqlite, .write),
        ]
        for (sql, dialect, effect) in cases {
            let facts = SQLClassifier.findings(for: sql, dialect: dialect)
            #expect(facts.effect == effect, "\(sql)")
            #expect(facts.targets.contains("t"), "\(sql)")
            #expect(facts.categories.contains(.dataLoss) == (effect == .destructive), "\(sql)")
        }
    }

    /// Statement splitting and statement kinds agree with PostgreSQL's own parser on every
    /// PostgreSQL case (`sql-postgres.jsonl`, written by `scripts/sql_differential.py` with pglast).
    @Test func agreesWithPostgres() throws {
        let cases = try Self.cases()
        let byLine = Dictionary(uniqueKeysWithValues: cases.map { ($0.corpusCase.line, $0) })
        let text = try String(contentsOf: Corpus.url("sql-postgres.jsonl"), encoding: .utf8)
        var compared = 0
        for line in text.split(separator: "\n") {
            let record = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let number = try #require(record["line"] as? Int)
            let sqlCase = try #require(byLine[number], "sql.jsonl:\(number) is not in the corpus; regenerate sql-postgres.jsonl")
            guard let statements = record["statements"] as? [[String: Any]] else {
                // PostgreSQL rejects the text; Interlock must not call it a read or a write.
                let effect = SQLClassifier.findings(for: sqlCase.corpusCase.input, dialect: .postgresql).effect
                #expect(effect == .unknown || effect == .destructive, "\(sqlCase.corpusCase): PostgreSQL rejects it, Interlock says \(effect)")
                continue
            }
            let ours = try SQLStatement.parse(sqlCase.corpusCase.input, dialect: .postgresql)
            let theirs = statements.map { (($0["node"] as? String) ?? "", ($0["location"] as? Int) ?? -1) }
            #expect(ours.count == theirs.count, "\(sqlCase.corpusCase): \(ours.count) statements, PostgreSQL finds \(theirs.count)")
            for (mine, (node, location)) in zip(ours, theirs) {
                #expect(mine.postgresNode == node, "\(sqlCase.corpusCase): statement at \(location) is \(mine.postgresNode ?? mine.kind), PostgreSQL says \(node)")
                #expect(mine.offset == location, "\(sqlCase.corpusCase): statement starts at \(mine.offset), PostgreSQL says \(location)")
            }
            compared += 1
        }
        #expect(compared >= 200)
    }
}
