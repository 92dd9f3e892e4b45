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

    public init(runsCommands: Bool = false, writtenFiles: [String] = [], readsFiles: Bool = false) {
        self.runsCommands = runsCommands
        self.writtenFiles = writtenFiles
        self.readsFiles = readsFiles
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
        try reader.readScript()
        return reader.effects
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0
        var effects = SedScriptEffects()
        var blockDepth = 0
        var labels: Set<[UInt8]> = []
        var jumps: [(label: [UInt8], offset: Int)] = []

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
            if try readAddress() {
                addresses = 1
                skipBlanks()
                if current == UInt8(ascii: ",") {
                    addresses = 2
                    index += 1
                    skipBlanks()
                    if current == UInt8(ascii: "+") || current == UInt8(ascii: "~") {
                        index += 1
                        guard readDigits() else { throw failure("expected a number after `+` or `~` in an address") }
                    } else if try !readAddress() {
                        throw failure("expected a second address after `,`")
                    }
                }
            }
            skipBlanks()
            while current == UInt8(ascii: "!") {
                index += 1
                skipBlanks()
            }
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
                return
            case UInt8(ascii: "}"):
                blockDepth -= 1
                guard blockDepth >= 0 else { throw failure("unexpected `}`") }
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
                if try readSubstitution() == .tookTheRestOfTheLine { return }
            case UInt8(ascii: "y"):
                let delimiter = try readDelimiter()
                try skipDelimited(by: delimiter)
                try skipDelimited(by: delimiter)
            case UInt8(ascii: "l"), UInt8(ascii: "L"), UInt8(ascii: "q"), UInt8(ascii: "Q"):
                skipBlanks()
                _ = readDigits()
            case UInt8(ascii: "="), UInt8(ascii: "d"), UInt8(ascii: "D"), UInt8(ascii: "g"), UInt8(ascii: "G"), UInt8(ascii: "h"),
                 UInt8(ascii: "H"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "p"), UInt8(ascii: "P"), UInt8(ascii: "x"),
                 UInt8(ascii: "z"), UInt8(ascii: "F"):
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

        /// A line number, `first~step`, `$`, `/regex/` or `\cregexc` with its `I`/`M` flags. False when there is none.
        mutating func readAddress() throws(SedScriptError) -> Bool {
            guard let byte = current else { return false }
            if byte == UInt8(ascii: "$") {
                index += 1
                return true
            }
            if readDigits() {
                if current == UInt8(ascii: "~") {
                    index += 1
                    _ = readDigits()
                }
                return true
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
                return false
            }
            try skipRegularExpression(endingWith: delimiter)
            while let flag = current, flag == UInt8(ascii: "I") || flag == UInt8(ascii: "M") { index += 1 }
            return true
        }

        mutating func readDigits() -> Bool {
            let start = index
            while let byte = current, byte >= 0x30, byte <= 0x39 { index += 1 }
            return index > start
        }

        mutating func readDelimiter() throws(SedScriptError) -> UInt8 {
            guard let delimiter = current, delimiter != 0x0A, delimiter != UInt8(ascii: "\\") else { throw failure("bad delimiter") }
            index += 1
            return delimiter
        }

        /// Skips a regular expression to just past the `delimiter` that ends it. In a bracket
        /// expression the delimiter and a backslash are ordinary characters (`/[/\]/` is one
        /// expression), as GNU sed reads them.
        mutating func skipRegularExpression(endingWith delimiter: UInt8) throws(SedScriptError) {
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
                    if byte == delimiter { return }
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
        mutating func readSubstitution() throws(SedScriptError) -> SubstitutionEnd {
            let delimiter = try readDelimiter()
            try skipRegularExpression(endingWith: delimiter)
            try skipDelimited(by: delimiter)
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
