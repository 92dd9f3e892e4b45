import InterlockCore
import Yams

/// Walks a composed YAML document, turning shape errors into positioned diagnostics.
///
/// Every accessor reports its own error and returns nil, so a loader can carry on and report every
/// problem in one pass instead of stopping at the first.
package final class YAMLReader {
    package let file: String
    package private(set) var diagnostics: [PolicyDiagnostic] = []

    package init(file: String) {
        self.file = file
    }

    package struct Entry {
        package var key: String
        package var keyNode: Node
        package var value: Node
    }

    package func location(_ node: Node?) -> SourceLocation {
        let mark = node?.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    package func error(_ node: Node?, _ message: String, hint: String? = nil) {
        diagnostics.append(PolicyDiagnostic(.error, location(node), message, hint: hint))
    }

    package func warning(_ node: Node?, _ message: String, hint: String? = nil) {
        diagnostics.append(PolicyDiagnostic(.warning, location(node), message, hint: hint))
    }

    func append(_ diagnostic: PolicyDiagnostic) {
        diagnostics.append(diagnostic)
    }

    package var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Parses YAML text into a node, or reports why it cannot.
    package func compose(_ text: String) -> Node? {
        do {
            // Scalars are read as text and typed by the reader, so the default resolver's tag
            // rules (regular expressions, costly to set up on every short-lived hook process) are
            // not needed, nor the default constructor's tables (composing constructs nothing);
            // the encoding is named so that Yams does not copy the environment to look for one.
            guard let node = try Yams.compose(yaml: text, .basic, Constructor([:], [:], [:]), .utf8) else {
                diagnostics.append(PolicyDiagnostic(.error, SourceLocation(file: file, line: 1, column: 1), "the document is empty"))
                return nil
            }
            return node
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                diagnostics.append(PolicyDiagnostic(.error, SourceLocation(file: file, line: mark.line, column: mark.column), "invalid YAML: \(problem)"))
            case .duplicatedKeysInMapping(let duplicates, let context):
                for key in duplicates.sorted() {
                    let mark = Self.secondOccurrence(of: key, in: text) ?? (context.mark.line, context.mark.column)
                    diagnostics.append(
                        PolicyDiagnostic(
                            .error, SourceLocation(file: file, line: mark.0, column: mark.1),
                            "duplicate key `\(key)` in a mapping", hint: "each key may appear once"))
                }
            case .reader(let problem, _, _, _):
                diagnostics.append(PolicyDiagnostic(.error, SourceLocation(file: file, line: 1, column: 1), "unreadable YAML: \(problem)"))
            default:
                diagnostics.append(PolicyDiagnostic(.error, SourceLocation(file: file, line: 1, column: 1), "invalid YAML"))
            }
            return nil
        } catch {
            diagnostics.append(PolicyDiagnostic(.error, SourceLocation(file: file, line: 1, column: 1), "invalid YAML"))
            return nil
        }
    }

    /// Where a key appears for the second time at the same indentation: the duplicate the YAML
    /// parser refused. The parser itself reports only the mapping, not the key.
    static func secondOccurrence(of key: String, in text: String) -> (Int, Int)? {
        var firstIndent: Int?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indent = line.prefix { $0 == " " }.count
            var rest = line.dropFirst(indent)
            if rest.hasPrefix("- ") { rest = rest.dropFirst(2) }
            guard rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") else { continue }
            let column = line.count - rest.count + 1
            if let first = firstIndent {
                if first == column { return (index + 1, column) }
            } else {
                firstIndent = column
            }
        }
        return nil
    }

    /// The entries of a mapping whose keys are all in `allowed`; reports unknown and duplicate keys.
    package func mapping(_ node: Node, _ what: String, allowed: [String]? = nil) -> [Entry]? {
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) must be a mapping of keys to values, found \(describe(node))")
            return nil
        }
        var seen: Set<String> = []
        var entries: [Entry] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                error(keyNode, "keys in \(what) must be plain names")
                continue
            }
            let key = scalar.string
            if !seen.insert(key).inserted {
                error(keyNode, "duplicate key `\(key)` in \(what)", hint: "each key may appear once")
                continue
            }
            if let allowed, !allowed.contains(key) {
                let fix = suggestion(for: key, among: allowed).map { "did you mean `\($0)`?" } ?? "expected one of \(allowed.joined(separator: ", "))"
                error(keyNode, "unknown key `\(key)` in \(what)", hint: fix)
                continue
            }
            entries.append(Entry(key: key, keyNode: keyNode, value: value))
        }
        return entries
    }

    package func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): s.string.isEmpty ? "an empty value" : "`\(s.string)`"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    package func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error(node, "\(what) must be a single value, found \(describe(node))")
            return nil
        }
        return scalar.string
    }

    package func nonEmptyString(_ node: Node, _ what: String) -> String? {
        guard let s = string(node, what) else { return nil }
        if s.allSatisfy(\.isWhitespace) {
            error(node, "\(what) must not be empty")
            return nil
        }
        return s
    }

    /// A list of values; a single scalar is accepted as a list of one. An empty list is an error,
    /// because a condition over an empty list would match nothing.
    package func list(_ node: Node, _ what: String) -> [(String, Node)]? {
        switch node {
        case .scalar(let s):
            if s.string.isEmpty {
                error(node, "\(what) is empty and would match nothing", hint: "remove the key to match anything")
                return nil
            }
            return [(s.string, node)]
        case .sequence(let seq):
            if seq.isEmpty {
                error(node, "\(what) is an empty list and would match nothing", hint: "remove the key to match anything")
                return nil
            }
            var out: [(String, Node)] = []
            for item in seq {
                guard case .scalar(let s) = item else {
                    error(item, "items of \(what) must be single values, found \(describe(item))")
                    continue
                }
                out.append((s.string, item))
            }
            return out
        default:
            error(node, "\(what) must be a value or a list of values, found \(describe(node))")
            return nil
        }
    }

    package func int(_ node: Node, _ what: String, minimum: Int) -> Int? {
        guard let s = string(node, what) else { return nil }
        guard let n = Int(s) else {
            error(node, "\(what) must be a whole number, found `\(s)`")
            return nil
        }
        guard n >= minimum else {
            error(node, "\(what) must be at least \(minimum), found \(n)")
            return nil
        }
        return n
    }

    package func double(_ node: Node, _ what: String) -> Double? {
        guard let s = string(node, what) else { return nil }
        guard let n = Double(s), n.isFinite, n >= 0 else {
            error(node, "\(what) must be a non-negative number, found `\(s)`")
            return nil
        }
        return n
    }

    /// `30s`, `15m`, `1h30m`, `2d` → seconds.
    package func duration(_ node: Node, _ what: String) -> Int? {
        guard let s = string(node, what) else { return nil }
        guard let seconds = parseDuration(s) else {
            error(node, "\(what) `\(s)` is not a duration", hint: "write a number with a unit, e.g. `30m`, `1h` or `90s`")
            return nil
        }
        guard seconds > 0 else {
            error(node, "\(what) must be longer than zero")
            return nil
        }
        return seconds
    }

    func glob(_ text: String, _ node: Node, separator: Glob.Separator, _ what: String) -> Glob? {
        do {
            return try Glob(text, separator: separator)
        } catch {
            let column = (node.mark?.column ?? 1) + (isQuoted(node) ? 1 : 0) + error.offset
            let loc = SourceLocation(file: file, line: node.mark?.line ?? 1, column: column)
            diagnostics.append(PolicyDiagnostic(.error, loc, "bad pattern `\(text)` in \(what): \(error.message)"))
            return nil
        }
    }

    func globSet(_ node: Node, separator: Glob.Separator, _ what: String) -> GlobSet? {
        guard let items = list(node, what) else { return nil }
        let globs = items.compactMap { glob($0.0, $0.1, separator: separator, what) }
        return globs.count == items.count ? GlobSet(globs) : nil
    }

    private func isQuoted(_ node: Node) -> Bool {
        if case .scalar(let s) = node { return s.style == .singleQuoted || s.style == .doubleQuoted }
        return false
    }

    func enumValue<T: RawRepresentable & CaseIterable>(_ node: Node, _ what: String, _ type: T.Type) -> T? where T.RawValue == String {
        guard let s = string(node, what) else { return nil }
        return enumValue(s, node, what, type)
    }

    func enumValue<T: RawRepresentable & CaseIterable>(_ s: String, _ node: Node, _ what: String, _ type: T.Type) -> T? where T.RawValue == String {
        if let v = T(rawValue: s) { return v }
        let names = T.allCases.map(\.rawValue)
        let fix = suggestion(for: s, among: names).map { "did you mean `\($0)`?" } ?? "expected one of \(names.joined(separator: ", "))"
        error(node, "unknown \(what) `\(s)`", hint: fix)
        return nil
    }
}

/// Parses `30s`, `15m`, `1h30m`, `2d` into seconds; nil when malformed.
public func parseDuration(_ text: String) -> Int? {
    var total = 0
    var number = 0
    var haveDigits = false
    var sawUnit = false
    for c in text.utf8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            number = number * 10 + Int(c - UInt8(ascii: "0"))
            if number > 10_000_000 { return nil }
            haveDigits = true
        case UInt8(ascii: "s"), UInt8(ascii: "m"), UInt8(ascii: "h"), UInt8(ascii: "d"):
            guard haveDigits else { return nil }
            let unit = c == UInt8(ascii: "s") ? 1 : c == UInt8(ascii: "m") ? 60 : c == UInt8(ascii: "h") ? 3600 : 86400
            total += number * unit
            number = 0
            haveDigits = false
            sawUnit = true
        default:
            return nil
        }
    }
    return sawUnit && !haveDigits ? total : nil
}
