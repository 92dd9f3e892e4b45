/// The command lines `just RECIPE` runs, read from a justfile as just reads the common subset:
/// recipes (`name param param="default" +rest: dependency (dependency "arg") && later`, body
/// lines indented below), their `@` and `-` prefixes, `{{expression}}` interpolation of
/// variables and parameters, assignments (`name := "value"`, `export`, concatenation with `+`,
/// paths joined with `/`), `alias`, `set shell`, and `name=value` overrides from the command
/// line. Backquoted commands in assignments and defaults run whenever a recipe runs, so they are
/// among the commands too.
///
/// What is not evaluated here — function calls, conditionals, `import`, `mod`, another shell —
/// makes the result incomplete (`complete == false`), and a value this reader cannot know goes
/// into the command as a command substitution, `$(just …)`, so a line that uses it can only be
/// read as running code computed at run time: never milder than it is.
public struct Justfile: Sendable {
    public struct Recipe: Sendable, Hashable {
        public var name: String
        public var parameters: [Parameter] = []
        public var dependencies: [Call] = []
        /// `&& dependency`: runs after the recipe's body.
        public var laterDependencies: [Call] = []
        public var body: [String] = []
    }

    public struct Parameter: Sendable, Hashable {
        public var name: String
        /// The default as written (an expression), if any.
        public var defaultValue: String?
        /// `+name` or `*name`: takes every remaining argument.
        public var variadic: Bool
    }

    public struct Call: Sendable, Hashable {
        public var recipe: String
        /// Argument expressions, as written.
        public var arguments: [String]
    }

    public private(set) var recipes: [String: Recipe] = [:]
    public private(set) var recipeOrder: [String] = []
    public private(set) var aliases: [String: String] = [:]
    /// Assignments as written, in order: `name := expression`.
    public private(set) var assignments: [(name: String, expression: String)] = []
    /// Settings and lines this reader does not follow (`import`, `mod`, another `set shell`).
    public private(set) var usesUnreadFeatures = false

    /// The recipe `just` runs with no recipe named: the first in the file (or one marked `[default]`).
    public private(set) var defaultRecipe: String?

    public init(_ text: String) {
        var lines = Self.joinedLines(text)[...]
        var markedDefault = false
        var nextIsDefault = false
        while let line = lines.popFirst() {
            let trimmed = line.trimmingWhitespace
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if line.first == " " || line.first == "\t" {
                // A body line with no recipe above it: not something this reader knows.
                usesUnreadFeatures = true
                continue
            }
            if trimmed.hasPrefix("[") {
                // Attributes: `[private]`, `[no-cd]`, `[confirm]`, `[default]`, `[script]` …
                if trimmed.contains("default") { nextIsDefault = true }
                if trimmed.contains("no-cd") || trimmed.contains("script") || trimmed.contains("working-directory") { usesUnreadFeatures = true }
                continue
            }
            let firstWord = trimmed.prefix { $0 != " " && $0 != "\t" && $0 != ":" }
            switch firstWord {
            case "set":
                // `set shell := […]` and its kin run recipes with another program.
                if ["shell", "windows-shell", "script-interpreter", "tempdir", "working-directory"].contains(where: { trimmed.dropFirst(3).trimmingWhitespace.hasPrefix($0) }) {
                    usesUnreadFeatures = true
                }
                continue
            case "import", "import?", "mod", "mod?":
                usesUnreadFeatures = true
                continue
            case "alias":
                if let (name, target) = Self.assignment(trimmed.dropFirst(5).trimmingWhitespace) { aliases[name] = String(target.trimmingWhitespace) }
                continue
            case "export":
                if let (name, value) = Self.assignment(trimmed.dropFirst(6).trimmingWhitespace) { assignments.append((name, value)) }
                continue
            default:
                break
            }
            if let (name, value) = Self.assignment(trimmed) {
                assignments.append((name, value))
                continue
            }
            guard var recipe = Self.recipeHeader(trimmed) else {
                usesUnreadFeatures = true
                continue
            }
            while let next = lines.first, next.isEmpty || next.first == " " || next.first == "\t" {
                lines.removeFirst()
                let body = next.trimmingWhitespace
                if !body.isEmpty { recipe.body.append(String(body)) }
            }
            if recipes[recipe.name] == nil { recipeOrder.append(recipe.name) }
            recipes[recipe.name] = recipe
            if nextIsDefault && !markedDefault {
                defaultRecipe = recipe.name
                markedDefault = true
            } else if defaultRecipe == nil {
                defaultRecipe = recipe.name
            }
            nextIsDefault = false
        }
    }

    /// Lines with a trailing `\` joined to the next, as just joins them.
    static func joinedLines(_ text: String) -> [String] {
        var result: [String] = []
        var pending = ""
        for piece in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(piece)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.hasSuffix("\\") {
                pending += line.dropLast()
                continue
            }
            result.append(pending.isEmpty ? String(line) : pending + line.trimmingWhitespace)
            pending = ""
        }
        if !pending.isEmpty { result.append(pending) }
        return result
    }

    /// `name := expression`; nil for anything else (a recipe header has a single `:`).
    static func assignment(_ line: Substring) -> (String, String)? {
        guard let colon = line.firstRange(of: ":=") else { return nil }
        let name = line[..<colon.lowerBound].trimmingWhitespace
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else { return nil }
        return (String(name), String(line[colon.upperBound...].trimmingWhitespace))
    }

    /// `@name param="default" +rest: dep (dep "arg") && later`.
    static func recipeHeader(_ line: Substring) -> Recipe? {
        var text = line
        if text.hasPrefix("@") { text = text.dropFirst() }
        // The colon that ends the parameters: the first one outside quotes and parentheses.
        var quote: Character?
        var depth = 0
        var colon: Substring.Index?
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'", "`": quote = character
            case "(": depth += 1
            case ")": depth -= 1
            case ":" where depth == 0:
                let next = text.index(after: index)
                if next < text.endIndex, text[next] == "=" { return nil }
                colon = index
            default: break
            }
            if colon != nil { break }
        }
        guard let colon else { return nil }
        let head = words(text[..<colon])
        guard let name = head.first, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else { return nil }
        var recipe = Recipe(name: name)
        for word in head.dropFirst() {
            var word = Substring(word)
            let variadic = word.hasPrefix("+") || word.hasPrefix("*")
            if variadic { word = word.dropFirst() }
            if word.hasPrefix("$") { word = word.dropFirst() }
            if let equals = word.firstIndex(of: "=") {
                recipe.parameters.append(Parameter(name: String(word[..<equals]), defaultValue: String(word[word.index(after: equals)...]), variadic: variadic))
            } else {
                recipe.parameters.append(Parameter(name: String(word), defaultValue: variadic && line.contains("*" + word) ? "''" : nil, variadic: variadic))
            }
        }
        // Dependencies: names, or `(name args…)`; after `&&`, the ones that run afterwards.
        var later = false
        var rest = text[text.index(after: colon)...]
        while true {
            rest = rest.trimmingWhitespace
            if rest.isEmpty || rest.hasPrefix("#") { break }
            if rest.hasPrefix("&&") {
                later = true
                rest = rest.dropFirst(2)
                continue
            }
            var call: Call
            if rest.hasPrefix("(") {
                guard let close = rest.firstIndex(of: ")") else { return nil }
                let inside = words(rest[rest.index(after: rest.startIndex)..<close])
                guard let target = inside.first else { return nil }
                call = Call(recipe: target, arguments: Array(inside.dropFirst()))
                rest = rest[rest.index(after: close)...]
            } else {
                let word = rest.prefix { $0 != " " && $0 != "\t" }
                call = Call(recipe: String(word), arguments: [])
                rest = rest.dropFirst(word.count)
            }
            if later { recipe.laterDependencies.append(call) } else { recipe.dependencies.append(call) }
        }
        return recipe
    }

    /// Words split at blanks outside quotes; quoted text stays one word, quotes kept.
    static func words(_ text: Substring) -> [String] {
        var result: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
                continue
            }
            if character == " " || character == "\t" {
                if !current.isEmpty { result.append(current) }
                current = ""
                continue
            }
            if character == "\"" || character == "'" || character == "`" { quote = character }
            current.append(character)
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// The command lines `just` runs for `recipe` called with `arguments` (nil: computed at run
    /// time), with `overrides` (`name=value` on the command line) in force: every backquoted
    /// command the assignments run, then the dependencies' lines, the body, and the later
    /// dependencies'. `complete` is false when something on the way was not read. A body whose
    /// first line is `#!` is a script: its lines are one command line when the interpreter is
    /// a POSIX shell, and the result is incomplete otherwise.
    public func commands(for recipe: String, arguments: [String?], overrides: [String: String] = [:]) -> (commands: [String], complete: Bool) {
        var run = Run(file: self)
        var scope: [String: String?] = [:]
        for (name, expression) in assignments {
            // Typed apart: written into `scope` directly, `??` would take `String??` operands
            // and a missing override would win as a known-to-be-unknown value.
            let value: String? = overrides[name] ?? run.evaluate(expression, scope: scope)
            scope[name] = .some(value)
        }
        run.globals = scope
        run.call(recipe, arguments: arguments, depth: 0)
        if run.commands.count > Self.commandLimit {
            run.commands.removeLast(run.commands.count - Self.commandLimit)
            run.complete = false
        }
        return (run.commands, run.complete && !usesUnreadFeatures)
    }

    private struct Run {
        let file: Justfile
        var globals: [String: String?] = [:]
        var commands: [String] = []
        var complete = true
        var ran: Set<String> = []
        var calls = 0

        init(file: Justfile) { self.file = file }

        mutating func call(_ name: String, arguments: [String?], depth: Int) {
            let name = file.aliases[name] ?? name
            // just runs a recipe once per invocation for the same arguments, whatever depends on it.
            let key = ([name] + arguments.map { $0 ?? "\u{0}" }).joined(separator: "\u{1}")
            guard !ran.contains(key) else { return }
            calls += 1
            guard depth < 16, calls < 128, commands.count < Justfile.commandLimit, let recipe = file.recipes[name] else {
                complete = false
                return
            }
            ran.insert(key)
            var scope = globals
            var remaining = arguments[...]
            for parameter in recipe.parameters {
                if parameter.variadic {
                    let rest = Array(remaining)
                    remaining = []
                    if rest.isEmpty {
                        let value: String? = parameter.defaultValue.flatMap { evaluate($0, scope: scope) }
                        scope[parameter.name] = .some(value)
                    } else {
                        scope[parameter.name] = rest.contains(where: { $0 == nil }) ? String?.none : rest.compactMap { $0 }.joined(separator: " ")
                    }
                } else if let argument = remaining.popFirst() {
                    scope[parameter.name] = argument
                } else if let defaultValue = parameter.defaultValue {
                    scope[parameter.name] = evaluate(defaultValue, scope: scope)
                } else {
                    // just refuses to run a recipe without its arguments; a caller of this
                    // reader that passes too few gets an incomplete reading.
                    complete = false
                    scope[parameter.name] = String?.none
                }
            }
            for dependency in recipe.dependencies {
                call(dependency.recipe, arguments: dependency.arguments.map { evaluate($0, scope: scope) }, depth: depth + 1)
            }
            if let first = recipe.body.first, first.hasPrefix("#!") {
                let interpreter = first.dropFirst(2).split(separator: " ").map(String.init)
                let program = (interpreter.first == "/usr/bin/env" ? interpreter.dropFirst().first : interpreter.first).map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? ""
                let script = recipe.body.dropFirst().map { interpolate($0, scope: scope) }.joined(separator: "\n")
                if ["sh", "bash", "dash", "zsh", "ksh"].contains(program) {
                    commands.append(script)
                } else {
                    complete = false
                }
            } else {
                for line in recipe.body {
                    var line = Substring(line)
                    while let first = line.first, first == "@" || first == "-" { line = line.dropFirst() }
                    commands.append(interpolate(line, scope: scope))
                }
            }
            for dependency in recipe.laterDependencies {
                call(dependency.recipe, arguments: dependency.arguments.map { evaluate($0, scope: scope) }, depth: depth + 1)
            }
        }

        /// `{{expression}}` replaced by its value; `{{{{` is a literal `{{`.
        mutating func interpolate(_ line: some StringProtocol, scope: [String: String?]) -> String {
            var result = ""
            var rest = Substring(line)
            while let open = rest.firstRange(of: "{{") {
                result += rest[..<open.lowerBound]
                let after = rest[open.upperBound...]
                if after.hasPrefix("{{") {
                    result += "{{"
                    rest = after.dropFirst(2)
                    continue
                }
                guard let close = after.firstRange(of: "}}") else {
                    result += rest[open.lowerBound...]
                    rest = ""
                    break
                }
                result += evaluate(String(after[..<close.lowerBound]), scope: scope) ?? Justfile.unknownValue
                rest = after[close.upperBound...]
            }
            result += rest
            return result
        }

        /// The value of an expression this reader can evaluate: string literals, names, `+`
        /// concatenation and `/` joins. A backquoted command is recorded as run, and its output
        /// is not known; anything else is not known either (nil).
        mutating func evaluate(_ expression: String, scope: [String: String?]) -> String? {
            var value = ""
            var known = true
            var rest = Substring(expression).trimmingWhitespace
            var expectOperand = true
            while !rest.isEmpty {
                if !expectOperand {
                    if rest.hasPrefix("+") {
                        rest = rest.dropFirst().trimmingWhitespace
                    } else if rest.hasPrefix("/") {
                        value += "/"
                        rest = rest.dropFirst().trimmingWhitespace
                    } else {
                        return nil
                    }
                    expectOperand = true
                    continue
                }
                guard let first = rest.first else { break }
                if first == "'" || first == "\"" || first == "`" {
                    let triple = rest.hasPrefix(String(repeating: first, count: 3))
                    let delimiter = String(repeating: first, count: triple ? 3 : 1)
                    let body = rest.dropFirst(delimiter.count)
                    guard let end = body.firstRange(of: delimiter) else { return nil }
                    let literal = String(body[..<end.lowerBound])
                    if first == "`" {
                        commands.append(literal)
                        known = false
                    } else if first == "\"" && literal.contains("\\") {
                        // Escapes: not unfolded here.
                        known = false
                    } else {
                        value += literal
                    }
                    rest = body[end.upperBound...].trimmingWhitespace
                } else {
                    let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
                    guard !name.isEmpty else { return nil }
                    rest = rest.dropFirst(name.count).trimmingWhitespace
                    // A call (`env_var("X")`, `shell(…)`) or a conditional: not evaluated.
                    if rest.hasPrefix("(") || name == "if" { return nil }
                    guard let bound = scope[String(name)], let bound else {
                        known = false
                        expectOperand = false
                        continue
                    }
                    value += bound
                }
                expectOperand = false
            }
            return known ? value : nil
        }
    }

    /// What a value this reader cannot know becomes in a command line: a command substitution,
    /// so the shell classifier reads the line as running code computed at run time.
    public static let unknownValue = "$(just-value)"

    /// Command lines past this many are not produced; the reading is then incomplete.
    public static let commandLimit = 4096
}

extension StringProtocol {
    var trimmingWhitespace: SubSequence {
        var text = self[...]
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
