/// A compiled glob pattern.
///
/// Syntax: `*` matches any run of characters except the separator; `**` matches any run including
/// it; `?` matches one character other than the separator; `[abc]`, `[a-z]` and `[!abc]` match one
/// character from (or not from) a set; `\x` matches `x` literally. Everything else is literal.
/// Operation patterns use `:` as the separator (`aws:*:Delete*`), paths and targets use `/`
/// (`/srv/**`), and names use none.
///
/// Matching works on bytes of UTF-8: a `?` or a set matches one byte, so they are meant for ASCII
/// text, which is what operations, ids and paths in policies are in practice.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public enum Separator: UInt8, Sendable {
        case colon = 58  // ':'
        case slash = 47  // '/'
        case none = 0
    }

    public let pattern: String
    let separator: Separator
    let program: Program

    enum Program: Sendable, Hashable {
        /// Matches everything (`**`, or `*` without a separator).
        case any
        case literal([UInt8])
        case prefix([UInt8])  // literal followed by an unrestricted tail
        case general([Token])
    }

    enum Token: Sendable, Hashable {
        case literal([UInt8])
        case star  // any run without the separator
        case globstar  // any run
        case one  // any single byte except the separator
        case set(negated: Bool, ranges: [ClosedRange<UInt8>])
    }

    public struct SyntaxError: Error, Sendable, Hashable {
        public var offset: Int
        public var message: String
    }

    public var description: String { pattern }

    public init(_ pattern: String, separator: Separator) throws(SyntaxError) {
        self.pattern = pattern
        self.separator = separator
        let tokens = try Glob.tokenize(Array(pattern.utf8), separator: separator)
        self.program = Glob.compile(tokens, separator: separator)
    }

    public var isLiteral: Bool {
        if case .literal = program { return true }
        return false
    }

    static func tokenize(_ p: [UInt8], separator: Separator) throws(SyntaxError) -> [Token] {
        if p.isEmpty { throw SyntaxError(offset: 0, message: "empty pattern matches nothing") }
        var tokens: [Token] = []
        var literal: [UInt8] = []
        func flush() {
            if !literal.isEmpty {
                tokens.append(.literal(literal))
                literal = []
            }
        }
        var i = 0
        while i < p.count {
            let c = p[i]
            switch c {
            case UInt8(ascii: "*"):
                flush()
                var run = 0
                while i < p.count && p[i] == UInt8(ascii: "*") {
                    run += 1
                    i += 1
                }
                if run > 2 { throw SyntaxError(offset: i - run, message: "`\(String(repeating: "*", count: run))` is not a pattern; use `*` or `**`") }
                let token: Token = (run == 2 || separator == .none) ? .globstar : .star
                if tokens.last != token { tokens.append(token) }
                continue
            case UInt8(ascii: "?"):
                flush()
                tokens.append(.one)
            case UInt8(ascii: "["):
                flush()
                let start = i
                i += 1
                var negated = false
                if i < p.count && (p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^")) {
                    negated = true
                    i += 1
                }
                var ranges: [ClosedRange<UInt8>] = []
                var first = true
                while i < p.count && (p[i] != UInt8(ascii: "]") || first) {
                    first = false
                    var lo = p[i]
                    if lo == UInt8(ascii: "\\") && i + 1 < p.count {
                        i += 1
                        lo = p[i]
                    }
                    if i + 2 < p.count && p[i + 1] == UInt8(ascii: "-") && p[i + 2] != UInt8(ascii: "]") {
                        let hi = p[i + 2]
                        if hi < lo { throw SyntaxError(offset: i, message: "range `\(Character(Unicode.Scalar(lo)))-\(Character(Unicode.Scalar(hi)))` is reversed") }
                        ranges.append(lo...hi)
                        i += 3
                    } else {
                        ranges.append(lo...lo)
                        i += 1
                    }
                }
                if i >= p.count { throw SyntaxError(offset: start, message: "`[` is never closed; write `\\[` for a literal bracket") }
                tokens.append(.set(negated: negated, ranges: ranges))
            case UInt8(ascii: "\\"):
                guard i + 1 < p.count else { throw SyntaxError(offset: i, message: "pattern ends with a lone `\\`") }
                literal.append(p[i + 1])
                i += 1
            default:
                literal.append(c)
            }
            i += 1
        }
        flush()
        return tokens
    }

    static func compile(_ tokens: [Token], separator: Separator) -> Program {
        if tokens == [.globstar] { return .any }
        if tokens.count == 1, case .literal(let l) = tokens[0] { return .literal(l) }
        if tokens.count == 2, case .literal(let l) = tokens[0], tokens[1] == .globstar { return .prefix(l) }
        return .general(tokens)
    }

    /// Whether the glob matches; nil when matching ran out of its backtracking budget and the
    /// answer is not known (callers fail closed on nil).
    public func matches(_ text: String) -> Bool? {
        var text = text
        return text.withUTF8 { matches(bytes: $0) }
    }

    public func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        Glob.run(program, separator: separator.rawValue, bytes)
    }

    static func run(_ program: Program, separator: UInt8, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch program {
        case .any:
            return true
        case .literal(let l):
            return bytes.count == l.count && l.withUnsafeBufferPointer { memEqual($0, bytes, from: 0) }
        case .prefix(let l):
            return bytes.count >= l.count && l.withUnsafeBufferPointer { memEqual($0, bytes, from: 0) }
        case .general(let tokens):
            var budget = Glob.backtrackingBudget
            let matched = Glob.match(tokens, 0, bytes, 0, separator: separator, budget: &budget)
            return budget < 0 ? nil : matched
        }
    }

    /// Bounds backtracking so that no pattern/text pair takes unbounded time.
    static let backtrackingBudget = 100_000

    private static func match(_ tokens: [Token], _ ti: Int, _ s: UnsafeBufferPointer<UInt8>, _ si: Int, separator: UInt8, budget: inout Int) -> Bool {
        budget -= 1
        if budget < 0 { return false }
        var ti = ti
        var si = si
        while ti < tokens.count {
            switch tokens[ti] {
            case .literal(let l):
                guard s.count - si >= l.count, l.withUnsafeBufferPointer({ memEqual($0, s, from: si) }) else { return false }
                si += l.count
            case .one:
                guard si < s.count, separator == 0 || s[si] != separator else { return false }
                si += 1
            case .set(let negated, let ranges):
                guard si < s.count else { return false }
                let c = s[si]
                let inSet = ranges.contains { $0.contains(c) }
                guard inSet != negated else { return false }
                si += 1
            case .star, .globstar:
                let crossesSeparator = tokens[ti] == .globstar || separator == 0
                if ti == tokens.count - 1 {
                    if crossesSeparator { return true }
                    return !s[si...].contains(separator)
                }
                var k = si
                while true {
                    if match(tokens, ti + 1, s, k, separator: separator, budget: &budget) { return true }
                    if k >= s.count { return false }
                    if !crossesSeparator && s[k] == separator { return false }
                    k += 1
                }
            }
            ti += 1
        }
        return si == s.count
    }
}

@inline(__always)
private func memEqual(_ literal: UnsafeBufferPointer<UInt8>, _ s: UnsafeBufferPointer<UInt8>, from offset: Int) -> Bool {
    var i = 0
    while i < literal.count {
        if literal[i] != s[offset + i] { return false }
        i += 1
    }
    return true
}

/// A list of globs that matches when any of them does.
public struct GlobSet: Sendable, Hashable {
    public let globs: [Glob]

    public init(_ globs: [Glob]) {
        self.globs = globs
    }

    /// True when any glob matches, false when none does, nil when none matched and at least one
    /// could not be decided.
    public func matches(_ text: String) -> Bool? {
        GlobSet.anyMatches(text, count: globs.count) { globs[$0].matches(bytes: $1) }
    }

    /// The any/none/undecided combination shared by every set of globs: `match(i, bytes)` runs the
    /// i-th glob on the text's UTF-8 bytes.
    @inline(__always)
    static func anyMatches(_ text: String, count: Int, _ match: (Int, UnsafeBufferPointer<UInt8>) -> Bool?) -> Bool? {
        var text = text
        return text.withUTF8 { bytes in
            var undecided = false
            for i in 0..<count {
                switch match(i, bytes) {
                case true?: return true
                case nil: undecided = true
                case false?: break
                }
            }
            return undecided ? nil : false
        }
    }

    public var patterns: [String] { globs.map(\.pattern) }
}
