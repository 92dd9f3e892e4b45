/// The syntax tree of a shell command line, as POSIX sh and bash read it.
///
/// The tree keeps what decides what will run: every command, every word with its quoting, every
/// expansion that runs code (command, process and arithmetic substitution), every redirection. It
/// drops what does not (the exact spelling of whitespace, comments).

/// A list of pipelines joined by `;`, `&`, `&&`, `||` or newlines.
public struct ShellScript: Sendable, Hashable {
    public var pipelines: [ShellPipeline]

    public init(pipelines: [ShellPipeline] = []) {
        self.pipelines = pipelines
    }
}

/// Commands joined by `|` or `|&`; each reads what the one before it prints.
public struct ShellPipeline: Sendable, Hashable {
    public enum Connector: String, Sendable, Hashable {
        /// `;`, a newline or the end of the list: the next pipeline runs afterwards.
        case sequence
        /// `&`: this pipeline runs in the background.
        case background
        /// `&&`: the next pipeline runs if this one succeeds.
        case and
        /// `||`: the next pipeline runs if this one fails.
        case or
    }

    public var commands: [ShellCommand]
    /// `! pipeline`
    public var negated: Bool
    /// `time pipeline`
    public var timed: Bool
    /// How this pipeline is joined to the next one.
    public var connector: Connector

    public init(commands: [ShellCommand], negated: Bool = false, timed: Bool = false, connector: Connector = .sequence) {
        self.commands = commands
        self.negated = negated
        self.timed = timed
        self.connector = connector
    }
}

public enum ShellCommand: Sendable, Hashable {
    case simple(SimpleCommand)
    case compound(CompoundCommand)
    /// `name() body` or `function name body`.
    case function(name: String, body: CompoundCommand)
}

/// Assignments, words and redirections: `A=1 rm -rf "$dir" 2>/dev/null`.
public struct SimpleCommand: Sendable, Hashable {
    public var assignments: [ShellAssignment]
    /// The command name and its arguments, before expansion.
    public var words: [ShellWord]
    public var redirections: [ShellRedirection]

    public init(assignments: [ShellAssignment] = [], words: [ShellWord] = [], redirections: [ShellRedirection] = []) {
        self.assignments = assignments
        self.words = words
        self.redirections = redirections
    }
}

/// `NAME=value`, `NAME+=value` or `NAME=(a b c)`.
public struct ShellAssignment: Sendable, Hashable {
    public var name: String
    public var value: ShellWord
    /// The elements of an array assignment; nil for a scalar one.
    public var elements: [ShellWord]?
    /// The text between the brackets of `name[subscript]=value`: one element of an array.
    public var index: String?
    /// `name+=value`: the value is added to what the variable holds.
    public var appends: Bool

    public init(name: String, value: ShellWord, elements: [ShellWord]? = nil, index: String? = nil, appends: Bool = false) {
        self.name = name
        self.value = value
        self.elements = elements
        self.index = index
        self.appends = appends
    }
}

public struct CompoundCommand: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case subshell, group, ifClause = "if", forLoop = "for", selectLoop = "select", whileLoop = "while"
        case untilLoop = "until", caseClause = "case", arithmetic, conditional, coprocess = "coproc"
    }

    public var kind: Kind
    /// Every list the construct may run: conditions, branches, loop bodies, case arms.
    public var bodies: [ShellScript]
    /// Words the construct expands: `for` lists, the `case` subject and patterns, `[[ ]]` operands,
    /// the text of `(( ))`.
    public var words: [ShellWord]
    public var redirections: [ShellRedirection]
    /// The variable a `for` or `select` loop assigns each word to.
    public var variable: String?

    public init(kind: Kind, bodies: [ShellScript] = [], words: [ShellWord] = [], redirections: [ShellRedirection] = [], variable: String? = nil) {
        self.kind = kind
        self.bodies = bodies
        self.words = words
        self.redirections = redirections
        self.variable = variable
    }
}

public struct ShellRedirection: Sendable, Hashable {
    public enum Operator: String, Sendable, Hashable {
        case input = "<"
        case output = ">"
        case append = ">>"
        /// `>|`: overwrites even under `set -o noclobber`.
        case clobber = ">|"
        case readWrite = "<>"
        case duplicateInput = "<&"
        case duplicateOutput = ">&"
        /// `&>`: standard output and error to one file.
        case outputAndError = "&>"
        case appendOutputAndError = "&>>"
        case hereDocument = "<<"
        case hereString = "<<<"

        /// Whether the operator writes to its target.
        public var writes: Bool {
            switch self {
            case .output, .append, .clobber, .readWrite, .outputAndError, .appendOutputAndError, .duplicateOutput: true
            case .input, .duplicateInput, .hereDocument, .hereString: false
            }
        }

        /// Whether writing replaces what the target held.
        public var truncates: Bool {
            switch self {
            case .output, .clobber, .outputAndError: true
            default: false
            }
        }
    }

    /// The file descriptor number written before the operator (`2>`), when any.
    public var descriptor: Int?
    public var op: Operator
    /// The file, descriptor or here-document delimiter.
    public var target: ShellWord
    /// The here-document's body. Expansions in it are parsed unless the delimiter was quoted.
    public var hereDocument: ShellWord?

    public init(descriptor: Int? = nil, op: Operator, target: ShellWord, hereDocument: ShellWord? = nil) {
        self.descriptor = descriptor
        self.op = op
        self.target = target
        self.hereDocument = hereDocument
    }
}

/// One shell word before expansion: the pieces it was written in, with their quoting.
public struct ShellWord: Sendable, Hashable {
    /// Most words are one piece (`ls`, `-la`, `'a b'`), held inline: a list per word would be one
    /// allocation more for every word of every command line. Always `one` for a single piece, so
    /// that equal words are stored alike.
    fileprivate enum Storage: Sendable, Hashable {
        case one(ShellWordPart)
        case many([ShellWordPart])
    }

    private var storage: Storage

    public init(_ parts: [ShellWordPart]) {
        storage = parts.count == 1 ? .one(parts[0]) : .many(parts)
    }

    public init(_ part: ShellWordPart) {
        storage = .one(part)
    }

    public static func literal(_ text: String) -> ShellWord { ShellWord(.literal(text)) }

    /// The pieces the word was written in, in order.
    public var parts: Parts { Parts(storage: storage) }

    /// A word's pieces, read in place.
    public struct Parts: RandomAccessCollection, Sendable {
        fileprivate let storage: Storage
        public var startIndex: Int { 0 }
        public var endIndex: Int {
            switch storage {
            case .one: 1
            case .many(let parts): parts.count
            }
        }
        public subscript(position: Int) -> ShellWordPart {
            switch storage {
            case .one(let part):
                precondition(position == 0, "index out of range")
                return part
            case .many(let parts): return parts[position]
            }
        }
    }

    /// The word after quote removal, when it has no expansion: what the command receives.
    /// Brace expansion and globbing are not performed; `hasPattern` says whether they could apply.
    /// One piece of plain or quoted text: nothing in it expands or runs. Most words are; checking
    /// costs a switch where walking the parts would cost a call per piece.
    public var isPlainText: Bool {
        if case .one(let part) = storage {
            switch part {
            case .literal, .quoted: return true
            default: return false
            }
        }
        return false
    }

    public var staticValue: String? {
        switch storage {
        case .one(let part):
            // Most words are one piece of text: that text, without building a copy.
            switch part {
            case .literal(let text), .quoted(let text): return text
            default:
                var out = ""
                return Self.appendStatic(CollectionOfOne(part), to: &out) ? out : nil
            }
        case .many(let parts):
            var out = ""
            return Self.appendStatic(parts, to: &out) ? out : nil
        }
    }

    private static func appendStatic(_ parts: some Collection<ShellWordPart>, to out: inout String) -> Bool {
        for part in parts {
            switch part {
            case .literal(let text), .quoted(let text): out += text
            case .doubleQuoted(let inner): if !appendStatic(inner, to: &out) { return false }
            case .parameter, .commandSubstitution, .arithmetic, .processSubstitution: return false
            }
        }
        return true
    }

    /// True when the word is exactly this unquoted text (how reserved words are recognised).
    public func isUnquoted(_ text: String) -> Bool {
        if case .one(.literal(let literal)) = storage { return literal == text }
        return false
    }

    /// Whether unquoted glob characters, brace expansion or a leading tilde can turn the word into
    /// other words or other paths at run time.
    public var hasPattern: Bool {
        switch storage {
        case .one(let part):
            // Most words: one piece, read in place without walking a collection of pieces.
            guard case .literal(let text) = part else { return false }
            return Self.literalHasPattern(text, first: true)
        case .many(let parts):
            for index in parts.indices {
                guard case .literal(let text) = parts[index] else { continue }
                if Self.literalHasPattern(text, first: index == 0) { return true }
            }
            return false
        }
    }

    private static func literalHasPattern(_ text: String, first: Bool) -> Bool {
        if first && text.utf8.first == UInt8(ascii: "~") { return true }
        return text.utf8.withContiguousStorageIfAvailable(hasPatternCharacters)
            ?? Array(text.utf8).withUnsafeBufferPointer(hasPatternCharacters)
    }

    private static func hasPatternCharacters(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var sawOpenBrace = false
        var sawOpenBracket = false
        for byte in text {
            switch byte {
            case UInt8(ascii: "*"), UInt8(ascii: "?"): return true
            case UInt8(ascii: "["): sawOpenBracket = true
            case UInt8(ascii: "]"): if sawOpenBracket { return true }
            case UInt8(ascii: "{"): sawOpenBrace = true
            case UInt8(ascii: ","), UInt8(ascii: "."): if sawOpenBrace { return true }
            default: break
            }
        }
        return false
    }

    /// Every script the word runs while being expanded, however deeply nested.
    public var substitutions: [ShellScript] {
        var out: [ShellScript] = []
        Self.collectSubstitutions(parts, into: &out)
        return out
    }

    private static func collectSubstitutions(_ parts: some Collection<ShellWordPart>, into out: inout [ShellScript]) {
        for part in parts {
            switch part {
            case .literal, .quoted: break
            case .doubleQuoted(let inner), .arithmetic(let inner): collectSubstitutions(inner, into: &out)
            case .parameter(_, let inner): collectSubstitutions(inner, into: &out)
            case .commandSubstitution(let script), .processSubstitution(let script, _): out.append(script)
            }
        }
    }

    /// The word as text with expansions left in their `$name` form, for messages and targets.
    public var display: String {
        var out = ""
        Self.appendDisplay(parts, to: &out)
        return out
    }

    private static func appendDisplay(_ parts: some Collection<ShellWordPart>, to out: inout String) {
        for part in parts {
            switch part {
            case .literal(let text), .quoted(let text): out += text
            case .doubleQuoted(let inner): appendDisplay(inner, to: &out)
            case .parameter(let name, _): out += "$" + name
            case .commandSubstitution: out += "$(…)"
            case .arithmetic: out += "$((…))"
            case .processSubstitution(_, let isInput): out += isInput ? "<(…)" : ">(…)"
            }
        }
    }
}

public enum ShellWordPart: Sendable, Hashable {
    /// Unquoted text: subject to brace expansion, tilde expansion and globbing.
    case literal(String)
    /// Text that quoting protects: `'..'`, `$'..'` after escape processing, a backslash-escaped character.
    case quoted(String)
    /// `"..."`: its parts, in which parameters are expanded but not split.
    case doubleQuoted([ShellWordPart])
    /// `$name` or `${name...}`; the nested parts are the operator's words (`${x:-$(cmd)}`).
    case parameter(name: String, nested: [ShellWordPart])
    /// `$(...)` or a backtick substitution.
    case commandSubstitution(ShellScript)
    /// `$((...))`.
    case arithmetic([ShellWordPart])
    /// `<(...)` (input) or `>(...)`.
    case processSubstitution(ShellScript, isInput: Bool)

    /// `"$@"` or `"$*"`-like text: double quotes holding `$@`.
    public var isQuotedAllParameters: Bool {
        guard case .doubleQuoted(let inner) = self else { return false }
        return inner.contains { part in
            if case .parameter(let name, _) = part { return name == "@" }
            return false
        }
    }

    /// A parameter or command substitution outside double quotes: its text is split into fields.
    /// (Arithmetic results are numbers and never split with the default `IFS`.)
    public var isUnquotedExpansion: Bool {
        switch self {
        case .parameter, .commandSubstitution: true
        default: false
        }
    }
}

/// Why a command line could not be parsed, and where.
public struct ShellSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// Byte offset into the text.
    public var offset: Int

    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) at byte \(offset)" }
}
