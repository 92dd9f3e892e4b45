import InterlockCore

/// A lexical look at code handed to an interpreter (`python -c`, `perl -e`, `node -e`).
///
/// Interlock does not parse Python or JavaScript, so this never concludes that code is harmless:
/// the shell classifier treats interpreter code as `unknown` at best. It only finds what makes it
/// worse: calls that delete files, and calls that start processes (whose literal command lines are
/// then classified as shell).
enum InterpreterCode {
    enum Language: Equatable {
        case python, perl, ruby, javascript, php, other

        init(command: String) {
            switch command {
            case _ where command.hasPrefix("python"): self = .python
            case "perl": self = .perl
            case "ruby": self = .ruby
            case "node", "nodejs", "deno", "bun": self = .javascript
            case "php": self = .php
            default: self = .other
            }
        }

        var displayName: String {
            switch self {
            case .python: "Python"
            case .perl: "Perl"
            case .ruby: "Ruby"
            case .javascript: "JavaScript"
            case .php: "PHP"
            case .other: "interpreter"
            }
        }
    }

    struct Removal {
        var api: String
        var target: String?
    }

    struct ProcessCall {
        var api: String
        /// The command line, when it is a single string literal.
        var command: String?
    }

    /// SQL handed to a database driver as a literal: `cursor.execute('DROP TABLE t')`,
    /// `db.query("…")`, `conn.executescript(…)`.
    struct SQLCall {
        var api: String
        var text: String
    }

    /// A file opened for writing by a literal name: `open('x', 'w')`, `fs.writeFileSync('x', …)`,
    /// `File.write('x', …)`, Perl's `open(my $f, '>', 'x')`. `truncates` unless appended to or
    /// opened for update (`'r+'`, Perl's `+<`), which writes over the file `inPlace`.
    struct FileWrite {
        var api: String
        var path: String
        var truncates: Bool
        var inPlace = false
    }

    /// An AWS API call through boto3: `boto3.client('s3').delete_bucket(Bucket='b')`, or through a
    /// name the code gave the client (`s3 = boto3.client('s3')`), with its literal keyword arguments.
    struct AWSCall {
        var service: String
        var method: String
        var parameters: [String: JSONValue]
    }

    struct Scan {
        var removals: [Removal] = []
        var processCalls: [ProcessCall] = []
        var sqlCalls: [SQLCall] = []
        var fileWrites: [FileWrite] = []
        var awsCalls: [AWSCall] = []
        /// String literals spelled like paths (`'/etc/x'`, `"~/.config/app"`, `'.claude/settings.json'`),
        /// at most `maximumNamedPaths`, in order, without repeats.
        var namedPaths: [String] = []
        /// String literals that are URLs (`http://127.0.0.1:8421/v1/resume`), at most `maximumNamedPaths`.
        var urls: [String] = []
    }

    static let maximumNamedPaths = 16

    /// How Python, Perl and Ruby read a cluster of single-letter options (`-lne`, `-pi.bak`,
    /// `-MFile::Path=rmtree`, `-Bc`, `-rfileutils`): letters that are switches, letters whose value
    /// is the rest of the cluster only, letters whose value is the rest or else the next argument,
    /// and the letters that give the program inline (or, for Python's `-m`, a module to run).
    struct OptionGrammar {
        var attachedValue: Set<Character>
        /// Letters whose value is the digits that follow (`-l`, `-0777`); the cluster goes on after them.
        var numericValue: Set<Character> = []
        var attachedOrNextValue: Set<Character>
        var code: Set<Character>
        var module: Set<Character> = []
        /// The letter that rewrites the files named after the program in place (its value, the
        /// backup suffix, is attached).
        var inPlace: Character? = "i"

        init?(_ language: Language) {
            switch language {
            case .python:
                attachedValue = []
                attachedOrNextValue = ["W", "X"]
                code = ["c"]
                module = ["m"]
                inPlace = nil
            case .perl:
                attachedValue = ["C", "d", "D", "F", "i", "m", "M", "x", "V"]
                numericValue = ["0", "l"]
                attachedOrNextValue = ["I"]
                code = ["e", "E"]
            case .ruby:
                attachedValue = ["F", "i", "K", "W", "x"]
                numericValue = ["0", "T"]
                attachedOrNextValue = ["C", "E", "I", "r"]
                code = ["e"]
            default:
                return nil
            }
        }

        enum End: Equatable {
            /// Only switches.
            case flags
            /// The last letter's value is the next argument.
            case valueInNextArgument
            /// The program: attached, or (nil) the next argument.
            case code(String?)
            /// A module run as the program: attached, or (nil) the next argument.
            case module(String?)
        }

        func read(_ letters: Substring) -> (editsInPlace: Bool, end: End) {
            var editsInPlace = false
            var rest = letters[...]
            while let letter = rest.first {
                rest = rest.dropFirst()
                let attached = rest.isEmpty ? nil : String(rest)
                if letter == inPlace { editsInPlace = true }
                if code.contains(letter) { return (editsInPlace, .code(attached)) }
                if module.contains(letter) { return (editsInPlace, .module(attached)) }
                if attachedValue.contains(letter) { return (editsInPlace, .flags) }
                if numericValue.contains(letter) {
                    // Octal or decimal digits; Perl's `-0` also takes `x` and hexadecimal ones.
                    if letter == "0", rest.first == "x" { rest = rest.dropFirst().drop(while: \.isHexDigit) } else { rest = rest.drop(while: { $0.isASCII && $0.isNumber }) }
                }
                if attachedOrNextValue.contains(letter) { return (editsInPlace, attached == nil ? .valueInNextArgument : .flags) }
            }
            return (editsInPlace, .flags)
        }
    }

    /// Dotted call names that delete files or directories, per language (last components suffice:
    /// `shutil.rmtree`, `os.remove`, `fs.rmSync`, `FileUtils.rm_rf`).
    static let removalAPIs: [Language: Set<String>] = [
        .python: ["rmtree", "remove", "unlink", "rmdir", "removedirs", "truncate"],
        .perl: ["unlink", "rmtree", "remove_tree", "rmdir", "truncate"],
        .ruby: ["rm", "rm_r", "rm_rf", "rm_f", "remove", "remove_dir", "remove_entry", "remove_entry_secure", "rmtree", "delete", "unlink", "rmdir", "truncate"],
        .javascript: ["rm", "rmSync", "rmdir", "rmdirSync", "unlink", "unlinkSync", "truncate", "truncateSync", "remove", "removeSync", "emptyDir", "emptyDirSync"],
        .php: ["unlink", "rmdir", "ftruncate"],
        .other: ["rm", "remove", "unlink", "rmdir", "delete", "Remove-Item", "rmtree"],
    ]

    static let processAPIs: [Language: Set<String>] = [
        .python: ["system", "popen", "run", "call", "check_call", "check_output", "Popen", "spawn", "spawnl", "spawnv", "execv", "execvp", "execl", "execlp", "getoutput", "getstatusoutput", "kill", "killpg"],
        .perl: ["system", "exec", "qx", "kill", "open"],
        .ruby: ["system", "exec", "spawn", "popen", "popen3", "capture2", "capture3", "kill", "fork"],
        .javascript: ["exec", "execSync", "spawn", "spawnSync", "execFile", "execFileSync", "fork", "kill", "$"],
        .php: ["system", "exec", "shell_exec", "passthru", "popen", "proc_open", "pcntl_exec", "posix_kill", "eval"],
        .other: ["system", "exec", "Start-Process", "Invoke-Expression", "iex"],
    ]

    /// Driver methods that run the SQL text they are given, called as methods (`cursor.execute`).
    static let sqlMethods: Set<String> = [
        "execute", "executescript", "executemany", "exec", "query", "raw", "exec_query", "exec_update", "exec_delete", "executeQuery",
        "executeUpdate", "executeSql", "run_sql", "sql", "prepare", "none", "any", "one", "many", "oneOrNone", "manyOrNone", "unsafe",
        "do", "selectall_arrayref", "selectrow_array",
    ]

    /// Calls that replace a file's contents given its literal name (first argument), and those that append.
    static let fileWriteAPIs: [Language: (truncating: Set<String>, appending: Set<String>)] = [
        .python: (["write_text", "write_bytes"], []),
        .javascript: (["writeFileSync", "writeFile", "outputFileSync", "outputFile", "writeJsonSync", "writeJSONSync", "writeJson"], ["appendFileSync", "appendFile"]),
        .ruby: (["write", "binwrite"], []),
        .php: (["file_put_contents"], []),
        .perl: (["write_file", "spew", "spew_utf8"], ["append_file"]),
        .other: ([], []),
    ]

    /// boto3 client methods that are not API operations.
    static let boto3Helpers: Set<String> = ["get_paginator", "get_waiter", "close", "can_paginate", "generate_presigned_url", "generate_presigned_post", "meta", "exceptions"]

    static func scan(_ code: String, language: Language) -> Scan {
        var result = Scan()
        let tokens = tokenize(code)
        let removal = removalAPIs[language] ?? []
        let process = processAPIs[language] ?? []
        let writes = fileWriteAPIs[language] ?? ([], [])
        /// Names the code gave boto3 clients: `s3 = boto3.client('s3')`.
        var awsClients: [String: String] = [:]
        for (index, token) in tokens.enumerated() {
            guard case .identifier(let name) = token else { continue }
            // `x.m(` and, in Perl and PHP, `$x->m(`.
            let isMethod = index >= 1 && tokens[index - 1] == .symbol(".") || index >= 2 && tokens[index - 1] == .symbol(">") && tokens[index - 2] == .symbol("-")
            let opens = index + 1 < tokens.count && tokens[index + 1] == .symbol("(")
            if isMethod, opens, sqlMethods.contains(name), let text = firstStringArgument(tokens, after: index) {
                result.sqlCalls.append(SQLCall(api: qualified(tokens, index), text: text))
            }
            if opens, writes.truncating.contains(name) || writes.appending.contains(name), let path = pathArgument(tokens, callAt: index) {
                result.fileWrites.append(FileWrite(api: qualified(tokens, index), path: path, truncates: !writes.appending.contains(name)))
            }
            // `os.replace('a', 'b')`: `b` is replaced by what was at `a` (a write, destructive
            // where `b` exists); the source of a move is taken away.
            if opens, replaces(tokens, callAt: index, name: name, isMethod: isMethod, language: language),
               let arguments = literalArguments(tokens, callAt: index), arguments.count >= 2, let destination = arguments[1] {
                result.fileWrites.append(FileWrite(api: qualified(tokens, index), path: destination, truncates: true))
            }
            if opens, name == "open" || name == "fopen", let write = openForWriting(tokens, callAt: index, language: language) {
                result.fileWrites.append(write)
            }
            if language == .python, isMethod, opens, name == "client", let (service, end) = boto3Client(tokens, callAt: index) {
                // `NAME = boto3.client('s3')`, and `boto3.client('s3').delete_bucket(…)` used at once.
                if index >= 4, tokens[index - 3] == .symbol("="), let variable = tokens[index - 4].identifier { awsClients[variable] = service }
                if end + 2 < tokens.count, tokens[end + 1] == .symbol("."), let method = tokens[end + 2].identifier, !boto3Helpers.contains(method),
                   end + 3 < tokens.count, tokens[end + 3] == .symbol("(") {
                    result.awsCalls.append(AWSCall(service: service, method: method, parameters: keywordArguments(tokens, openAt: end + 3)))
                }
            }
            if language == .python, isMethod, opens, index >= 2, let owner = tokens[index - 2].identifier, let service = awsClients[owner],
               !boto3Helpers.contains(name), index < 3 || tokens[index - 3] != .symbol(".") {
                result.awsCalls.append(AWSCall(service: service, method: name, parameters: keywordArguments(tokens, openAt: index + 1)))
            }
            // Perl's builtins take their arguments without parentheses (`unlink glob "*"`).
            let calls = index + 1 < tokens.count && (tokens[index + 1] == .symbol("(") || language == .perl || language == .ruby && tokens[index + 1].isString)
            // `os.remove` style: a preceding dot makes `remove` a method; a bare `remove(` counts too.
            let argument = firstStringArgument(tokens, after: index)
            if removal.contains(name), calls {
                result.removals.append(Removal(api: qualified(tokens, index), target: argument))
            } else if process.contains(name), calls {
                // Only treat a call as a process call when it plausibly is one (`subprocess.run`, not `app.run`).
                if name == "run" || name == "call" || name == "open" || name == "$" || name == "fork" {
                    let owner = index >= 2 ? tokens[index - 2].identifier : nil
                    guard owner == "subprocess" || owner == "os" || owner == "child_process" || owner == "IPC" || owner == "Open3" || (name == "open" && argument?.hasSuffix("|") == true) else { continue }
                }
                result.processCalls.append(ProcessCall(api: qualified(tokens, index), command: argument ?? argvCommand(tokens, callAt: index)))
            }
        }
        for token in tokens {
            guard case .string(let value) = token else { continue }
            if result.namedPaths.count < maximumNamedPaths, isPathLike(value), !result.namedPaths.contains(value) { result.namedPaths.append(value) }
            if result.urls.count < maximumNamedPaths, value.containsASCII("://"), !result.urls.contains(value) { result.urls.append(value) }
        }
        // Perl/Ruby backticks and `%x{}` run shell commands.
        if language == .perl || language == .ruby || language == .javascript && code.containsASCII("execSync`") {
            for token in tokens {
                if case .backtick(let command) = token { result.processCalls.append(ProcessCall(api: "`...`", command: command)) }
            }
        }
        return result
    }

    /// A literal that reads as a file path: one word, not a URL, absolute, from the home
    /// directory, relative with a directory, or a dot file.
    static func isPathLike(_ text: String) -> Bool {
        guard let first = text.utf8.first, text.utf8.count <= 1024 else { return false }
        var hasSlash = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"): return false
            case UInt8(ascii: "/"): hasSlash = true
            default: break
            }
        }
        if text.containsASCII("://") { return false }
        return hasSlash || first == UInt8(ascii: "~") || first == UInt8(ascii: ".") && text.utf8.count > 1
    }

    /// Names of the functions and methods `code` calls (for MongoDB shell code and similar).
    /// Stands for a call whose function is computed (`db.users[name]()`); on no list of known calls.
    static let computedCall = "[computed]"

    static func calledNames(tokens: [Token]) -> Set<String> {
        var names: Set<String> = []
        for (index, token) in tokens.enumerated() where index + 1 < tokens.count && tokens[index + 1] == .symbol("(") {
            switch token {
            case .identifier(let name): names.insert(name)
            // `x[name](…)`, `f(…)(…)`: the function called is computed, and no list knows it.
            case .symbol("]"), .symbol(")"): names.insert(computedCall)
            default: break
            }
        }
        return names
    }

    enum Token: Equatable {
        case identifier(String)
        case string(String)
        case backtick(String)
        case symbol(Character)

        var isString: Bool { if case .string = self { true } else { false } }
        var identifier: String? { if case .identifier(let name) = self { name } else { nil } }
    }

    static func qualified(_ tokens: [Token], _ index: Int) -> String {
        var parts = [tokens[index].identifier ?? "?"]
        var i = index - 1
        while i >= 1, tokens[i] == .symbol(".") || tokens[i] == .symbol(":"), let owner = tokens[i - 1].identifier {
            parts.insert(owner, at: 0)
            i -= 2
            if parts.count >= 3 { break }
        }
        return parts.joined(separator: ".")
    }

    /// A command given as a list of literal words: `subprocess.run(['rm', '-rf', '/srv'])`,
    /// `spawnSync('rm', ['-rf', '/srv'])`, `system('rm', '-rf', '/srv')`; the words quoted for the shell.
    static func argvCommand(_ tokens: [Token], callAt index: Int) -> String? {
        guard index + 1 < tokens.count, tokens[index + 1] == .symbol("(") else { return nil }
        var words: [String] = []
        var i = index + 2
        var inList = false
        while i < tokens.count {
            switch tokens[i] {
            case .string(let word): words.append(word)
            case .symbol("["): if inList { return nil }; inList = true
            case .symbol("]"): if !inList { return nil }; inList = false
            case .symbol(","): break
            case .symbol(")"): return words.isEmpty || inList ? nil : words.map(GitCommand.quotedForShell).joined(separator: " ")
            default: return nil
            }
            i += 1
        }
        return nil
    }

    /// The literal path a write call names first: `writeFileSync('x', …)`, `Path('x').write_text(…)`.
    static func pathArgument(_ tokens: [Token], callAt index: Int) -> String? {
        // `Path('x').write_text(…)`: the path is the receiver's literal argument, not the text.
        if tokens[index] == .identifier("write_text") || tokens[index] == .identifier("write_bytes") {
            guard index >= 4, tokens[index - 1] == .symbol("."), tokens[index - 2] == .symbol(")") else { return nil }
            guard case .string(let path) = tokens[index - 3], tokens[index - 4] == .symbol("(") else { return nil }
            return path
        }
        return firstStringArgument(tokens, after: index)
    }

    /// `open('x', 'w')` (Python, Ruby `File.open`, PHP `fopen`) and Perl's `open(my $f, '>', 'x')`
    /// or `open(F, ">x")`: the literal file and whether the mode truncates it. Reading modes are nil.
    static func openForWriting(_ tokens: [Token], callAt index: Int, language: Language) -> FileWrite? {
        guard let arguments = literalArguments(tokens, callAt: index) else { return nil }
        let api = qualified(tokens, index)
        if language == .perl {
            // Three arguments: handle, mode, file. Two: handle, mode and file in one (`">x"`).
            if arguments.count >= 3, let mode = arguments[1], let path = arguments[2], mode.hasPrefix(">") || mode.hasPrefix("+<") {
                return FileWrite(api: api, path: path.trimmingPrefix(while: { $0 == " " }).description, truncates: !mode.hasPrefix(">>") && !mode.hasPrefix("+<"),
                                 inPlace: mode.hasPrefix("+<"))
            }
            if arguments.count == 2, let spec = arguments[1], spec.hasPrefix(">") {
                let appends = spec.hasPrefix(">>")
                let path = spec.dropFirst(appends ? 2 : 1).trimmingPrefix(while: { $0 == " " })
                return path.isEmpty ? nil : FileWrite(api: api, path: String(path), truncates: !appends)
            }
            return nil
        }
        guard arguments.count >= 2, let path = arguments[0], let mode = arguments[1] else { return nil }
        if mode.contains("w") { return FileWrite(api: api, path: path, truncates: true) }
        if mode.contains("a") || mode.contains("x") { return FileWrite(api: api, path: path, truncates: false) }
        if mode.contains("+") { return FileWrite(api: api, path: path, truncates: false, inPlace: true) }
        return nil
    }

    /// Calls that put a file at their second argument, replacing what was there: renames, moves
    /// and copies (`os.replace`, `shutil.copyfile`, `fs.renameSync`, `FileUtils.mv`), by the names
    /// they are called through (`'a-b'.replace('-', '_')` is not one).
    static let replacingAPIs: [Language: Set<String>] = [
        .python: ["os.replace", "os.rename", "os.renames", "shutil.move", "shutil.copyfile", "shutil.copy", "shutil.copy2", "shutil.copytree"],
        .javascript: ["rename", "renameSync", "copyFile", "copyFileSync", "cp", "cpSync", "move", "moveSync", "copy", "copySync"],
        .ruby: ["File.rename", "FileUtils.mv", "FileUtils.move", "FileUtils.cp", "FileUtils.copy", "FileUtils.copy_file", "FileUtils.cp_r", "FileUtils.install"],
        .php: ["rename", "copy"],
        .perl: ["move", "mv", "copy", "cp", "rename"],
        .other: [],
    ]

    /// Whether the call at `index` is one of `replacingAPIs`: JavaScript's through a module
    /// (`fs.renameSync`, `fse.move`), Perl's and PHP's as functions, the others by qualified name.
    static func replaces(_ tokens: [Token], callAt index: Int, name: String, isMethod: Bool, language: Language) -> Bool {
        guard let names = replacingAPIs[language] else { return false }
        switch language {
        case .javascript: return isMethod && names.contains(name)
        case .perl, .php: return !isMethod && names.contains(name)
        default: return isMethod && names.contains(qualified(tokens, index))
        }
    }

    /// A call's arguments at its own depth: literal strings kept, anything else a hole (nil).
    /// Nil when the call does not close within `argumentTokenLimit` tokens.
    static func literalArguments(_ tokens: [Token], callAt index: Int) -> [String?]? {
        guard index + 1 < tokens.count, tokens[index + 1] == .symbol("(") else { return nil }
        var arguments: [String?] = []
        var current: String?? = .none
        var depth = 0
        var i = index + 2
        // A call's arguments are looked at for `argumentTokenLimit` tokens: nested unclosed calls
        // must not make the scan quadratic in the code's length.
        while i < min(tokens.count, index + 2 + argumentTokenLimit) {
            let token = tokens[i]
            if token == .symbol("(") || token == .symbol("[") || token == .symbol("{") { depth += 1 }
            if token == .symbol(")") || token == .symbol("]") || token == .symbol("}") {
                if depth == 0 { break }
                depth -= 1
            }
            if depth == 0, token == .symbol(",") {
                arguments.append(current ?? nil)
                current = .none
            } else if case .string(let text) = token, depth == 0, current == nil {
                current = .some(text)
            } else {
                current = .some(nil)
            }
            i += 1
        }
        guard i < tokens.count, tokens[i] == .symbol(")") else { return nil }
        arguments.append(current ?? nil)
        return arguments
    }

    static let argumentTokenLimit = 256

    /// `client('s3')` of boto3 (or a session): the service and the index of the closing parenthesis.
    static func boto3Client(_ tokens: [Token], callAt index: Int) -> (String, Int)? {
        guard index + 3 < tokens.count, case .string(let service) = tokens[index + 2] else { return nil }
        var end = index + 3
        // Further arguments (`region_name='eu-west-1'`): to the closing parenthesis.
        var depth = 0
        while end < min(tokens.count, index + 3 + argumentTokenLimit) {
            if tokens[end] == .symbol("(") { depth += 1 }
            if tokens[end] == .symbol(")") {
                if depth == 0 { break }
                depth -= 1
            }
            end += 1
        }
        return end < tokens.count && tokens[end] == .symbol(")") ? (service, end) : nil
    }

    /// `Name='value'`, `Name=True`/`False` keyword arguments of the call whose `(` is at `open`.
    static func keywordArguments(_ tokens: [Token], openAt open: Int) -> [String: JSONValue] {
        var parameters: [String: JSONValue] = [:]
        var depth = 0
        var i = open + 1
        while i + 2 < min(tokens.count, open + 1 + argumentTokenLimit) {
            let token = tokens[i]
            if token == .symbol("(") || token == .symbol("[") || token == .symbol("{") { depth += 1 }
            if token == .symbol(")") || token == .symbol("]") || token == .symbol("}") {
                if depth == 0 { break }
                depth -= 1
            }
            if depth == 0, let name = token.identifier, tokens[i + 1] == .symbol("="), i + 2 < tokens.count {
                switch tokens[i + 2] {
                case .string(let value): parameters[name] = .string(value)
                case .identifier("True"): parameters[name] = .bool(true)
                case .identifier("False"): parameters[name] = .bool(false)
                default: parameters[name] = .string("$?")
                }
            }
            i += 1
        }
        return parameters
    }

    static func firstStringArgument(_ tokens: [Token], after index: Int) -> String? {
        var i = index + 1
        if i < tokens.count, tokens[i] == .symbol("(") { i += 1 }
        guard i < tokens.count, case .string(var value) = tokens[i] else { return nil }
        // Python's triple quotes lex as three strings: `"""…"""` is `""`, the text, `""`.
        if value.isEmpty, i + 2 < tokens.count, case .string(let inner) = tokens[i + 1], tokens[i + 2] == .string("") {
            value = inner
            i += 2
        }
        // Only a lone literal is the whole argument: `"rm -rf " + path` is computed.
        if i + 1 < tokens.count, tokens[i + 1] == .symbol("+") || tokens[i + 1] == .symbol(".") || tokens[i + 1] == .symbol("%") { return nil }
        return value
    }

    /// A letter: ASCII answered without Unicode's property tables, which cost most of the lexing.
    @inline(__always)
    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") : c.properties.isAlphabetic
    }

    static func tokenize(_ code: String) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(code.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "#" && (i == 0 || chars[i - 1] == "\n" || chars[i - 1] == " ") {
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            }
            if isLetter(c) || c == "_" || c == "$" {
                var j = i
                while j < chars.count, isLetter(chars[j]) || chars[j] == "_" || chars[j] == "$" || chars[j] == "-" && j > i && j + 1 < chars.count && isLetter(chars[j + 1]) && chars[i].properties.isUppercase || ("0"..."9").contains(chars[j]) {
                    j += 1
                }
                tokens.append(.identifier(String(String.UnicodeScalarView(chars[i..<j]))))
                i = j
                continue
            }
            if c == "\"" || c == "'" || c == "`" {
                var j = i + 1
                var value = String.UnicodeScalarView()
                // Python triple quotes read as three strings; good enough for a lexical look.
                while j < chars.count, chars[j] != c {
                    if chars[j] == "\\", j + 1 < chars.count {
                        let next = chars[j + 1]
                        switch next {
                        case "n": value.append("\n")
                        case "t": value.append("\t")
                        default: value.append(next)
                        }
                        j += 2
                        continue
                    }
                    value.append(chars[j])
                    j += 1
                }
                let text = String(value)
                tokens.append(c == "`" ? .backtick(text) : .string(text))
                i = j + 1
                continue
            }
            if c != " " && c != "\n" && c != "\t" && c != "\r" { tokens.append(.symbol(Character(c))) }
            i += 1
        }
        return tokens
    }
}
