/// What an awk program does besides reading its input and printing to standard output, found by
/// reading its tokens as awk does: strings, regular expressions and comments are data, so
/// `/a|b/` and `print "system"` run nothing, while `print $0 > "/etc/passwd"` replaces a file.
///
/// `/` is a regular expression where awk expects an operand and division after one; the choice only
/// ever errs towards reading a regular expression as code, which can add findings, never hide one
/// behind a string that is not there.
public struct AwkProgramEffects: Sendable, Hashable {
    /// `system()`, or a pipe to or from a command: `print | "cmd"`, `"cmd" | getline`, gawk's `|&`.
    public var runsCommands = false
    /// The command lines it runs, each written as one string constant (`system("make clean")`,
    /// `print | "sort -u"`, `"date" | getline`), in order.
    public var commandLines: [String] = []
    /// Some command it runs is built at run time (`system("rm " $1)`), so `commandLines` is not all.
    public var computesCommands = false
    /// gawk's `@include`, `@load` and indirect calls `@name()` (which reach `system` too).
    public var usesIndirection = false
    /// Output redirections of `print` and `printf`, in order.
    public var outputFiles: [AwkOutputFile] = []
    /// The program is seen to print every record: it ends with a pattern-less rule whose action
    /// prints `$0` as its last statement (`{…; print}`), or with the pattern `1`, and nothing in it
    /// skips records or stops early (`next`, `nextfile`, `exit`, `getline`). What matters when
    /// gawk edits a file in place, keeping only what the program prints. Other programs may print
    /// every record too; this reader does not tell.
    public var printsEveryRecord = false
    /// The program removes text from records it prints: `sub`/`gsub`/`gensub` with an empty
    /// replacement, or a field or the record assigned the empty string (`$3 = ""`). In place, that
    /// is an edit that puts nothing where the text was.
    public var removesText = false

    public init(runsCommands: Bool = false, usesIndirection: Bool = false, outputFiles: [AwkOutputFile] = [], printsEveryRecord: Bool = false, removesText: Bool = false) {
        self.runsCommands = runsCommands
        self.usesIndirection = usesIndirection
        self.outputFiles = outputFiles
        self.printsEveryRecord = printsEveryRecord
        self.removesText = removesText
    }
}

public struct AwkOutputFile: Sendable, Hashable {
    /// The file, when the redirection names it with one string constant; nil when it is computed.
    public var path: String?
    /// `>>` appends; `>` empties the file when the program first writes to it.
    public var appends: Bool

    public init(path: String?, appends: Bool) {
        self.path = path
        self.appends = appends
    }
}

public struct AwkProgramError: Error, Sendable, Hashable {
    public var message: String
    /// Byte offset in the program.
    public var offset: Int
}

public enum AwkProgram {
    public static func effects(of program: String) throws(AwkProgramError) -> AwkProgramEffects {
        var lexer = Lexer(bytes: Array(program.utf8))
        let tokens = try lexer.readAll()
        return analyze(tokens)
    }

    enum Token: Equatable {
        case word(String)
        /// A string constant; nil when it holds an escape other than `\\`, `\"` and `\/`.
        case string(String?)
        case number(String)
        case regex
        /// A newline that ends a statement (awk ignores one after `,`, `{`, `&&`, `||`, `do`, `else`).
        case newline
        case symbol(String)
    }

    static func analyze(_ tokens: [Token]) -> AwkProgramEffects {
        var effects = AwkProgramEffects()
        var index = 0
        /// Where the print statement being read stands: nil outside one, else its bracket depth.
        var printDepth: Int?
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            switch token {
            case .word("system"):
                effects.runsCommands = true
                if index + 2 < tokens.count, tokens[index] == .symbol("("), case .string(let command?) = tokens[index + 1], tokens[index + 2] == .symbol(")") {
                    effects.commandLines.append(command)
                } else {
                    effects.computesCommands = true
                }
            case .word("print"), .word("printf"):
                printDepth = 0
            case .symbol("|"), .symbol("|&"):
                effects.runsCommands = true
                if let command = constantCommand(aroundPipeAt: index - 1, tokens) {
                    effects.commandLines.append(command)
                } else {
                    effects.computesCommands = true
                }
            case .symbol("@"):
                if index < tokens.count, tokens[index] == .word("namespace") { break }
                effects.usesIndirection = true
            case .symbol("("), .symbol("["):
                if let depth = printDepth { printDepth = depth + 1 }
            case .symbol(")"), .symbol("]"):
                if let depth = printDepth { printDepth = max(0, depth - 1) }
            case .symbol(";"), .symbol("}"), .symbol("{"), .newline:
                printDepth = nil
            case .symbol(">"), .symbol(">>"):
                // Outside brackets in a print statement, `>` redirects; everywhere else it compares.
                guard printDepth == 0 else { break }
                // The target runs to the end of the statement. Its tokens are left for this loop to
                // visit, so a pipe or `system` inside it counts like any other.
                var end = index
                var depth = 0
                while end < tokens.count {
                    switch tokens[end] {
                    case .symbol("("), .symbol("["): depth += 1
                    case .symbol(")"), .symbol("]"): depth -= 1
                    default: break
                    }
                    if depth <= 0, [.symbol(";"), .symbol("}"), .newline].contains(tokens[end]) { break }
                    end += 1
                }
                var path: String?
                if end - index == 1, case .string(let constant) = tokens[index] { path = constant }
                effects.outputFiles.append(AwkOutputFile(path: path, appends: token == .symbol(">>")))
                printDepth = nil
            default:
                break
            }
        }
        effects.printsEveryRecord = printsEveryRecord(tokens)
        effects.removesText = removesText(tokens)
        return effects
    }

    /// The command of a pipe when one string constant is all of it: `print … | "cmd"` (the string
    /// ends the statement) or `"cmd" | getline` (the string is the whole left operand).
    static func constantCommand(aroundPipeAt pipe: Int, _ tokens: [Token]) -> String? {
        let ends: [Token] = [.symbol(";"), .symbol("}"), .newline]
        if pipe + 1 < tokens.count, case .string(let command?) = tokens[pipe + 1], pipe + 2 == tokens.count || ends.contains(tokens[pipe + 2]) {
            return command
        }
        if pipe >= 1, case .string(let command?) = tokens[pipe - 1], pipe + 1 < tokens.count, tokens[pipe + 1] == .word("getline") {
            let starts: [Token] = [.symbol("("), .symbol(";"), .symbol("{"), .symbol("}"), .symbol("&&"), .symbol("||"), .symbol("!"), .newline]
            if pipe == 1 || starts.contains(tokens[pipe - 2]) { return command }
        }
        return nil
    }

    /// See `AwkProgramEffects.removesText`.
    static func removesText(_ tokens: [Token]) -> Bool {
        for index in tokens.indices {
            switch tokens[index] {
            case .word("sub"), .word("gsub"), .word("gensub"):
                // The replacement is the second argument: after the first top-level comma.
                guard index + 1 < tokens.count, tokens[index + 1] == .symbol("(") else { continue }
                var depth = 0
                var argument = index + 2
                while argument < tokens.count {
                    if tokens[argument] == .symbol("(") || tokens[argument] == .symbol("[") { depth += 1 }
                    if tokens[argument] == .symbol(")") || tokens[argument] == .symbol("]") {
                        if depth == 0 { break }
                        depth -= 1
                    }
                    if depth == 0, tokens[argument] == .symbol(",") {
                        if argument + 1 < tokens.count, tokens[argument + 1] == .string("") { return true }
                        break
                    }
                    argument += 1
                }
            case .symbol("="):
                // `$N = ""` or `$0 = ""`: the `$` and its operand just before.
                if index + 1 < tokens.count, tokens[index + 1] == .string(""), index >= 2, tokens[index - 2] == .symbol("$") { return true }
            default:
                continue
            }
        }
        return false
    }

    /// See `AwkProgramEffects.printsEveryRecord`: the idioms `{…; print}`, `{print $0}` and `1`
    /// as the program's last item.
    static func printsEveryRecord(_ tokens: [Token]) -> Bool {
        for token in tokens {
            if case .word(let word) = token, word == "next" || word == "nextfile" || word == "exit" || word == "getline" { return false }
        }
        func endsStatement(_ index: Int) -> Bool {
            index >= tokens.count || tokens[index] == .symbol(";") || tokens[index] == .symbol("}") || tokens[index] == .newline
        }
        var depth = 0
        var atItemStart = true
        var blockIsUnconditional = false
        var printsInLastItem = false
        /// `BEGIN`, `END` and their file-wise kin: their actions do not run per record, so an
        /// `END` block after the printing rule leaves it the last that matters.
        var inSpecialItem = false
        for index in tokens.indices {
            let token = tokens[index]
            switch token {
            case .symbol("{"):
                if depth == 0 {
                    blockIsUnconditional = atItemStart
                    if atItemStart { inSpecialItem = false }
                    if !inSpecialItem { printsInLastItem = false }
                }
                depth += 1
                atItemStart = false
                continue
            case .symbol("}"):
                depth = max(0, depth - 1)
                if depth == 0 { atItemStart = true }
                continue
            case .symbol(";"), .newline:
                if depth == 0 { atItemStart = true }
                continue
            case .number(let text) where depth == 0 && atItemStart:
                // A constant pattern alone: true unless it is zero.
                inSpecialItem = false
                printsInLastItem = endsStatement(index + 1) && (Double(text).map { $0 != 0 } ?? false)
            case .word("BEGIN"), .word("END"), .word("BEGINFILE"), .word("ENDFILE"):
                if depth == 0 && atItemStart { inSpecialItem = true }
            case .word("print") where depth == 1 && blockIsUnconditional:
                // A statement of its own (not the body of an `if` or a loop), printing `$0` to
                // standard output: `print` or `print $0`, nothing after it in the statement.
                let previous = index > 0 ? tokens[index - 1] : .newline
                guard previous == .symbol("{") || previous == .symbol(";") || previous == .newline else { break }
                if endsStatement(index + 1) {
                    printsInLastItem = true
                } else if index + 2 < tokens.count, tokens[index + 1] == .symbol("$"), tokens[index + 2] == .number("0"), endsStatement(index + 3) {
                    printsInLastItem = true
                }
            default:
                if depth == 0 && atItemStart {
                    inSpecialItem = false
                    printsInLastItem = false
                }
            }
            if depth == 0 { atItemStart = false }
        }
        return printsInLastItem
    }

    struct Lexer {
        let bytes: [UInt8]
        var index = 0
        var tokens: [Token] = []

        init(bytes: [UInt8]) { self.bytes = bytes }

        func failure(_ message: String) -> AwkProgramError { AwkProgramError(message: message, offset: index) }

        func peek(_ offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

        /// Where awk expects an operand, so that `/` opens a regular expression rather than dividing.
        var expectsOperand: Bool {
            switch tokens.last {
            case nil, .newline?: return true
            case .word(let word)?: return ["print", "printf", "return", "case", "do", "else"].contains(word)
            case .number?, .string?, .regex?: return false
            case .symbol(let symbol)?: return ![")", "]", "++", "--"].contains(symbol)
            }
        }

        /// Whether a newline here ends a statement.
        var newlineEndsStatement: Bool {
            switch tokens.last {
            case nil, .newline?: return false
            case .word(let word)?: return word != "do" && word != "else"
            case .symbol(let symbol)?: return ![",", "{", "&&", "||", ";"].contains(symbol)
            default: return true
            }
        }

        static let twoByteSymbols: Set<String> = ["||", "&&", "|&", ">>", ">=", "<=", "==", "!=", "!~", "++", "--", "+=", "-=", "*=", "/=", "%=", "^=", "**", "::"]

        mutating func readAll() throws(AwkProgramError) -> [Token] {
            while let byte = peek(index) {
                switch byte {
                case 0x20, 0x09, 0x0D, 0x0C:
                    index += 1
                case 0x0A:
                    if newlineEndsStatement { tokens.append(.newline) }
                    index += 1
                case UInt8(ascii: "\\"):
                    // A backslash outside strings only continues the line.
                    if peek(index + 1) == 0x0A {
                        index += 2
                    } else if peek(index + 1) == 0x0D, peek(index + 2) == 0x0A {
                        index += 3
                    } else {
                        throw failure("a backslash outside a string")
                    }
                case UInt8(ascii: "#"):
                    while let next = peek(index), next != 0x0A { index += 1 }
                case UInt8(ascii: "\""):
                    tokens.append(.string(try readString()))
                case UInt8(ascii: "/") where expectsOperand:
                    try skipRegularExpression()
                    tokens.append(.regex)
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    readNumber()
                case UInt8(ascii: ".") where (peek(index + 1).map { $0 >= 0x30 && $0 <= 0x39 } ?? false):
                    readNumber()
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
                    let start = index
                    while let next = peek(index), Self.isWordByte(next) { index += 1 }
                    tokens.append(.word(String(decoding: bytes[start..<index], as: UTF8.self)))
                case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"),
                     UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "$"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: "!"),
                     UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "/"),
                     UInt8(ascii: "%"), UInt8(ascii: "^"), UInt8(ascii: "="), UInt8(ascii: "~"), UInt8(ascii: "|"), UInt8(ascii: "&"),
                     UInt8(ascii: "@"):
                    if let next = peek(index + 1) {
                        let pair = String(decoding: [byte, next], as: UTF8.self)
                        if Self.twoByteSymbols.contains(pair) {
                            tokens.append(.symbol(pair))
                            index += 2
                            continue
                        }
                    }
                    tokens.append(.symbol(String(decoding: [byte], as: UTF8.self)))
                    index += 1
                default:
                    throw failure("unexpected character")
                }
            }
            return tokens
        }

        static func isWordByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
        }

        mutating func readNumber() {
            let start = index
            while let byte = peek(index) {
                if Self.isWordByte(byte) || byte == UInt8(ascii: ".") {
                    index += 1
                } else if (byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")), let previous = peek(index - 1),
                          previous == UInt8(ascii: "e") || previous == UInt8(ascii: "E")
                {
                    index += 1
                } else {
                    break
                }
            }
            tokens.append(.number(String(decoding: bytes[start..<index], as: UTF8.self)))
        }

        /// A string constant, its value when the only escapes are `\\`, `\"` and `\/`.
        mutating func readString() throws(AwkProgramError) -> String? {
            index += 1
            var value: [UInt8] = []
            var isPlain = true
            while let byte = peek(index) {
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return isPlain ? String(decoding: value, as: UTF8.self) : nil
                case UInt8(ascii: "\\"):
                    guard let escaped = peek(index + 1) else { throw failure("unterminated string") }
                    if escaped == UInt8(ascii: "\\") || escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "/") {
                        value.append(escaped)
                    } else {
                        isPlain = false
                    }
                    index += 2
                case 0x0A:
                    throw failure("a newline in a string")
                default:
                    value.append(byte)
                    index += 1
                }
            }
            throw failure("unterminated string")
        }

        /// Skips `/regex/`: escapes, and bracket expressions in which `/` is an ordinary character.
        mutating func skipRegularExpression() throws(AwkProgramError) {
            index += 1
            var inBracket = false
            while let byte = peek(index) {
                switch byte {
                case UInt8(ascii: "\\"):
                    index += 2
                    continue
                case 0x0A:
                    throw failure("a newline in a regular expression")
                case UInt8(ascii: "["):
                    if inBracket {
                        // `[:alpha:]`, `[.x.]`, `[=x=]` inside a bracket expression.
                        if let kind = peek(index + 1), kind == UInt8(ascii: ":") || kind == UInt8(ascii: ".") || kind == UInt8(ascii: "=") {
                            index += 2
                            while let inner = peek(index), !(inner == kind && peek(index + 1) == UInt8(ascii: "]")) {
                                if inner == 0x0A { throw failure("a newline in a regular expression") }
                                index += 1
                            }
                            index += 2
                            continue
                        }
                    } else {
                        inBracket = true
                        index += 1
                        // A `]` first in the list (after an optional `^`) is a member, not the end.
                        if peek(index) == UInt8(ascii: "^") { index += 1 }
                        if peek(index) == UInt8(ascii: "]") { index += 1 }
                        continue
                    }
                case UInt8(ascii: "]"):
                    inBracket = false
                case UInt8(ascii: "/"):
                    if !inBracket {
                        index += 1
                        return
                    }
                default:
                    break
                }
                index += 1
            }
            throw failure("unterminated regular expression")
        }
    }
}
