import InterlockCore
import InterlockSyntax

/// Database clients beyond psql, mysql, sqlite3, mongosh and redis-cli: Cassandra's `cqlsh`,
/// `clickhouse-client`, `cockroach sql`, Snowflake's `snowsql`, `trino`/`presto`, `usql`,
/// `mycli`, `litecli` and SQL Server's `sqlcmd`. Each hands the statements it sends to the SQL
/// classifier, in the dialect closest to the server's, and classifies its own commands (cqlsh's
/// `SOURCE` and `COPY`, snowsql's `!system`, sqlcmd's `:!!` and `:r`) by what they do. What
/// cannot be read, or is computed at run time, is `unknown`.
extension ShellAnalysis {
    mutating func classifyOtherDatabaseClient(_ name: String, _ args: [Argument], stdin: StandardInput) -> Bool {
        let op = "shell:\(name)"
        switch name {
        case "cqlsh":
            let options = CommandOptions(args, valued: ["-e", "--execute", "-f", "--file", "-u", "--username", "-p", "--password", "-k", "--keyspace",
                                                        "--cqlshrc", "--credentials", "--encoding", "--cqlversion", "--protocol-version",
                                                        "--connect-timeout", "--request-timeout", "-b", "--secure-connect-bundle"])
            if let host = options.operands.first?.value { environmentFacts.add(.databaseHost, host) }
            runClientInput(options.valueArguments("-e", "--execute"), files: options.valueArguments("-f", "--file"), client: name, stdin: stdin) {
                $0.runCQL($1, client: name, depth: 0)
            }
        case "clickhouse-client", "clickhouse":
            var args = args[...]
            if name == "clickhouse" {
                // `clickhouse client …`; the other modes (`local`, `server`, `keeper`) are not read here.
                guard args.first?.value == "client" else {
                    unknown(op, "`clickhouse \(args.first?.display ?? "")` is not classified by this build; its effect is unknown")
                    return true
                }
                args = args.dropFirst()
            }
            let options = CommandOptions(args, valued: ["-q", "--query", "--queries-file", "-h", "--host", "--port", "-u", "--user", "--password",
                                                        "-d", "--database", "--format", "-f", "--config-file", "-C", "--param"])
            if let host = options.value("-h", "--host") { environmentFacts.add(.databaseHost, host) }
            runClientInput(options.valueArguments("-q", "--query"), files: options.valueArguments("--queries-file"), client: name, stdin: stdin) {
                $0.findings.append(contentsOf: SQLClassifier.findings(for: $1, dialect: .mysql).findings)
            }
        case "cockroach":
            // `cockroach sql`; the node commands stop or remove a node of the cluster.
            let words = args.compactMap(\.value).filter { !$0.hasPrefix(ascii: "-") }
            switch (words.first, words.dropFirst().first) {
            case ("sql"?, _), ("demo"?, _):
                let options = CommandOptions(args.dropFirst(), valued: ["-e", "--execute", "-f", "--file", "--url", "--host", "-u", "--user",
                                                                        "-d", "--database", "--certs-dir", "--format", "--set"])
                if let host = options.value("--host") ?? options.value("--url").flatMap(Self.hostFromConnectionString) { environmentFacts.add(.databaseHost, host) }
                runClientInput(options.valueArguments("-e", "--execute"), files: options.valueArguments("-f", "--file"), client: name, stdin: stdin) {
                    $0.runPsqlInput($1, client: name)
                }
            case ("node"?, let verb?) where ["decommission", "drain"].contains(verb):
                add(op + ":node:" + verb, .destructive, "`cockroach node \(verb)` takes a node out of the cluster")
            case ("node"?, let verb?) where ["ls", "status"].contains(verb):
                add(op, .read, "`cockroach node \(verb)` lists nodes")
            default:
                unknown(op, "`cockroach \(words.first ?? "")` is not classified by this build; its effect is unknown")
            }
        case "trino", "presto":
            let options = CommandOptions(args, valued: ["--execute", "-f", "--file", "--server", "--catalog", "--schema", "--user", "--password",
                                                        "--output-format", "--session", "--client-tags", "--source", "--resource-estimate"])
            if let server = options.value("--server") { environmentFacts.add(.databaseHost, Self.hostFromConnectionString(server) ?? server) }
            runClientInput(options.valueArguments("--execute"), files: options.valueArguments("-f", "--file"), client: name, stdin: stdin) {
                $0.findings.append(contentsOf: SQLClassifier.findings(for: $1, dialect: .postgresql).findings)
            }
        case "usql":
            // psql's backslash commands, against any database its connection URL names.
            let options = CommandOptions(args, valued: ["-c", "--command", "-f", "--file", "-o", "--out", "-U", "--username", "-v", "--set",
                                                        "-P", "--pset", "-F", "-R", "--config"])
            if let url = options.operands.first?.value, let host = Self.hostFromConnectionString(url) { environmentFacts.add(.databaseHost, host) }
            if let output = options.value("-o", "--out") { classifyClientOutput(output, by: "`usql -o`", operation: op) }
            runClientInput(options.valueArguments("-c", "--command"), files: options.valueArguments("-f", "--file"), client: name, stdin: stdin) {
                $0.runPsqlInput($1, client: name)
            }
        case "mycli":
            let options = CommandOptions(args, valued: ["-e", "--execute", "-h", "--host", "-P", "--port", "-u", "--user", "-p", "--password",
                                                        "-D", "--database", "-S", "--socket", "--myclirc", "--init-command", "-l", "--logfile"])
            if let host = options.value("-h", "--host") { environmentFacts.add(.databaseHost, host) }
            runClientInput(options.valueArguments("-e", "--execute", "--init-command"), files: [], client: name, stdin: stdin) {
                $0.runMySQLClientInput($1, client: name)
            }
        case "litecli":
            let options = CommandOptions(args, valued: ["-e", "--execute", "--liteclirc", "-l", "--logfile", "--auto-vertical-output"])
            runClientInput(options.valueArguments("-e", "--execute"), files: [], client: name, stdin: stdin) {
                $0.findings.append(contentsOf: SQLClassifier.findings(for: $1, dialect: .sqlite).findings)
            }
        case "snowsql":
            let options = CommandOptions(args, valued: ["-q", "--query", "-f", "--filename", "-a", "--accountname", "-u", "--username", "-d", "--dbname",
                                                        "-s", "--schemaname", "-r", "--rolename", "-w", "--warehouse", "-h", "--host", "-p", "--port",
                                                        "-o", "--option", "-D", "--variable", "-c", "--connection", "--config", "--region",
                                                        "--authenticator", "--private-key-path"])
            if let account = options.value("-a", "--accountname") ?? options.value("-h", "--host") { environmentFacts.add(.databaseHost, account) }
            runClientInput(options.valueArguments("-q", "--query"), files: options.valueArguments("-f", "--filename"), client: name, stdin: stdin) {
                $0.runSnowSQL($1, client: name, depth: 0)
            }
        case "sqlcmd":
            // `-e`, `-x`, `-b`, `-E` and the like are flags; these take a value.
            let options = CommandOptions(args, valued: ["-Q", "-q", "-i", "-o", "-S", "-d", "-U", "-P", "-v", "-H", "-l", "-t", "-h", "-s", "-w", "-a",
                                                        "-c", "-f", "-K", "-m", "-V", "-y", "-Y", "-z", "-Z", "-F"])
            if let server = options.value("-S") { environmentFacts.add(.databaseHost, server) }
            if let output = options.value("-o") { classifyWrite(to: .known(output), truncates: true, by: "`sqlcmd -o`", operation: op) }
            // `-v name=value` sets scripting variables the SQL names as `$(name)`; `-x` leaves them as written.
            let files = options.valueArguments("-i").flatMap { file in
                file.argument.value.map { $0.pieces(between: ",").map { Argument.known(String($0)) } } ?? [file.argument]
            }
            runClientInput(options.valueArguments("-Q", "-q"), files: files.map { ("-i", $0) }, client: name, stdin: stdin) {
                $0.runSqlcmdInput($1, client: name, depth: 0)
            }
        default:
            return false
        }
        return true
    }

    /// SQL given on the command line (`values`), in files, or else on standard input, each text
    /// handed to `classify`; a value or file computed at run time, or a file that cannot be
    /// read, is `unknown`.
    mutating func runClientInput(_ values: [(name: String, argument: Argument)], files: [(name: String, argument: Argument)], client: String,
                                 stdin: StandardInput, _ classify: (inout ShellAnalysis, String) -> Void) {
        let op = "shell:\(client)"
        for (name, argument) in values {
            guard let text = argument.value else {
                unknown(op, "`\(client) \(name)` runs SQL computed at run time", opaque: true)
                continue
            }
            classify(&self, text)
        }
        for (_, file) in files {
            if file.value == "-" {
                runProgramFromStandardInput(client, stdin: stdin, analyze: classify)
            } else if let text = contentsOfFile(named: file) {
                classify(&self, text)
            } else {
                unknown(op, "`\(client)` runs the SQL file `\(file.display)`, whose contents cannot be read here", opaque: true)
            }
        }
        if values.isEmpty && files.isEmpty {
            runProgramFromStandardInput(client, stdin: stdin, analyze: classify)
        }
    }

    /// Nested `SOURCE`, `!source` and `:r` files are followed this deep.
    static let clientScriptDepth = 4

    /// The statements of `text` (split as PostgreSQL splits them), where a statement may instead
    /// be a command of the client's own that ends with its line: `isCommand` tells them by their
    /// first token, `command` classifies the line, and whatever follows it up to the next `;` is
    /// read again, as the client would. SQL statements go to `sql`.
    mutating func runStatementsAndClientCommands(_ text: String, client: String, isCommand: (SQLToken) -> Bool,
                                                 command: (inout ShellAnalysis, Substring) -> Void, sql: (inout ShellAnalysis, String) -> Void) {
        let statements: [[SQLToken]]
        do {
            statements = try SQLLexer.statements(text, dialect: .postgresql)
        } catch {
            unknown("shell:\(client)", "the input given to `\(client)` cannot be read (\(error.message)); its effect is unknown")
            return
        }
        let utf8 = text.utf8
        func index(_ offset: Int) -> String.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
        for (position, tokens) in statements.enumerated() {
            guard let first = tokens.first else { continue }
            let start = index(first.offset)
            let end = position + 1 < statements.count ? index(statements[position + 1][0].offset) : text.endIndex
            guard isCommand(first) else {
                sql(&self, String(text[start..<end]))
                continue
            }
            // The rest of this statement holds no `;` the lexer saw, so it is one statement
            // again: while it starts with a client command, that command takes its line. Only
            // the first token of each next line is lexed, which keeps the work linear.
            var rest = text[start..<end]
            while !rest.isEmpty {
                let lineEnd = rest.firstIndex(of: "\n") ?? rest.endIndex
                var lexer = SQLLexer(String(rest[..<lineEnd]), dialect: .postgresql)
                let token: SQLToken?
                do {
                    token = try lexer.next()
                } catch {
                    // A string or comment that runs past the line: the rest is SQL.
                    sql(&self, String(rest))
                    break
                }
                guard let token else {
                    // A blank or comment line.
                    rest = lineEnd < rest.endIndex ? rest[rest.index(after: lineEnd)...] : rest[rest.endIndex...]
                    continue
                }
                if token.kind == .symbol && token.text == ";" { break }
                guard isCommand(token) else {
                    sql(&self, String(rest))
                    break
                }
                command(&self, rest[..<lineEnd])
                rest = lineEnd < rest.endIndex ? rest[rest.index(after: lineEnd)...] : rest[rest.endIndex...]
            }
        }
    }

    /// The words of a client command's line as the SQL lexer reads them (strings unquoted); nil,
    /// with an `unknown` finding, when the line cannot be read.
    mutating func clientCommandTokens(_ line: Substring, client: String) -> [SQLToken]? {
        var lexer = SQLLexer(String(line), dialect: .postgresql)
        var tokens: [SQLToken] = []
        do {
            while let token = try lexer.next() { tokens.append(token) }
        } catch {
            unknown("shell:\(client)", "the command `\(line)` given to `\(client)` cannot be read (\(error.message))")
            return nil
        }
        return tokens
    }

    /// A file a client's own command runs as a script (`SOURCE 'f'`, `!source f`, `:r f`).
    mutating func runClientScript(_ file: String, client: String, depth: Int, _ run: (inout ShellAnalysis, String, Int) -> Void) {
        let op = "shell:\(client)"
        // Nested four deep and sixteen in all: a script that reads itself again and again would
        // otherwise multiply the work by its own length at every level.
        clientScriptsRead += 1
        guard depth < Self.clientScriptDepth, clientScriptsRead <= 16 else {
            unknown(op, "`\(client)` scripts nest deeper than \(Self.clientScriptDepth) files, or more than 16 are read", opaque: true)
            return
        }
        if let text = contentsOfFile(named: .known(file)) {
            run(&self, text, depth + 1)
        } else {
            unknown(op, "`\(client)` runs the script `\(file)`, whose contents cannot be read here", opaque: true)
        }
    }

    static let cqlshReadCommands: Set<String> = [
        "describe", "desc", "show", "help", "consistency", "serial", "tracing", "expand", "paging", "clear", "cls", "exit", "quit", "login", "unicode", "debug",
    ]

    /// CQL as cqlsh reads it: statements for the server (classified as SQL: `DROP KEYSPACE`,
    /// `TRUNCATE`, `DELETE`, `BATCH` read alike), and cqlsh's own commands: `SOURCE 'file'`
    /// runs a file, `CAPTURE 'file'` appends results to one, `COPY t TO 'file'` replaces one and
    /// `COPY t FROM 'file'` loads rows into the table.
    mutating func runCQL(_ text: String, client: String, depth: Int) {
        let op = "shell:\(client)"
        runStatementsAndClientCommands(text, client: client, isCommand: { token in
            token.kind == .word && (Self.cqlshReadCommands.contains(token.text) || ["source", "capture", "copy"].contains(token.text))
        }, command: { analysis, line in
            guard let tokens = analysis.clientCommandTokens(line, client: client), let verb = tokens.first?.text else { return }
            let operand = tokens.dropFirst().first { $0.kind == .string }?.text
            switch verb {
            case "source":
                guard let file = operand else { return analysis.unknown(op, "`SOURCE` without a file it names", opaque: true) }
                analysis.runClientScript(file, client: client, depth: depth) { $0.runCQL($1, client: client, depth: $2) }
            case "capture":
                if let file = operand {
                    analysis.classifyWrite(to: .known(file), truncates: false, by: "`\(client) CAPTURE`", operation: op)
                } else {
                    analysis.add(op, .read, "`CAPTURE` shows or stops the capture of results")
                }
            case "copy":
                // `COPY ks.t [(cols)] TO|FROM 'file'|STDOUT|STDIN [WITH …]`.
                let table = tokens.count > 1 && tokens[1].kind == .word ? tokens[1].text : nil
                let direction = tokens.firstIndex { $0.kind == .word && ($0.text == "to" || $0.text == "from") }
                guard let direction else { return analysis.unknown(op, "`COPY` without `TO` or `FROM`") }
                let place = direction + 1 < tokens.count ? tokens[direction + 1] : nil
                if tokens[direction].text == "from" {
                    analysis.add(op + ":copy_from", .write, names: table.map { [.known($0)] } ?? [], "`COPY … FROM` loads rows into \(table.map { "`\($0)`" } ?? "the table")")
                } else if let place, place.kind == .string {
                    analysis.classifyWrite(to: .known(place.text), truncates: true, by: "`\(client) COPY … TO`", operation: op)
                } else {
                    analysis.add(op, .read, "`COPY … TO STDOUT` prints rows")
                }
            default:
                analysis.add(op, .read, "cqlsh's `\(verb.uppercased())` only displays or sets session options")
            }
        }, sql: { analysis, statement in
            analysis.findings.append(contentsOf: SQLClassifier.findings(for: statement, dialect: .postgresql).findings)
        })
    }

    /// Snowflake SQL as snowsql reads it: statements for the server, where `REMOVE @stage` (or
    /// `RM`) deletes staged files, `PUT` uploads local ones and `GET` writes local ones; and
    /// snowsql's `!` commands: `!system CMD` runs a shell command, `!source FILE` a script, and
    /// `!spool FILE` appends results to a file.
    mutating func runSnowSQL(_ text: String, client: String, depth: Int) {
        let op = "shell:\(client)"
        runStatementsAndClientCommands(text, client: client, isCommand: { $0.kind == .symbol && $0.text.hasPrefix(ascii: "!") }, command: { analysis, line in
            let body = line.drop { $0 == "!" }
            let verb = body.prefix { $0 != " " && $0 != "\t" }.lowercased()
            let rest = String(body.dropFirst(verb.count).drop { $0 == " " || $0 == "\t" })
            var argument = rest
            while let last = argument.last, last == " " || last == ";" || last == "\t" || last == "\r" { argument.removeLast() }
            switch verb {
            case "system", "sys":
                analysis.analyzeText(argument, origin: "the `\(client) !system` command")
            case "source", "load":
                analysis.runClientScript(argument, client: client, depth: depth) { $0.runSnowSQL($1, client: client, depth: $2) }
            case "spool":
                if argument.isEmpty || argument.lowercased() == "off" {
                    analysis.add(op, .read, "`!spool off` stops writing results to a file")
                } else {
                    analysis.classifyWrite(to: .known(argument), truncates: false, by: "`\(client) !spool`", operation: op)
                }
            case "set", "print", "exit", "quit", "disconnect", "abort", "options", "opts", "help", "result", "rehash", "variables", "vars", "queries",
                 "define", "connect", "pause", "edit":
                if verb == "edit" {
                    analysis.unknown(op, "`!edit` opens an editor; whatever is written there runs", opaque: true)
                } else {
                    analysis.add(op, .read, "snowsql's `!\(verb)` only sets or shows session options")
                }
            default:
                analysis.unknown(op, "snowsql's `!\(verb)` is not a command Interlock knows; its effect is unknown")
            }
        }, sql: { analysis, statement in
            let first = statement.prefix { $0.isLetter }.lowercased()
            switch first {
            case "remove", "rm":
                analysis.add(op + ":remove", .destructive, categories: [.dataLoss], "`\(first.uppercased())` deletes files from a Snowflake stage")
            case "put":
                analysis.add(op + ":put", .write, "`PUT` uploads local files to a Snowflake stage")
            case "get":
                analysis.add(op + ":get", .write, "`GET` downloads staged files into a local directory, replacing files of the same names")
            default:
                analysis.findings.append(contentsOf: SQLClassifier.findings(for: statement, dialect: .postgresql).findings)
            }
        })
    }

    /// Transact-SQL as sqlcmd reads it: batches separated by `GO` lines, read by
    /// `SQLClassifier.transactSQL` (statements need no `;` there), and sqlcmd's own commands at
    /// the start of a line: `:!! CMD` (or `!! CMD`) runs a shell command, `:r FILE` reads a file
    /// in, `:out FILE` and `:error FILE` replace files with results, `:setvar` sets the
    /// scripting variables that `$(name)` puts into the SQL at run time.
    mutating func runSqlcmdInput(_ text: String, client: String, depth: Int) {
        let op = "shell:\(client)"
        var batch = ""
        func flush(_ analysis: inout ShellAnalysis) {
            defer { batch = "" }
            guard batch.utf8.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }) else { return }
            if batch.contains("$(") {
                analysis.unknown(op, "the SQL given to `\(client)` uses scripting variables (`$(name)`), set at run time", opaque: true)
            }
            analysis.findings.append(contentsOf: SQLClassifier.transactSQL(batch).findings)
        }
        for line in text.pieces(between: "\n") {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            var words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if let first = words.first, first.lowercased() == "go", words.count <= 2, words.count == 1 || words[1].allSatisfy(\.isNumber) {
                flush(&self)
                continue
            }
            let isCommand = trimmed.hasPrefix(ascii: ":") || trimmed.hasPrefix("!!")
            guard isCommand else {
                batch += line
                batch += "\n"
                continue
            }
            if trimmed.hasPrefix("!!") || trimmed.hasPrefix(":!!") {
                let command = trimmed.drop { $0 == ":" || $0 == "!" }
                analyzeText(String(command), origin: "the `\(client) :!!` command")
                continue
            }
            let verb = words.removeFirst().dropFirst().lowercased()
            let argument = words.first.map { String($0).trimmingQuotes() }
            switch verb {
            case "r":
                flush(&self)
                guard let argument else { unknown(op, "`:r` without a file", opaque: true); continue }
                runClientScript(argument, client: client, depth: depth) { $0.runSqlcmdInput($1, client: client, depth: $2) }
            case "out", "error", "perftrace":
                if let argument, !["stdout", "stderr"].contains(argument.lowercased()) {
                    classifyWrite(to: .known(argument), truncates: true, by: "`\(client) :\(verb)`", operation: op)
                } else {
                    add(op, .read, "`:\(verb)` sends results to the terminal")
                }
            case "connect":
                if let argument { environmentFacts.add(.databaseHost, argument) }
                add(op, .read, "`:connect` opens a connection")
            case "setvar", "on", "list", "listvar", "reset", "help", "serverlist", "xml", "quit", "exit":
                if verb == "exit", let open = trimmed.firstIndex(of: "("), let close = trimmed.lastIndex(of: ")"), open < close {
                    // `:exit(query)` runs the query and exits with its result.
                    batch += trimmed[trimmed.index(after: open)..<close]
                    batch += "\n"
                    flush(&self)
                } else {
                    add(op, .read, "sqlcmd's `:\(verb)` sets or shows session options")
                }
            default:
                unknown(op, "sqlcmd's `:\(verb)` is not a command Interlock knows; its effect is unknown", opaque: verb == "ed")
            }
        }
        flush(&self)
    }
}

extension StringProtocol {
    /// The text without one pair of enclosing single or double quotes.
    func trimmingQuotes() -> String {
        if count >= 2, let first, let last, first == last, first == "\"" || first == "'" { return String(dropFirst().dropLast()) }
        return String(self)
    }
}
