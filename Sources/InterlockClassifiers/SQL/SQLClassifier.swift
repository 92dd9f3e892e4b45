import InterlockCore
import InterlockSyntax

/// Classifies SQL text: each statement's effect, operations and targets; a text takes the worst
/// of its statements. When the dialect is unknown and the dialects would split the text
/// differently, every reading is classified and the worst wins: what runs depends on a server
/// setting Interlock cannot see.
public struct SQLClassifier: ActionClassifier {
    public init() {}

    public func classify(_ action: Action) -> Classification? {
        guard case .sql(let input) = action.input else { return nil }
        let dialect = input.dialect.flatMap(SQLDialect.init(name:))
        if input.dialect != nil && dialect == nil {
            return .unknown(operation: "sql:unknown_dialect", reason: "the SQL dialect `\(input.dialect!)` is not one Interlock reads")
        }
        return Self.findings(for: input.text, dialect: dialect)
    }

    /// Classifies `text` under `dialect`, or under every dialect that could split it differently when nil.
    public static func findings(for text: String, dialect: SQLDialect?) -> Classification {
        if let dialect { return classify(text, dialect: dialect) }
        // SQL Server's reading first: its statements need no `;` between them, so a text that
        // another server refuses (`SELECT 1 DROP TABLE t`) may run there.
        var worst = transactSQL(text)
        // Backslashes, `#`, double quotes, backticks, brackets and `$` are where the dialects part ways.
        let ambiguous = text.utf8.contains { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "`") || $0 == UInt8(ascii: "$") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "-") }
        let postgres = classify(text, dialect: .postgresql)
        if postgres.effect >= worst.effect { worst = postgres }
        guard ambiguous else { return worst }
        for other in [SQLDialect.mysql, .sqlite] {
            let reading = classify(text, dialect: other)
            if reading.effect > worst.effect { worst = reading }
        }
        return worst
    }

    static func classify(_ text: String, dialect: SQLDialect) -> Classification {
        let statements: [SQLStatement]
        do {
            statements = try SQLStatement.parse(text, dialect: dialect)
        } catch {
            return .unknown(operation: "sql:unparseable", reason: "the SQL cannot be read (\(error.message)); its effect is unknown")
        }
        guard !statements.isEmpty else {
            return Classification(findings: [Finding(operation: "sql:empty", effect: .read, reason: "the SQL text holds no statement")])
        }
        var findings: [Finding] = []
        for statement in statements { findings.append(contentsOf: Self.findings(for: statement)) }
        return Classification(findings: findings)
    }

    /// Transact-SQL (SQL Server, through `sqlcmd`), where statements need no `;` between them:
    /// `SELECT 1 DROP TABLE t` is two statements there. Each statement is cut again before every
    /// word that starts one (`DELETE`, `DROP`, `EXEC` …) outside parentheses, unless the word
    /// before makes it part of a clause (`ON DELETE`, `FOR UPDATE`, `THEN INSERT`, `GRANT
    /// DELETE`, `AFTER INSERT, UPDATE`, `DO UPDATE`, a CTE's statement). A cut in the wrong
    /// place can only add a statement, and what cannot be read is unknown, so a clause mistaken
    /// for a statement makes the text dearer, never cheaper. Lexed as PostgreSQL: `'…'` strings with doubled quotes, `"…"` and
    /// `[…]` names, `--` and `/* */` comments, and `#` (temporary tables) not a comment.
    public static func transactSQL(_ text: String) -> Classification {
        let statements: [[SQLToken]]
        do {
            statements = try SQLLexer.statements(text, dialect: .postgresql)
        } catch {
            return .unknown(operation: "sql:unparseable", reason: "the SQL cannot be read (\(error.message)); its effect is unknown")
        }
        var findings: [Finding] = []
        for tokens in statements {
            var start = 0
            var depth = 0
            for (index, token) in tokens.enumerated() {
                if token.kind == .symbol {
                    if token.text == "(" { depth += 1 } else if token.text == ")" { depth -= 1 }
                    continue
                }
                guard index > start, depth == 0, token.kind == .word, transactSQLStatementWords.contains(token.text) else { continue }
                let previous = tokens[index - 1]
                if previous.kind == .symbol && previous.text == "," || previous.kind == .word && transactSQLClauseWords.contains(previous.text) { continue }
                let next = index + 1 < tokens.count && tokens[index + 1].kind == .word ? tokens[index + 1].text : ""
                // PostgreSQL's `… EXECUTE FUNCTION f()` ends a trigger; `ALTER [COLUMN] c …` is a
                // clause of the `ALTER TABLE` it is in.
                if token.text.hasPrefix("exec"), next == "function" || next == "procedure" { continue }
                if token.text == "alter", tokens[start].text == "alter", !transactSQLAlteredObjects.contains(next) { continue }
                // `WITH cte AS (…) INSERT …`: the statement the common table expressions belong to.
                if tokens[start].text == "with", previous.kind == .symbol, previous.text == ")" { continue }
                findings.append(contentsOf: Self.findings(for: SQLStatement.analyze(Array(tokens[start..<index]), dialect: .postgresql)))
                start = index
            }
            findings.append(contentsOf: Self.findings(for: SQLStatement.analyze(Array(tokens[start...]), dialect: .postgresql)))
        }
        guard !findings.isEmpty else {
            return Classification(findings: [Finding(operation: "sql:empty", effect: .read, reason: "the SQL text holds no statement")])
        }
        return Classification(findings: findings)
    }

    /// Words that begin a Transact-SQL statement that changes something.
    static let transactSQLStatementWords: Set<String> = [
        "delete", "drop", "truncate", "update", "insert", "merge", "alter", "create", "grant", "revoke", "deny", "exec", "execute", "backup",
        "restore", "dbcc", "shutdown", "kill", "bulk", "reconfigure",
    ]

    /// What an `ALTER` statement alters, as opposed to a column in an `ALTER TABLE`.
    static let transactSQLAlteredObjects: Set<String> = [
        "table", "database", "schema", "view", "procedure", "proc", "function", "login", "user", "role", "index", "trigger", "authorization",
        "server", "availability", "endpoint", "sequence", "synonym", "type", "assembly", "certificate", "credential",
    ]

    /// Words after which a statement word is part of a clause, not a statement of its own.
    static let transactSQLClauseWords: Set<String> = ["on", "for", "then", "after", "instead", "of", "grant", "revoke", "deny", "with", "not", "do"]

    /// The groups of statement kinds that classify alike. Looked up in a dictionary, not a
    /// `switch` over strings, which Swift compares case by case.
    enum KindGroup {
        case select, readsNothingChanged, set, protectionOff, explain, insert, replace, update, merge, delete, truncate, drop,
            permissions, alter, routine, create, copy, loadData, opaque, prepare, declare, maintenance, stops
    }

    static let kindGroups: [String: KindGroup] = [
        "select": .select, "show": .readsNothingChanged, "describe": .readsNothingChanged, "pragma": .readsNothingChanged,
        "transaction": .readsNothingChanged, "listen": .readsNothingChanged, "discard": .readsNothingChanged,
        "set_role": .readsNothingChanged, "use": .readsNothingChanged, "fetch": .readsNothingChanged,
        "close": .readsNothingChanged, "reset": .readsNothingChanged, "set": .set, "explain": .explain, "insert": .insert,
        "replace": .replace, "update": .update, "merge": .merge, "delete": .delete, "truncate": .truncate,
        "grant": .permissions, "revoke": .permissions, "create_role": .permissions, "alter_role": .permissions,
        "alter_user": .permissions, "alter_group": .permissions, "reassign_owned": .permissions,
        "alter_default_privileges": .permissions, "create_user_mapping": .permissions, "create_policy": .permissions,
        "alter_policy": .permissions, "create_function": .routine, "create_procedure": .routine, "create_aggregate_function": .routine,
        "set_password": .permissions, "set_default_role": .permissions, "create_trigger": .routine, "create_event": .routine,
        "create_rule": .routine, "copy": .copy, "load_data": .loadData, "do": .opaque, "call": .opaque, "execute": .opaque,
        "load": .opaque, "prepare_dynamic": .opaque, "prepare": .prepare, "declare": .declare, "vacuum": .maintenance,
        "analyze": .maintenance, "reindex": .maintenance, "cluster": .maintenance, "checkpoint": .maintenance,
        "lock": .maintenance, "notify": .maintenance, "comment": .maintenance, "refresh": .maintenance,
        "attach": .maintenance, "detach": .maintenance, "rename": .maintenance, "flush": .maintenance,
        "optimize": .maintenance, "repair": .maintenance, "import": .maintenance, "pragma_set": .maintenance,
        "handler": .maintenance, "check": .maintenance, "checksum": .maintenance, "install": .opaque,
        "uninstall": .protectionOff, "reset_binary_logs": .protectionOff, "purge_binary_logs": .protectionOff, "reset_replica": .protectionOff, "reset_persist": .maintenance, "kill": .stops, "shutdown": .stops,
    ]

    /// The kind's group; the `drop_`, `alter_` and `create_` kinds not listed go by their prefix.
    static func group(of kind: String) -> KindGroup? {
        if let group = kindGroups[kind] { return group }
        if kind.hasPrefix("drop_") { return .drop }
        if kind.hasPrefix("alter_") { return .alter }
        if kind.hasPrefix("create_") { return .create }
        return nil
    }

    /// The findings for one statement, including the statements it runs (CTEs, EXPLAIN ANALYZE).
    static func findings(for statement: SQLStatement) -> [Finding] {
        var out: [Finding] = []
        let kind = statement.kind
        let op = "sql:" + kind
        let targets = statement.targets
        let named = targets.isEmpty ? "" : " " + targets.map { "`\($0)`" }.joined(separator: ", ")
        func add(_ effect: Effect, _ categories: Set<Category> = [], _ reason: String, operation: String? = nil, radius: BlastRadius? = nil) {
            out.append(Finding(operation: operation ?? op, effect: effect, targets: targets, blastRadius: radius, categories: categories, reason: reason))
        }
        if let function = statement.unknownFunctions.first {
            let others = statement.unknownFunctions.count > 1 ? " (and \(statement.unknownFunctions.count - 1) more)" : ""
            out.append(Finding(operation: "sql:unknown_function", effect: .unknown, targets: targets, targetsComplete: false, categories: [.opaqueExecution],
                               reason: "the statement calls `\(function)`\(others), which is not a known built-in; a user-defined function may change data"))
        }
        // Whatever else the statement does, what it reads from these reaches the caller.
        if statement.flags.contains(.namesCredentials), Self.group(of: kind) != .explain || statement.flags.contains(.explainRuns) {
            out.append(Finding(operation: "sql:read_credentials", effect: .read, targets: targets, categories: [.credentialIssue],
                               reason: "the statement reads a catalog table that holds the server's password hashes or the passwords it uses elsewhere (`pg_authid`, `pg_shadow`, user mappings, `mysql.user`)"))
        }
        switch Self.group(of: kind) {
        case .select?:
            if statement.flags.contains(.sideEffectFunction) {
                add(.destructive, [], "the query calls a server function with side effects (terminating sessions, unlinking objects, changing settings)", operation: "sql:side_effect_function")
            } else if statement.flags.contains(.serverFile) {
                add(.write, [], "`SELECT ... INTO OUTFILE` writes a file on the database server")
            } else if statement.flags.contains(.selectWrites) {
                add(.write, [], "the query creates a table (`SELECT INTO`) or locks rows (`FOR UPDATE`)")
            } else {
                add(.read, [], "reads\(named.isEmpty ? "" : " from" + named)")
            }
        case .readsNothingChanged?:
            add(.read, [], "`\(kind)` does not change data")
        case .set?:
            if statement.flags.contains(.loggingOff) {
                add(.destructive, [.protectionOff], "`SET` turns off the binary log, the query log or triggers for this session: its later changes escape replicas, point-in-time recovery, audit triggers or foreign-key actions")
            } else if statement.flags.contains(.global) {
                // As `ALTER SYSTEM` is: `read_only = ON`, `max_connections = 1` or
                // `offline_mode = ON` stop the applications at once.
                add(.destructive, [], "`SET GLOBAL`/`PERSIST` changes the running server's settings for every session: `read_only`, `max_connections` or `offline_mode` can stop the applications")
            } else if statement.flags.contains(.checksOff) {
                add(.write, [], "`SET` turns off foreign-key or unique checks for this session's later statements")
            } else {
                add(.read, [], "`SET` changes only this session")
            }
        case .explain?:
            if statement.flags.contains(.explainRuns) {
                let innerFindings = statement.inner.flatMap(findings(for:))
                let innerEffect = Effect.worst(innerFindings.map(\.effect))
                if innerEffect == .read {
                    add(.read, [], "`EXPLAIN ANALYZE` runs a query that only reads")
                } else {
                    out.append(contentsOf: innerFindings)
                    add(innerEffect, [], "`EXPLAIN ANALYZE` runs the statement it explains")
                }
            } else {
                add(.read, [], "`EXPLAIN` only plans the statement")
            }
            return out
        case .insert?, .replace?:
            if statement.flags.contains(.overwritesFromQuery) {
                add(.destructive, [.dataLoss], "inserts the rows of a query into\(named), replacing or updating every existing row one of them collides with: as many as the query returns", radius: .unknown)
            } else if kind == "replace" {
                add(.write, [], "`REPLACE` inserts rows, deleting conflicting ones in\(named)")
            } else if statement.flags.contains(.dropsPart) {
                add(.write, [], "`INSERT OR REPLACE` inserts rows, replacing conflicting ones in\(named)")
            } else {
                add(.write, [], "inserts rows into\(named)")
            }
        case .update?:
            switch statement.whereClause {
            case .restricting: add(.write, [], "updates rows of\(named) that match its WHERE clause")
            case .absent: add(.destructive, [.dataLoss], "updates every row of\(named): there is no WHERE clause", radius: .unknown)
            case .alwaysTrue: add(.destructive, [.dataLoss], "updates every row of\(named): the WHERE clause is always true", radius: .unknown)
            }
        case .merge?:
            if statement.flags.contains(.mergeDeletes) {
                add(.destructive, [.dataLoss], "`MERGE ... THEN DELETE` deletes rows of\(named)")
            } else {
                add(.write, [], "merges rows into\(named)")
            }
        case .delete?:
            let every = statement.whereClause != .restricting
            add(.destructive, [.dataLoss], every ? "deletes every row of\(named)" : "deletes rows of\(named)", radius: every ? .unknown : nil)
        case .truncate?:
            add(.destructive, [.dataLoss], "empties\(named)")
        case .drop?:
            let object = String(kind.dropFirst(5)).replacing("_", with: " ")
            var categories: Set<Category> = [.dataLoss]
            if ["database", "schema", "owned"].contains(object) { categories.insert(.teardown) }
            if ["role", "user", "group", "owned", "policy"].contains(object) { categories.insert(.permissionChange) }
            add(.destructive, categories, "drops the \(object)\(named)\(statement.flags.contains(.cascade) ? " and everything that depends on it (CASCADE)" : "")",
                radius: statement.flags.contains(.cascade) ? .unknown : nil)
        case .permissions?:
            add(.destructive, [.permissionChange], "changes who may do what (`\(kind.replacing("_", with: " ").uppercased())`)")
        case .alter?:
            if statement.flags.contains(.discardsRows) {
                add(.destructive, [.dataLoss], "`ENGINE = BLACKHOLE` discards every row of\(named)", radius: .unknown)
            } else if statement.flags.contains(.volatileStorage) {
                add(.destructive, [.protectionOff], "`ENGINE = MEMORY` keeps the rows of\(named) in memory only: every one is lost when the server restarts")
            } else if statement.flags.contains(.loggingOff) {
                add(.destructive, [.protectionOff], "changes to\(named) stop reaching the log, replicas or triggers (`SET UNLOGGED`, or a setting such as `session_replication_role` for every later session)")
            } else if statement.flags.contains(.ownerChange) {
                add(.destructive, [.permissionChange], "`OWNER TO` hands\(named) and every right over it to another role")
            } else if statement.flags.contains(.rowSecurityOff) {
                add(.destructive, [.permissionChange], "turns off row-level security for\(named): its policies no longer limit which rows roles see and change")
            } else if statement.flags.contains(.rowSecurityOn) {
                add(.destructive, [.permissionChange], "turns on row-level security for\(named): every role but the owner now sees and changes only the rows a policy allows, and with no policy none")
            } else if statement.flags.contains(.dropsPart) {
                add(.destructive, [.dataLoss], "`ALTER` drops, deletes or disables part of\(named)")
            } else if statement.flags.contains(.global) {
                add(.destructive, [.protectionOff], "`ALTER SYSTEM` changes the server's configuration")
            } else if statement.flags.contains(.changesType) {
                add(.destructive, [.dataLoss], "changes a column's type in\(named): stored values are converted, which can lose precision or text (MySQL truncates outside strict mode), and the table is rewritten under an exclusive lock")
            } else if statement.flags.contains(.renamesInUse) {
                add(.destructive, [], "renames\(named)\(kind == "alter_table" ? " or one of its columns" : ""): every query and program still using the old name fails")
            } else if statement.flags.contains(.restartsSequence) {
                add(.destructive, [], "restarts the sequence\(named): the numbers it hands out start over, so new rows collide with (or duplicate) the keys of existing ones")
            } else if statement.flags.contains(.refusesConnections) {
                add(.destructive, [], "lets no new session connect to\(named), the applications' included")
            } else if statement.flags.contains(.bodyDestroys) {
                add(.destructive, [], "gives\(named) a body that deletes, drops or changes permissions when it runs")
            } else {
                add(.write, [], "changes the definition of\(named)")
            }
        case .routine?:
            if statement.flags.contains(.nativeCode) {
                out.append(Finding(operation: op, effect: .unknown, targets: targets, targetsComplete: false, categories: [.opaqueExecution],
                                   reason: "defines a routine in native code (`SONAME`, `LANGUAGE C`) that the database server loads into itself"))
            } else if statement.flags.contains(.discardsRows) {
                add(.destructive, [.dataLoss], "the rule puts its own action, or nothing, in place of every later change of its kind to\(named): those changes are discarded")
            } else if statement.flags.contains(.bodyDestroys) {
                add(.destructive, [], "defines a routine or trigger whose body deletes, drops or changes permissions when it runs")
            } else {
                add(.write, [], "defines\(named)")
            }
        case .create?:
            if statement.flags.contains(.discardsRows) {
                add(.destructive, [.dataLoss], "`CREATE OR REPLACE TABLE` drops\(named.isEmpty ? " the table" : named) first, rows and all", radius: .unknown)
            } else {
                add(.write, [], "creates\(named.isEmpty ? " an object" : named)")
            }
        case .copy?:
            if statement.flags.contains(.runsProgram) {
                out.append(Finding(operation: "sql:copy_program", effect: .unknown, targets: targets, targetsComplete: false, categories: [.opaqueExecution], reason: "`COPY ... PROGRAM` runs a shell command on the database server"))
            } else if statement.flags.contains(.loadsRows) {
                add(.write, [], "loads rows into\(named)")
            } else if statement.flags.contains(.serverFile) {
                // PostgreSQL's `COPY … TO 'file'` creates or truncates the file, whatever it held:
                // a data file, `pg_hba.conf`, `postgresql.auto.conf`.
                add(.destructive, [], "`COPY … TO` a file on the database server replaces that file's contents, whatever it held (data files and configuration included)")
            } else {
                add(.read, [], "copies rows out")
            }
        case .loadData?:
            if statement.flags.contains(.overwritesFromQuery) {
                add(.destructive, [.dataLoss], "`LOAD DATA … REPLACE` loads a file into\(named), replacing every existing row one of its rows collides with", radius: .unknown)
            } else {
                add(.write, [], "loads rows from a file")
            }
        case .opaque?:
            out.append(Finding(operation: op, effect: .unknown, targetsComplete: false, categories: [.opaqueExecution], reason: "`\(kind.uppercased())` runs code whose effect cannot be read from the statement"))
        case .prepare?:
            // The prepared statement runs on EXECUTE; judge it now, as if it ran.
            let inner = statement.inner.flatMap(findings(for:))
            out.append(contentsOf: inner)
            if inner.isEmpty { add(.unknown, [], "`PREPARE` of a statement Interlock cannot read") }
            return out
        case .declare?:
            out.append(contentsOf: statement.inner.flatMap(findings(for:)))
            if out.isEmpty { add(.read, [], "declares a cursor") }
            return out
        case .maintenance?:
            if statement.flags.contains(.renamesInUse) {
                add(.destructive, [], "`RENAME TABLE` renames\(named): every query and program still using the old name fails")
            } else if kind == "check" || kind == "checksum" || kind == "handler" {
                add(.read, [], "`\(kind.uppercased())` only reads")
            } else {
                add(.write, [], "`\(kind.uppercased().replacing("_", with: " "))` changes the database's state\(named)")
            }
        case .protectionOff?:
            let reason = switch kind {
            case "reset_binary_logs": "`RESET MASTER` deletes every binary log: no point-in-time recovery, and replicas that have not caught up cannot"
            case "purge_binary_logs": "`PURGE BINARY LOGS` deletes binary logs: no point-in-time recovery before what is left, and replicas that still need them break"
            case "reset_replica": "`RESET REPLICA` makes this server forget where replication stood"
            default: "`UNINSTALL` removes a server plugin or component (audit log, password validation, authentication)"
            }
            add(.destructive, [.protectionOff], reason)
        case .stops?:
            add(.destructive, [], "`\(kind.uppercased())` stops sessions or the server")
        default:
            out.append(Finding(operation: "sql:unrecognized", effect: .unknown, targetsComplete: false, reason: "the statement is not SQL Interlock recognises; its effect is unknown"))
        }
        // Statements the main one runs: data-modifying CTEs, subqueries of COPY.
        for inner in statement.inner {
            let innerFindings = findings(for: inner)
            if innerFindings.contains(where: { $0.effect != .read }) {
                out.append(contentsOf: innerFindings.map { finding in
                    var f = finding
                    f.reason = "in a WITH clause: " + f.reason
                    return f
                })
            }
        }
        return out
    }
}
