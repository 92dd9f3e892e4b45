/// The recipes a Makefile runs for a target, read as make reads the common subset agents write:
/// rules (`target: prerequisites`, recipes on tab-indented lines or after `;`), variables
/// (`=`, `:=`, `::=`, `?=`, `+=`, `export`/`override`, and `NAME=value` given on make's command
/// line), their references (`$(NAME)`, `${NAME}`, `$X`), the automatic variables `$@`, `$<`, `$^`
/// and `$*`, `$$`, and the recipe prefixes `@`, `-` and `+`. `$(MAKE)` is `make`, so a recursive
/// make is read again by whoever reads the recipe. What this reader does not evaluate —
/// conditionals, `include`, `define`, functions such as `$(shell …)`, pattern and implicit rules —
/// is reported (`usesUnreadFeatures`), and a reference it cannot expand is left as written: a
/// shell reads `$(NAME)` as a command substitution, which keeps a line that uses it no milder.
public struct Makefile: Sendable, Hashable {
    public struct Rule: Sendable, Hashable {
        public var prerequisites: [String] = []
        public var recipe: [String] = []

        public init(prerequisites: [String] = [], recipe: [String] = []) {
            self.prerequisites = prerequisites
            self.recipe = recipe
        }
    }

    public private(set) var rules: [String: Rule] = [:]
    public private(set) var defaultTarget: String?
    public private(set) var variables: [String: String] = ["MAKE": "make", "SHELL": "/bin/sh"]
    /// Conditionals, `include`, `define`, pattern rules: what make may do here is more than read.
    public private(set) var usesUnreadFeatures = false
    private var simplyExpanded: Set<String> = []
    private var overridden: Set<String> = []
    /// The file's own expansions ran past the bounds: some values are cut short.
    public private(set) var expansionsCutShort = false

    public init(_ text: String, commandLineVariables: [String: String] = [:]) {
        var currentTargets: [String] = []
        // One allowance for every expansion the file's `:=` and `+=` make.
        let budget = Budget()
        defer { if budget.exceeded { expansionsCutShort = true } }
        var lines = Self.logicalLines(text)[...]
        while let line = lines.popFirst() {
            if line.hasPrefix("\t") {
                // A recipe line of the rule before it.
                let command = String(line.dropFirst())
                for target in currentTargets { rules[target, default: Rule()].recipe.append(command) }
                continue
            }
            let content = Self.withoutComment(line)
            let trimmed = content.trimmingSpaces
            if trimmed.isEmpty { continue }
            let firstWord = trimmed.prefix { $0 != " " && $0 != "\t" }
            if ["ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "include", "-include", "sinclude", "vpath", "undefine", "unexport"].contains(firstWord) {
                usesUnreadFeatures = true
                continue
            }
            if firstWord == "define" {
                usesUnreadFeatures = true
                while let body = lines.popFirst(), body.trimmingSpaces != "endef" {}
                continue
            }
            if let (name, value, operation) = Self.assignment(trimmed) {
                currentTargets = []
                // `override` beats make's command line and every later plain assignment.
                let isOverride = trimmed.hasPrefix("override ") || trimmed.hasPrefix("export override ")
                guard isOverride || commandLineVariables[name] == nil && !overridden.contains(name) else { continue }
                if isOverride { overridden.insert(name) }
                switch operation {
                case "?=" where variables[name] != nil:
                    continue
                case ":=", "::=":
                    // Simply expanded: the value as it reads now; a reference not known now stays
                    // as written, and is not expanded again later.
                    variables[name] = expand(value, target: "", rule: Rule(), depth: 0, escapingUnresolved: true, budget: budget)
                    simplyExpanded.insert(name)
                case "+=":
                    let added = simplyExpanded.contains(name) ? expand(value, target: "", rule: Rule(), depth: 0, escapingUnresolved: true, budget: budget) : value
                    // make adds nothing, not even the space, for an empty value. In place: a file of
                    // appends must not copy the value for each.
                    if !added.isEmpty {
                        if variables[name]?.isEmpty ?? true { variables[name] = added } else { variables[name]! += " " + added }
                    }
                case "!=":
                    // The output of a shell command: not run here.
                    usesUnreadFeatures = true
                    variables[name] = "$(shell " + value + ")"
                default:
                    variables[name] = value
                    simplyExpanded.remove(name)
                }
                continue
            }
            guard let colon = Self.ruleColon(trimmed) else {
                currentTargets = []
                continue
            }
            let targets = trimmed[..<colon].split(separator: " ").map(String.init)
            var rest = trimmed[trimmed.index(after: colon)...]
            if rest.first == ":" { rest = rest.dropFirst() }
            var inlineRecipe: String?
            if let semicolon = rest.firstIndex(of: ";") {
                inlineRecipe = String(rest[rest.index(after: semicolon)...]).trimmingSpaces
                rest = rest[..<semicolon]
            }
            // `target: NAME = value` sets a variable for that target only.
            if Self.assignment(String(rest).trimmingSpaces) != nil {
                currentTargets = []
                continue
            }
            let prerequisites = rest.split(separator: " ").map(String.init).filter { $0 != "|" }
            currentTargets = targets
            for target in targets {
                if target.contains("%") { usesUnreadFeatures = true }
                rules[target, default: Rule()].prerequisites.append(contentsOf: prerequisites)
                if let inlineRecipe, !inlineRecipe.isEmpty { rules[target, default: Rule()].recipe.append(inlineRecipe) }
                if defaultTarget == nil, !target.hasPrefix("."), !target.contains("%") { defaultTarget = target }
            }
        }
        for (name, value) in commandLineVariables where !overridden.contains(name) { variables[name] = value }
    }

    /// What reading a target's recipes may cost: expansions are counted and their text measured,
    /// so that variables that double at every level (`A = $(B)$(B)`, `B = $(C)$(C)` …) cannot make
    /// the work or the text grow faster than these bounds.
    public static let expansionStepLimit = 100_000
    public static let expandedTextLimit = 128 * 1024

    final class Budget {
        var steps = Makefile.expansionStepLimit
        var bytes = Makefile.expandedTextLimit
        var exceeded = false
    }

    /// The command lines make runs for `target` (its prerequisites' first, each once), expanded,
    /// without their `@`/`-`/`+` prefixes; at most `limit` lines, prerequisites `depth` deep.
    public func commandLines(for target: String, limit: Int = 256, depth: Int = 8) -> [String] {
        recipes(for: target, limit: limit, depth: depth).lines
    }

    /// `commandLines`, and whether they are all of them: false when the line, depth or expansion
    /// bounds cut them short.
    public func recipes(for target: String, limit: Int = 256, depth: Int = 8) -> (lines: [String], complete: Bool) {
        var lines: [String] = []
        var visited: Set<String> = []
        var complete = true
        let budget = Budget()
        func visit(_ target: String, _ level: Int) {
            guard complete, visited.insert(target).inserted, let rule = rules[target] else { return }
            guard level <= depth else { complete = false; return }
            for prerequisite in rule.prerequisites { visit(expand(prerequisite, target: target, rule: rule, depth: 0, escapingUnresolved: false, budget: budget), level + 1) }
            for command in rule.recipe {
                guard lines.count < limit, !budget.exceeded else { complete = false; return }
                var text = Substring(expand(command, target: target, rule: rule, depth: 0, escapingUnresolved: false, budget: budget)).drop { $0 == " " || $0 == "\t" }
                while let first = text.first, first == "@" || first == "-" || first == "+" { text = text.dropFirst().drop { $0 == " " } }
                if !text.isEmpty { lines.append(String(text)) }
            }
        }
        visit(target, 0)
        return (lines, complete && !budget.exceeded && !expansionsCutShort)
    }

    /// `text` with make's references replaced; references this reader cannot expand stay.
    public func expand(_ text: String, target: String = "", rule: Rule = Rule()) -> String {
        expand(text, target: target, rule: rule, depth: 0, escapingUnresolved: false, budget: Budget())
    }

    func expand(_ text: String, target: String, rule: Rule, depth: Int, escapingUnresolved: Bool, budget: Budget) -> String {
        budget.steps -= 1
        if budget.steps < 0 { budget.exceeded = true }
        guard depth < 16, !budget.exceeded, text.contains("$") else {
            if depth >= 16 { budget.exceeded = true }
            return text
        }
        // A value stored expanded keeps `$$` for a later expansion to read as `$`.
        let dollar = escapingUnresolved ? "$$" : "$"
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            if budget.exceeded { return result }
            let character = text[index]
            index = text.index(after: index)
            guard character == "$", index < text.endIndex else {
                result.append(character)
                continue
            }
            let next = text[index]
            index = text.index(after: index)
            let before = result.utf8.count
            switch next {
            case "$": result += dollar
            case "@": result += target
            case "<": result += rule.prerequisites.first ?? ""
            case "^", "+": result += rule.prerequisites.joined(separator: " ")
            case "*": result += target.split(separator: ".").first.map(String.init) ?? target
            case "(", "{":
                let close: Character = next == "(" ? ")" : "}"
                var level = 1
                var end = index
                while end < text.endIndex {
                    if text[end] == next { level += 1 }
                    if text[end] == close { level -= 1; if level == 0 { break } }
                    end = text.index(after: end)
                }
                guard end < text.endIndex else {
                    result += dollar + String(next) + text[index...]
                    return result
                }
                let name = String(text[index..<end])
                index = text.index(after: end)
                if let value = variables[name] {
                    result += expand(value, target: target, rule: rule, depth: depth + 1, escapingUnresolved: escapingUnresolved, budget: budget)
                } else {
                    // A function (`$(shell …)`, `$(wildcard …)`) or a variable from the environment.
                    result += dollar + String(next) + name + String(close)
                }
            default:
                if let value = variables[String(next)] {
                    result += expand(value, target: target, rule: rule, depth: depth + 1, escapingUnresolved: escapingUnresolved, budget: budget)
                } else {
                    result += dollar + String(next)
                }
            }
            budget.bytes -= result.utf8.count - before
            if budget.bytes < 0 { budget.exceeded = true }
        }
        return result
    }

    /// Lines with backslash-newline continuations joined (a recipe's keep their tab).
    static func logicalLines(_ text: String) -> [String] {
        var lines: [String] = []
        var pending: String?
        func joined(_ line: Substring) -> String {
            guard let pending else { return String(line) }
            // make and the shell both read a backslash-newline and the blanks around it as one space.
            let head = pending.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
            return String(head) + " " + line.drop { $0 == " " || $0 == "\t" }
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.hasSuffix("\\") {
                pending = joined(line.dropLast())
                continue
            }
            lines.append(joined(line))
            pending = nil
        }
        if let pending { lines.append(pending) }
        return lines
    }

    static func withoutComment(_ line: String) -> String {
        var previous: Character?
        for index in line.indices {
            if line[index] == "#", previous != "\\" { return String(line[..<index]) }
            previous = line[index]
        }
        return line
    }

    /// `NAME = value` and its kin: the name, the value and the operator (`=`, `:=`, `::=`, `?=`,
    /// `+=`, `!=`).
    static func assignment(_ line: String) -> (String, String, String)? {
        var text = Substring(line)
        for prefix in ["export ", "override ", "private "] where text.hasPrefix(prefix) { text = text.dropFirst(prefix.count).drop { $0 == " " } }
        if text.hasPrefix("override ") { text = text.dropFirst("override ".count).drop { $0 == " " } }
        guard let equals = text.firstIndex(of: "=") else { return nil }
        var name = text[..<equals]
        // A rule's colon before the `=` (other than `:=`/`::=`) makes it a rule.
        if let colon = name.firstIndex(of: ":"), name[colon...].contains(where: { $0 != ":" }) { return nil }
        var operation = "="
        while let last = name.last, [":", "?", "+", "!"].contains(last) {
            operation = String(last) + operation
            name = name.dropLast()
        }
        guard ["=", ":=", "::=", "?=", "+=", "!="].contains(operation) else { return nil }
        let trimmedName = String(name).trimmingSpaces
        guard !trimmedName.isEmpty, !trimmedName.contains(" "), !trimmedName.contains("\t") else { return nil }
        return (trimmedName, String(text[text.index(after: equals)...]).trimmingSpaces, operation)
    }

    /// The colon that separates a rule's targets from its prerequisites, outside references.
    static func ruleColon(_ line: String) -> String.Index? {
        var level = 0
        for index in line.indices {
            switch line[index] {
            case "(", "{": level += 1
            case ")", "}": level -= 1
            case ":" where level == 0: return index
            default: break
            }
        }
        return nil
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
