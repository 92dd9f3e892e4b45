/// A recursive-descent parser for POSIX sh and the bash agents write.
///
/// It reads bytes, not characters: every syntactically meaningful character is ASCII, and UTF-8
/// text between them is copied through untouched. Work is linear in the input, and nesting is
/// bounded by `maximumDepth`, so malformed or hostile input fails fast with a `ShellSyntaxError`.
public struct ShellParser {
    /// Nesting deeper than this (substitutions, compound commands, quotes within substitutions) is
    /// refused rather than followed.
    public static let maximumDepth = 48
    /// Longer command lines are refused; no agent writes a 256 KiB command line by accident.
    public static let maximumLength = 256 * 1024

    /// Parses a whole command line.
    public static func parse(_ text: String) throws(ShellSyntaxError) -> ShellScript {
        var parser = ShellParser(bytes: Array(text.utf8), depth: 0)
        return try parser.parseWhole()
    }

    /// How many arithmetic bodies parsing `text` tries and how many words it reads, for tests of the
    /// parser's complexity.
    static func work(parsing text: String) -> (arithmeticAttempts: Int, wordsRead: Int) {
        var parser = ShellParser(bytes: Array(text.utf8), depth: 0)
        _ = try? parser.parseWhole()
        return (parser.arithmeticAttempts, parser.wordsRead)
    }

    private mutating func parseWhole() throws(ShellSyntaxError) -> ShellScript {
        guard bytes.count <= Self.maximumLength else {
            throw ShellSyntaxError("command line longer than \(Self.maximumLength) bytes", offset: Self.maximumLength)
        }
        var script = try parseList(until: .endOfInput)
        guard position == bytes.count else {
            throw ShellSyntaxError("unexpected `\(peekDescription)`", offset: position)
        }
        fillHereDocuments(&script)
        return script
    }

    // MARK: - State

    private let bytes: [UInt8]
    private var position = 0
    private var depth: Int
    /// Here-documents whose bodies start after the next newline.
    private var pendingHereDocuments: [(id: Int, delimiter: String, stripTabs: Bool, quoted: Bool)] = []
    /// Bodies read so far, by the id the redirection carries until `fillHereDocuments` runs.
    private var hereDocumentBodies: [Int: ShellWord] = [:]
    private var nextHereDocumentID = 0
    /// Positions where `((` was tried as arithmetic and turned out to be nested parentheses.
    /// Remembered so that `((((...` does not retry every prefix: without it the fallback is exponential.
    private var failedArithmetic: Set<Int> = []
    /// Where the last subscript scan that found no `]` started and stopped: a later scan from
    /// inside that stretch fails as well, so `a[ a[ a[ …` costs one pass, not one per command.
    private var unclosedSubscript: Range<Int> = 0..<0
    /// Arithmetic bodies tried so far, those of inner parsers over the same text included. Each
    /// failed try is remembered, so this stays linear in the input; a test holds it there.
    private(set) var arithmeticAttempts = 0
    /// Words read so far (again, when a failed attempt makes text be read again), inner parsers
    /// included; a test holds it near the input's length.
    private(set) var wordsRead = 0
    /// Bytes that failed arithmetic attempts may still read. Each failed `((` or `$((` is read
    /// again as parentheses, and an attempt that fails at the end of the line has read all of it:
    /// `((((…` with command substitutions and here-documents between them costs the square of
    /// its length without a bound (2.5 KiB once took 18 ms). Past the budget the line is refused.
    private var retryBudget: Int
    private var retryBudgetSpent = false

    private static func retryAllowance(for count: Int) -> Int { 2 * count + 1024 }

    private init(bytes: [UInt8], depth: Int) {
        self.bytes = bytes
        self.depth = depth
        self.retryBudget = Self.retryAllowance(for: bytes.count)
    }

    /// Charges a failed arithmetic attempt that started at `start` and stopped at `position`;
    /// throws once the budget is spent. An enclosing attempt must not recover from that error by
    /// reading its text another way (that would spend more): `retryBudgetSpent` tells it apart.
    private mutating func chargeFailedAttempt(from start: Int) throws(ShellSyntaxError) {
        retryBudget -= max(position - start, 1)
        if retryBudget < 0 || retryBudgetSpent {
            retryBudgetSpent = true
            throw ShellSyntaxError("parentheses nest in too many ways to read within the work allowed for a line", offset: start)
        }
    }

    private enum Terminator: Equatable {
        case endOfInput
        /// `)` closing a subshell or `$(`.
        case closeParenthesis
        /// One of these reserved words at command position (`then`, `fi`, `done`, `}` ...).
        case words(Set<String>)
        /// The end of a case arm: `;;`, `;&`, `;;&` or `esac`.
        case caseArm
    }

    // MARK: - Bytes

    private var atEnd: Bool { position >= bytes.count }
    private func peek(_ offset: Int = 0) -> UInt8? {
        let index = position + offset
        return index < bytes.count ? bytes[index] : nil
    }
    /// Redirection operators as spelled, longest first so that `<<<` is not read as `<<` and `<`.
    private static let redirectionOperators: [(StaticString, ShellRedirection.Operator)] = [
        ("<<<", .hereString), ("<<", .hereDocument), ("<>", .readWrite), ("<&", .duplicateInput), ("<", .input), (">>", .append),
        (">|", .clobber), (">&", .duplicateOutput), (">", .output), ("&>>", .appendOutputAndError), ("&>", .outputAndError),
    ]

    private func peekIs(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let start = text.utf8Start
        for i in 0..<count where bytes[position + i] != start[i] { return false }
        return true
    }

    private var peekDescription: String {
        guard let byte = peek() else { return "end of input" }
        return byte == UInt8(ascii: "\n") ? "newline" : String(decoding: [byte], as: UTF8.self)
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    /// Characters that end an unquoted word.
    private static func isMeta(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "<"),
            UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"):
            true
        default: false
        }
    }
    private static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }
    private static func isNameByte(_ byte: UInt8) -> Bool { isNameStart(byte) || (byte >= 0x30 && byte <= 0x39) }

    private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    private func fail(_ message: String) -> ShellSyntaxError { ShellSyntaxError(message, offset: position) }

    private func nested() throws(ShellSyntaxError) -> Int {
        guard depth + 1 <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
        return depth + 1
    }

    /// Skips blanks, line continuations and a comment; stops at a newline.
    private mutating func skipBlanks() {
        while let byte = peek() {
            if Self.isBlank(byte) {
                position += 1
            } else if byte == UInt8(ascii: "\\") && peek(1) == 0x0A {
                position += 2
            } else if byte == UInt8(ascii: "#") {
                while let b = peek(), b != 0x0A { position += 1 }
            } else {
                return
            }
        }
    }

    /// Consumes one newline and reads the bodies of here-documents opened on the line it ends.
    private mutating func consumeNewline() throws(ShellSyntaxError) {
        position += 1
        if !pendingHereDocuments.isEmpty { try readHereDocuments() }
    }

    private mutating func skipBlanksAndNewlines() throws(ShellSyntaxError) {
        while true {
            skipBlanks()
            guard peek() == 0x0A else { return }
            try consumeNewline()
        }
    }

    /// The reserved word at the current position, if the next token is one.
    private func peekReservedWord() -> String? {
        // Every reserved word starts with one of these bytes; most commands do not, and this runs
        // several times per command.
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "i"), UInt8(ascii: "t"), UInt8(ascii: "e"), UInt8(ascii: "f"), UInt8(ascii: "s"), UInt8(ascii: "w"),
            UInt8(ascii: "u"), UInt8(ascii: "d"), UInt8(ascii: "c"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["),
            UInt8(ascii: "!"):
            break
        default:
            return nil
        }
        var end = position
        while end < bytes.count, !Self.isMeta(bytes[end]) {
            let byte = bytes[end]
            // Quotes or expansions make it an ordinary word.
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "$")
                || byte == UInt8(ascii: "`")
            {
                return nil
            }
            end += 1
            if end - position > 8 { return nil }
        }
        guard end > position else { return nil }
        // Compared byte by byte: this runs at every command and would otherwise allocate a string.
        let length = end - position
        for word in Self.reservedWords where word.utf8CodeUnitCount == length {
            let start = word.utf8Start
            var equal = true
            for i in 0..<length where bytes[position + i] != start[i] {
                equal = false
                break
            }
            if equal { return word.description }
        }
        return nil
    }

    private static let reservedWords: [StaticString] = [
        "if", "then", "elif", "else", "fi", "for", "select", "while", "until", "do", "done", "case", "esac",
        "function", "{", "}", "[[", "!", "time", "coproc", "in",
    ]

    private mutating func expectWord(_ word: String) throws(ShellSyntaxError) {
        try skipBlanksAndNewlines()
        guard peekReservedWord() == word else { throw fail("expected `\(word)`, found `\(peekDescription)`") }
        position += word.utf8.count
    }

    // MARK: - Lists and pipelines

    private mutating func atTerminator(_ terminator: Terminator) -> Bool {
        guard let byte = peek() else { return true }
        switch terminator {
        case .endOfInput: return false
        case .closeParenthesis: return byte == UInt8(ascii: ")")
        case .words(let words):
            if let word = peekReservedWord(), words.contains(word) { return true }
            return false
        case .caseArm:
            if peekIs(";;") || peekIs(";&") { return true }
            return peekReservedWord() == "esac"
        }
    }

    private mutating func parseList(until terminator: Terminator) throws(ShellSyntaxError) -> ShellScript {
        var pipelines: [ShellPipeline] = []
        while true {
            try skipBlanksAndNewlines()
            if atEnd || atTerminator(terminator) { break }
            if peek() == UInt8(ascii: ")") { throw fail("unexpected `)`") }
            var pipeline = try parsePipeline()
            skipBlanks()
            if peekIs("&&") {
                position += 2
                pipeline.connector = .and
            } else if peekIs("||") {
                position += 2
                pipeline.connector = .or
            } else if peekIs(";;") || peekIs(";&") {
                // A case arm ends here; the caller consumes the terminator.
                pipelines.append(pipeline)
                guard terminator == .caseArm else { throw fail("`;;` outside a case statement") }
                break
            } else if peek() == UInt8(ascii: ";") {
                position += 1
            } else if peek() == UInt8(ascii: "&") {
                position += 1
                pipeline.connector = .background
            } else if peek() == 0x0A {
                try consumeNewline()
            } else if !(atEnd || atTerminator(terminator)) {
                throw fail("unexpected `\(peekDescription)`")
            }
            // Room for a few pipelines at once (`cd x && make && ./run`), rather than growing one by one.
            if pipelines.isEmpty { pipelines.reserveCapacity(4) }
            pipelines.append(pipeline)
            if pipeline.connector == .and || pipeline.connector == .or {
                try skipBlanksAndNewlines()
                if atEnd || atTerminator(terminator) { throw fail("a command must follow `&&` or `||`") }
            }
        }
        return ShellScript(pipelines: pipelines)
    }

    private mutating func parsePipeline() throws(ShellSyntaxError) -> ShellPipeline {
        var negated = false
        var timed = false
        while true {
            skipBlanks()
            switch peekReservedWord() {
            case "!":
                position += 1
                negated.toggle()
            case "time":
                position += 4
                timed = true
                skipBlanks()
                if peekIs("-p"), let next = peek(2), Self.isMeta(next) { position += 2 }
            default:
                var commands = [try parseCommand()]
                while true {
                    skipBlanks()
                    if peekIs("|&") {
                        position += 2
                    } else if peek() == UInt8(ascii: "|") && peek(1) != UInt8(ascii: "|") {
                        position += 1
                    } else {
                        break
                    }
                    try skipBlanksAndNewlines()
                    commands.append(try parseCommand())
                }
                return ShellPipeline(commands: commands, negated: negated, timed: timed)
            }
        }
    }

    // MARK: - Commands

    private mutating func parseCommand() throws(ShellSyntaxError) -> ShellCommand {
        skipBlanks()
        guard let byte = peek() else { throw fail("expected a command, found end of input") }
        if byte == UInt8(ascii: "(") {
            if peek(1) == UInt8(ascii: "("), let arithmetic = try parseArithmeticCommand() {
                return .compound(try withRedirections(arithmetic))
            }
            position += 1
            let body = try nestedList(until: .closeParenthesis)
            guard peek() == UInt8(ascii: ")") else { throw fail("expected `)` to close the subshell") }
            position += 1
            return .compound(try withRedirections(CompoundCommand(kind: .subshell, bodies: [body])))
        }
        if let word = peekReservedWord() {
            switch word {
            case "{":
                position += 1
                let body = try nestedList(until: .words(["}"]))
                try expectWord("}")
                return .compound(try withRedirections(CompoundCommand(kind: .group, bodies: [body])))
            case "if": return .compound(try withRedirections(try parseIf()))
            case "while", "until":
                position += word.utf8.count
                let condition = try nestedList(until: .words(["do"]))
                try expectWord("do")
                let body = try nestedList(until: .words(["done"]))
                try expectWord("done")
                let kind: CompoundCommand.Kind = word == "while" ? .whileLoop : .untilLoop
                return .compound(try withRedirections(CompoundCommand(kind: kind, bodies: [condition, body])))
            case "for", "select": return .compound(try withRedirections(try parseFor(select: word == "select")))
            case "case": return .compound(try withRedirections(try parseCase()))
            case "[[": return .compound(try withRedirections(try parseConditional()))
            case "function": return try parseFunctionKeyword()
            case "coproc":
                position += 6
                skipBlanks()
                let inner = try parseCommand()
                switch inner {
                case .compound(let compound):
                    return .compound(CompoundCommand(kind: .coprocess, bodies: [ShellScript(pipelines: [ShellPipeline(commands: [.compound(compound)])])]))
                default:
                    return .compound(CompoundCommand(kind: .coprocess, bodies: [ShellScript(pipelines: [ShellPipeline(commands: [inner])])]))
                }
            case "then", "elif", "else", "fi", "do", "done", "esac", "}", "in":
                throw fail("unexpected `\(word)`")
            default: break
            }
        }
        return try parseSimpleCommandOrFunction()
    }

    private mutating func nestedList(until terminator: Terminator) throws(ShellSyntaxError) -> ShellScript {
        guard depth + 1 <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
        depth += 1
        defer { depth -= 1 }
        return try parseList(until: terminator)
    }

    private mutating func withRedirections(_ command: CompoundCommand) throws(ShellSyntaxError) -> CompoundCommand {
        var command = command
        while true {
            skipBlanks()
            guard let redirection = try parseRedirection() else { return command }
            command.redirections.append(redirection)
        }
    }

    private mutating func parseIf() throws(ShellSyntaxError) -> CompoundCommand {
        position += 2
        var bodies: [ShellScript] = []
        bodies.append(try nestedList(until: .words(["then"])))
        try expectWord("then")
        bodies.append(try nestedList(until: .words(["elif", "else", "fi"])))
        while true {
            try skipBlanksAndNewlines()
            switch peekReservedWord() {
            case "elif":
                position += 4
                bodies.append(try nestedList(until: .words(["then"])))
                try expectWord("then")
                bodies.append(try nestedList(until: .words(["elif", "else", "fi"])))
            case "else":
                position += 4
                bodies.append(try nestedList(until: .words(["fi"])))
                try expectWord("fi")
                return CompoundCommand(kind: .ifClause, bodies: bodies)
            case "fi":
                position += 2
                return CompoundCommand(kind: .ifClause, bodies: bodies)
            default:
                throw fail("expected `fi` to close `if`")
            }
        }
    }

    private mutating func parseFor(select: Bool) throws(ShellSyntaxError) -> CompoundCommand {
        position += select ? 6 : 3
        skipBlanks()
        let kind: CompoundCommand.Kind = select ? .selectLoop : .forLoop
        if !select, peekIs("(("), let arithmetic = try parseArithmeticCommand() {
            skipBlanks()
            if peek() == UInt8(ascii: ";") { position += 1 }
            try expectWord("do")
            let body = try nestedList(until: .words(["done"]))
            try expectWord("done")
            return CompoundCommand(kind: kind, bodies: [body], words: arithmetic.words)
        }
        guard let name = try parseWord(), name.staticValue != nil else { throw fail("expected a variable name after `for`") }
        var words: [ShellWord] = []
        try skipBlanksAndNewlines()
        if peekReservedWord() == "in" {
            position += 2
            while true {
                skipBlanks()
                guard let byte = peek(), byte != UInt8(ascii: ";"), byte != 0x0A else { break }
                guard let word = try parseWord() else { throw fail("unexpected `\(peekDescription)` in the `for` list") }
                words.append(word)
            }
        }
        skipBlanks()
        if peek() == UInt8(ascii: ";") { position += 1 }
        try skipBlanksAndNewlines()
        let body: ShellScript
        if peekReservedWord() == "{" {
            position += 1
            body = try nestedList(until: .words(["}"]))
            try expectWord("}")
        } else {
            try expectWord("do")
            body = try nestedList(until: .words(["done"]))
            try expectWord("done")
        }
        return CompoundCommand(kind: kind, bodies: [body], words: words, variable: name.staticValue)
    }

    private mutating func parseCase() throws(ShellSyntaxError) -> CompoundCommand {
        position += 4
        skipBlanks()
        guard let subject = try parseWord() else { throw fail("expected a word after `case`") }
        var words = [subject]
        var bodies: [ShellScript] = []
        try expectWord("in")
        while true {
            try skipBlanksAndNewlines()
            if peekReservedWord() == "esac" {
                position += 4
                return CompoundCommand(kind: .caseClause, bodies: bodies, words: words)
            }
            guard !atEnd else { throw fail("expected `esac` to close `case`") }
            if peek() == UInt8(ascii: "(") { position += 1 }
            while true {
                skipBlanks()
                guard let pattern = try parseWord() else { throw fail("expected a pattern in `case`") }
                words.append(pattern)
                skipBlanks()
                if peek() == UInt8(ascii: "|") {
                    position += 1
                    continue
                }
                guard peek() == UInt8(ascii: ")") else { throw fail("expected `)` after a case pattern") }
                position += 1
                break
            }
            bodies.append(try nestedList(until: .caseArm))
            skipBlanks()
            if peekIs(";;&") {
                position += 3
            } else if peekIs(";;") || peekIs(";&") {
                position += 2
            }
        }
    }

    /// `[[ expression ]]`: operands are words; operators and parentheses are skipped.
    private mutating func parseConditional() throws(ShellSyntaxError) -> CompoundCommand {
        position += 2
        var words: [ShellWord] = []
        while true {
            try skipBlanksAndNewlines()
            guard let byte = peek() else { throw fail("expected `]]` to close `[[`") }
            if peekIs("]]"), peek(2).map(Self.isMeta) ?? true {
                position += 2
                return CompoundCommand(kind: .conditional, words: words)
            }
            if peekIs("&&") || peekIs("||") {
                position += 2
            } else if byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") {
                position += 1
            } else if let word = try parseWord(conditional: true) {
                words.append(word)
            } else {
                throw fail("unexpected `\(peekDescription)` in `[[ ]]`")
            }
        }
    }

    /// `(( expression ))`, or nil (position unchanged) when the text is a nested subshell instead.
    private mutating func parseArithmeticCommand() throws(ShellSyntaxError) -> CompoundCommand? {
        let start = position
        guard !failedArithmetic.contains(start) else { return nil }
        let hereDocuments = hereDocumentState
        position += 2
        do {
            return CompoundCommand(kind: .arithmetic, words: [ShellWord(try parseArithmeticBody())])
        } catch {
            if retryBudgetSpent { throw error }
            try chargeFailedAttempt(from: start)
        }
        failedArithmetic.insert(start)
        position = start
        hereDocumentState = hereDocuments
        return nil
    }

    /// An inner parser (`$[`, backticks, here-document bodies) works within what is left of this
    /// one's retry budget: given budgets of their own, nested inner parsers re-read by enclosing
    /// attempts would multiply the work the budget exists to bound.
    private mutating func shareRetryBudget(of outer: ShellParser) {
        retryBudget = outer.retryBudget
        retryBudgetSpent = outer.retryBudgetSpent
    }

    /// What an inner parser learned and spent while retrying arithmetic; positions it found not to
    /// be arithmetic apply here only when it read the same bytes.
    private mutating func takeRetryState(from inner: ShellParser, sameBytes: Bool) {
        if sameBytes { failedArithmetic = inner.failedArithmetic }
        arithmeticAttempts += inner.arithmeticAttempts
        wordsRead += inner.wordsRead
        retryBudget = inner.retryBudget
        retryBudgetSpent = inner.retryBudgetSpent
    }

    /// Here-documents opened and not yet read, and bodies read. An attempt that fails (`((` or
    /// `$((` that is not arithmetic) puts them back as they were, so the second reading starts
    /// from the state the first did: a here-document left open by the attempt would take the
    /// lines meant for the second reading's, hiding the commands after them.
    private var hereDocumentState: (pending: [(id: Int, delimiter: String, stripTabs: Bool, quoted: Bool)], bodies: [Int: ShellWord]) {
        get { (pendingHereDocuments, hereDocumentBodies) }
        set { (pendingHereDocuments, hereDocumentBodies) = newValue }
    }

    private mutating func parseFunctionKeyword() throws(ShellSyntaxError) -> ShellCommand {
        position += 8
        skipBlanks()
        guard let nameWord = try parseWord(), let name = nameWord.staticValue else { throw fail("expected a function name") }
        skipBlanks()
        if peekIs("()") {
            position += 2
        } else if peek() == UInt8(ascii: "("), peek(1) != UInt8(ascii: "(") {
            position += 1
            skipBlanks()
            guard peek() == UInt8(ascii: ")") else { throw fail("expected `()` after the function name") }
            position += 1
        }
        return try parseFunctionBody(name: name)
    }

    private mutating func parseFunctionBody(name: String) throws(ShellSyntaxError) -> ShellCommand {
        try skipBlanksAndNewlines()
        let body = try parseCommand()
        guard case .compound(let compound) = body else { throw fail("the body of function `\(name)` must be a compound command") }
        return .function(name: name, body: compound)
    }

    private mutating func parseSimpleCommandOrFunction() throws(ShellSyntaxError) -> ShellCommand {
        var command = SimpleCommand()
        while true {
            skipBlanks()
            guard let byte = peek() else { break }
            if (byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")) && peek(1) == UInt8(ascii: "(") {
                // Process substitution is a word, not a redirection.
            } else if let redirection = try parseRedirection() {
                command.redirections.append(redirection)
                continue
            }
            if byte == 0x0A || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "|")
                || byte == UInt8(ascii: ")")
            {
                break
            }
            if byte == UInt8(ascii: "("), command.words.count == 1, command.assignments.isEmpty, command.redirections.isEmpty,
                let name = command.words[0].staticValue
            {
                position += 1
                skipBlanks()
                guard peek() == UInt8(ascii: ")") else { throw fail("expected `)` in the definition of function `\(name)`") }
                position += 1
                return try parseFunctionBody(name: name)
            }
            if command.words.isEmpty, let assignment = try parseAssignment() {
                command.assignments.append(assignment)
                continue
            }
            guard let word = try parseWord() else { throw fail("unexpected `\(peekDescription)`") }
            // Room for a typical command's words at once, rather than growing one, two, four.
            if command.words.isEmpty { command.words.reserveCapacity(4) }
            command.words.append(word)
        }
        if command.words.isEmpty && command.assignments.isEmpty && command.redirections.isEmpty {
            throw fail("expected a command, found `\(peekDescription)`")
        }
        return .simple(command)
    }

    /// The `]` closing the subscript that opens at `open`, as bash finds it in an assignment:
    /// nested brackets counted, quoted text and escaped bytes passed over, and every other byte
    /// taken in, blanks and operators included (`a[1 + 1]=x` and `a[$(cmd)]=x` are assignments,
    /// which evaluate the subscript). Nil at a newline or the end of the text.
    private mutating func subscriptEnd(from open: Int) -> Int? {
        if unclosedSubscript.contains(open) { return nil }
        var depth = 0
        var index = open
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return index }
            case UInt8(ascii: "\\"):
                index += 1
            case UInt8(ascii: "'"):
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "'") { index += 1 }
            case UInt8(ascii: "\""):
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    index += 1
                }
            case UInt8(ascii: "\n"):
                unclosedSubscript = open..<index
                return nil
            default:
                break
            }
            index += 1
        }
        unclosedSubscript = open..<bytes.count
        return nil
    }

    /// `NAME=value`, `NAME+=value`, `NAME[i]=value` or `NAME=(...)`, or nil (position unchanged).
    private mutating func parseAssignment() throws(ShellSyntaxError) -> ShellAssignment? {
        guard let first = peek(), Self.isNameStart(first) else { return nil }
        var end = position
        while end < bytes.count, Self.isNameByte(bytes[end]) { end += 1 }
        var cursor = end
        var index: String?
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "[") {
            guard let close = subscriptEnd(from: cursor) else { return nil }
            index = text(end + 1..<close)
            cursor = close + 1
        }
        var appends = false
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "+") {
            appends = true
            cursor += 1
        }
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") else { return nil }
        let name = text(position..<end)
        position = cursor + 1
        if peek() == UInt8(ascii: "(") {
            position += 1
            var elements: [ShellWord] = []
            while true {
                try skipBlanksAndNewlines()
                guard let byte = peek() else { throw fail("expected `)` to close the array") }
                if byte == UInt8(ascii: ")") {
                    position += 1
                    break
                }
                guard let element = try parseWord() else { throw fail("unexpected `\(peekDescription)` in an array") }
                elements.append(element)
            }
            return ShellAssignment(name: name, value: ShellWord([]), elements: elements, index: index, appends: appends)
        }
        let value = try parseWord() ?? ShellWord([])
        return ShellAssignment(name: name, value: value, index: index, appends: appends)
    }

    private mutating func parseRedirection() throws(ShellSyntaxError) -> ShellRedirection? {
        // Only a digit, `<`, `>`, `&` or `{` can start a redirection; most words start otherwise.
        guard let first = peek(),
            first == UInt8(ascii: "<") || first == UInt8(ascii: ">") || first == UInt8(ascii: "&") || first == UInt8(ascii: "{")
                || (first >= 0x30 && first <= 0x39)
        else { return nil }
        let start = position
        var descriptor: Int?
        var cursor = position
        var number = 0
        while cursor < bytes.count, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39, cursor - position < 4 {
            number = number * 10 + Int(bytes[cursor] - 0x30)
            cursor += 1
        }
        if cursor > position, cursor < bytes.count, bytes[cursor] == UInt8(ascii: "<") || bytes[cursor] == UInt8(ascii: ">") {
            descriptor = number
            position = cursor
        } else if peek() == UInt8(ascii: "{") {
            // `{fd}>file`: bash allocates a descriptor into the variable.
            var end = position + 1
            while end < bytes.count, Self.isNameByte(bytes[end]) { end += 1 }
            if end > position + 1, end + 1 < bytes.count, bytes[end] == UInt8(ascii: "}"),
                bytes[end + 1] == UInt8(ascii: "<") || bytes[end + 1] == UInt8(ascii: ">")
            {
                position = end + 1
            }
        }
        // `&>` and `&>>` take no descriptor number.
        guard let (spelling, op) = Self.redirectionOperators.first(where: { (descriptor == nil || $0.0.utf8Start[0] != UInt8(ascii: "&")) && peekIs($0.0) }) else {
            position = start
            return nil
        }
        position += spelling.utf8CodeUnitCount
        if op == .hereDocument {
            let stripTabs = peek() == UInt8(ascii: "-")
            if stripTabs { position += 1 }
            skipBlanks()
            guard let delimiterWord = try parseWord(), let delimiter = delimiterWord.staticValue else {
                throw fail("expected a here-document delimiter")
            }
            let quoted = delimiterWord.parts.contains { if case .literal = $0 { false } else { true } }
            let id = nextHereDocumentID
            nextHereDocumentID += 1
            pendingHereDocuments.append((id, delimiter, stripTabs, quoted))
            // The id rides in the descriptor-less target until the body is known.
            return ShellRedirection(descriptor: descriptor, op: op, target: delimiterWord, hereDocument: ShellWord([.quoted("\u{0}\(id)")]))
        }
        skipBlanks()
        guard let target = try parseWord() else { throw fail("expected a file name after `\(op.rawValue)`") }
        return ShellRedirection(descriptor: descriptor, op: op, target: target)
    }

    // MARK: - Here-documents

    private mutating func readHereDocuments() throws(ShellSyntaxError) {
        let pending = pendingHereDocuments
        pendingHereDocuments = []
        for document in pending {
            var lines: [Range<Int>] = []
            var found = false
            while !atEnd {
                var lineStart = position
                var end = position
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                let next = end < bytes.count ? end + 1 : end
                if document.stripTabs {
                    while lineStart < end, bytes[lineStart] == 0x09 { lineStart += 1 }
                }
                position = next
                if text(lineStart..<end) == document.delimiter {
                    found = true
                    break
                }
                lines.append(lineStart..<next)
            }
            _ = found  // bash accepts a here-document that runs to the end of input.
            var body: [UInt8] = []
            for line in lines { body.append(contentsOf: bytes[line]) }
            if document.quoted {
                hereDocumentBodies[document.id] = ShellWord([.quoted(String(decoding: body, as: UTF8.self))])
            } else {
                var inner = ShellParser(bytes: body, depth: try nested())
                inner.shareRetryBudget(of: self)
                let parts: [ShellWordPart]
                do {
                    parts = try inner.parseHereDocumentBody()
                } catch {
                    takeRetryState(from: inner, sameBytes: false)
                    throw error
                }
                takeRetryState(from: inner, sameBytes: false)
                hereDocumentBodies[document.id] = ShellWord(parts)
            }
        }
    }

    fileprivate mutating func fillHereDocuments(_ script: inout ShellScript) {
        guard !hereDocumentBodies.isEmpty || !pendingHereDocuments.isEmpty else { return }
        // Here-documents never closed by a newline run to the end of the input.
        if !pendingHereDocuments.isEmpty { try? readHereDocuments() }
        let bodies = hereDocumentBodies
        Self.fill(&script, bodies)
    }

    private static func fill(_ script: inout ShellScript, _ bodies: [Int: ShellWord]) {
        for p in script.pipelines.indices {
            for c in script.pipelines[p].commands.indices {
                fill(&script.pipelines[p].commands[c], bodies)
            }
        }
    }

    private static func fill(_ command: inout ShellCommand, _ bodies: [Int: ShellWord]) {
        switch command {
        case .simple(var simple):
            for i in simple.assignments.indices {
                fill(&simple.assignments[i].value, bodies)
                if var elements = simple.assignments[i].elements {
                    for j in elements.indices { fill(&elements[j], bodies) }
                    simple.assignments[i].elements = elements
                }
            }
            for i in simple.words.indices { fill(&simple.words[i], bodies) }
            fill(&simple.redirections, bodies)
            command = .simple(simple)
        case .compound(var compound):
            fill(&compound, bodies)
            command = .compound(compound)
        case .function(let name, var body):
            fill(&body, bodies)
            command = .function(name: name, body: body)
        }
    }

    private static func fill(_ compound: inout CompoundCommand, _ bodies: [Int: ShellWord]) {
        for i in compound.bodies.indices { fill(&compound.bodies[i], bodies) }
        for i in compound.words.indices { fill(&compound.words[i], bodies) }
        fill(&compound.redirections, bodies)
    }

    private static func fill(_ redirections: inout [ShellRedirection], _ bodies: [Int: ShellWord]) {
        for i in redirections.indices {
            fill(&redirections[i].target, bodies)
            if let marker = redirections[i].hereDocument, marker.parts.count == 1, case .quoted(let key) = marker.parts[0],
                key.hasPrefix("\u{0}"), let id = Int(key.dropFirst())
            {
                redirections[i].hereDocument = bodies[id] ?? ShellWord([])
            } else if var body = redirections[i].hereDocument {
                fill(&body, bodies)
                redirections[i].hereDocument = body
            }
        }
    }

    private static func fill(_ word: inout ShellWord, _ bodies: [Int: ShellWord]) {
        var parts = Array(word.parts)
        for i in parts.indices { fill(&parts[i], bodies) }
        word = ShellWord(parts)
    }

    private static func fill(_ part: inout ShellWordPart, _ bodies: [Int: ShellWord]) {
        switch part {
        case .literal, .quoted: break
        case .doubleQuoted(var inner):
            for i in inner.indices { fill(&inner[i], bodies) }
            part = .doubleQuoted(inner)
        case .arithmetic(var inner):
            for i in inner.indices { fill(&inner[i], bodies) }
            part = .arithmetic(inner)
        case .parameter(let name, var inner):
            for i in inner.indices { fill(&inner[i], bodies) }
            part = .parameter(name: name, nested: inner)
        case .commandSubstitution(var script):
            fill(&script, bodies)
            part = .commandSubstitution(script)
        case .processSubstitution(var script, let isInput):
            fill(&script, bodies)
            part = .processSubstitution(script, isInput: isInput)
        }
    }

    // MARK: - Words

    /// One word, or nil when the next byte cannot start one.
    /// In `conditional` mode (`[[ ]]`), `(`, `)`, `|`, `<` and `>` inside a started word are text,
    /// as in a regular expression after `=~`.
    private mutating func parseWord(conditional: Bool = false) throws(ShellSyntaxError) -> ShellWord? {
        wordsRead += 1
        if let word = plainWord(conditional: conditional) { return word }
        var parts: [ShellWordPart] = []
        var literalStart = position
        func flush(_ parser: ShellParser, _ end: Int) {
            if end > literalStart { parts.append(.literal(parser.text(literalStart..<end))) }
        }
        while let byte = peek() {
            if Self.isMeta(byte) {
                let started = position > literalStart || !parts.isEmpty
                if (byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")) && peek(1) == UInt8(ascii: "(") && !started {
                    position += 2
                    let script = try parseNestedScriptUntilParenthesis()
                    parts.append(.processSubstitution(script, isInput: byte == UInt8(ascii: "<")))
                    literalStart = position
                    continue
                }
                if conditional && started && byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != UInt8(ascii: ";")
                    && byte != UInt8(ascii: "&")
                {
                    position += 1
                    continue
                }
                // Extended globs (`@(a|b)`, `!(x)`) keep their parentheses inside the word.
                if byte == UInt8(ascii: "("), position > literalStart,
                    [UInt8(ascii: "@"), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+")].contains(bytes[position - 1])
                {
                    try skipBalancedParentheses()
                    continue
                }
                break
            }
            switch byte {
            case UInt8(ascii: "'"):
                flush(self, position)
                position += 1
                let start = position
                while let b = peek(), b != UInt8(ascii: "'") { position += 1 }
                guard !atEnd else { throw ShellSyntaxError("unterminated single quote", offset: start - 1) }
                parts.append(.quoted(text(start..<position)))
                position += 1
                literalStart = position
            case UInt8(ascii: "\""):
                flush(self, position)
                let start = position
                position += 1
                let inner = try parseDoubleQuoted(start: start)
                parts.append(.doubleQuoted(inner))
                literalStart = position
            case UInt8(ascii: "\\"):
                flush(self, position)
                if peek(1) == 0x0A {
                    position += 2
                } else if let escaped = peek(1) {
                    let length = Self.utf8Length(escaped)
                    let end = min(position + 1 + length, bytes.count)
                    parts.append(.quoted(text(position + 1..<end)))
                    position = end
                } else {
                    parts.append(.literal("\\"))
                    position += 1
                }
                literalStart = position
            case UInt8(ascii: "$"):
                flush(self, position)
                if let part = try parseDollar(inDoubleQuotes: false) { parts.append(part) } else { parts.append(.literal("$")) }
                literalStart = position
            case UInt8(ascii: "`"):
                flush(self, position)
                parts.append(try parseBackticks())
                literalStart = position
            default:
                position += 1
            }
        }
        flush(self, position)
        return parts.isEmpty ? nil : ShellWord(parts)
    }

    /// A word of plain text only (`ls`, `-la`, `/srv/app`), the most common kind, read in one
    /// scan; nil when the word has quoting or expansions, or when what ends it might not end it
    /// (`@(a|b)`, `[[ a<b ]]`), which `parseWord` reads in full.
    private mutating func plainWord(conditional: Bool) -> ShellWord? {
        var end = position
        while end < bytes.count {
            let byte = bytes[end]
            if Self.isMeta(byte) { break }
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"), UInt8(ascii: "`"): return nil
            default: end += 1
            }
        }
        guard end > position else { return nil }
        if end < bytes.count {
            let byte = bytes[end]
            let ends = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "&")
                || (!conditional && byte != UInt8(ascii: "("))
            guard ends else { return nil }
        }
        let word = ShellWord.literal(text(position..<end))
        position = end
        return word
    }

    private static func utf8Length(_ lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead >= 0xF0 { return 4 }
        if lead >= 0xE0 { return 3 }
        if lead >= 0xC0 { return 2 }
        return 1
    }

    private mutating func skipBalancedParentheses() throws(ShellSyntaxError) {
        var level = 0
        while let byte = peek() {
            position += 1
            if byte == UInt8(ascii: "(") { level += 1 }
            if byte == UInt8(ascii: ")") {
                level -= 1
                if level == 0 { return }
            }
        }
        throw fail("unterminated `(` in a pattern")
    }

    /// The parts of a double-quoted string; `position` is just past the opening quote.
    private mutating func parseDoubleQuoted(start: Int) throws(ShellSyntaxError) -> [ShellWordPart] {
        let inner = try parseQuotedContent(closing: UInt8(ascii: "\""))
        guard peek() == UInt8(ascii: "\"") else { throw ShellSyntaxError("unterminated double quote", offset: start) }
        position += 1
        return inner
    }

    /// Text in which `$` and backticks expand and a backslash escapes only `$`, `` ` ``, `"`, `\` and
    /// newline: a double-quoted string (closing `"`), a here-document body or a `${...}` operand.
    private mutating func parseQuotedContent(closing: UInt8?, escapesQuote: Bool = true) throws(ShellSyntaxError) -> [ShellWordPart] {
        var parts: [ShellWordPart] = []
        var pending: [UInt8] = []
        func flush() {
            if !pending.isEmpty {
                parts.append(.quoted(String(decoding: pending, as: UTF8.self)))
                pending.removeAll(keepingCapacity: true)
            }
        }
        while let byte = peek() {
            if let closing, byte == closing { break }
            switch byte {
            case UInt8(ascii: "\\"):
                guard let next = peek(1) else {
                    pending.append(byte)
                    position += 1
                    continue
                }
                if next == 0x0A {
                    position += 2
                } else if next == UInt8(ascii: "$") || next == UInt8(ascii: "`") || next == UInt8(ascii: "\\")
                    || (escapesQuote && next == UInt8(ascii: "\"")) || (closing != nil && next == closing)
                {
                    pending.append(next)
                    position += 2
                } else {
                    pending.append(byte)
                    position += 1
                }
            case UInt8(ascii: "$"):
                flush()
                if let part = try parseDollar(inDoubleQuotes: true) { parts.append(part) } else { pending.append(byte) }
            case UInt8(ascii: "`"):
                flush()
                parts.append(try parseBackticks())
            default:
                pending.append(byte)
                position += 1
            }
        }
        flush()
        return parts
    }

    /// A here-document body: everything expands, nothing closes it.
    private mutating func parseHereDocumentBody() throws(ShellSyntaxError) -> [ShellWordPart] {
        try parseQuotedContent(closing: nil, escapesQuote: false)
    }

    /// `$...` at `position`; nil (one byte consumed) when the dollar sign is just a character.
    private mutating func parseDollar(inDoubleQuotes: Bool) throws(ShellSyntaxError) -> ShellWordPart? {
        guard depth + 1 <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
        depth += 1
        defer { depth -= 1 }
        let start = position
        position += 1
        guard let next = peek() else { return nil }
        switch next {
        case UInt8(ascii: "'") where !inDoubleQuotes:
            position += 1
            return .quoted(try parseANSICString(start: start))
        case UInt8(ascii: "\"") where !inDoubleQuotes:
            // `$"..."`: a translatable string, otherwise a double-quoted one.
            position += 1
            return .doubleQuoted(try parseDoubleQuoted(start: start))
        case UInt8(ascii: "("):
            if peek(1) == UInt8(ascii: "("), !failedArithmetic.contains(position) {
                let save = position
                let hereDocuments = hereDocumentState
                position += 2
                do {
                    return .arithmetic(try parseArithmeticBody())
                } catch {
                    if retryBudgetSpent { throw error }
                    try chargeFailedAttempt(from: save)
                }
                position = save
                hereDocumentState = hereDocuments
                failedArithmetic.insert(save)
            }
            position += 1
            return .commandSubstitution(try parseNestedScriptUntilParenthesis())
        case UInt8(ascii: "{"):
            position += 1
            return try parseBracedParameter(start: start)
        case UInt8(ascii: "["):
            // `$[ expr ]`: obsolete arithmetic.
            position += 1
            var inner = ShellParser(bytes: bytes, depth: try nested())
            inner.position = position
            // The inner parser reads the same bytes, so what it learns about `((` that is not
            // arithmetic holds here too, and must come back even when it fails: each attempt at
            // an enclosing `$((` retries everything inside it, and without the memo `$[$((` × n
            // doubles the work with every repetition.
            inner.failedArithmetic = failedArithmetic
            inner.shareRetryBudget(of: self)
            let parts: [ShellWordPart]
            do {
                parts = try inner.parseQuotedContent(closing: UInt8(ascii: "]"))
            } catch {
                takeRetryState(from: inner, sameBytes: true)
                // Where the inner reading stopped is how far this one read: an enclosing attempt
                // that fails is charged up to here, not just up to the `$[`.
                position = max(position, inner.position)
                throw error
            }
            takeRetryState(from: inner, sameBytes: true)
            position = inner.position
            guard peek() == UInt8(ascii: "]") else { throw ShellSyntaxError("unterminated `$[`", offset: start) }
            position += 1
            return .arithmetic(parts)
        default:
            if Self.isNameStart(next) {
                let nameStart = position
                while let b = peek(), Self.isNameByte(b) { position += 1 }
                return .parameter(name: text(nameStart..<position), nested: [])
            }
            if (next >= 0x30 && next <= 0x39) || [UInt8(ascii: "@"), UInt8(ascii: "*"), UInt8(ascii: "#"), UInt8(ascii: "?"),
                UInt8(ascii: "-"), UInt8(ascii: "$"), UInt8(ascii: "!")].contains(next)
            {
                position += 1
                return .parameter(name: text(position - 1..<position), nested: [])
            }
            return nil
        }
    }

    /// `$'...'` with its backslash escapes; `position` is past the opening quote.
    private mutating func parseANSICString(start: Int) throws(ShellSyntaxError) -> String {
        var out: [UInt8] = []
        while let byte = peek() {
            if byte == UInt8(ascii: "'") {
                position += 1
                return String(decoding: out, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\"), let escape = peek(1) else {
                out.append(byte)
                position += 1
                continue
            }
            position += 2
            switch escape {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "e"), UInt8(ascii: "E"): out.append(0x1B)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "?"): out.append(escape)
            case UInt8(ascii: "x"):
                var value: UInt32 = 0
                var digits = 0
                while digits < 2, let b = peek(), let d = Self.hexValue(b) {
                    value = value * 16 + d
                    digits += 1
                    position += 1
                }
                if digits == 0 { out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x")]) } else { out.append(UInt8(value)) }
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                var value: UInt32 = 0
                var digits = 0
                let limit = escape == UInt8(ascii: "u") ? 4 : 8
                while digits < limit, let b = peek(), let d = Self.hexValue(b) {
                    value = value &* 16 &+ d
                    digits += 1
                    position += 1
                }
                if digits == 0 {
                    out.append(contentsOf: [UInt8(ascii: "\\"), escape])
                } else if let scalar = Unicode.Scalar(value) {
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
            case UInt8(ascii: "c"):
                // `\cX`: a control character.
                if let b = peek() {
                    out.append(b & 0x1F)
                    position += 1
                }
            case 0x30...0x37:
                var value = UInt32(escape - 0x30)
                var digits = 1
                while digits < 3, let b = peek(), b >= 0x30, b <= 0x37 {
                    value = value * 8 + UInt32(b - 0x30)
                    digits += 1
                    position += 1
                }
                out.append(UInt8(truncatingIfNeeded: value))
            default:
                out.append(contentsOf: [UInt8(ascii: "\\"), escape])
            }
        }
        throw ShellSyntaxError("unterminated `$'`", offset: start)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46: UInt32(byte - 0x41 + 10)
        case 0x61...0x66: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }

    /// `${...}`; `position` is past the brace.
    private mutating func parseBracedParameter(start: Int) throws(ShellSyntaxError) -> ShellWordPart {
        let nameStart = position
        if let b = peek(), b == UInt8(ascii: "#") || b == UInt8(ascii: "!") { position += 1 }
        while let b = peek(), Self.isNameByte(b) || b == UInt8(ascii: "@") || b == UInt8(ascii: "*") || b == UInt8(ascii: "?") {
            position += 1
        }
        let name = text(nameStart..<position)
        var nested: [ShellWordPart] = []
        while let byte = peek(), byte != UInt8(ascii: "}") {
            switch byte {
            case UInt8(ascii: "'"):
                position += 1
                let s = position
                while let b = peek(), b != UInt8(ascii: "'") { position += 1 }
                guard !atEnd else { throw ShellSyntaxError("unterminated single quote in `${`", offset: s - 1) }
                nested.append(.quoted(text(s..<position)))
                position += 1
            case UInt8(ascii: "\""):
                let s = position
                position += 1
                nested.append(.doubleQuoted(try parseDoubleQuoted(start: s)))
            case UInt8(ascii: "{"):
                // Braces inside the operand nest.
                position += 1
                var inner = try parseQuotedContent(closing: UInt8(ascii: "}"))
                guard peek() == UInt8(ascii: "}") else { throw ShellSyntaxError("unterminated `${`", offset: start) }
                position += 1
                inner.insert(.quoted("{"), at: 0)
                inner.append(.quoted("}"))
                nested.append(contentsOf: inner)
            default:
                nested.append(contentsOf: try parseParameterOperandRun())
            }
        }
        guard peek() == UInt8(ascii: "}") else { throw ShellSyntaxError("unterminated `${`", offset: start) }
        position += 1
        return .parameter(name: name, nested: nested)
    }

    /// Operand text of `${...}` up to the next quote, brace or closing brace.
    private mutating func parseParameterOperandRun() throws(ShellSyntaxError) -> [ShellWordPart] {
        var parts: [ShellWordPart] = []
        var pending: [UInt8] = []
        while let byte = peek(), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "'"), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "{") {
            switch byte {
            case UInt8(ascii: "\\"):
                if let next = peek(1) {
                    pending.append(next)
                    position += 2
                } else {
                    position += 1
                }
            case UInt8(ascii: "$"), UInt8(ascii: "`"):
                try parseEmbeddedExpansion(byte, pending: &pending, parts: &parts)
            default:
                pending.append(byte)
                position += 1
            }
        }
        flushLiteral(&pending, into: &parts)
        return parts
    }

    /// A `$…` or `` `…` `` met inside a brace or arithmetic body: ends the literal text gathered
    /// so far and parses the expansion.
    private mutating func parseEmbeddedExpansion(_ byte: UInt8, pending: inout [UInt8], parts: inout [ShellWordPart]) throws(ShellSyntaxError) {
        flushLiteral(&pending, into: &parts)
        if byte == UInt8(ascii: "`") {
            parts.append(try parseBackticks())
        } else if let part = try parseDollar(inDoubleQuotes: true) {
            parts.append(part)
        } else {
            pending.append(byte)
        }
    }

    private func flushLiteral(_ pending: inout [UInt8], into parts: inout [ShellWordPart]) {
        if !pending.isEmpty { parts.append(.literal(String(decoding: pending, as: UTF8.self))) }
        pending = []
    }

    /// The body of `$((` or `((` up to the matching `))`; `position` is past the opening pair.
    private mutating func parseArithmeticBody() throws(ShellSyntaxError) -> [ShellWordPart] {
        arithmeticAttempts += 1
        var parts: [ShellWordPart] = []
        var pending: [UInt8] = []
        var level = 0
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "("):
                level += 1
                pending.append(byte)
                position += 1
            case UInt8(ascii: ")"):
                if level == 0 {
                    guard peek(1) == UInt8(ascii: ")") else { throw fail("expected `))`") }
                    position += 2
                    flushLiteral(&pending, into: &parts)
                    return parts
                }
                level -= 1
                pending.append(byte)
                position += 1
            case UInt8(ascii: "$"), UInt8(ascii: "`"):
                try parseEmbeddedExpansion(byte, pending: &pending, parts: &parts)
            default:
                pending.append(byte)
                position += 1
            }
        }
        throw fail("unterminated arithmetic expression")
    }

    /// A nested script closed by `)`: `$(...)`, `<(...)`. `position` is past the opening parenthesis.
    private mutating func parseNestedScriptUntilParenthesis() throws(ShellSyntaxError) -> ShellScript {
        let start = position
        // A substitution is read on its own: a here-document opened before it (`cat <<A $(…`)
        // takes its body from the lines after the whole command, not from lines inside the
        // substitution, which bash and dash both run as commands. Reading them as the body
        // would hide those commands.
        let openOutside = pendingHereDocuments
        pendingHereDocuments = []
        let script = try nestedList(until: .closeParenthesis)
        guard peek() == UInt8(ascii: ")") else { throw ShellSyntaxError("unterminated `$(` or `<(`", offset: start) }
        // `$(cat <<EOF)` on one line: bash reads the body from the lines after the substitution,
        // dash (`sh` on Debian) ends the here-document inside it and runs those lines as commands.
        // The shells disagree on what runs, so the line is refused rather than read one way.
        guard pendingHereDocuments.isEmpty else {
            throw ShellSyntaxError("a here-document opened inside `$(…)` or `<(…)` has no body before the `)`; shells disagree on whether the lines after it are its body or commands", offset: position)
        }
        pendingHereDocuments = openOutside
        position += 1
        return script
    }

    /// `` `...` ``: the text between unescaped backticks, unescaped once and parsed as a script.
    private mutating func parseBackticks() throws(ShellSyntaxError) -> ShellWordPart {
        let start = position
        position += 1
        var content: [UInt8] = []
        while let byte = peek() {
            if byte == UInt8(ascii: "`") {
                position += 1
                var inner = ShellParser(bytes: content, depth: try nested())
                inner.shareRetryBudget(of: self)
                var script: ShellScript
                do {
                    script = try inner.parseList(until: .endOfInput)
                } catch {
                    takeRetryState(from: inner, sameBytes: false)
                    throw error
                }
                takeRetryState(from: inner, sameBytes: false)
                guard inner.atEnd else { throw ShellSyntaxError("unexpected `\(inner.peekDescription)` in backticks", offset: start + 1 + inner.position) }
                inner.fillHereDocuments(&script)
                return .commandSubstitution(script)
            }
            if byte == UInt8(ascii: "\\"), let next = peek(1), next == UInt8(ascii: "`") || next == UInt8(ascii: "\\") || next == UInt8(ascii: "$") {
                content.append(next)
                position += 2
                continue
            }
            content.append(byte)
            position += 1
        }
        throw ShellSyntaxError("unterminated backtick", offset: start)
    }
}
