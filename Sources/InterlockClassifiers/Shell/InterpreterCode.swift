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

    struct Scan {
        var removals: [Removal] = []
        var processCalls: [ProcessCall] = []
        /// String literals spelled like paths (`'/etc/x'`, `"~/.config/app"`, `'.claude/settings.json'`),
        /// at most `maximumNamedPaths`, in order, without repeats.
        var namedPaths: [String] = []
        /// String literals that are URLs (`http://127.0.0.1:8421/v1/resume`), at most `maximumNamedPaths`.
        var urls: [String] = []
    }

    static let maximumNamedPaths = 16

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

    static func scan(_ code: String, language: Language) -> Scan {
        var result = Scan()
        let tokens = tokenize(code)
        let removal = removalAPIs[language] ?? []
        let process = processAPIs[language] ?? []
        for (index, token) in tokens.enumerated() {
            guard case .identifier(let name) = token else { continue }
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
                result.processCalls.append(ProcessCall(api: qualified(tokens, index), command: argument))
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

    static func firstStringArgument(_ tokens: [Token], after index: Int) -> String? {
        var i = index + 1
        if i < tokens.count, tokens[i] == .symbol("(") { i += 1 }
        guard i < tokens.count, case .string(let value) = tokens[i] else { return nil }
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
