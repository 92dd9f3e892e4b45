/// What a sed script does besides printing, read the way GNU sed compiles it: the whole script is
/// compiled before the first line of input is read, so a script that does not compile runs nothing,
/// and every file a `w` names is created (emptied) at start-up, whether or not the command is reached.
///
/// The reader is strict where sed is: a command letter it does not know, or characters after a
/// command, make the script unreadable, and the classifier treats unreadable as unknown.
public struct SedScriptEffects: Sendable, Hashable {
    /// `e COMMAND`, or the `e` flag of `s`: the pattern space or the argument runs as a shell command.
    public var runsCommands = false
    /// Files named by `w`, `W` and the `w` flag of `s`, in order.
    public var writtenFiles: [String] = []
    /// `r` or `R`: the script reads a file into the output.
    public var readsFiles = false
    /// Whether the script drops text from its output, which matters when sed edits a file in place.
    public var removal = TextRemoval.none
    /// The script's first line is `#n`, which makes sed print only what the script prints (as `-n` does).
    public var quiet = false

    /// How much of its input a script may leave out of its output.
    public enum TextRemoval: Int, Sendable, Hashable, Comparable {
        case none
        /// Text on the lines an address picks: `/debug/d`, `5d`, `s/ *$//`.
        case addressed
        /// Possibly every line: `d` with no address, `$!d`, `1,$d`, `q`, `s/.*//`.
        case possiblyAll

        public static func < (a: TextRemoval, b: TextRemoval) -> Bool { a.rawValue < b.rawValue }
    }

    public init(runsCommands: Bool = false, writtenFiles: [String] = [], readsFiles: Bool = false, removal: TextRemoval = .none, quiet: Bool = false) {
        self.runsCommands = runsCommands
        self.writtenFiles = writtenFiles
        self.readsFiles = readsFiles
        self.removal = removal
        self.quiet = quiet
    }
}

public struct SedScriptError: Error, Sendable, Hashable {
    public var message: String
    /// Byte offset in the script.
    public var offset: Int
}

public enum SedScript {
    /// Reads a whole script (the `-e` pieces and `-f` files joined by newlines, as sed joins them).
    public static func effects(of script: String) throws(SedScriptError) -> SedScriptEffects {
        var reader = Reader(bytes: Array(script.utf8))
        // `#n` alone on the first line is the script's own `-n` (POSIX; GNU sed reads it so too).
        reader.effects.quiet = script.utf8.starts(with: "#n".utf8) && (script.utf8.count == 2 || script.utf8.dropFirst(2).first == 0x0A)
        try reader.readScript()
        return reader.effects
    }

    /// What an address picks, as far as removal is concerned.
    enum Address {
        case line(Int)
        case last
        case step(first: Int, step: Int)
        /// `/regex/`; `matchesEveryLine` when the expression matches any line (`^`, `.*`, or empty,
        /// which repeats the last expression used and so may be any).
        case pattern(matchesEveryLine: Bool)
        /// The `+N` or `~N` end of a range.
        case relative
    }

    /// Whether the addresses of a command pick only some lines. A negated address picks all but
    /// some, which is taken as all; so are ranges from the first line to the last and a step of 1.
    static func restricts(_ first: Address?, _ second: Address?, negated: Bool) -> Bool {
        guard let first, !negated else { return false }
        guard let second else {
            switch first {
            case .line, .last, .relative: return true
            case .step(_, let step): return step != 1
            case .pattern(let everyLine): return !everyLine
            }
        }
        switch (first, second) {
        case (.line(let n), .last) where n <= 1: return false
        case (.pattern(true), .last): return false
        case (.step(let n, _), .last) where n <= 1: return false
        default: return true
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0
        var effects = SedScriptEffects()
        var blockDepth = 0
        var labels: Set<[UInt8]> = []
        var jumps: [(label: [UInt8], offset: Int)] = []
        /// For each open `{`: whether it, or a block around it, runs only on the lines its address picks.
        var restrictedBlocks: [Bool] = []

        mutating func noteRemoval(restricted: Bool) {
            effects.removal = max(effects.removal, restricted ? .addressed : .possiblyAll)
        }

        init(bytes: [UInt8]) { self.bytes = bytes }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        func failure(_ message: String) -> SedScriptError { SedScriptError(message: message, offset: index) }

        mutating func skipBlanks() {
            while let byte = current, byte == 0x20 || byte == 0x09 { index += 1 }
        }

        mutating func readScript() throws(SedScriptError) {
            while true {
                // Separators between commands: blanks, `;` and newlines.
                while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ";") { index += 1 }
                guard current != nil else { break }
                try readCommand()
            }
            guard blockDepth == 0 else { throw failure("unmatched `{`") }
            // sed refuses a jump to a label the script does not define.
            if let missing = jumps.first(where: { !labels.contains($0.label) }) {
                throw SedScriptError(message: "no label `\(String(decoding: missing.label, as: UTF8.self))`", offset: missing.offset)
            }
        }

        /// A label: the rest of the command up to `;` or the end of the line, without surrounding blanks.
        mutating func readLabel() -> [UInt8] {
            skipBlanks()
            let start = index
            while let byte = current, byte != 0x0A, byte != UInt8(ascii: ";") { index += 1 }
            var end = index
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0D { end -= 1 }
            return Array(bytes[start..<end])
        }

        mutating func readCommand() throws(SedScriptError) {
            var addresses = 0
            var firstAddress: Address?
            var secondAddress: Address?
            if let address = try readAddress() {
                addresses = 1
                firstAddress = address
                skipBlanks()
                if current == UInt8(ascii: ",") {
                    addresses = 2
                    index += 1
                    skipBlanks()
                    if current == UInt8(ascii: "+") || current == UInt8(ascii: "~") {
                        index += 1
                        guard readNumber() != nil else { throw failure("expected a number after `+` or `~` in an address") }
                        secondAddress = .relative
                    } else if let address = try readAddress() {
                        secondAddress = address
                    } else {
                        throw failure("expected a second address after `,`")
                    }
                }
            }
            skipBlanks()
            var negated = false
            while current == UInt8(ascii: "!") {
                index += 1
                negated = true
                skipBlanks()
            }
            let restricted = (restrictedBlocks.last ?? false) || SedScript.restricts(firstAddress, secondAddress, negated: negated)
            guard let letter = current else { throw failure("missing command") }
            index += 1
            if addresses > 0, letter == UInt8(ascii: ":") || letter == UInt8(ascii: "}") || letter == UInt8(ascii: "#") {
                throw failure("`\(String(decoding: [letter], as: UTF8.self))` takes no address")
            }
            if addresses > 1, letter == UInt8(ascii: "q") || letter == UInt8(ascii: "Q") {
                throw failure("`\(String(decoding: [letter], as: UTF8.self))` takes one address at most")
            }
            switch letter {
            case UInt8(ascii: "{"):
                blockDepth += 1
                restrictedBlocks.append(restricted)
                return
            case UInt8(ascii: "}"):
                blockDepth -= 1
                guard blockDepth >= 0 else { throw failure("unexpected `}`") }
                restrictedBlocks.removeLast()
            case UInt8(ascii: "#"):
                skipToEndOfLine()
                return
            case UInt8(ascii: ":"):
                let label = readLabel()
                guard !label.isEmpty else { throw failure("`:` needs a label") }
                labels.insert(label)
                return
            case UInt8(ascii: "b"), UInt8(ascii: "t"), UInt8(ascii: "T"):
                let label = readLabel()
                if !label.isEmpty { jumps.append((label, index)) }
                return
            case UInt8(ascii: "v"):
                _ = readLabel()
                return
            case UInt8(ascii: "a"), UInt8(ascii: "i"), UInt8(ascii: "c"):
                // `c` on every line puts one text in place of the whole input; on lines an
                // address picks it is an edit like `s`.
                if letter == UInt8(ascii: "c"), !restricted { noteRemoval(restricted: false) }
                skipBlanks()
                // GNU sed takes `a` before a newline as empty text, but refuses one that ends the script.
                guard current != nil else { throw failure("`a`, `i` and `c` need text") }
                skipText()
                return
            case UInt8(ascii: "r"), UInt8(ascii: "R"):
                // Reading a file changes nothing; the name is the rest of the line.
                effects.readsFiles = true
                skipToEndOfLine()
                return
            case UInt8(ascii: "w"), UInt8(ascii: "W"):
                effects.writtenFiles.append(try readFileName())
                return
            case UInt8(ascii: "e"):
                // The command is read like the text of `a`, continued by a backslash before a newline.
                effects.runsCommands = true
                skipText()
                return
            case UInt8(ascii: "s"):
                if try readSubstitution(restricted: restricted) == .tookTheRestOfTheLine { return }
            case UInt8(ascii: "y"):
                let delimiter = try readDelimiter()
                try skipDelimited(by: delimiter)
                try skipDelimited(by: delimiter)
            case UInt8(ascii: "q"), UInt8(ascii: "Q"):
                // Quitting leaves every later line out, wherever it happens.
                noteRemoval(restricted: false)
                skipBlanks()
                _ = readNumber()
            case UInt8(ascii: "l"), UInt8(ascii: "L"):
                skipBlanks()
                _ = readNumber()
            case UInt8(ascii: "d"), UInt8(ascii: "D"), UInt8(ascii: "z"), UInt8(ascii: "g"), UInt8(ascii: "x"):
                // Deleting the line, emptying it, or putting the hold space (empty until something
                // is held) in its place.
                noteRemoval(restricted: restricted)
            case UInt8(ascii: "="), UInt8(ascii: "G"), UInt8(ascii: "h"), UInt8(ascii: "H"), UInt8(ascii: "n"), UInt8(ascii: "N"),
                 UInt8(ascii: "p"), UInt8(ascii: "P"), UInt8(ascii: "F"):
                break
            default:
                index -= 1
                throw failure("unknown command `\(String(decoding: [letter], as: UTF8.self))`")
            }
            try expectEndOfCommand()
        }

        /// After a command: blanks, then the end, `;`, a newline, `}` or a comment. sed refuses anything else.
        mutating func expectEndOfCommand() throws(SedScriptError) {
            skipBlanks()
            guard let byte = current else { return }
            switch byte {
            case UInt8(ascii: ";"), 0x0A, 0x0D, UInt8(ascii: "}"), UInt8(ascii: "#"): return
            default: throw failure("extra characters after a command")
            }
        }

        /// A line number, `first~step`, `$`, `/regex/` or `\cregexc` with its `I`/`M` flags; nil when there is none.
        mutating func readAddress() throws(SedScriptError) -> Address? {
            guard let byte = current else { return nil }
            if byte == UInt8(ascii: "$") {
                index += 1
                return .last
            }
            if let line = readNumber() {
                if current == UInt8(ascii: "~") {
                    index += 1
                    return .step(first: line, step: readNumber() ?? 0)
                }
                return .line(line)
            }
            let delimiter: UInt8
            if byte == UInt8(ascii: "/") {
                delimiter = byte
                index += 1
            } else if byte == UInt8(ascii: "\\") {
                index += 1
                guard let custom = current, custom != 0x0A, custom != UInt8(ascii: "\\") else { throw failure("bad regular expression delimiter") }
                delimiter = custom
                index += 1
            } else {
                return nil
            }
            let expression = try readRegularExpression(endingWith: delimiter)
            while let flag = current, flag == UInt8(ascii: "I") || flag == UInt8(ascii: "M") { index += 1 }
            return .pattern(matchesEveryLine: Self.matchesEveryLine(expression))
        }

        /// Expressions that match every line, the empty one (the last expression used) included.
        /// Others are taken to pick some lines; `/./` (every line with text) is among them.
        static func matchesEveryLine(_ expression: ArraySlice<UInt8>) -> Bool {
            var rest = expression
            if rest.first == UInt8(ascii: "^") { rest = rest.dropFirst() }
            if rest.last == UInt8(ascii: "$"), rest.dropLast().last != UInt8(ascii: "\\") { rest = rest.dropLast() }
            // What is left matches the empty string wherever it stands: nothing, or any run of `.*`.
            while rest.starts(with: ".*".utf8) { rest = rest.dropFirst(2) }
            return rest.isEmpty
        }

        /// Whether a replacement puts back what was matched: `&` or a group (`\1`…`\9`).
        static func refersToTheMatch(_ replacement: ArraySlice<UInt8>) -> Bool {
            var escaped = false
            for byte in replacement {
                if escaped {
                    if byte >= 0x30, byte <= 0x39 { return true }
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "&") {
                    return true
                }
            }
            return false
        }

        /// A decimal number (saturating: only its size matters), or nil when there are no digits.
        mutating func readNumber() -> Int? {
            var number: Int?
            while let byte = current, byte >= 0x30, byte <= 0x39 {
                number = min((number ?? 0) &* 10 &+ Int(byte - 0x30), 1 << 40)
                index += 1
            }
            return number
        }

        mutating func readDelimiter() throws(SedScriptError) -> UInt8 {
            guard let delimiter = current, delimiter != 0x0A, delimiter != UInt8(ascii: "\\") else { throw failure("bad delimiter") }
            index += 1
            return delimiter
        }

        /// Reads a regular expression to just past the `delimiter` that ends it and returns it
        /// without the delimiter. In a bracket
        /// expression the delimiter and a backslash are ordinary characters (`/[/\]/` is one
        /// expression), as GNU sed reads them.
        mutating func readRegularExpression(endingWith delimiter: UInt8) throws(SedScriptError) -> ArraySlice<UInt8> {
            let start = index
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\\"):
                    index += 2
                    continue
                case UInt8(ascii: "["):
                    try skipBracketExpression()
                    continue
                case 0x0A:
                    throw failure("unterminated expression")
                default:
                    index += 1
                    if byte == delimiter { return bytes[start..<(index - 1)] }
                }
            }
            throw failure("unterminated expression")
        }

        /// From `[` to just past the `]` that closes it: a `]` first in the list (after an optional
        /// `^`) is a member, and `[:alpha:]`, `[.x.]`, `[=x=]` are read whole.
        mutating func skipBracketExpression() throws(SedScriptError) {
            index += 1
            if current == UInt8(ascii: "^") { index += 1 }
            if current == UInt8(ascii: "]") { index += 1 }
            while let byte = current {
                switch byte {
                case UInt8(ascii: "]"):
                    index += 1
                    return
                case UInt8(ascii: "[") where index + 1 < bytes.count && [UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "=")].contains(bytes[index + 1]):
                    let kind = bytes[index + 1]
                    index += 2
                    while index + 1 < bytes.count, !(bytes[index] == kind && bytes[index + 1] == UInt8(ascii: "]")) {
                        guard bytes[index] != 0x0A else { throw failure("unterminated bracket expression") }
                        index += 1
                    }
                    guard index + 1 < bytes.count else { throw failure("unterminated bracket expression") }
                    index += 2
                case 0x0A:
                    throw failure("unterminated bracket expression")
                default:
                    index += 1
                }
            }
            throw failure("unterminated bracket expression")
        }

        /// Skips to just past the next unescaped `delimiter` on this line: the replacement of `s`
        /// and both lists of `y`, where `[` is an ordinary character.
        mutating func skipDelimited(by delimiter: UInt8) throws(SedScriptError) {
            while let byte = current {
                if byte == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                index += 1
                if byte == delimiter { return }
                // A newline may stand in a replacement only when escaped, which the branch above took.
                if byte == 0x0A && delimiter != 0x0A { throw failure("unterminated expression") }
            }
            throw failure("unterminated expression")
        }

        enum SubstitutionEnd { case atFlags, tookTheRestOfTheLine }

        /// `s<d>regex<d>replacement<d>flags`. Flag `e` runs the result; `w FILE` takes the rest of the line.
        /// An empty replacement removes what the expression matches: all of every line for `.*`.
        mutating func readSubstitution(restricted: Bool) throws(SedScriptError) -> SubstitutionEnd {
            let delimiter = try readDelimiter()
            let expression = try readRegularExpression(endingWith: delimiter)
            let replacementStart = index
            try skipDelimited(by: delimiter)
            let replacement = bytes[replacementStart..<(index - 1)]
            let wholeLine = !restricted && Self.matchesEveryLine(expression)
            if replacement.isEmpty {
                noteRemoval(restricted: !wholeLine)
            } else if wholeLine, !Self.refersToTheMatch(replacement) {
                // Every line replaced by the same text (`s/.*/x/`): nothing of the input is left.
                noteRemoval(restricted: false)
            }
            while let flag = current {
                switch flag {
                case UInt8(ascii: "g"), UInt8(ascii: "p"), UInt8(ascii: "i"), UInt8(ascii: "I"), UInt8(ascii: "m"), UInt8(ascii: "M"),
                     0x30...0x39:
                    index += 1
                case UInt8(ascii: "e"):
                    effects.runsCommands = true
                    index += 1
                case UInt8(ascii: "w"):
                    index += 1
                    effects.writtenFiles.append(try readFileName())
                    return .tookTheRestOfTheLine
                default:
                    return .atFlags
                }
            }
            return .atFlags
        }

        /// A file name: the rest of the line after blanks, `;` and `}` included, as sed reads it.
        mutating func readFileName() throws(SedScriptError) -> String {
            skipBlanks()
            let start = index
            while let byte = current, byte != 0x0A { index += 1 }
            let end = index
            if current == 0x0A { index += 1 }
            guard end > start else { throw failure("missing file name") }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }

        mutating func skipToEndOfLine() {
            while let byte = current, byte != 0x0A { index += 1 }
            if current == 0x0A { index += 1 }
        }

        /// The text of `a`, `i`, `c` and the command of `e`: `a\` then lines, or GNU's one-line
        /// `a text`; a backslash before a newline continues the text.
        mutating func skipText() {
            skipBlanks()
            if current == UInt8(ascii: "\\") {
                index += 1
                skipBlanks()
                if current == 0x0A { index += 1 }
            }
            while let byte = current {
                if byte == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                index += 1
                if byte == 0x0A { return }
            }
        }
    }
}
