/// What one SQL statement is, read from its tokens: the verb and object, the tables and other
/// objects it names, and the properties that decide its effect (a `WHERE` that restricts, a
/// data-modifying CTE, `COPY ... PROGRAM`). Facts only; `InterlockClassifiers` turns them into effects.
public struct SQLStatement: Sendable, Hashable {
    /// A verb and, where the verb alone says too little, its object: `select`, `delete`, `drop_table`,
    /// `alter_table`, `create_role`, `grant`. `unrecognized` when the first word is not SQL we know.
    public var kind: String
    /// The node PostgreSQL's own parser produces for this statement (`DeleteStmt`), for the
    /// differential test against it; nil when the statement is not PostgreSQL.
    public var postgresNode: String?
    /// Byte offset of the statement's first token in the text.
    public var offset: Int
    /// Tables, schemas, databases, roles named as the objects acted on.
    public var targets: [String]
    public var whereClause: WhereClause
    /// For `EXPLAIN ANALYZE` and `PREPARE`, and for the statements inside CTEs, trigger bodies and
    /// routine bodies: the statements that really run.
    public var inner: [SQLStatement]
    public var flags: Flags

    public enum WhereClause: String, Sendable, Hashable {
        /// No `WHERE` at all.
        case absent
        /// A `WHERE` that holds for every row: `WHERE 1=1`, `WHERE true`, `WHERE 'a' = 'a' OR ...`.
        case alwaysTrue
        case restricting
    }

    /// Properties that decide a statement's effect, as a bit set: no allocation, no hashing.
    public struct Flags: OptionSet, Sendable, Hashable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// `DROP ... IF EXISTS`, `CASCADE`: reaches further than the objects named.
        public static let cascade = Flags(rawValue: 1 << 0)
        /// `COPY ... PROGRAM`: runs a shell command on the database server.
        public static let runsProgram = Flags(rawValue: 1 << 1)
        /// `COPY ... TO 'file'` or `FROM 'file'`: reads or writes a file on the server.
        public static let serverFile = Flags(rawValue: 1 << 2)
        /// `COPY ... FROM` / `LOAD DATA`: brings rows in.
        public static let loadsRows = Flags(rawValue: 1 << 3)
        /// `SELECT ... INTO table` or `FOR UPDATE`: a query that writes or locks.
        public static let selectWrites = Flags(rawValue: 1 << 4)
        /// The statement calls a server function with side effects (`pg_terminate_backend`, `lo_unlink`).
        public static let sideEffectFunction = Flags(rawValue: 1 << 5)
        /// `ANALYZE` inside `EXPLAIN`: the explained statement runs.
        public static let explainRuns = Flags(rawValue: 1 << 6)
        /// `DELETE` inside a `MERGE`.
        public static let mergeDeletes = Flags(rawValue: 1 << 7)
        /// The statement applies to the whole server or database (`ALTER SYSTEM`, `SET GLOBAL`).
        public static let global = Flags(rawValue: 1 << 8)
        /// `ALTER TABLE ... DROP`, `ALTER ... DISABLE TRIGGER`, and their kin.
        public static let dropsPart = Flags(rawValue: 1 << 9)
        /// `ALTER ... OWNER TO`: hands the object, and every right over it, to another role.
        public static let ownerChange = Flags(rawValue: 1 << 10)
        /// A routine or trigger whose body deletes, drops, truncates or changes permissions when it runs.
        public static let bodyDestroys = Flags(rawValue: 1 << 11)
        /// A routine that is native code loaded into the server process (`SONAME`, `LANGUAGE C`).
        public static let nativeCode = Flags(rawValue: 1 << 12)
        /// Later changes escape the server's log, replicas or triggers: `SET sql_log_bin = 0`,
        /// `SET sql_log_off = 1`, `SET session_replication_role = replica`, `ALTER TABLE ... SET UNLOGGED`.
        public static let loggingOff = Flags(rawValue: 1 << 13)
        /// Later statements of the session skip integrity checks: `SET foreign_key_checks = 0`.
        public static let checksOff = Flags(rawValue: 1 << 14)
        /// `ALTER TABLE ... ENGINE = BLACKHOLE`: the table's rows are discarded; `CREATE RULE ... ON
        /// INSERT|UPDATE|DELETE ... DO INSTEAD`: later changes of that kind are.
        public static let discardsRows = Flags(rawValue: 1 << 15)
        /// A column's type changes (`ALTER COLUMN c TYPE`, MySQL `MODIFY`/`CHANGE`, `CONVERT TO
        /// CHARACTER SET`): values are converted, possibly with loss, and the table rewritten.
        public static let changesType = Flags(rawValue: 1 << 16)
        /// A table or column gets a new name (`RENAME TO`, `RENAME COLUMN`, MySQL `RENAME TABLE` and
        /// `CHANGE old new`): whatever still uses the old name fails.
        public static let renamesInUse = Flags(rawValue: 1 << 17)
        /// `ALTER TABLE ... ENABLE|FORCE ROW LEVEL SECURITY`: which rows each role may see or change
        /// is now up to the table's policies (with none, nothing, for every role but the owner).
        public static let rowSecurityOn = Flags(rawValue: 1 << 18)
        /// `ALTER TABLE ... DISABLE ROW LEVEL SECURITY`, `NO FORCE ROW LEVEL SECURITY`: the table's
        /// policies stop limiting roles (all of them, or the owner) to some rows.
        public static let rowSecurityOff = Flags(rawValue: 1 << 19)
        /// `INSERT … SELECT` that replaces or updates the rows it collides with (`REPLACE`,
        /// `ON DUPLICATE KEY UPDATE`, `ON CONFLICT DO UPDATE`): as many existing rows as the query
        /// returns can be overwritten.
        public static let overwritesFromQuery = Flags(rawValue: 1 << 20)
        /// `ALTER SEQUENCE … RESTART`: the numbers it hands out start over, so the next inserts
        /// collide with existing keys (or, without a unique key, duplicate them).
        public static let restartsSequence = Flags(rawValue: 1 << 21)
        /// `ALTER DATABASE … CONNECTION LIMIT 0` or `ALLOW_CONNECTIONS false`: no new session may
        /// connect, the applications' included.
        public static let refusesConnections = Flags(rawValue: 1 << 22)
        /// MySQL `ALTER TABLE … ENGINE = MEMORY`: the rows live only in memory from then on.
        public static let volatileStorage = Flags(rawValue: 1 << 23)
        /// The statement names a catalog table that holds credentials, anywhere in it (a subquery,
        /// a CTE, a join): PostgreSQL's `pg_authid`, `pg_shadow`, user mappings; MySQL's `mysql.user`.
        public static let namesCredentials = Flags(rawValue: 1 << 24)
    }

    /// Functions the statement calls that are neither known read-only built-ins nor known side
    /// effects, in order (`schema.name` when qualified): user-defined functions, which may do anything.
    public var unknownFunctions: [String] = []


    /// Functions whose call from a `SELECT` changes the server.
    public static let sideEffectFunctions: Set<String> = [
        "pg_terminate_backend", "pg_cancel_backend", "pg_drop_replication_slot", "lo_unlink", "pg_reload_conf",
        "pg_rotate_logfile", "set_config", "setval", "nextval", "dblink_exec", "pg_file_write", "pg_file_unlink",
        "pg_promote", "pg_switch_wal", "pg_create_restore_point", "pg_truncate", "load_file", "sys_exec", "sys_eval",
        "pg_advisory_lock", "lo_import", "lo_export", "pg_stat_reset",
    ]

    /// Reads every statement of `text`.
    public static func parse(_ text: String, dialect: SQLDialect) throws(SQLSyntaxError) -> [SQLStatement] {
        try SQLLexer.statements(text, dialect: dialect).map { analyze($0, dialect: dialect) }
    }

    /// Reads one statement from its tokens.
    public static func analyze(_ tokens: [SQLToken], dialect: SQLDialect) -> SQLStatement {
        var reader = StatementReader(tokens: tokens, dialect: dialect)
        return reader.read()
    }
}

/// A cursor over one statement's tokens.
private struct StatementReader {
    let tokens: [SQLToken]
    let dialect: SQLDialect
    var index = 0

    init(tokens: [SQLToken], dialect: SQLDialect) {
        self.tokens = tokens
        self.dialect = dialect
    }

    var offset: Int { tokens.first?.offset ?? 0 }

    func word(at i: Int) -> String? {
        guard i < tokens.count, tokens[i].kind == .word else { return nil }
        return tokens[i].text
    }
    func isWord(_ text: String, at i: Int) -> Bool { word(at: i) == text }
    func isSymbol(_ text: String, at i: Int) -> Bool { i < tokens.count && tokens[i].kind == .symbol && tokens[i].text == text }

    /// Index of the first top-level (parenthesis depth 0) word `text` at or after `start`.
    func topLevelWord(_ text: String, from start: Int) -> Int? {
        var depth = 0
        var i = start
        while i < tokens.count {
            let token = tokens[i]
            if token.kind == .symbol {
                if token.text == "(" { depth += 1 } else if token.text == ")" { depth -= 1 }
            } else if depth == 0, token.kind == .word, token.text == text {
                return i
            }
            i += 1
        }
        return nil
    }

    func containsWord(_ text: String, from start: Int = 0) -> Bool {
        var i = start
        while i < tokens.count {
            if tokens[i].kind == .word && tokens[i].text == text { return true }
            i += 1
        }
        return false
    }

    /// A possibly qualified name at `i` (`schema.table`, `"Quoted"."Name"`), and the index after it.
    func qualifiedName(at start: Int) -> (String, Int)? {
        var i = start
        var parts: [String] = []
        while i < tokens.count {
            let token = tokens[i]
            guard token.kind == .word || token.kind == .quotedIdentifier else { break }
            parts.append(token.text)
            i += 1
            if isSymbol(".", at: i) { i += 1 } else { break }
        }
        return parts.isEmpty ? nil : (parts.joined(separator: "."), i)
    }

    /// Names separated by commas from `start`, skipping the listed noise words.
    func nameList(from start: Int, skipping noise: [String] = []) -> [String] {
        var names: [String] = []
        var i = start
        while i < tokens.count {
            if let w = word(at: i), noise.contains(w) {
                i += 1
                continue
            }
            guard let (name, next) = qualifiedName(at: i) else { break }
            names.append(name)
            i = next
            // Skip an alias or a column list up to the next comma.
            var depth = 0
            while i < tokens.count {
                if isSymbol("(", at: i) { depth += 1 } else if isSymbol(")", at: i) { depth -= 1 } else if depth == 0, isSymbol(",", at: i) { break }
                if depth == 0, let w = word(at: i), Self.nameListEnds.contains(w) {
                    return names
                }
                i += 1
            }
            guard isSymbol(",", at: i) else { break }
            i += 1
        }
        return names
    }

    func make(_ kind: String, _ node: String?, targets: [String] = [], where whereClause: SQLStatement.WhereClause = .absent,
              inner: [SQLStatement] = [], flags: SQLStatement.Flags = [], functionsFrom callsStart: Int? = nil) -> SQLStatement {
        var flags = flags
        if namesCredentialTable() { flags.insert(.namesCredentials) }
        var unknownFunctions: [String] = []
        if let callsStart {
            let calls = functionCalls(from: callsStart)
            if calls.haveSideEffects { flags.insert(.sideEffectFunction) }
            unknownFunctions = calls.unknown
        }
        return SQLStatement(kind: kind, postgresNode: dialect == .postgresql ? node : nil, offset: offset, targets: targets,
                            whereClause: whereClause, inner: inner, flags: flags, unknownFunctions: unknownFunctions)
    }

    /// Whether any identifier of the statement is a catalog table that holds credentials. Only
    /// identifiers count, never string literals or comments.
    func namesCredentialTable() -> Bool {
        for (i, token) in tokens.enumerated() where token.kind == .word || token.kind == .quotedIdentifier {
            let bytes = token.text.utf8
            guard bytes.count >= 4, bytes.count <= 16, let first = bytes.first, first | 0x20 == UInt8(ascii: "p") || first | 0x20 == UInt8(ascii: "m") else { continue }
            let name = token.text.lowercased()
            if ["pg_authid", "pg_shadow", "pg_user_mapping", "pg_user_mappings"].contains(name) { return true }
            if name == "mysql", isSymbol(".", at: i + 1), i + 2 < tokens.count,
               ["user", "global_priv"].contains(tokens[i + 2].text.lowercased()) {
                return true
            }
        }
        return false
    }

    /// What a statement's first word makes it; other first words are not SQL Interlock reads.
    /// A dictionary, not a `switch` over strings: Swift compares a string `switch` case by case.
    enum Verb {
        case select, with, insert, update, delete, merge, truncate, drop, create, alter, grant, explain, describe,
            show, set, reset, pragma, transaction, copy, `do`, call, execute, prepare, deallocate, vacuum, analyze,
            reindex, cluster, checkpoint, lock, unlock, listen, unlisten, notify, discard, comment, refresh, load, use,
            attach, detach, rename, kill, shutdown, administration, security, `import`, reassign, fetch, close, declare, purge
    }

    static let verbs: [String: Verb] = [
        "select": .select, "values": .select, "table": .select, "with": .with, "insert": .insert, "replace": .insert,
        "upsert": .insert, "update": .update, "delete": .delete, "merge": .merge, "truncate": .truncate, "drop": .drop,
        "create": .create, "alter": .alter, "grant": .grant, "revoke": .grant, "explain": .explain, "describe": .describe,
        "desc": .describe, "show": .show, "set": .set, "reset": .reset, "pragma": .pragma, "begin": .transaction,
        "start": .transaction, "commit": .transaction, "end": .transaction, "rollback": .transaction, "savepoint": .transaction,
        "release": .transaction, "abort": .transaction, "copy": .copy, "do": .do, "call": .call, "execute": .execute,
        "exec": .execute, "prepare": .prepare, "deallocate": .deallocate, "vacuum": .vacuum, "analyze": .analyze,
        "analyse": .analyze, "reindex": .reindex, "cluster": .cluster, "checkpoint": .checkpoint, "lock": .lock,
        "unlock": .unlock, "listen": .listen, "unlisten": .unlisten, "notify": .notify, "discard": .discard, "comment": .comment,
        "refresh": .refresh, "load": .load, "use": .use, "attach": .attach, "detach": .detach, "rename": .rename, "kill": .kill,
        "shutdown": .shutdown, "flush": .administration, "optimize": .administration, "repair": .administration,
        "check": .administration, "checksum": .administration, "handler": .administration, "install": .administration,
        "uninstall": .administration, "security": .security, "import": .import, "reassign": .reassign, "fetch": .fetch,
        "move": .fetch, "close": .close, "declare": .declare, "purge": .purge,
    ]

    mutating func read() -> SQLStatement {
        guard let first = word(at: 0) else {
            if isSymbol("(", at: 0) {
                // `(SELECT ...) UNION (...)`
                return make("select", "SelectStmt", flags: selectFlags(from: 0), functionsFrom: 0)
            }
            return make("unrecognized", nil)
        }
        switch Self.verbs[first] {
        case .select?: return readSelect(from: 0)
        case .with?: return readWith()
        case .insert?:
            var targets: [String] = []
            if let into = topLevelWord("into", from: 1), let (name, _) = qualifiedName(at: into + 1) { targets = [name] }
            let kind = first == "replace" ? "replace" : "insert"
            var flags: SQLStatement.Flags = []
            let replaces = first == "replace" || isWord("or", at: 1) && isWord("replace", at: 2)
            if replaces { flags.insert(.dropsPart) }
            if replaces || updatesOnConflict(), rowsComeFromAQuery() { flags.insert(.overwritesFromQuery) }
            return make(kind, "InsertStmt", targets: targets, flags: flags, functionsFrom: 1)
        case .update?: return readUpdate()
        case .delete?:
            var start = 1
            if isWord("from", at: 1) { start = 2 }
            let targets = nameList(from: start, skipping: ["only", "low_priority", "quick", "ignore"])
            return make("delete", "DeleteStmt", targets: targets, where: whereClause(), functionsFrom: 1)
        case .merge?:
            var targets: [String] = []
            if isWord("into", at: 1), let (name, _) = qualifiedName(at: 2) { targets = [name] }
            var flags: SQLStatement.Flags = []
            if let then = topLevelWord("then", from: 1), containsDeleteAfterThen(then) { flags.insert(.mergeDeletes) }
            return make("merge", "MergeStmt", targets: targets, flags: flags)
        case .truncate?:
            let targets = nameList(from: 1, skipping: ["table", "only"])
            return make("truncate", "TruncateStmt", targets: targets, flags: containsWord("cascade") ? [.cascade] : [])
        case .drop?: return readDrop()
        case .create?: return readCreate()
        case .alter?: return readAlter()
        case .grant?:
            let onIndex = topLevelWord("on", from: 1)
            var targets: [String] = []
            if let on = onIndex {
                targets = nameList(from: on + 1, skipping: ["table", "schema", "database", "sequence", "function", "all", "tables", "in", "sequences", "functions", "procedure", "routine"])
            } else if let toOrFrom = topLevelWord(first == "grant" ? "to" : "from", from: 1) {
                targets = nameList(from: toOrFrom + 1)
            }
            return make(first, onIndex == nil && dialect == .postgresql ? "GrantRoleStmt" : "GrantStmt", targets: targets)
        case .explain?: return readExplain()
        case .describe?: return make("describe", nil)
        case .show?: return make("show", "VariableShowStmt")
        case .set?:
            if dialect != .postgresql, isWord("password", at: 1) {
                // `SET PASSWORD [FOR user] = ...` (MySQL): a credential changes.
                let user = topLevelWord("for", from: 2).flatMap { i in i + 1 < tokens.count ? tokens[i + 1].text : nil }
                return make("set_password", nil, targets: user.map { [$0] } ?? [])
            }
            if dialect != .postgresql, isWord("default", at: 1), isWord("role", at: 2) {
                return make("set_default_role", nil, targets: topLevelWord("to", from: 3).map { nameList(from: $0 + 1) } ?? [])
            }
            if isWord("role", at: 1) || (isWord("session", at: 1) && isWord("authorization", at: 2)) {
                return make("set_role", "VariableSetStmt")
            }
            if isWord("constraints", at: 1) { return make("set", "ConstraintsSetStmt") }
            return make("set", "VariableSetStmt", flags: settingFlags())
        case .reset?:
            // MySQL's `RESET MASTER` / `RESET BINARY LOGS AND GTIDS` delete every binary log;
            // `RESET REPLICA` / `SLAVE` forgets where replication stood; `RESET PERSIST` drops
            // persisted server settings. PostgreSQL's `RESET name` only resets a session setting.
            if dialect != .postgresql {
                if isWord("master", at: 1) || isWord("binary", at: 1) { return make("reset_binary_logs", nil) }
                if isWord("replica", at: 1) || isWord("slave", at: 1) { return make("reset_replica", nil) }
                if isWord("persist", at: 1) { return make("reset_persist", nil) }
            }
            return make("reset", "VariableSetStmt")
        case .pragma?:
            // `PRAGMA name = value` and `PRAGMA name(value)` set; the introspection pragmas take an
            // argument in parentheses and only read.
            let name = tokens.count > 1 ? tokens[tokens.count > 3 && isSymbol(".", at: 2) ? 3 : 1].text : ""
            if tokens.contains(where: { $0.kind == .symbol && $0.text == "=" }) { return make("pragma_set", nil) }
            if tokens.contains(where: { $0.kind == .symbol && $0.text == "(" }) && !Self.readingPragmas.contains(name) { return make("pragma_set", nil) }
            return make("pragma", nil)
        case .transaction?:
            if first == "start" && !isWord("transaction", at: 1) { return make("unrecognized", nil) }
            return make("transaction", "TransactionStmt")
        case .copy?: return readCopy()
        case .do?: return make("do", "DoStmt")
        case .call?: return make("call", "CallStmt")
        case .execute?: return make("execute", "ExecuteStmt")
        case .prepare?:
            if let asIndex = topLevelWord("as", from: 1) {
                let inner = SQLStatement.analyze(Array(tokens[(asIndex + 1)...]), dialect: dialect)
                return make("prepare", "PrepareStmt", inner: [inner])
            }
            if topLevelWord("from", from: 1) != nil {
                // MySQL `PREPARE s FROM 'text'`: the text is dynamic SQL.
                return make("execute", nil)
            }
            return make("prepare", "PrepareStmt")
        case .deallocate?: return make("transaction", "DeallocateStmt")
        case .vacuum?: return make("vacuum", "VacuumStmt")
        case .analyze?: return make("analyze", "VacuumStmt")
        case .reindex?: return make("reindex", "ReindexStmt")
        case .cluster?: return make("cluster", "ClusterStmt")
        case .checkpoint?: return make("checkpoint", "CheckPointStmt")
        case .lock?: return make("lock", "LockStmt", targets: nameList(from: 1, skipping: ["table", "tables", "only"]))
        case .unlock?: return make("lock", nil)
        case .listen?: return make("listen", "ListenStmt")
        case .unlisten?: return make("listen", "UnlistenStmt")
        case .notify?: return make("notify", "NotifyStmt")
        case .discard?: return make("discard", "DiscardStmt")
        case .comment?: return make("comment", "CommentStmt")
        case .refresh?: return make("refresh", "RefreshMatViewStmt")
        case .load?:
            if isWord("data", at: 1) {
                // `LOAD DATA … REPLACE INTO TABLE` replaces every row of the file's that collides with one stored.
                let into = topLevelWord("into", from: 2) ?? tokens.count
                let replaces = topLevelWord("replace", from: 2).map { $0 < into } ?? false
                return make("load_data", nil, flags: replaces ? [.loadsRows, .overwritesFromQuery] : [.loadsRows])
            }
            return make("load", "LoadStmt")
        case .purge?:
            // MySQL's `PURGE BINARY LOGS` (or `MASTER LOGS`) `TO '…'`/`BEFORE …` deletes binary logs.
            if dialect != .postgresql, isWord("binary", at: 1) || isWord("master", at: 1), isWord("logs", at: 2) { return make("purge_binary_logs", nil) }
            return make("unrecognized", nil)
        case .use?: return make("use", nil)
        case .attach?: return make("attach", nil)
        case .detach?: return make("detach", nil)
        case .rename?:
            // MySQL `RENAME TABLE a TO b` (and `RENAME USER`, a permission matter handled as rename too).
            var renamed = make("rename", nil, targets: nameList(from: 2))
            if isWord("table", at: 1) || isWord("tables", at: 1) { renamed.flags.insert(.renamesInUse) }
            return renamed
        case .kill?: return make("kill", nil)
        case .shutdown?: return make("shutdown", nil)
        case .administration?:
            return make(first, nil)
        case .security?: return make("comment", "SecLabelStmt")
        case .import?: return make("import", "ImportForeignSchemaStmt")
        case .reassign?: return make("reassign_owned", "ReassignOwnedStmt")
        case .fetch?: return make("fetch", "FetchStmt")
        case .close?: return make("close", "ClosePortalStmt")
        case .declare?: return make("declare", "DeclareCursorStmt", inner: declaredQuery())
        default: return make("unrecognized", nil)
        }
    }

    static let readingPragmas: Set<String> = [
        "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list", "foreign_key_check", "integrity_check",
        "quick_check", "function_list", "pragma_list", "table_list", "collation_list", "database_list", "compile_options", "module_list",
    ]

    func declaredQuery() -> [SQLStatement] {
        guard let forIndex = topLevelWord("for", from: 1), forIndex + 1 < tokens.count else { return [] }
        return [SQLStatement.analyze(Array(tokens[(forIndex + 1)...]), dialect: dialect)]
    }

    func containsDeleteAfterThen(_ start: Int) -> Bool {
        var i = start
        while i < tokens.count {
            if isWord("then", at: i), isWord("delete", at: i + 1) { return true }
            i += 1
        }
        return false
    }

    /// The function calls from `start`, in one pass: whether any is a known side effect
    /// (`pg_terminate_backend`), and the calls of functions that are neither that nor known
    /// read-only built-ins, by name (`schema.name` when qualified). A word before `(` is not a call when it is a keyword
    /// (`IN (`), a type (`::numeric(10,2)`), a name being defined or aliased (`AS t(a, b)`,
    /// `cte(a) AS (`), or the table of `INSERT INTO t (columns)`.
    func functionCalls(from start: Int) -> (unknown: [String], haveSideEffects: Bool) {
        var names: [String] = []
        var haveSideEffects = false
        // Where each parenthesis closes, found once and only when a column list must be told
        // from a call: asking per call would be quadratic in nesting.
        var closing: [Int: Int]?
        var i = max(start, 0)
        while i + 1 < tokens.count {
            defer { i += 1 }
            let token = tokens[i]
            guard token.kind == .word || token.kind == .quotedIdentifier, isSymbol("(", at: i + 1) else { continue }
            // One lookup says what a word before `(` is, for the words that are not user-defined.
            let known = token.kind == .word ? SQLStatement.wordsBeforeParentheses[token.text] : nil
            if known == .sideEffect {
                haveSideEffects = true
                continue
            }
            if known == .notACall { continue }
            var schema: String?
            var nameStart = i
            if i >= 2, isSymbol(".", at: i - 1), tokens[i - 2].kind == .word || tokens[i - 2].kind == .quotedIdentifier {
                schema = tokens[i - 2].text
                nameStart = i - 2
            }
            if known == .readOnly, schema == nil || schema == "pg_catalog" { continue }
            if nameStart > 0 {
                let previous = tokens[nameStart - 1]
                if previous.kind == .symbol, previous.text == "::" || previous.text == ")" { continue }
                if previous.kind == .word, previous.text == "as" || previous.text == "into" || previous.text == "update" { continue }
            }
            // `WITH name(columns) AS (…)`: a common table expression's column list.
            if nameStart > 0, tokens[nameStart - 1].text == "with" || tokens[nameStart - 1].text == "recursive" || isSymbol(",", at: nameStart - 1) {
                if closing == nil { closing = Self.closingParentheses(tokens) }
                if let close = closing?[i + 1], isWord("as", at: close + 1),
                   isSymbol("(", at: close + 2) || isWord("materialized", at: close + 2) || isWord("not", at: close + 2)
                {
                    continue
                }
            }
            let name = token.text
            if schema == nil || schema == "pg_catalog", token.kind == .word, name.hasPrefix("pragma_") || name.hasPrefix("pg_stat_get_") { continue }
            names.append(schema.map { "\($0).\(name)" } ?? name)
        }
        return (names, haveSideEffects)
    }

    /// For each `(`, the index of the `)` that closes it.
    static func closingParentheses(_ tokens: [SQLToken]) -> [Int: Int] {
        var table: [Int: Int] = [:]
        var stack: [Int] = []
        for index in tokens.indices where tokens[index].kind == .symbol {
            if tokens[index].text == "(" {
                stack.append(index)
            } else if tokens[index].text == ")", let opening = stack.popLast() {
                table[opening] = index
            }
        }
        return table
    }

    func selectFlags(from start: Int) -> SQLStatement.Flags {
        var flags: SQLStatement.Flags = []
        // `SELECT ... INTO new_table` (PostgreSQL, SQL Server) creates a table; MySQL's
        // `INTO @var`/`INTO OUTFILE` writes variables or a server file.
        if let into = topLevelWord("into", from: start) {
            if isWord("outfile", at: into + 1) || isWord("dumpfile", at: into + 1) {
                flags.insert(.serverFile)
            } else if into + 1 < tokens.count, tokens[into + 1].kind != .parameter {
                flags.insert(.selectWrites)
            }
        }
        if let forIndex = topLevelWord("for", from: start),
            isWord("update", at: forIndex + 1) || isWord("share", at: forIndex + 1) || isWord("no", at: forIndex + 1) || isWord("key", at: forIndex + 1)
        {
            flags.insert(.selectWrites)
        }
        return flags
    }

    func readSelect(from start: Int) -> SQLStatement {
        var targets: [String] = []
        if let from = topLevelWord("from", from: start) { targets = nameList(from: from + 1, skipping: ["only", "lateral"]) }
        if word(at: start) == "table", let (name, _) = qualifiedName(at: start + 1) { targets = [name] }
        return make("select", "SelectStmt", targets: targets, flags: selectFlags(from: start), functionsFrom: start)
    }

    /// `WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] ( body ) [, ...] main-statement`.
    mutating func readWith() -> SQLStatement {
        var i = 1
        if isWord("recursive", at: i) { i += 1 }
        var inner: [SQLStatement] = []
        while i < tokens.count {
            guard qualifiedName(at: i) != nil else { break }
            i += 1
            if isSymbol("(", at: i) { i = afterParentheses(i) }
            guard isWord("as", at: i) else { break }
            i += 1
            if isWord("not", at: i) { i += 1 }
            if isWord("materialized", at: i) { i += 1 }
            guard isSymbol("(", at: i) else { break }
            let close = afterParentheses(i)
            let body = Array(tokens[(i + 1)..<max(i + 1, close - 1)])
            if !body.isEmpty { inner.append(SQLStatement.analyze(body, dialect: dialect)) }
            i = close
            // `SEARCH ... SET col` and `CYCLE ...` clauses of recursive CTEs.
            while i < tokens.count, let w = word(at: i), w == "search" || w == "cycle" {
                while i < tokens.count, !isSymbol(",", at: i), !(word(at: i).map { ["select", "insert", "update", "delete", "merge", "values", "table"].contains($0) } ?? false) {
                    i += 1
                }
            }
            if isSymbol(",", at: i) {
                i += 1
                continue
            }
            break
        }
        guard i < tokens.count else { return make("unrecognized", nil, inner: inner) }
        var main = SQLStatement.analyze(Array(tokens[i...]), dialect: dialect)
        main.offset = offset
        main.inner.append(contentsOf: inner)
        // The common table expressions are read by the main statement.
        if namesCredentialTable() { main.flags.insert(.namesCredentials) }
        return main
    }

    /// The index after the parenthesised group that opens at `open`.
    func afterParentheses(_ open: Int) -> Int {
        var depth = 0
        var i = open
        while i < tokens.count {
            if isSymbol("(", at: i) { depth += 1 } else if isSymbol(")", at: i) {
                depth -= 1
                if depth == 0 { return i + 1 }
            }
            i += 1
        }
        return tokens.count
    }

    func readUpdate() -> SQLStatement {
        var i = 1
        while let w = word(at: i), ["only", "low_priority", "ignore"].contains(w) { i += 1 }
        var targets: [String] = []
        if let (name, _) = qualifiedName(at: i) { targets = [name] }
        return make("update", "UpdateStmt", targets: targets, where: whereClause(), functionsFrom: 1)
    }

    /// How the statement's top-level `WHERE` restricts rows.
    func whereClause() -> SQLStatement.WhereClause {
        guard let whereIndex = topLevelWord("where", from: 1) else { return .absent }
        var end = whereIndex + 1
        var depth = 0
        while end < tokens.count {
            if isSymbol("(", at: end) { depth += 1 } else if isSymbol(")", at: end) { depth -= 1 }
            if depth == 0, let w = word(at: end), Self.whereClauseEnds.contains(w) { break }
            end += 1
        }
        let condition = Array(tokens[(whereIndex + 1)..<end])
        if condition.isEmpty { return .alwaysTrue }
        if isWord("current", at: whereIndex + 1), isWord("of", at: whereIndex + 2) { return .restricting }
        // An OR at the top level holds for every row when any side does.
        var disjunct: [SQLToken] = []
        depth = 0
        for token in condition {
            if token.kind == .symbol && token.text == "(" { depth += 1 }
            if token.kind == .symbol && token.text == ")" { depth -= 1 }
            if depth == 0, token.kind == .word, token.text == "or" {
                if Self.alwaysTrue(disjunct) { return .alwaysTrue }
                disjunct = []
                continue
            }
            disjunct.append(token)
        }
        return Self.alwaysTrue(disjunct) ? .alwaysTrue : .restricting
    }

    /// Whether a condition without top-level OR holds for every row: a constant truth, or a
    /// comparison of a thing with itself.
    static func alwaysTrue(_ condition: [SQLToken]) -> Bool {
        var tokens = condition
        // Strip wrapping parentheses: `WHERE (1=1)`.
        while tokens.count >= 2, tokens.first?.text == "(", tokens.last?.text == ")", tokens.first?.kind == .symbol {
            tokens = Array(tokens.dropFirst().dropLast())
        }
        if tokens.count == 1 {
            let t = tokens[0]
            if t.kind == .word && t.text == "true" { return true }
            if t.kind == .number, let value = Double(t.text), value != 0 { return true }
            if t.kind == .string, let value = Double(t.text), value != 0 { return true }
            return false
        }
        if tokens.count == 2, tokens[0].kind == .word, tokens[0].text == "not", tokens[1].kind == .word, tokens[1].text == "false" { return true }
        // `x = x`, `1 = 1`, `'a' = 'a'`, `x >= x`, `1 <> 2`.
        if tokens.count == 3, tokens[1].kind == .symbol {
            let (a, op, b) = (tokens[0], tokens[1].text, tokens[2])
            let same = a.kind == b.kind && a.text == b.text
            switch op {
            case "=", ">=", "<=": if same { return true }
            case "<>", "!=": if a.kind != .word && b.kind != .word && a.kind == b.kind && a.text != b.text { return true }
            default: break
            }
            if let x = Double(a.text), let y = Double(b.text), a.kind == .number, b.kind == .number {
                switch op {
                case "=": return x == y
                case "<>", "!=": return x != y
                case ">": return x > y
                case "<": return x < y
                case ">=": return x >= y
                case "<=": return x <= y
                default: return false
                }
            }
        }
        // `x IS NULL OR x IS NOT NULL` is handled by OR splitting only per side; `1 IN (1)` etc. are rare.
        // `TRUE AND TRUE`
        if let andIndex = tokens.firstIndex(where: { $0.kind == .word && $0.text == "and" }), andIndex > 0 {
            return alwaysTrue(Array(tokens[..<andIndex])) && alwaysTrue(Array(tokens[(andIndex + 1)...]))
        }
        return false
    }

    func readDrop() -> SQLStatement {
        var i = 1
        var objectWords: [String] = []
        while let w = word(at: i), Self.objectWords.contains(w) {
            objectWords.append(w)
            i += 1
        }
        let object = objectWords.filter { !Self.dropModifiers.contains($0) }.joined(separator: "_")
        if isWord("if", at: i), isWord("exists", at: i + 1) { i += 2 }
        if isWord("concurrently", at: i) { i += 1 }
        var flags: SQLStatement.Flags = []
        if containsWord("cascade") { flags.insert(.cascade) }
        let targets: [String]
        if object == "owned" {
            targets = isWord("by", at: i) ? nameList(from: i + 1) : []
        } else {
            targets = nameList(from: i)
        }
        let node: String
        switch object {
        case "database": node = "DropdbStmt"
        case "schema" where dialect == .mysql: node = "DropdbStmt"
        case "role", "user", "group": node = "DropRoleStmt"
        case "owned": node = "DropOwnedStmt"
        case "tablespace": node = "DropTableSpaceStmt"
        case "subscription": node = "DropSubscriptionStmt"
        case "user_mapping": node = "DropUserMappingStmt"
        default: node = "DropStmt"
        }
        return make("drop_" + (object.isEmpty ? "object" : object), node, targets: targets, flags: flags)
    }

    static let nameListEnds = ["cascade", "restrict", "where", "set", "using", "to", "from", "on"]
    static let whereClauseEnds = ["returning", "order", "limit", "group", "window"]
    static let dropModifiers = ["temporary", "temp", "unique", "or", "replace", "global", "local", "unlogged", "concurrently"]

    /// Words that name the kind of object after CREATE/DROP/ALTER.
    static let objectWords: Set<String> = [
        "table", "view", "index", "schema", "database", "sequence", "function", "procedure", "trigger", "role", "user", "group",
        "extension", "type", "domain", "materialized", "temporary", "temp", "unique", "or", "replace", "owned", "tablespace",
        "policy", "rule", "aggregate", "collation", "conversion", "language", "operator", "publication", "subscription", "server",
        "foreign", "data", "wrapper", "event", "routine", "statistics", "text", "search", "configuration", "dictionary", "parser",
        "template", "cast", "transform", "access", "method", "global", "local", "unlogged", "recursive", "mapping", "default",
        "privileges", "system", "virtual", "definer", "algorithm", "undefined", "merge", "temptable", "sql", "security", "invoker",
        "constraint", "concurrently", "large", "object", "family", "class", "large_object", "logfile", "spatial", "fulltext",
    ]

    mutating func readCreate() -> SQLStatement {
        var i = 1
        var objectWords: [String] = []
        while let w = word(at: i), Self.objectWords.contains(w) {
            objectWords.append(w)
            i += 1
            // `CREATE DEFINER = user PROCEDURE` (MySQL).
            if w == "definer", isSymbol("=", at: i) {
                i += 2
                while isSymbol("@", at: i) || (i < tokens.count && tokens[i].kind == .parameter) { i += 1 }
            }
        }
        let object = objectWords.filter {
            !["temporary", "temp", "unique", "or", "replace", "global", "local", "unlogged", "recursive", "definer", "algorithm", "undefined",
              "merge", "temptable", "sql", "security", "invoker", "concurrently", "virtual", "spatial", "fulltext"].contains($0)
        }.joined(separator: "_")
        if isWord("if", at: i), isWord("not", at: i + 1), isWord("exists", at: i + 2) { i += 3 }
        var targets: [String] = []
        if let (name, _) = qualifiedName(at: i) { targets = [name] }
        switch object {
        case "table":
            // MariaDB's `CREATE OR REPLACE TABLE` drops the table it replaces, rows and all.
            let replaces: SQLStatement.Flags = objectWords.contains("replace") ? [.discardsRows] : []
            if topLevelWord("as", from: i) != nil {
                return make("create_table", "CreateTableAsStmt", targets: targets, flags: replaces)
            }
            return make("create_table", "CreateStmt", targets: targets, flags: replaces)
        case "materialized_view": return make("create_view", "CreateTableAsStmt", targets: targets)
        case "view": return make("create_view", "ViewStmt", targets: targets)
        case "index":
            let onTargets = topLevelWord("on", from: i).map { nameList(from: $0 + 1, skipping: ["only"]) } ?? []
            return make("create_index", "IndexStmt", targets: onTargets)
        case "role", "user", "group": return make("create_role", "CreateRoleStmt", targets: targets)
        case "schema": return make("create_schema", dialect == .mysql ? "CreatedbStmt" : "CreateSchemaStmt", targets: targets)
        case "database": return make("create_database", "CreatedbStmt", targets: targets)
        case "function", "procedure", "aggregate_function":
            var flags = bodyFlags(from: i)
            // MySQL's `SONAME 'lib.so'` and PostgreSQL's `LANGUAGE C` / `internal`: the routine is
            // machine code the server loads into itself.
            if let language = topLevelWord("language", from: i), language + 1 < tokens.count,
               ["c", "internal"].contains(tokens[language + 1].text.lowercased()) {
                flags.insert(.nativeCode)
            }
            if dialect != .postgresql, topLevelWord("soname", from: i) != nil { flags.insert(.nativeCode) }
            return make("create_" + object, object == "aggregate_function" ? nil : "CreateFunctionStmt", targets: targets, flags: flags)
        case "trigger": return make("create_trigger", "CreateTrigStmt", targets: targets, flags: bodyFlags(from: i))
        // MySQL's scheduled events run their `DO` body on the schedule, with no one there.
        case "event": return make("create_event", nil, targets: targets, flags: bodyFlags(from: i))
        case "extension": return make("create_extension", "CreateExtensionStmt", targets: targets)
        case "sequence": return make("create_sequence", "CreateSeqStmt", targets: targets)
        case "type": return make("create_type", topLevelWord("enum", from: i) != nil ? "CreateEnumStmt" : "CompositeTypeStmt", targets: targets)
        case "domain": return make("create_domain", "CreateDomainStmt", targets: targets)
        case "policy": return make("create_policy", "CreatePolicyStmt", targets: targets)
        case "rule":
            // `CREATE RULE r AS ON INSERT TO t DO INSTEAD …`: the rule's action, or nothing, takes
            // the place of every later change of that kind to `t`.
            var flags = bodyFlags(from: i)
            if let on = topLevelWord("on", from: i), let event = word(at: on + 1), isWord("to", at: on + 2) {
                if let (table, _) = qualifiedName(at: on + 3) { targets.append(table) }
                if ["insert", "update", "delete"].contains(event), topLevelWord("instead", from: on) != nil { flags.insert(.discardsRows) }
            }
            return make("create_rule", "RuleStmt", targets: targets, flags: flags)
        case "publication": return make("create_publication", "CreatePublicationStmt", targets: targets)
        case "subscription": return make("create_subscription", "CreateSubscriptionStmt", targets: targets)
        case "tablespace": return make("create_tablespace", "CreateTableSpaceStmt", targets: targets)
        case "event_trigger": return make("create_trigger", "CreateEventTrigStmt", targets: targets, flags: bodyFlags(from: i))
        case "user_mapping": return make("create_user_mapping", "CreateUserMappingStmt", targets: targets)
        default: return make("create_" + (object.isEmpty ? "object" : object), nil, targets: targets)
        }
    }

    /// `ON DUPLICATE KEY UPDATE` (MySQL) or `ON CONFLICT … DO UPDATE` (PostgreSQL, SQLite): rows
    /// already there are changed when a new one collides with them.
    func updatesOnConflict() -> Bool {
        if let duplicate = topLevelWord("duplicate", from: 1), isWord("key", at: duplicate + 1), isWord("update", at: duplicate + 2) { return true }
        if let conflict = topLevelWord("conflict", from: 1), let doWord = topLevelWord("do", from: conflict), isWord("update", at: doWord + 1) { return true }
        return false
    }

    /// Whether an INSERT's rows come from a query (`SELECT`, `WITH`, `TABLE`), so that how many
    /// there are, and so how many existing rows they can collide with, is not in the statement.
    /// The first of the words that start a source decides: `VALUES`, MySQL's `SET`, `DEFAULT
    /// VALUES` are rows written out; a later `VALUES(col)` in an update clause is not the source.
    func rowsComeFromAQuery() -> Bool {
        var depth = 0
        for index in 1..<tokens.count {
            let token = tokens[index]
            if token.kind == .symbol {
                // `INSERT INTO t (SELECT …)`: a query in parentheses, not a column list.
                if token.text == "(", depth == 0, isWord("select", at: index + 1) || isWord("with", at: index + 1) { return true }
                if token.text == "(" { depth += 1 } else if token.text == ")" { depth -= 1 }
                continue
            }
            guard depth == 0, token.kind == .word else { continue }
            switch token.text {
            case "values", "value", "default", "set": return false
            case "select", "with", "table": return true
            case "on": return false
            default: continue
            }
        }
        return false
    }

    /// Flags for a routine or trigger body: whether the statements in it destroy when they run.
    func bodyFlags(from start: Int) -> SQLStatement.Flags {
        var i = start
        while i < tokens.count {
            let token = tokens[i]
            if token.kind == .word, ["delete", "drop", "truncate", "grant", "revoke"].contains(token.text) { return [.bodyDestroys] }
            if token.kind == .word, token.text == "execute" { return [.bodyDestroys] }
            if token.kind == .string, token.text.utf8.count > 8 {
                // A dollar-quoted or quoted body: read it as SQL and look for the same verbs.
                if let body = try? SQLLexer.statements(token.text, dialect: dialect) {
                    for statement in body where statement.contains(where: { $0.kind == .word && ["delete", "drop", "truncate", "grant", "revoke", "execute"].contains($0.text) }) {
                        return [.bodyDestroys]
                    }
                } else {
                    return [.bodyDestroys]
                }
            }
            i += 1
        }
        return []
    }

    /// What the assignments of a `SET` statement change: the server (`GLOBAL`, `PERSIST`,
    /// `@@global.name`), or a protection of the session's later statements. `SET a = 1, GLOBAL b = 2`
    /// is read assignment by assignment; a protection's value that is not a plain "on" (an
    /// expression, a variable) counts as turning it off.
    func settingFlags(from start: Int = 1) -> SQLStatement.Flags {
        var flags: SQLStatement.Flags = []
        // A variable's name, bare or quoted (`` `sql_log_bin` ``), as MySQL and PostgreSQL compare it.
        func name(at index: Int) -> String? {
            guard index < tokens.count, tokens[index].kind == .word || tokens[index].kind == .quotedIdentifier else { return nil }
            return tokens[index].text.lowercased()
        }
        var i = start
        while i < tokens.count {
            // One assignment: up to the next top-level comma.
            var end = i
            var depth = 0
            while end < tokens.count {
                if isSymbol("(", at: end) { depth += 1 } else if isSymbol(")", at: end) { depth -= 1 }
                if depth == 0, isSymbol(",", at: end) { break }
                end += 1
            }
            var j = i
            var global = false
            if let scope = word(at: j), ["global", "persist", "persist_only", "session", "local"].contains(scope), j + 1 < end {
                global = scope.hasPrefix("persist") || scope == "global"
                j += 1
            }
            var variable: String?
            if j < end, tokens[j].kind == .parameter, tokens[j].text.hasPrefix("@@") {
                let scope = tokens[j].text.dropFirst(2).lowercased()
                if isSymbol(".", at: j + 1), ["global", "persist", "persist_only", "session", "local"].contains(scope) {
                    global = global || scope != "session" && scope != "local"
                    variable = name(at: j + 2)
                    j += 3
                } else {
                    variable = scope
                    j += 1
                }
            } else if let bare = name(at: j) {
                variable = bare
                j += 1
            }
            if global { flags.insert(.global) }
            if let variable {
                // The value: after `=`, `:=` or `TO`, one literal or word, lowercased.
                if isSymbol("=", at: j) || isSymbol(":=", at: j) || isWord("to", at: j) { j += 1 }
                let value: String? = j + 1 == end && [.word, .number, .string].contains(tokens[j].kind) ? tokens[j].text.lowercased() : nil
                let on = value.map { ["1", "on", "true", "default"].contains($0) } ?? false
                switch variable {
                case "sql_log_bin": if !on { flags.insert(.loggingOff) }
                case "sql_log_off": if value.map({ ["0", "off", "false", "default"].contains($0) }) != true { flags.insert(.loggingOff) }
                case "session_replication_role": if value.map({ ["origin", "local", "default"].contains($0) }) != true { flags.insert(.loggingOff) }
                case "foreign_key_checks", "unique_checks": if !on { flags.insert(.checksOff) }
                default: break
                }
            }
            i = end + 1
        }
        return flags
    }

    func readAlter() -> SQLStatement {
        var i = 1
        var objectWords: [String] = []
        while let w = word(at: i), Self.objectWords.contains(w) {
            objectWords.append(w)
            i += 1
        }
        let object = objectWords.filter { !["or", "replace", "unique", "concurrently"].contains($0) }.joined(separator: "_")
        if isWord("if", at: i), isWord("exists", at: i + 1) { i += 2 }
        if isWord("only", at: i) { i += 1 }
        var targets: [String] = []
        var after = i
        if let (name, next) = qualifiedName(at: i) {
            targets = [name]
            after = next
        }
        var flags: SQLStatement.Flags = []
        // `ALTER TABLE t DROP COLUMN c`, `DROP CONSTRAINT`, `DISABLE TRIGGER`, `DISABLE ROW LEVEL SECURITY`,
        // `NO FORCE ROW LEVEL SECURITY`: a part of the object or a protection goes away.
        var j = after
        var depth = 0
        while j < tokens.count {
            if isSymbol("(", at: j) { depth += 1 } else if isSymbol(")", at: j) { depth -= 1 }
            if depth == 0, let w = word(at: j), w == "drop" || w == "disable" || w == "truncate" || w == "detach" || w == "remove" || w == "discard" {
                flags.insert(.dropsPart)
            }
            // ClickHouse's mutation `ALTER TABLE t [ON CLUSTER c] DELETE [IN PARTITION p] WHERE …`
            // deletes rows (`ON DELETE CASCADE` is followed by neither word).
            if depth == 0, isWord("delete", at: j), isWord("where", at: j + 1) || isWord("in", at: j + 1) {
                flags.insert(.dropsPart)
            }
            if depth == 0, isWord("engine", at: j) {
                let value = isSymbol("=", at: j + 1) ? j + 2 : j + 1
                if value < tokens.count, [.word, .string, .quotedIdentifier].contains(tokens[value].kind) {
                    switch tokens[value].text.lowercased() {
                    case "blackhole": flags.insert(.discardsRows)
                    case "memory", "heap": flags.insert(.volatileStorage)
                    default: break
                    }
                }
            }
            if depth == 0, isWord("set", at: j), isWord("unlogged", at: j + 1) { flags.insert(.loggingOff) }
            if depth == 0, isWord("row", at: j + 1), isWord("level", at: j + 2) {
                if isWord("disable", at: j) || isWord("force", at: j) && isWord("no", at: j - 1) {
                    flags.insert(.rowSecurityOff)
                } else if isWord("enable", at: j) || isWord("force", at: j) {
                    flags.insert(.rowSecurityOn)
                }
            }
            // Clauses start after the table's name and after each top-level comma; a word elsewhere
            // (`ADD COLUMN modify INT`) is a name, not a clause.
            if depth == 0, object == "table", j == after || j > after && isSymbol(",", at: j - 1) {
                // `ALTER [COLUMN] c [SET DATA] TYPE t` (PostgreSQL), `MODIFY [COLUMN]`, `CHANGE [COLUMN]`
                // and `CONVERT TO CHARACTER SET` (MySQL).
                if isWord("alter", at: j) {
                    var k = j + 1
                    if isWord("column", at: k) { k += 1 }
                    k += 1
                    if isWord("set", at: k), isWord("data", at: k + 1) { k += 2 }
                    if isWord("type", at: k) { flags.insert(.changesType) }
                }
                if dialect == .mysql, isWord("modify", at: j) || isWord("change", at: j) || isWord("convert", at: j) && isWord("to", at: j + 1) {
                    flags.insert(.changesType)
                    // `CHANGE [COLUMN] old new …` renames when the names differ.
                    if isWord("change", at: j) {
                        let first = isWord("column", at: j + 1) ? j + 2 : j + 1
                        if first + 1 < tokens.count, tokens[first].text.lowercased() != tokens[first + 1].text.lowercased() { flags.insert(.renamesInUse) }
                    }
                }
                // `RENAME TO`, `RENAME [COLUMN] a TO b`; not constraints, indexes or keys, which
                // queries do not name.
                if isWord("rename", at: j), !isWord("constraint", at: j + 1), !isWord("index", at: j + 1), !isWord("key", at: j + 1) {
                    flags.insert(.renamesInUse)
                }
            }
            // `ALTER DATABASE d SET session_replication_role = replica`: every later session there.
            if depth == 0, isWord("set", at: j), ["database", "role", "user"].contains(object) {
                flags.formUnion(settingFlags(from: j + 1).intersection([.loggingOff, .checksOff]))
            }
            j += 1
        }
        let renames = topLevelWord("rename", from: after) != nil
        // What queries and programs name by name: renamed, each of them fails. (Tables were read
        // clause by clause above; indexes, constraints, roles and policies are not named by queries
        // or are permission matters.)
        if renames, ["database", "schema", "view", "materialized_view", "sequence", "function", "procedure", "routine", "type", "foreign_table"].contains(object) {
            flags.insert(.renamesInUse)
        }
        if object == "sequence", topLevelWord("restart", from: after) != nil { flags.insert(.restartsSequence) }
        if object == "database" {
            if let limit = topLevelWord("limit", from: after), isWord("connection", at: limit - 1) {
                let value = isSymbol("=", at: limit + 1) ? limit + 2 : limit + 1
                if value < tokens.count, tokens[value].text == "0" { flags.insert(.refusesConnections) }
            }
            if let allow = topLevelWord("allow_connections", from: after) {
                let value = isSymbol("=", at: allow + 1) ? allow + 2 : allow + 1
                if value < tokens.count, ["false", "off", "0", "no"].contains(tokens[value].text.lowercased()) { flags.insert(.refusesConnections) }
            }
        }
        let changesOwner = topLevelWord("owner", from: after).map { isWord("to", at: $0 + 1) } ?? false
        let node: String
        switch object {
        case _ where changesOwner && !renames && !["table", "index", "view", "materialized_view", "foreign_table", "sequence"].contains(object): node = "AlterOwnerStmt"
        case "sequence": node = renames ? "RenameStmt" : "AlterSeqStmt"
        case "table", "index", "view", "materialized_view", "foreign_table":
            node = renames ? "RenameStmt" : "AlterTableStmt"
        case "role", "user", "group": node = renames ? "RenameStmt" : (isWord("set", at: after) || isWord("reset", at: after) ? "AlterRoleSetStmt" : "AlterRoleStmt")
        case "database": node = renames ? "RenameStmt" : (isWord("set", at: after) || isWord("reset", at: after) ? "AlterDatabaseSetStmt" : "AlterDatabaseStmt")
        case "system": node = "AlterSystemStmt"
        case "default_privileges": node = "AlterDefaultPrivilegesStmt"
        case "schema": node = renames ? "RenameStmt" : "AlterSchemaStmt"
        case "function", "procedure", "routine": node = renames ? "RenameStmt" : "AlterFunctionStmt"
        case "extension": node = "AlterExtensionStmt"
        case "type": node = renames ? "RenameStmt" : "AlterEnumStmt"
        case "policy": node = renames ? "RenameStmt" : "AlterPolicyStmt"
        default: node = renames ? "RenameStmt" : "AlterTableStmt"
        }
        if object == "system" { flags.insert(.global) }
        if changesOwner { flags.insert(.ownerChange) }
        // `ALTER EVENT e DO …` gives the event a new body.
        if object == "event", let body = topLevelWord("do", from: after) { flags.formUnion(bodyFlags(from: body + 1)) }
        let kind = "alter_" + (object.isEmpty ? "object" : object)
        return make(kind, dialect == .postgresql && ["system", "default_privileges", "role", "user", "group", "database", "table", "index", "view",
                                                    "materialized_view", "sequence", "foreign_table", "function", "procedure", "routine", "extension",
                                                    "policy", "schema", "type"].contains(object) ? node : nil,
                    targets: targets, flags: flags)
    }

    mutating func readExplain() -> SQLStatement {
        var i = 1
        var analyze = false
        if isSymbol("(", at: i) {
            let close = afterParentheses(i)
            var j = i + 1
            while j < close {
                if isWord("analyze", at: j) || isWord("analyse", at: j) {
                    // `ANALYZE false` / `ANALYZE off` / `ANALYZE 0` turns it off.
                    let next = j + 1 < close ? tokens[j + 1].text : ""
                    analyze = !["false", "off", "0"].contains(next)
                }
                j += 1
            }
            i = close
        } else {
            while let w = word(at: i), ["analyze", "analyse", "verbose", "extended", "partitions", "format", "query", "plan"].contains(w) {
                if w == "analyze" || w == "analyse" { analyze = true }
                i += 1
                if w == "format" || isSymbol("=", at: i) {
                    // MySQL `FORMAT=JSON`.
                    if isSymbol("=", at: i) { i += 1 }
                    if w == "format" { i += 1 }
                }
                if w == "query" && isWord("plan", at: i) { i += 1 }
                if w == "plan", isWord("for", at: i) { i += 1 }
            }
        }
        guard i < tokens.count else { return make("explain", "ExplainStmt") }
        if dialect != .postgresql, word(at: i) != nil, qualifiedName(at: i) != nil, !["select", "insert", "update", "delete", "with", "replace", "table", "values"].contains(word(at: i)!) {
            // MySQL `EXPLAIN t` describes a table.
            return make("describe", nil)
        }
        let inner = SQLStatement.analyze(Array(tokens[i...]), dialect: dialect)
        return make("explain", "ExplainStmt", inner: [inner], flags: analyze ? [.explainRuns] : [])
    }

    func readCopy() -> SQLStatement {
        var targets: [String] = []
        if let (name, _) = qualifiedName(at: 1) { targets = [name] }
        var flags: SQLStatement.Flags = []
        var inner: [SQLStatement] = []
        if isSymbol("(", at: 1) {
            let close = afterParentheses(1)
            if close - 1 > 2 { inner.append(SQLStatement.analyze(Array(tokens[2..<(close - 1)]), dialect: dialect)) }
        }
        if containsWord("program") { flags.insert(.runsProgram) }
        if let from = topLevelWord("from", from: 1), !isWord("stdin", at: from + 1) {
            flags.insert(.loadsRows)
            if !isWord("program", at: from + 1) { flags.insert(.serverFile) }
        } else if topLevelWord("from", from: 1) != nil {
            flags.insert(.loadsRows)
        }
        if let to = topLevelWord("to", from: 1), !isWord("stdout", at: to + 1), !isWord("program", at: to + 1) { flags.insert(.serverFile) }
        return make("copy", "CopyStmt", targets: targets, inner: inner, flags: flags)
    }
}
